"""Class-based controllers: a resource's actions in one class, their dependencies declared once.

A controller is a subclass of `Controller`; the class keywords configure its router, the route
decorators take the arguments of FastAPI's own (`response_model`, `status_code`, `summary`, ...)::

    class ArticlesController(Controller, prefix="/articles", tags=["articles"]):
        session: SessionDep  # Annotated[AsyncSession, Depends(get_session)]

        @get("/{article_id}", summary="Show one article")
        async def show(self, article_id: int) -> ArticleView:
            return ArticleView.model_validate(await self.session.get(Article, article_id))

    router = ArticlesController.router  # included by app/router.py like any router

- Every class attribute annotated `Annotated[T, Depends(...)]` (or `Security`, `Header`,
  `Query`, `Cookie`, `Path`), its own or inherited, is resolved by FastAPI for each request and set
  on a fresh instance: requests never share one.
- Every decorated method, its own or inherited from a base class or a mixin, is a route of the
  subclass's router, named like the method. A subclass may override the method without repeating
  the decorator (the route stays, the new body answers), or set the name to `None` to drop it.
- Each subclass has a router of its own: the class keywords are not inherited.

A controller is a plain class otherwise: `ArticlesController(session=session)` builds one
directly, for unit tests of its methods without HTTP.
"""

import inspect
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any, ClassVar, TypeVar, get_args, get_origin, get_type_hints

from fastapi import APIRouter, Depends, params

__all__ = ["Controller", "delete", "get", "head", "options", "patch", "post", "put"]

Method = TypeVar("Method", bound=Callable[..., Any])

# Where a decorated method keeps its route until its class is created.
ROUTE_ATTRIBUTE = "__controller_route__"


@dataclass(frozen=True)
class Route:
    """What a route decorator was given: the HTTP method, the path, APIRouter's route options."""

    method: str
    path: str
    options: dict[str, Any]


def _marker(http_method: str, path: str, options: dict[str, Any]) -> Callable[[Method], Method]:
    def mark(method: Method) -> Method:
        setattr(method, ROUTE_ATTRIBUTE, Route(http_method, path, options))
        return method

    return mark


def get(path: str, **arguments: Any) -> Callable[[Method], Method]:
    """Make the method a `GET` route at `path`, with the arguments of `APIRouter.get`."""
    return _marker("GET", path, arguments)


def post(path: str, **arguments: Any) -> Callable[[Method], Method]:
    """Make the method a `POST` route at `path`, with the arguments of `APIRouter.post`."""
    return _marker("POST", path, arguments)


def put(path: str, **arguments: Any) -> Callable[[Method], Method]:
    """Make the method a `PUT` route at `path`, with the arguments of `APIRouter.put`."""
    return _marker("PUT", path, arguments)


def patch(path: str, **arguments: Any) -> Callable[[Method], Method]:
    """Make the method a `PATCH` route at `path`, with the arguments of `APIRouter.patch`."""
    return _marker("PATCH", path, arguments)


def delete(path: str, **arguments: Any) -> Callable[[Method], Method]:
    """Make the method a `DELETE` route at `path`, with the arguments of `APIRouter.delete`."""
    return _marker("DELETE", path, arguments)


def head(path: str, **arguments: Any) -> Callable[[Method], Method]:
    """Make the method a `HEAD` route at `path`, with the arguments of `APIRouter.head`."""
    return _marker("HEAD", path, arguments)


def options(path: str, **arguments: Any) -> Callable[[Method], Method]:
    """Make the method an `OPTIONS` route at `path`, with the arguments of `APIRouter.options`."""
    return _marker("OPTIONS", path, arguments)


