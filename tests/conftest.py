"""Shared fixtures. Helpers that are plain functions live in support.py."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from support import run_tool


@pytest.fixture(scope="session")
def installed_project(tmp_path_factory) -> Path:
    """A default project (every feature on), installed by `new` itself (its `make install`).

    Shared by the tests that only read or run it; tests that change a project make their own.
    """
    project = tmp_path_factory.mktemp("installed") / "demo"
    done = run_tool("new", "-n", str(project), timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "make install" in done.stderr
    assert (project / ".venv" / "bin" / "demo").is_file()
    return project
