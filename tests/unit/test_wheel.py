"""The built wheel carries the template and generators inside the fastapi_mvc namespace."""

from __future__ import annotations

import subprocess
import sys
import zipfile

from support import REPO_ROOT


def test_wheel_ships_template_and_generators_inside_the_package(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path)],
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("fastapi_mvc-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {name.split("/")[0] for name in names}
    assert top_level == {"fastapi_mvc", wheel.name.split("-py3")[0] + ".dist-info"}
    assert "fastapi_mvc/template/copier.yml" in names
    assert any(name.startswith("fastapi_mvc/template/project/") for name in names)
    assert "fastapi_mvc/generators/__init__.py" in names
    assert "fastapi_mvc/template-history.bundle" in names
    assert not any("__pycache__" in name for name in names)
    template_files = {
        path.relative_to(REPO_ROOT).as_posix()
        for path in (REPO_ROOT / "template").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert {"fastapi_mvc/" + name for name in template_files} <= set(names)
    entry_points = (
        zipfile.ZipFile(wheel)
        .read(next(name for name in names if name.endswith("entry_points.txt")))
        .decode()
    )
    assert "fastapi-mvc=fastapi_mvc.cli:main" in entry_points.replace(" ", "")
    assert "fm=fastapi_mvc.cli:main" in entry_points.replace(" ", "")
