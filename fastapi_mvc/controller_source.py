"""A controller module read back, so `destroy controller NAME` renders what `generate` wrote.

destroy removes the files that equal a fresh render, so it needs the input `generate` had: the
endpoints (`@router.<method>` functions, or `@<method>` methods of a `Controller` subclass), the
form (function or class), whether the module answers with its views (controllers generated
before views existed return plain dicts), and whether it answers the original fastapi-mvc's
`{"hello": "world"}` (`--original-api`).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

METHODS = ("get", "post", "put", "patch", "delete", "head", "options")


@dataclass(frozen=True)
class ControllerSource:
    """What a controller module declares: (function, HTTP method) of each route, in order."""

    routes: list[tuple[str, str]]
    class_based: bool
    imports_views: bool
    original_api: bool = False


def read_controller(module: Path, views_module: str) -> ControllerSource | None:
    """The controller in `module`, or None when it is missing or does not parse."""
    try:
        tree = ast.parse(module.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return None
    imports_views = any(
        isinstance(node, ast.ImportFrom) and node.module == views_module for node in tree.body
    )
    original_api = any(_answers_hello(node) for node in ast.walk(tree))
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and any(
            _named(base, "Controller") for base in node.bases
        ):
            routes = _routes(node.body, owner=None)
            return ControllerSource(routes, True, imports_views, original_api)
    return ControllerSource(_routes(tree.body, owner="router"), False, imports_views, original_api)


def _answers_hello(node: ast.AST) -> bool:
    """`return View(hello=...)` or `return {"hello": ...}`: the original's answer."""
    if not isinstance(node, ast.Return):
        return False
    if isinstance(node.value, ast.Call):
        return any(keyword.arg == "hello" for keyword in node.value.keywords)
    if isinstance(node.value, ast.Dict):
        return any(
            isinstance(key, ast.Constant) and key.value == "hello" for key in node.value.keys
        )
    return False


def _routes(body: list[ast.stmt], owner: str | None) -> list[tuple[str, str]]:
    """Functions decorated `@<owner>.<method>(...)`, or `@<method>(...)` when owner is None."""
    found = []
    for node in body:
        if not isinstance(node, ast.AsyncFunctionDef | ast.FunctionDef):
            continue
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            method = _route_method(target, owner)
            if method is not None:
                found.append((node.name, method))
                break
    return found


def _route_method(target: ast.expr, owner: str | None) -> str | None:
    if owner is None:
        name = target.id if isinstance(target, ast.Name) else None
    elif isinstance(target, ast.Attribute) and _named(target.value, owner):
        name = target.attr
    else:
        name = None
    return name if name in METHODS else None


def _named(node: ast.expr, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name