class Controller:
    """The base of class-based controllers (see the module's documentation)."""

    router: ClassVar[APIRouter]

    def __init__(self, **dependencies: Any) -> None:
        for name, value in dependencies.items():
            setattr(self, name, value)

    def __init_subclass__(
        cls,
        *,
        prefix: str = "",
        tags: list[str | Enum] | None = None,
        dependencies: Sequence[params.Depends] | None = None,
        **router_options: Any,
    ) -> None:
        super().__init_subclass__()
        cls.router = APIRouter(
            prefix=prefix, tags=tags, dependencies=dependencies, **router_options
        )
        instance = Depends(_instance_factory(cls))
        for name, (route, method) in _routes(cls).items():
            cls.router.add_api_route(
                route.path,
                _endpoint(method, instance),
                methods=[route.method],
                **{"name": name, **route.options},
            )


def _injected(cls: type[Controller]) -> list[inspect.Parameter]:
    """The class attributes FastAPI resolves per request, as keyword-only parameters."""
    injected = []
    for name, hint in get_type_hints(cls, include_extras=True).items():
        markers = get_args(hint)[1:] if get_origin(hint) is Annotated else ()
        if any(isinstance(marker, params.Depends | params.Param) for marker in markers):
            keyword = inspect.Parameter.KEYWORD_ONLY
            injected.append(inspect.Parameter(name, keyword, annotation=hint))
    return injected


def _instance_factory(cls: type[Controller]) -> Callable[..., Any]:
    """The dependency that builds a fresh controller from its resolved class attributes."""

    # A coroutine function, so FastAPI calls it in the event loop, not in a worker thread.
    async def instance(**dependencies: Any) -> Controller:
        return cls(**dependencies)

    instance.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        _injected(cls), return_annotation=cls
    )
    instance.__qualname__ = f"{cls.__qualname__}.<instance>"
    return instance


def _routes(cls: type) -> dict[str, tuple[Route, Callable[..., Any]]]:
    """The routes of a class by method name, base classes' first, each with the method that
    answers it: the nearest definition of the name, under the nearest decorator of it."""
    routes: dict[str, tuple[Route, Callable[..., Any]]] = {}
    names = dict.fromkeys(name for owner in reversed(cls.__mro__) for name in vars(owner))
    for name in names:
        definitions = [vars(owner)[name] for owner in cls.__mro__ if name in vars(owner)]
        marked = [getattr(value, ROUTE_ATTRIBUTE, None) for value in definitions]
        route = next((found for found in marked if isinstance(found, Route)), None)
        if route is not None and inspect.isfunction(definitions[0]):
            routes[name] = (route, definitions[0])
    return routes


def _endpoint(method: Callable[..., Any], instance: params.Depends) -> Callable[..., Any]:
    """The function FastAPI calls for `method`: the same parameters (their string annotations
    evaluated in the method's module), `self` filled in by the `instance` dependency."""
    signature = inspect.signature(method, eval_str=True)
    if not signature.parameters:
        raise TypeError(f"route {method.__qualname__} has no `self`: define it as a method")
    first, *rest = signature.parameters.values()
    endpoint = _caller(method, first.name)
    for attribute in ("__module__", "__name__", "__qualname__", "__doc__"):
        setattr(endpoint, attribute, getattr(method, attribute))
    endpoint.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[first.replace(annotation=Annotated[Controller, instance]), *rest]
    )
    return endpoint


def _caller(method: Callable[..., Any], instance: str) -> Callable[..., Any]:
    """A function of the same kind as `method` (FastAPI awaits coroutines, streams generators,
    runs plain functions in a thread) calling it with the keyword `instance` as `self`."""
    if inspect.iscoroutinefunction(method):

        async def coroutine(**values: Any) -> Any:
            return await method(values.pop(instance), **values)

        return coroutine
    if inspect.isasyncgenfunction(method):

        async def async_generator(**values: Any) -> AsyncIterator[Any]:
            async for item in method(values.pop(instance), **values):
                yield item

        return async_generator
    if inspect.isgeneratorfunction(method):

        def generator(**values: Any) -> Iterator[Any]:
            yield from method(values.pop(instance), **values)

        return generator

    def function(**values: Any) -> Any:
        return method(values.pop(instance), **values)

    return function
