"""The controller generator's own steps: read the endpoints, refuse taken names, add the route.

`destroy controller NAME` needs only the name: the endpoints, the form (function or class),
whether it answers with views and whether it serves the original's API are read back from the
controller module, so the render equals what `generate` wrote, also for controllers generated
before views existed.

`--original-api` serves what the original fastapi-mvc's controller generator made, for clients
written against it: its URL spelling (the names lower-cased, `-` as `_`: /api/death_star/load,
where ours is /api/death-star/load) and its answer (200 and {"hello": "world"} for every
endpoint, where ours answers {"action": ...}, POST 201 and DELETE 204).
"""

from __future__ import annotations

import builtins
from pathlib import Path

from fastapi_mvc.console import Status
from fastapi_mvc.controller_code import controller_data, views_data
from fastapi_mvc.controller_source import METHODS, read_controller
from fastapi_mvc.errors import UsageError
from fastapi_mvc.generating.invocation import Invocation
from fastapi_mvc.generating.router_edit import RouterRegistration
from fastapi_mvc.naming import Name, spellings, validate
from fastapi_mvc.resources import TEMPLATE_DIR

STATUS = {"post": 201, "delete": 204}
# Longer names would push generated lines past the project's line length of 100.
MAX_LENGTH = 30
# An endpoint function named like a builtin (`list`, `id`) fails the project's ruff A rules: its
# function gets a trailing underscore, its path keeps the name (`list_` serves `/list`).
SHADOWED = frozenset(name for name in dir(builtins) if not name.startswith("_"))
# In a class body a method named like a route decorator (`get`) would hide the decorator from the
# methods below it: such a method gets the trailing underscore too.
SHADOWED_IN_CLASS = SHADOWED | frozenset(METHODS)


def prepare(invocation: Invocation) -> None:
    project = invocation.project
    assert project is not None
    name = invocation.name
    app = project.package_dir / "app"
    module = app / "controllers" / f"{name.snake}.py"
    _check_name(name, app, module, generating=not invocation.destroying)
    given = invocation.arguments["endpoints"]
    class_based = bool(invocation.options["class_based"])
    original_api = bool(invocation.options["original_api"])
    views = True
    if invocation.destroying:
        found = read_controller(module, f"{project.package_name}.app.views.{name.snake}")
        if found is not None:
            class_based, views = found.class_based, found.imports_views
            original_api = found.original_api
            shadowed = SHADOWED_IN_CLASS if class_based else SHADOWED
            given = given or [f"{_endpoint_name(f, shadowed)}:{m}" for f, m in found.routes]
    if class_based and not invocation.destroying:
        _require_base(app / "controllers" / "base.py", project.root)
    parsed = endpoints(given, class_based=class_based, original_api=original_api)
    spelled = spellings(name)
    invocation.data["class_based"] = class_based
    invocation.data["original_api"] = original_api
    invocation.data["controller"] = controller_data(
        project.package_name,
        spelled,
        parsed,
        class_based=class_based,
        views=views,
        prefix=original_spelling(name.raw) if original_api else name.kebab,
        original_api=original_api,
    )
    invocation.data["endpoints"] = parsed
    invocation.data["views"] = views_data(spelled, parsed, original_api=original_api)
    router = RouterRegistration(app / "router.py", project.package_name, name.snake)
    if not invocation.options["skip_routes"]:
        invocation.edits.append(router)
    elif invocation.destroying and router.planned_revoke().status != Status.UNCHANGED:
        raise UsageError(
            f"{router.path.name} still imports or includes {name.snake!r}: without its route "
            "(-R) the controller would go while the router still loads it",
            "run destroy without -R/--skip-routes",
        )


def original_spelling(name: str) -> str:
    """How the original fastapi-mvc spelled a name in URLs and functions: `Death-Star` ->
    `death_star`, `DeathStar` -> `deathstar`."""
    return name.lower().replace("-", "_")


def endpoints(
    given: list[str], *, class_based: bool = False, original_api: bool = False
) -> list[dict[str, object]]:
    """`show`, `create:post` -> [{name, function, method, path, status}]; each endpoint once.
    With `original_api`, paths and functions are spelled as the original's and all answer 200."""
    shadowed = SHADOWED_IN_CLASS if class_based else SHADOWED
    parsed: dict[str, dict[str, object]] = {}
    for raw in given:
        endpoint, _, method = raw.partition(":")
        method = (method or "get").lower()
        if method not in METHODS:
            raise UsageError(
                f"unknown HTTP method {method!r} in {raw!r}", f"use one of: {' '.join(METHODS)}"
            )
        name = validate(endpoint, "endpoint", reserved=frozenset({"router"}))
        if original_api:
            # Every spelling from the original's, so destroy reads back what generate wrote.
            name = Name(original_spelling(name.raw))
        if len(name.snake) > MAX_LENGTH:
            raise UsageError(
                f"invalid endpoint name {endpoint!r}: longer than {MAX_LENGTH} characters",
                "choose a shorter name",
            )
        if name.snake in parsed:
            raise UsageError(
                f"endpoint {name.snake!r} is given twice", "give each endpoint once, one method"
            )
        spelled = name.raw if original_api else name.snake
        parsed[name.snake] = {
            "name": spellings(name),
            "function": f"{spelled}_" if spelled in shadowed else spelled,
            "method": method,
            "path": f"/{spelled if original_api else name.kebab}",
            "status": 200 if original_api else STATUS.get(method, 200),
        }
    functions = [str(endpoint["function"]) for endpoint in parsed.values()]
    twice = next((f for f in functions if functions.count(f) > 1), None)
    if twice:
        raise UsageError(
            f"two endpoints would both be the function {twice!r}", "give one of them another name"
        )
    return list(parsed.values())


def _endpoint_name(function: str, shadowed: frozenset[str]) -> str:
    """The endpoint a function serves: `list_` serves `list`."""
    return function[:-1] if function.endswith("_") and function[:-1] in shadowed else function


def _check_name(name: Name, app: Path, module: Path, *, generating: bool) -> None:
    """Refuse a name whose controller or views module would replace one of the application's
    own (asgi, router, ready, error, ...) or a views module of something else."""
    taken = _modules(app) | shipped_modules()
    if generating and not module.exists():
        taken |= _modules(app / "views")
    if name.snake in taken:
        reason = f"{name.snake!r} would collide with an existing module"
    elif len(name.snake) > MAX_LENGTH:
        reason = f"longer than {MAX_LENGTH} characters"
    else:
        return
    raise UsageError(f"invalid controller name {name.raw!r}: {reason}", "choose another name")


def _require_base(base: Path, root: Path) -> None:
    """A class-based controller subclasses app/controllers/base.py, new in template 0.32.0."""
    if not base.is_file():
        raise UsageError(
            f"--class needs {base.relative_to(root).as_posix()}, which this project does not "
            "have yet (template 0.32.0 brought it)",
            "run `fastapi-mvc update` first, or generate the controller without --class",
        )


def _modules(package: Path) -> set[str]:
    """Modules and packages of a package of the application (asgi, router, controllers, ...)."""
    if not package.is_dir():
        return set()
    return {path.name.split(".")[0] for path in package.iterdir() if not path.name.startswith("_")}


def shipped_modules() -> set[str]:
    """The controllers and views every new project has (ready, base, error, ...): generating one
    would replace it."""
    found = [
        *TEMPLATE_DIR.glob("project/*/app/controllers/*.py*"),
        *TEMPLATE_DIR.glob("project/*/app/views/*.py*"),
    ]
    return {path.name.split(".")[0] for path in found if not path.name.startswith("_")}
