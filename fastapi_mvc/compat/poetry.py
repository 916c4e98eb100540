"""Where Poetry keeps a project's environment: the original fastapi-mvc installed with Poetry.

A project made by the original has `[tool.poetry]` in its pyproject.toml and, unless
`virtualenvs.in-project` was set, its environment outside the project. `poetry env info -p`
answers when Poetry is there (`POETRY_BINARY`, as the original honoured, or `poetry` on PATH);
otherwise Poetry's own naming rule is applied to its virtualenvs folder, so nothing is guessed:
the folder found must exist and hold a Python.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path


def _pyproject(root: Path) -> str:
    try:
        return (root / "pyproject.toml").read_text()
    except (OSError, UnicodeDecodeError):
        return ""


def is_poetry_project(root: Path) -> bool:
    """Poetry may manage it (ours has a `[tool.poetry]` table too, for its packages)."""
    return "[tool.poetry" in _pyproject(root)


def made_by_original(root: Path) -> bool:
    """Packaged the way every template of the original was: dependencies under
    `[tool.poetry.dependencies]`, no PEP 621 `[project]` table (ours always has one)."""
    text = _pyproject(root)
    return "[tool.poetry.dependencies]" in text and not re.search(r"^\[project\]", text, re.M)


def poetry_env(root: Path) -> Path | None:
    """The existing Poetry environment of the project at `root`, if there is one."""
    if not is_poetry_project(root):
        return None
    for found in (_asked(root), _by_name(root)):
        if found is not None and (found / "bin" / "python").exists():
            return found
    return None


def _asked(root: Path) -> Path | None:
    binary = os.environ.get("POETRY_BINARY") or shutil.which("poetry")
    if not binary:
        return None
    try:
        result = subprocess.run(
            [binary, "env", "info", "-p"], cwd=root, capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    path = result.stdout.strip()
    return Path(path) if result.returncode == 0 and path else None


def _by_name(root: Path) -> Path | None:
    """Poetry's rule: `<name>-<8 chars of urlsafe base64 sha256 of the path>-py<X.Y>`."""
    match = re.search(r'^name\s*=\s*"([^"]+)"', (root / "pyproject.toml").read_text(), re.M)
    if not match:
        return None
    name = re.sub(r'[ $`!*@"\\\r\n\t]', "_", match.group(1).lower())[:42]
    digest = hashlib.sha256(os.path.normcase(os.path.realpath(root)).encode()).digest()
    prefix = f"{name}-{base64.urlsafe_b64encode(digest).decode()[:8]}-py"
    folder = Path(
        os.environ.get("POETRY_VIRTUALENVS_PATH")
        or Path(os.environ.get("POETRY_CACHE_DIR") or _cache_dir()) / "virtualenvs"
    )
    wanted = folder / f"{prefix}{sys.version_info.major}.{sys.version_info.minor}"
    if wanted.is_dir():
        return wanted
    others = sorted(folder.glob(f"{prefix}*")) if folder.is_dir() else []
    return others[-1] if others else None


def _cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "pypoetry"
