"""Run things inside a generated project's own environment (`.venv`, made by `make install`)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from fastapi_mvc.errors import CommandFailed, Interrupted, UsageError
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


# `make install` ends with `pip install -e .`, which installs the project after everything it
# needs: its distribution's metadata is there only once the installation completed.
_INSTALLED_PROBE = "import importlib.metadata, sys; importlib.metadata.distribution(sys.argv[1])"


def make_install(root: Path) -> None:
    """Run the project's own `make install`; raise CommandFailed with its output on failure."""
    if shutil.which("make") is None:
        raise UsageError("make is not installed", "install make, or pass -I/--skip-install")
    try:
        result = subprocess.run(
            ["make", "install"], cwd=root, capture_output=True, text=True, check=False
        )
    except KeyboardInterrupt:
        raise Interrupted(
            f"`make install` was interrupted: {root} exists, but is not installed",
            f"run `make install` in {root} to finish",
        ) from None
    if result.returncode:
        raise CommandFailed(
            f"`make install` failed in {root} (exit {result.returncode})",
            f"fix the cause shown above, then run `make install` in {root}",
            output=result.stdout + result.stderr,
        )


def require_installed(project: Project) -> None:
    """The project's `.venv` exists and `make install` completed in it."""
    python = project.venv_bin("python")
    if not python.exists():
        raise UsageError(
            f"{project.root.name} is not installed yet (no {project.venv})",
            "run `make install` in the project, or `fastapi-mvc run --install`",
        )
    probe = [str(python), "-c", _INSTALLED_PROBE, str(project.answers["project_name"])]
    if subprocess.run(probe, capture_output=True, check=False).returncode:
        raise UsageError(
            f"{project.root.name} is not fully installed (its `make install` did not finish)",
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
        missing = "ModuleNotFoundError" in result.stderr
        raise CommandFailed(
            "the application could not be loaded to list its routes",
            (
                "a module is missing: run `make install` in the project"
                if missing
                else "fix the error above, then run `fastapi-mvc routes` again"
            ),
            output=result.stderr,
        )
    return [
        Route(tuple(row["methods"]), row["path"], row["module"], row["function"])
        for row in json.loads(result.stdout)
    ]
