"""The project helpers an original-style generator calls, with their documented behaviour.

The original read the answers file of the working directory; so do these (the generator runs at
the project root, see `generators.run_original`). Failures are our errors: one line, exit 1.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from fastapi_mvc.errors import FastapiMvcError, NotAProjectError
from fastapi_mvc.project import ANSWERS_FILE

# What the original required of an answers file before a generator may use it.
REQUIRED = ("_commit", "_src_path", "project_name", "package_name")


def load_answers_file(
    project_root: str | None = None, answers_file: str = ANSWERS_FILE
) -> dict[str, Any]:
    """The answers in `project_root/answers_file` (default: the working directory), or `{}`."""
    import yaml

    path = Path(project_root or os.getcwd(), answers_file)
    try:
        data = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def require_fastapi_mvc_project() -> dict[str, Any]:
    """The working directory's answers; raises if it is not a project or lacks a required key."""
    data = load_answers_file()
    if not data:
        raise NotAProjectError(
            f"not a fastapi-mvc project: no {ANSWERS_FILE} in {os.getcwd()}",
            "cd into a project made by `fastapi-mvc new`",
        )
    missing = [key for key in REQUIRED if key not in data]
    if missing:
        raise NotAProjectError(
            f"{ANSWERS_FILE} is missing {', '.join(missing)}",
            "restore it from git or regenerate the project with `fastapi-mvc new`",
        )
    return data


def ensure_permissions(path: str, r: bool = True, w: bool = False, x: bool = False) -> None:
    """Raise unless `path` exists with the asked-for access (read, write, execute)."""
    if not os.path.exists(path):
        raise FastapiMvcError(f"path {path!r} does not exist", "check the path")
    for wanted, mode, what in (
        (r, os.R_OK, "readable"),
        (w, os.W_OK, "writable"),
        (x, os.X_OK, "executable"),
    ):
        if wanted and not os.access(path, mode):
            raise FastapiMvcError(f"path {path!r} is not {what}", "check its permissions")
