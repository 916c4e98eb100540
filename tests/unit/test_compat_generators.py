"""A generator written for the original fastapi-mvc, rendered from its own generator template
(copier-generator 0.4.1, from ../shared/anchor), is listed, helped and run by us unchanged."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest
from compat_support import QUIET_OLD_TEMPLATE, original_generator
from support import assert_file, assert_no_file, run_generator, run_tool

pytestmark = pytest.mark.filterwarnings(QUIET_OLD_TEMPLATE)


@pytest.fixture
def with_generator(project: Path) -> Path:
    original_generator(project / "lib" / "generators" / "foo_bar")
    return project


def test_listing_shows_it_under_its_folder_name_with_its_click_name_and_alias(
    with_generator: Path,
) -> None:
    result = run_generator(with_generator)
    assert result.exit_code == 0, result.output
    assert "foo_bar (foo-bar, foo)  Run custom generator foo-bar." in result.output
    assert "Broken generators" not in result.output


def test_its_help_is_its_click_help(with_generator: Path) -> None:
    result = run_generator(with_generator, "foo", "--help")
    assert result.exit_code == 0, result.output
    assert "Creates a dummy hello_world.py example." in result.output
    assert "NAME" in result.output


def test_running_it_by_alias_renders_its_template_into_the_package(
    with_generator: Path,
) -> None:
    result = run_generator(with_generator / "demo", "foo", "WORLD!")
    assert result.exit_code == 0, result.output
    assert_file(with_generator / "demo" / "hello_world.py", r'print\("Hello world!!"\)')


def test_a_missing_argument_is_a_usage_error_naming_its_help(with_generator: Path) -> None:
    result = run_tool("generate", "foo-bar", cwd=with_generator)
    assert result.returncode == 2
    assert "Missing argument 'NAME'" in result.stderr
    assert "see `fastapi-mvc generate foo_bar --help`" in result.stderr


def test_destroy_refuses_naming_the_way_out(with_generator: Path) -> None:
    result = run_tool("destroy", "foo", "x", cwd=with_generator)
    assert result.returncode == 2
    assert "was written for the original fastapi-mvc" in result.stderr


def test_on_fmvc_path_it_runs_from_a_subfolder_at_the_project_root(
    project: Path, tmp_path: Path
) -> None:
    original_generator(tmp_path / "shared" / "greeter", "greeter")
    env = {"FMVC_PATH": str(tmp_path / "shared")}
    result = run_tool("g", "greeter", "Ann", cwd=project / "tests", env=env)
    assert result.returncode == 0, result.stderr
    assert_file(project / "demo" / "hello_world.py", r'print\("Hello ann!"\)')
    assert_no_file(project / "tests" / "demo")


def test_outside_a_project_it_fails_with_one_line(tmp_path: Path) -> None:
    original_generator(tmp_path / "gens" / "foo_bar")
    result = run_tool("g", "foo", "x", cwd=tmp_path, env={"FMVC_PATH": str(tmp_path / "gens")})
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "not a fastapi-mvc project" in result.stderr


def test_one_that_fails_to_import_is_reported_by_name_and_the_others_still_run(
    with_generator: Path,
) -> None:
    broken = with_generator / "lib" / "generators" / "broken"
    broken.mkdir()
    (broken / "__init__.py").write_text("import nonexistent_module_xyz\n")
    listing = run_generator(with_generator)
    assert "broken" in listing.output and "foo_bar" in listing.output
    result = run_tool("g", "broken", cwd=with_generator)
    assert result.returncode == 1
    assert "generator 'broken'" in result.stderr and "ModuleNotFoundError" in result.stderr
    assert run_generator(with_generator / "demo", "foo", "still").exit_code == 0


def test_the_original_api_names_import_from_their_old_paths(project: Path) -> None:
    code = textwrap.dedent("""
        from fastapi_mvc.cli import GeneratorCommand
        from fastapi_mvc.constants import ANSWERS_FILE
        from fastapi_mvc.utils import load_answers_file, require_fastapi_mvc_project
        import click
        assert issubclass(GeneratorCommand, click.Command)
        assert GeneratorCommand(name="x", alias="y", category="Custom").alias == "y"
        assert ANSWERS_FILE == ".fastapi-mvc.yml"
        answers = require_fastapi_mvc_project()
        assert answers == load_answers_file() and answers["package_name"] == "demo"
        """)
    old = Path.cwd()
    os.chdir(project)
    try:
        exec(compile(code, "generator_code", "exec"), {})
    finally:
        os.chdir(old)
