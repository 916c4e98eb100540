"""Export a project's OpenAPI schema offline: import its app in its own environment, no server."""

from __future__ import annotations

import subprocess

from fastapi_mvc.errors import FastapiMvcError
from fastapi_mvc.project import Project

# Runs in the project's interpreter: the app is imported there, never in fastapi-mvc itself.
# `openapi()` works even when the served schema is switched off (an empty FASTAPI_DOCS_URL).
_EXPORT_SCRIPT = """
import json, sys
from importlib import import_module

app = import_module(sys.argv[1] + ".app.asgi").get_application()
sys.stdout.write(json.dumps(app.openapi(), indent=2, ensure_ascii=False) + "\\n")
"""


def export_schema(project: Project) -> str:
    """The application's OpenAPI schema as JSON text; one line naming the error if it does not
    import."""
    from fastapi_mvc.serving import require_installed

    require_installed(project)
    result = subprocess.run(
        [str(project.venv_bin("python")), "-c", _EXPORT_SCRIPT, project.package_name],
        cwd=project.root,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise FastapiMvcError(
            f"the application could not be imported to export its OpenAPI schema: "
            f"{last_line(result.stderr)}",
            f"fix it, then run again (`{project.venv_bin('python')} -c "
            f"'import {project.package_name}.app.asgi'` shows the traceback)",
        )
    return result.stdout


def last_line(output: str) -> str:
    """The line of a traceback that says what went wrong (its last non-empty one)."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    return lines[-1] if lines else "it exited with an error and printed nothing"
