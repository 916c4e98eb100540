"""The Python client: openapi-python-client's package (attrs models, httpx calls).

It is an installable package (`pip install clients/python`, Poetry metadata) named after the
project: `<project>-client`, importable as `<package>_client`. Every endpoint's call returns the
error envelope as the `ErrorResponse` model among its answers; `<package>_client.envelope` adds
`ApiError` and `unwrap`, which returns a detailed answer's data or raises the envelope, typed.
"""

from __future__ import annotations

import json
from pathlib import Path

from fastapi_mvc.clients.tools import openapi_python_client, run_tool
from fastapi_mvc.files import write_atomic
from fastapi_mvc.project import Project

# The files beside the package (`<package>_client/`, generated whole).
FILES = (".gitignore", "README.md", "pyproject.toml")
ENVELOPE = '''\
"""The API's error envelope as an exception (written by `fastapi-mvc generate client`).

Every call's `sync_detailed()`/`asyncio_detailed()` answers a `Response` whose `parsed` is its
data or the envelope (`ErrorResponse`): `unwrap` returns the data and raises `ApiError` with the
envelope, so the happy path reads straight.
"""

from typing import TypeVar, cast

from .models.error_response import ErrorResponse
from .types import Response

T = TypeVar("T")


class ApiError(Exception):
    """An error answer of the API: its HTTP status, and its envelope (`envelope.error` has the
    code, status, message and details)."""

    def __init__(self, status: int, envelope: ErrorResponse) -> None:
        error = envelope.error
        super().__init__(f"{status} {error.status}: {error.message}")
        self.status = status
        self.envelope = envelope


class UndeclaredAnswer(Exception):
    """The API answered with a status its schema does not declare."""


def unwrap(answer: Response[T | ErrorResponse]) -> T:
    """The data of a detailed answer (None for 204 No Content); raise ApiError for the error
    envelope."""
    if isinstance(answer.parsed, ErrorResponse):
        raise ApiError(answer.status_code, answer.parsed)
    if answer.status_code >= 300 or (answer.parsed is None and answer.status_code != 204):
        raise UndeclaredAnswer(f"the API answered {answer.status_code}, which it does not declare")
    return cast(T, answer.parsed)
'''


def names(project: Project) -> tuple[str, str]:
    """The distribution's name and the import package's: `blog-client`, `blog_client`."""
    return f"{project.answers['project_name']}-client", f"{project.package_name}_client"


def generate(project: Project, schema: Path, target: Path) -> None:
    """Write the client into `target`, which must not exist yet."""
    bin_dir = openapi_python_client(project)
    distribution, package = names(project)
    config = target.parent / f"{target.name}-config.json"
    config.write_text(
        json.dumps({"project_name_override": distribution, "package_name_override": package})
    )
    try:
        run_tool(
            [
                str(bin_dir / "openapi-python-client"),
                "generate",
                "--path",
                str(schema),
                "--meta",
                "poetry",
                "--config",
                str(config),
                "--output-path",
                str(target),
                "--fail-on-warning",
            ],
            project.root,
            "generating the Python client with openapi-python-client",
            path=bin_dir,
        )
    finally:
        config.unlink()
    write_atomic(target / package / "envelope.py", ENVELOPE)
