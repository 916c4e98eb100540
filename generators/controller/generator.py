"""The controller generator's own steps: read the endpoints, refuse taken names, add the route.

`destroy controller NAME` needs only the name: the endpoints are read back from the controller
module (its `@router.<method>` functions), so the render equals what `generate` wrote.
"""

from __future__ import annotations

import ast
import builtins
from pathlib import Path

from fastapi_mvc.console import Status
from fastapi_mvc.errors import UsageError
from fastapi_mvc.generating.invocation import Invocation
from fastapi_mvc.generating.router_edit import RouterRegistration
from fastapi_mvc.naming import spellings, validate
from fastapi_mvc.resources import TEMPLATE_DIR

METHODS = ("get", "post", "put", "patch", "delete", "head", "options")
STATUS = {"post": 201, "delete": 204}
# Longer names would push generated lines past the project's line length of 100.
MAX_LENGTH = 30
# An endpoint function named like a builtin (`list`, `id`) fails the project's ruff A rules: its
# function gets a trailing underscore, its path keeps the name (`list_` serves `/list`).
SHADOWED = frozenset(name for name in dir(builtins) if not name.startswith("_"))


def prepare(invocation: Invocation) -> None:
    assert invocation.project is not None
    name = invocation.name
    app = invocation.project.package_dir / "app"
    taken = _modules(app) | shipped_controllers()
    if name.snake in taken or len(name.snake) > MAX_LENGTH:
        raise UsageError(
            f"invalid controller name {name.raw!r}: "
            + (
                f"{name.snake!r} would collide with an existing module"
                if name.snake in taken
                else f"longer than {MAX_LENGTH} characters"
            ),
            "choose another name",
        )
    given = invocation.arguments["endpoints"]
    module = app / "controllers" / f"{name.snake}.py"
    if invocation.destroying and not given:
        given = read_endpoints(module)
    invocation.data["endpoints"] = endpoints(given)
    router = RouterRegistration(app / "router.py", invocation.project.package_name, name.snake)
    if not invocation.options["skip_routes"]:
        invocation.edits.append(router)
    elif invocation.destroying and router.planned_revoke().status != Status.UNCHANGED:
        raise UsageError(
            f"{router.path.name} still imports or includes {name.snake!r}: without its route "
            "(-R) the controller would go while the router still loads it",
            "run destroy without -R/--skip-routes",
        )


def endpoints(given: list[str]) -> list[dict[str, object]]:
    """`show`, `create:post` -> [{name, method, path, status}]; each endpoint at most once."""
    parsed: dict[str, dict[str, object]] = {}
    for raw in given:
        endpoint, _, method = raw.partition(":")
        method = (method or "get").lower()
        if method not in METHODS:
            raise UsageError(
                f"unknown HTTP method {method!r} in {raw!r}", f"use one of: {' '.join(METHODS)}"
            )
        name = validate(endpoint, "endpoint", reserved=frozenset({"router"}))
        if len(name.snake) > MAX_LENGTH:
            raise UsageError(
                f"invalid endpoint name {endpoint!r}: longer than {MAX_LENGTH} characters",
                "choose a shorter name",
            )
        if name.snake in parsed:
            raise UsageError(
                f"endpoint {name.snake!r} is given twice", "give each endpoint once, one method"
            )
        parsed[name.snake] = {
            "name": spellings(name),
            "function": f"{name.snake}_" if name.snake in SHADOWED else name.snake,
            "method": method,
            "path": f"/{name.kebab}",
            "status": STATUS.get(method, 200),
        }
    functions = [str(endpoint["function"]) for endpoint in parsed.values()]
    twice = next((f for f in functions if functions.count(f) > 1), None)
    if twice:
        raise UsageError(
            f"two endpoints would both be the function {twice!r}", "give one of them another name"
        )
    return list(parsed.values())


def read_endpoints(module: Path) -> list[str]:
    """`ENDPOINT:METHOD` for each `@router.<method>(...)` function of a controller module, in
    order; none when the module is missing or does not parse (destroy then keeps it)."""
    try:
        tree = ast.parse(module.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return []
    found = []
    for node in tree.body:
        if not isinstance(node, ast.AsyncFunctionDef | ast.FunctionDef):
            continue
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            if (
                isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name)
                and target.value.id == "router"
                and target.attr in METHODS
            ):
                name = node.name
                if name.endswith("_") and name[:-1] in SHADOWED:
                    name = name[:-1]
                found.append(f"{name}:{target.attr}")
                break
    return found


def _modules(package: Path) -> set[str]:
    """Modules and packages of the application itself (asgi, router, controllers, ...)."""
    if not package.is_dir():
        return set()
    return {path.name.split(".")[0] for path in package.iterdir() if not path.name.startswith("_")}


def shipped_controllers() -> set[str]:
    """The controllers every new project has (ready): generating one would replace it."""
    found = TEMPLATE_DIR.glob("project/*/app/controllers/*.py*")
    return {path.name.split(".")[0] for path in found if not path.name.startswith("_")}
