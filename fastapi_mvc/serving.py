"""Run things inside a generated project's own environment (`.venv`, made by `make install`)."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass

from fastapi_mvc.errors import CommandFailed, UsageError
from fastapi_mvc.project import Project

# Runs in the project's interpreter: the app is imported there, never in fastapi-mvc itself.
_ROUTES_SCRIPT = """
import json, sys
from importlib import import_module

def walk(routes, prefix=""):
    for route in routes:
        included = getattr(route, "original_router", None)  # FastAPI >= 0.16x includes lazily
        if included is not None:
            context = getattr(route, "include_context", None)
            yield from walk(included.routes, prefix + getattr(context, "prefix", ""))
            continue
        endpoint = getattr(route, "endpoint", None)
        yield {
            "methods": sorted(getattr(route, "methods", None) or []),
            "path": prefix + route.path,
            "module": getattr(endpoint, "__module__", "") or "",
            "function": getattr(endpoint, "__name__", "") or "",
        }

app = import_module(sys.argv[1] + ".app.asgi").get_application()
print(json.dumps(list(walk(app.routes))))
"""


@dataclass(frozen=True)
class Route:
    methods: tuple[str, ...]
    path: str
    module: str
    function: str


def require_installed(project: Project) -> None:
    if not project.venv_bin("python").exists():
        raise UsageError(
            f"{project.root.name} is not installed yet (no {project.venv})",
            "run `make install` in the project, or `fastapi-mvc run --install`",
        )


def dev_server_command(project: Project, host: str, port: int) -> list[str]:
    """uvicorn with reload on the project's application factory."""
    return [
        str(project.venv_bin("python")),
        "-m",
        "uvicorn",
        "--factory",
        f"{project.package_name}.app.asgi:get_application",
        "--reload",
        "--host",
        host,
        "--port",
        str(port),
    ]


def exec_dev_server(project: Project, host: str, port: int) -> None:
    """Replace this process with the dev server, so Ctrl-C and signals reach it directly."""
    require_installed(project)
    command = dev_server_command(project, host, port)
    os.chdir(project.root)
    os.execv(command[0], command)


def routes(project: Project) -> list[Route]:
    require_installed(project)
    result = subprocess.run(
        [str(project.venv_bin("python")), "-c", _ROUTES_SCRIPT, project.package_name],
        cwd=project.root,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise CommandFailed(
            "the application could not be loaded to list its routes",
            "fix the error above, then run `fastapi-mvc routes` again",
            output=result.stderr,
        )
    return [
        Route(tuple(row["methods"]), row["path"], row["module"], row["function"])
        for row in json.loads(result.stdout)
    ]
