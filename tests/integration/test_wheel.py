"""The tool as pip installs it: the wheel carries the template and the generators inside the
fastapi_mvc package, and every builtin generator runs from it, outside any checkout."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from support import REPO_ROOT, new_project, run_ok

pytestmark = pytest.mark.integration


def shipped(directory: str) -> set[str]:
    """Where the files of a top-level directory of the checkout land inside the wheel."""
    return {
        "fastapi_mvc/" + path.relative_to(REPO_ROOT).as_posix()
        for path in (REPO_ROOT / directory).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_wheel_ships_template_and_generators_inside_the_package(tool_wheel: Path) -> None:
    archive = zipfile.ZipFile(tool_wheel)
    names = archive.namelist()
    top_level = {name.split("/")[0] for name in names}
    assert top_level == {"fastapi_mvc", tool_wheel.name.split("-py3")[0] + ".dist-info"}
    assert "fastapi_mvc/template/copier.yml" in names
    assert "fastapi_mvc/generators/__init__.py" in names
    assert "fastapi_mvc/template-history.bundle" in names
    assert not any("__pycache__" in name for name in names)
    missing = (shipped("template") | shipped("generators")) - set(names)
    assert not missing, sorted(missing)
    entry_points = archive.read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert "fastapi-mvc=fastapi_mvc.cli:main" in entry_points.replace(" ", "")
    assert "fm=fastapi_mvc.cli:main" in entry_points.replace(" ", "")


@pytest.fixture(scope="module")
def installed(tool_wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A plain new virtualenv with the wheel and its dependencies installed from the index (as a
    user's `pip install`): nothing comes from this checkout or from any interpreter's packages."""
    venv = tmp_path_factory.mktemp("wheel-venv") / "venv"
    python = venv / "bin" / "python"
    run_ok(sys.executable, "-m", "venv", venv)
    run_ok(python, "-m", "pip", "install", "-q", "--disable-pip-version-check", tool_wheel)
    location = run_ok(python, "-c", "import fastapi_mvc; print(fastapi_mvc.__file__)", cwd=venv)
    assert location.stdout.startswith(str(venv)), location.stdout
    return venv / "bin" / "fastapi-mvc"


def test_every_builtin_runs_from_the_wheel(installed: Path, tmp_path: Path) -> None:
    project = new_project(tmp_path, "demo", "--skip-git")
    listing = run_ok(installed, "generate", cwd=project)
    for name in ("controller (ctl)", "generator (gen)", "script (ss)"):
        assert name in listing.stdout + listing.stderr
    run_ok(installed, "generate", "controller", "articles", "index", "create:post", cwd=project)
    assert (project / "demo" / "app" / "controllers" / "articles.py").is_file()
    run_ok(installed, "generate", "generator", "policy", cwd=project)
    assert "MIT License" in (project / "lib" / "generators" / "policy" / "LICENSE").read_text()
    run_ok(installed, "generate", "policy", "billing", cwd=project)
    assert (project / "demo" / "app" / "policies" / "billing.py").is_file()
    refused = subprocess.run(
        [installed, "generate", "controller", "ready"], cwd=project, capture_output=True, text=True
    )
    assert refused.returncode == 2 and "collide" in refused.stderr
    run_ok(installed, "generate", "script", "deploy.sh", cwd=tmp_path)
    assert (tmp_path / "deploy.sh").is_file()
