"""The operation ids of the OpenAPI schema: `<first tag>-<route name>`, e.g. `articles-index`.

FastAPI's own ids join the function's name, its path and its method
(`readiness_check_api_ready_get`): they change whenever a path or a prefix moves, and a typed
client generated from the schema (`fastapi-mvc generate client`) names its functions after them.
A controller's tag and the route's name read like the code and stay put when the code moves.

They are unique because every controller has its own tag (the generators give it the
controller's name) and a module or a class cannot define one name twice. Should two controllers
ever share a tag and a function name, FastAPI warns about the duplicate id when it builds the
schema.
"""

from enum import Enum

from fastapi.routing import APIRoute


def operation_id(route: APIRoute) -> str:
    """The id of `route`'s operation: its first tag, a dash, its name (the name alone without
    a tag)."""
    if not route.tags:
        return route.name
    tag = route.tags[0]
    return f"{tag.value if isinstance(tag, Enum) else tag}-{route.name}"
