"""The root API router, whose controllers' routes the application serves flat.

FastAPI (since 0.137) keeps an included router as a node of the application's route tree, and
every request walks the nodes above its route and the routes beside them. Measured in process,
a request to the last of 10 controllers included under a root router cost 2.6 times what the
same routes cost added to the application itself, and 3.3 times with 40 controllers; even one
controller cost 1.4 times. So `ApiRouter` remembers the routers included in it, and
`add_api_routes` adds each of their routes to the application's router, under the prefix, with
FastAPI's own `add_api_route`, which applies the application's settings as an include would.

Anything this does not know how to flatten is included as FastAPI includes it: a router
included with options (`tags=`, `dependencies=`...), a router holding something other than
`APIRoute`s (a websocket route, a mount, an included router), routes added to the root router
itself, or a plain `APIRouter` given as the root.
"""

from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute

# What an APIRoute keeps of `add_api_route`'s arguments, each under the argument's name: all of
# them but the path and the endpoint. tests/unit/app/test_routing.py fails when FastAPI adds one.
ROUTE_OPTIONS = (
    "response_model",
    "status_code",
    "tags",
    "dependencies",
    "summary",
    "description",
    "response_description",
    "responses",
    "deprecated",
    "methods",
    "operation_id",
    "response_model_include",
    "response_model_exclude",
    "response_model_by_alias",
    "response_model_exclude_unset",
    "response_model_exclude_defaults",
    "response_model_exclude_none",
    "include_in_schema",
    "response_class",
    "name",
    "callbacks",
    "openapi_extra",
    "generate_unique_id_function",
    "strict_content_type",
    "max_body_size",
    "form_limits",
)


class ApiRouter(APIRouter):
    """An APIRouter with a prefix that remembers the routers included in it, in order."""

    def __init__(self, *, prefix: str) -> None:
        super().__init__(prefix=prefix)
        self.included: list[APIRouter] = []
        self.with_options = False

    def include_router(self, router: APIRouter, **options: Any) -> None:
        """Include `router` as APIRouter does, and remember it."""
        super().include_router(router, **options)
        self.included.append(router)
        self.with_options = self.with_options or bool(options)

    def flat(self) -> bool:
        """Whether its routes can be added to an application one by one."""
        return (
            not self.with_options
            and len(self.routes) == len(self.included)  # no route of its own
            and all(
                isinstance(route, APIRoute) for router in self.included for route in router.routes
            )
        )


def add_api_routes(app: FastAPI, router: APIRouter) -> None:
    """Serve `router`'s routes from `app`: flat when it is a flat ApiRouter, else included."""
    if not isinstance(router, ApiRouter) or not router.flat():
        app.include_router(router)
        return
    for included in router.included:
        for route in included.routes:
            assert isinstance(route, APIRoute)  # flat() checked it
            app.router.add_api_route(
                router.prefix + route.path,
                route.endpoint,
                route_class_override=type(route),
                **{option: getattr(route, option) for option in ROUTE_OPTIONS},
            )
