"""A project made by the original fastapi-mvc (its template at 0.5.0 and 0.6.1): our generators
recognise its router, add our marker once with a report line, and undo their work on it."""

from __future__ import annotations

from pathlib import Path

import pytest
from compat_support import QUIET_OLD_TEMPLATE, original_project
from support import assert_file, run_tool, source_checksum

pytestmark = pytest.mark.filterwarnings(QUIET_OLD_TEMPLATE)

MARKER = "# fastapi-mvc: generated controllers are included above this line."


@pytest.fixture(scope="module", params=["0.5.0", "0.6.1"])
def made_by_original(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    return original_project(tmp_path_factory.mktemp(f"original-{request.param}"), request.param)


@pytest.fixture
def legacy(made_by_original: Path, tmp_path: Path) -> Path:
    import shutil

    return Path(shutil.copytree(made_by_original, tmp_path / made_by_original.name))


def test_generate_controller_registers_it_and_adds_the_marker_with_a_note(legacy: Path) -> None:
    result = run_tool("generate", "controller", "death_star", "status", "load:post", cwd=legacy)
    assert result.returncode == 0, result.stderr
    assert "insert  legacy/app/router.py" in result.stderr
    assert "made by the original fastapi-mvc and had no marker line" in result.stderr
    router = assert_file(
        legacy / "legacy" / "app" / "router.py",
        r"from legacy\.app\.controllers import death_star, ready\n",
        r'include_router\(ready\.router, tags=\["ready"\]\)\n'
        r"root_api_router\.include_router\(death_star\.router\)\n" + MARKER + r"\n$",
    )
    assert router.count(MARKER) == 1
    assert_file(legacy / "legacy" / "app" / "controllers" / "death_star.py")
    assert_file(legacy / "tests" / "unit" / "app" / "controllers" / "test_death_star.py")


def test_a_second_controller_uses_the_marker_without_a_note(legacy: Path) -> None:
    assert run_tool("g", "controller", "first", cwd=legacy).returncode == 0
    result = run_tool("g", "controller", "second", cwd=legacy)
    assert result.returncode == 0, result.stderr
    assert "no marker line" not in result.stderr
    router = (legacy / "legacy" / "app" / "router.py").read_text()
    assert router.endswith(
        "include_router(first.router)\nroot_api_router.include_router(second.router)\n"
        + MARKER
        + "\n"
    )


def test_destroy_takes_everything_out_but_the_marker(legacy: Path, tmp_path: Path) -> None:
    router = legacy / "legacy" / "app" / "router.py"
    before = router.read_text()
    assert run_tool("g", "controller", "death_star", cwd=legacy).returncode == 0
    result = run_tool("d", "controller", "death_star", cwd=legacy)
    assert result.returncode == 0, result.stderr
    assert router.read_text() == before + MARKER + "\n"
    assert not (legacy / "legacy" / "app" / "controllers" / "death_star.py").exists()


def test_a_router_the_user_changed_beyond_includes_is_refused_not_guessed(legacy: Path) -> None:
    router = legacy / "legacy" / "app" / "router.py"
    router.write_text(router.read_text() + "\nprint('registered')\n")
    before = source_checksum(legacy)
    result = run_tool("g", "controller", "death_star", cwd=legacy)
    assert result.returncode == 2
    assert "the marker line is missing" in result.stderr
    assert source_checksum(legacy) == before


def test_update_refuses_up_front_naming_what_works(legacy: Path) -> None:
    before = source_checksum(legacy)
    result = run_tool("update", "-n", cwd=legacy)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert "was made by the original fastapi-mvc" in result.stderr
    assert "coming-from-the-original.md" in result.stderr
    assert source_checksum(legacy) == before
