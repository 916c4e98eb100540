"""Shared fixtures. Helpers that are plain functions live in support.py."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from support import new_project


@pytest.fixture(scope="session")
def installed_project(tmp_path_factory) -> Path:
    """A default project (every feature on), installed with its own `make install`.

    Shared by the tests that only read or run it; tests that change a project make their own.
    """
    project = new_project(tmp_path_factory.mktemp("installed"), "demo")
    done = subprocess.run(
        ["make", "install"], cwd=project, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return project
