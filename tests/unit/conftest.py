"""Fixtures of the unit tests: a project rendered once, copied fresh for each test."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import copy_project, new_project


@pytest.fixture(scope="session")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A default project, rendered once; never changed."""
    return new_project(tmp_path_factory.mktemp("pristine"), "demo", "--skip-git")


@pytest.fixture
def project(pristine: Path, tmp_path: Path) -> Path:
    """A private copy of the pristine project, for a test to change."""
    return copy_project(pristine, tmp_path)
