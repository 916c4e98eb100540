"""Which environment `run` and `routes` use: ./.venv, else the Poetry environment of a project made
by the original fastapi-mvc, found without Poetry by Poetry's own naming rule."""

from __future__ import annotations

import base64
import hashlib
import os
import sys
from pathlib import Path

import pytest

from fastapi_mvc.compat.poetry import made_by_original, poetry_env
from fastapi_mvc.project import Project

ORIGINAL_PYPROJECT = '[tool.poetry]\nname = "Legacy App"\n\n[tool.poetry.dependencies]\n'


def poetry_named(root: Path, envs: Path, version: str | None = None) -> Path:
    """An environment where Poetry puts it: <name>-<hash of the path>-py<X.Y>, with a python."""
    digest = hashlib.sha256(os.path.normcase(os.path.realpath(root)).encode()).digest()
    version = version or f"{sys.version_info.major}.{sys.version_info.minor}"
    env = envs / f"legacy_app-{base64.urlsafe_b64encode(digest).decode()[:8]}-py{version}"
    (env / "bin").mkdir(parents=True)
    (env / "bin" / "python").symlink_to(sys.executable)
    return env


@pytest.fixture
def legacy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "legacy"
    root.mkdir()
    (root / "pyproject.toml").write_text(ORIGINAL_PYPROJECT)
    monkeypatch.setenv("POETRY_VIRTUALENVS_PATH", str(tmp_path / "envs"))
    monkeypatch.setenv("POETRY_BINARY", "")
    monkeypatch.setenv("PATH", str(tmp_path / "no-poetry-here"))
    return root


def test_the_environment_poetry_named_is_found(legacy: Path, tmp_path: Path) -> None:
    env = poetry_named(legacy, tmp_path / "envs")
    assert poetry_env(legacy) == env


def test_one_made_with_another_python_is_found_too(legacy: Path, tmp_path: Path) -> None:
    env = poetry_named(legacy, tmp_path / "envs", "3.9")
    assert poetry_env(legacy) == env


def test_a_folder_without_a_python_is_not_an_environment(legacy: Path, tmp_path: Path) -> None:
    env = poetry_named(legacy, tmp_path / "envs")
    (env / "bin" / "python").unlink()
    assert poetry_env(legacy) is None


def test_another_projects_environment_is_not_taken(legacy: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    poetry_named(other, tmp_path / "envs")
    assert poetry_env(legacy) is None


def test_a_local_venv_wins(legacy: Path, tmp_path: Path) -> None:
    poetry_named(legacy, tmp_path / "envs")
    (legacy / ".venv").mkdir()
    assert Project(legacy, {}).venv == legacy / ".venv"


def test_without_either_the_local_venv_is_named(legacy: Path) -> None:
    assert Project(legacy, {}).venv == legacy / ".venv"


def test_ours_is_not_taken_for_the_originals(project: Path, legacy: Path) -> None:
    assert made_by_original(legacy)
    assert not made_by_original(project)
