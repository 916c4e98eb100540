"""The generators work from the installed wheel, not only from a checkout."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from support import REPO_ROOT, new_project


def run(*args: str | Path, cwd: Path) -> str:
    done = subprocess.run(
        [str(arg) for arg in args], cwd=cwd, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"{args}:\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtualenv with the built wheel installed (its dependencies from this Python's)."""
    where = tmp_path_factory.mktemp("wheel")
    run(
        sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", where, cwd=REPO_ROOT
    )
    (wheel,) = where.glob("fastapi_mvc-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {
        "fastapi_mvc/" + path.relative_to(REPO_ROOT).as_posix()
        for path in (REPO_ROOT / "generators").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert shipped <= names, sorted(shipped - names)
    venv = where / "venv"
    run(sys.executable, "-m", "venv", "--system-site-packages", venv, cwd=where)
    run(venv / "bin" / "python", "-m", "pip", "install", "-q", "--no-deps", wheel, cwd=where)
    location = run(
        venv / "bin" / "python", "-c", "import fastapi_mvc; print(fastapi_mvc.__file__)", cwd=where
    )
    assert str(venv) in location
    return venv / "bin" / "fastapi-mvc"


def test_every_builtin_runs_from_the_wheel(installed: Path, tmp_path: Path) -> None:
    project = new_project(tmp_path, "demo", "--skip-git")
    listing = run(installed, "generate", cwd=project)
    for name in ("controller (ctl)", "generator (gen)", "script (ss)"):
        assert name in listing
    run(installed, "generate", "controller", "articles", "index", "create:post", cwd=project)
    assert (project / "demo" / "app" / "controllers" / "articles.py").is_file()
    run(installed, "generate", "generator", "service", cwd=project)
    assert "MIT License" in (project / "lib" / "generators" / "service" / "LICENSE").read_text()
    run(installed, "generate", "service", "billing", cwd=project)
    assert (project / "demo" / "app" / "services" / "billing.py").is_file()
    refused = subprocess.run(
        [installed, "generate", "controller", "ready"], cwd=project, capture_output=True, text=True
    )
    assert refused.returncode == 2 and "collide" in refused.stderr
    run(installed, "generate", "script", "deploy.sh", cwd=tmp_path)
    assert (tmp_path / "deploy.sh").is_file()
