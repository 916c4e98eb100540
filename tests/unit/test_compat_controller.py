"""`fastapi-mvc generate controller --original-api`: the controller the original fastapi-mvc's
generator made (copier-controller 0.2.2), served the way it served it, so a client or script
written against an original project keeps working: its URLs (the names lower-cased, `-` as `_`)
and its answer (200 and {"hello": "world"} from every endpoint). The integration suite serves
one (tests/integration/test_compat.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from support import assert_file, run_cli, run_destroy, run_generator, tree_checksum

from fastapi_mvc.generating.router_edit import MARKER

README_FLOW = ("death_star", "status", "load:post", "fire:delete")  # the original's README


def module(project: Path, folder: str, name: str) -> Path:
    return project / "demo" / "app" / folder / f"{name}.py"


def unit_test(project: Path, name: str) -> Path:
    return project / "tests" / "unit" / "app" / "controllers" / f"test_{name}.py"


def test_the_readme_controller_serves_the_originals_paths_and_answers(project: Path) -> None:
    result = run_generator(project, "controller", "--original-api", *README_FLOW)

    assert result.exit_code == 0, result.output
    assert "insert  demo/app/router.py" in result.output
    assert_file(
        module(project, "controllers", "death_star"),
        r'^router = APIRouter\(prefix="/death_star", tags=\["death_star"\]\)$',
        r'^@router\.get\("/status"\)\nasync def status\(\) -> DeathStarStatusResponse:$',
        # The original answered 200 to every method, with the same body.
        r'^@router\.post\("/load"\)\n',
        r'^@router\.delete\("/fire"\)\nasync def fire\(\) -> DeathStarFireResponse:\n.*\n'
        r'    return DeathStarFireResponse\(hello="world"\)$',
    )
    views = assert_file(
        module(project, "views", "death_star"),
        r'^    hello: str = Field\(description="The original fastapi-mvc\'s greeting\.", '
        r'examples=\["world"\]\)$',
    )
    assert "action" not in views
    test = assert_file(
        unit_test(project, "death_star"),
        r'^    assert router\.prefix == "/death_star"$',
        r'^    response = client\.delete\("/death_star/fire"\)\n'
        r"    assert response\.status_code == 200\n"
        r'    assert response\.json\(\) == \{"hello": "world"\}$',
    )
    assert "201" not in test and "204" not in test
    assert_file(
        project / "demo" / "app" / "router.py",
        rf"^root_api_router\.include_router\(death_star\.router\)\n{MARKER}\n\Z",
    )


def test_names_are_spelled_as_the_original_spelled_them(project: Path) -> None:
    """The original lower-cased names and wrote `-` as `_`: DeathStar was /deathstar, loadAll
    /loadall, Fire-Now /fire_now; a builtin's name keeps its path, its function gets a `_`."""
    run_generator(project, "ctl", "--original-api", "DeathStar", "loadAll", "Fire-Now", "list")

    assert_file(
        module(project, "controllers", "death_star"),
        r'prefix="/deathstar"',
        r'^@router\.get\("/loadall"\)\nasync def loadall\(\) -> DeathStarLoadallResponse:$',
        r'^@router\.get\("/fire_now"\)\nasync def fire_now\(\)',
        r'^@router\.get\("/list"\)\nasync def list_\(\)',
    )


def test_a_class_based_controller_serves_the_originals_api_too(project: Path) -> None:
    run_generator(project, "controller", "--original-api", "--class", *README_FLOW)

    assert_file(
        module(project, "controllers", "death_star"),
        r'^class DeathStarController\(Controller, prefix="/death_star", tags=\["death_star"\]\):$',
        r'^    @delete\("/fire"\)\n    async def fire\(self\) -> DeathStarFireResponse:$',
        r'^        return DeathStarFireResponse\(hello="world"\)$',
    )


def test_generated_code_is_black_and_ruff_clean(project: Path) -> None:
    longest = ("a_controller_name_of_thirty_ch", "an_endpoint_name_of_thirty_chr:delete", "x")
    run_generator(project, "controller", "--original-api", *README_FLOW, "ping:head", "get")
    run_generator(project, "ctl", "--original-api", "-c", *longest)
    files = [
        str(path)
        for name in ("death_star", longest[0])
        for path in (
            module(project, "controllers", name),
            module(project, "views", name),
            unit_test(project, name),
        )
    ]
    for tool in (["black", "--check", "--quiet"], ["ruff", "check", "--quiet"]):
        done = subprocess.run(
            [sys.executable, "-m", *tool, *files], cwd=project, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stdout + done.stderr


def test_destroy_reads_the_form_back_and_restores_the_exact_tree(project: Path) -> None:
    """destroy needs no --original-api: the controller says how it was made."""
    before = tree_checksum(project)
    run_generator(project, "controller", "--original-api", "DeathStar", "loadAll", "list:delete")
    run_generator(project, "controller", "--original-api", "-c", "-R", "fleet", *README_FLOW[1:])

    for name in ("DeathStar", "fleet"):
        result = run_destroy(project, "controller", name)
        assert result.exit_code == 0, result.output
        assert "keep" not in result.output, result.output
    assert tree_checksum(project) == before


def test_the_help_names_the_switch(project: Path) -> None:
    result = run_cli("generate", "controller", "--help", cwd=project)
    assert result.exit_code == 0
    assert "--original-api" in result.output
    assert "/api/death_star/load" in result.output
