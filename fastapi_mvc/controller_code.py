"""The lines of a generated controller and its views, laid out the way black and ruff write them.

Names reach 30 characters, so a view's class name (controller + endpoint + `Response`) can push
a signature or a return past the line length; the templates get these lines ready-made.
"""

from __future__ import annotations

from typing import Any

from fastapi_mvc.pysource import INDENT, LINE_LENGTH, call, import_lines

# What an endpoint answers when it has no view: controllers generated before views existed.
PLAIN_ANSWER = "dict[str, str]"
# What every endpoint of the original fastapi-mvc's controllers answered (`--original-api`).
ORIGINAL_ANSWER = ("hello", "world")


def view_class(controller: dict[str, Any], endpoint: dict[str, Any]) -> str:
    """`BlogPostsIndexResponse`: unique in the application, so its OpenAPI schema name is too."""
    return f"{controller['camel']}{endpoint['name']['camel']}Response"


def has_body(endpoint: dict[str, Any]) -> bool:
    """HEAD answers headers only, 204 nothing: neither has a view."""
    return bool(endpoint["method"] != "head" and endpoint["status"] != 204)


def controller_data(
    package: str,
    name: dict[str, Any],
    endpoints: list[dict[str, Any]],
    *,
    class_based: bool,
    views: bool,
    prefix: str | None = None,
    original_api: bool = False,
) -> dict[str, object]:
    """Add each endpoint's view, signature and answer lines; the module's imports, header and
    URL prefix (`prefix`, without its slash: the kebab-case name unless given)."""
    indent = INDENT if class_based else ""
    prefix = prefix or str(name["kebab"])
    for endpoint in endpoints:
        endpoint["route"] = f"{endpoint['method'].upper()} /api/{prefix}{endpoint['path']}"
        endpoint["view"] = view_class(name, endpoint) if views and has_body(endpoint) else None
        if endpoint["method"] == "head":
            returns, answer = "Response", [f"{indent}{INDENT}return Response()"]
        elif endpoint["status"] == 204:
            returns, answer = "None", []
        else:
            key, value = ORIGINAL_ANSWER if original_api else ("action", endpoint["name"]["snake"])
            if endpoint["view"]:
                returns = endpoint["view"]
                answer = call(f"{indent}{INDENT}", f"return {returns}(", [f'{key}="{value}"'])
            else:
                returns = PLAIN_ANSWER
                answer = [f'{indent}{INDENT}return {{"{key}": "{value}"}}']
        endpoint["definition"] = _definition(indent, endpoint["function"], class_based, returns)
        endpoint["answer"] = answer
    router = [f'prefix="/{prefix}"', f'tags=["{name["snake"]}"]']
    if class_based:
        header = call("", f"class {name['camel']}Controller(", ["Controller", *router], "):")
    else:
        header = call("", "router = APIRouter(", router)
    return {
        "imports": _imports(package, name, endpoints, class_based),
        "header": header,
        "prefix": prefix,
    }


def views_data(
    name: dict[str, Any], endpoints: list[dict[str, Any]], *, original_api: bool = False
) -> list[dict[str, object]]:
    """One response model per endpoint that answers a body: its class name and field lines."""
    if original_api:
        key, described = ORIGINAL_ANSWER[0], 'description="The original fastapi-mvc\'s greeting."'
    else:
        key, described = "action", 'description="The endpoint that answered."'
    return [
        {
            "name": endpoint["view"],
            "route": endpoint["route"],
            "field": call(
                INDENT,
                f"{key}: str = Field(",
                [described, f'examples=["{_example(endpoint, original_api)}"]'],
            ),
        }
        for endpoint in endpoints
        if endpoint["view"]
    ]


def _example(endpoint: dict[str, Any], original_api: bool) -> str:
    return ORIGINAL_ANSWER[1] if original_api else str(endpoint["name"]["snake"])


def _definition(indent: str, function: str, method: bool, returns: str) -> list[str]:
    parameters = "self" if method else ""
    line = f"{indent}async def {function}({parameters}) -> {returns}:"
    if len(line) <= LINE_LENGTH:
        return [line]
    if method:
        return [
            f"{indent}async def {function}(",
            f"{indent}{INDENT}{parameters},",
            f"{indent}) -> {returns}:",
        ]
    return [f"{indent}async def {function}() -> (", f"{indent}{INDENT}{returns}", f"{indent}):"]


def _imports(
    package: str, name: dict[str, Any], endpoints: list[dict[str, Any]], class_based: bool
) -> list[list[str]]:
    """The module's import groups: third-party (FastAPI), then the project's own."""
    fastapi = [] if class_based else [("fastapi", "APIRouter")]
    if any(endpoint["method"] == "head" for endpoint in endpoints):
        fastapi.append(("fastapi", "Response"))
    own = [(f"{package}.app.views.{name['snake']}", e["view"]) for e in endpoints if e["view"]]
    if class_based:
        base = f"{package}.app.controllers.base"
        own += [(base, "Controller"), *((base, endpoint["method"]) for endpoint in endpoints)]
    return [group for group in (import_lines(fastapi), import_lines(own)) if group]
