"""The tool's own code is as clean as the code it generates: black, ruff and mypy --strict pass."""

from __future__ import annotations

import subprocess
import sys

import pytest
from support import REPO_ROOT

PATHS = ["fastapi_mvc", "tests", "bench"]


@pytest.mark.parametrize("tool", [["black", "--check", "-q"], ["ruff", "check", "-q"]])
def test_code_is_clean(tool):
    result = subprocess.run(
        [sys.executable, "-m", *tool, *PATHS], cwd=REPO_ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_code_type_checks_under_mypy_strict():
    """pyproject's [tool.mypy] holds the settings: strict, the whole fastapi_mvc package."""
    result = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=REPO_ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
