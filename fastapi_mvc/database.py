"""The project's database, from the tool's side: whether it has one, and its `db` commands."""

from __future__ import annotations

import subprocess

from fastapi_mvc.errors import UsageError
from fastapi_mvc.project import Project
from fastapi_mvc.serving import require_installed


def require_database(project: Project) -> str:
    """The project's database (`sqlite`, `postgresql`); refuse a project without one."""
    database = str(project.answers.get("database") or "none")
    if database == "none":
        raise UsageError(
            f"{project.root.name} has no database (its answers say database: none)",
            "add one with `fastapi-mvc update --enable database`",
        )
    return database


def run_database_command(project: Project, arguments: list[str]) -> int:
    """`<script> db ARGUMENTS` in the project's environment, its output straight to the user."""
    require_database(project)
    require_installed(project)
    script = project.venv_bin(project.script_name)
    if not script.exists():
        raise UsageError(
            f"{project.root.name} is installed without its command {script.name}",
            "run `make install` in the project again",
        )
    return subprocess.run([str(script), "db", *arguments], cwd=project.root, check=False).returncode
