"""`fastapi-mvc destroy`: the listing, pruning emptied folders, quiet runs, and what is kept."""

from __future__ import annotations

from pathlib import Path

from support import (
    assert_no_file,
    run_destroy,
    run_generator,
    tree_checksum,
)


def test_without_a_generator_it_lists_them(project: Path) -> None:
    result = run_destroy(project)
    assert result.exit_code == 0
    assert result.output.startswith("Usage: fastapi-mvc destroy GENERATOR")
    assert "controller (ctl)" in result.output
    assert "Run `fastapi-mvc destroy GENERATOR --help`" in result.output


def test_its_help_speaks_of_removing(project: Path) -> None:
    result = run_destroy(project, "controller", "--help")
    assert "Usage: fastapi-mvc destroy controller" in result.output
    assert "Remove files even if they changed since they were generated." in result.output


def test_folders_left_with_only_caches_go_too(project: Path) -> None:
    run_generator(project, "generator", "service")
    before = tree_checksum(project)
    run_generator(project, "service", "billing")
    for folder in (project / "demo" / "app" / "services", project / "tests/unit/app/services"):
        (folder / "__pycache__").mkdir()
        (folder / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0")

    result = run_destroy(project, "service", "billing", "-q")

    assert result.exit_code == 0 and result.output == ""
    assert_no_file(project / "demo" / "app" / "services")
    assert_no_file(project / "tests" / "unit" / "app" / "services")
    assert (project / "tests" / "unit" / "app").is_dir()
    assert tree_checksum(project) == before


def test_a_folder_holding_a_file_of_the_user_stays(project: Path) -> None:
    run_generator(project, "generator", "service")
    run_generator(project, "service", "billing")
    mine = project / "demo" / "app" / "services" / "mine.py"
    mine.write_text("X = 1\n")

    result = run_destroy(project, "service", "billing")

    assert "keep  demo/app/services/__init__.py (other modules of its package remain)" in (
        result.output
    )
    assert mine.is_file() and (mine.parent / "__init__.py").is_file()
    assert_no_file(mine.parent / "billing.py")


def test_a_script_outside_any_project(tmp_path: Path) -> None:
    run_generator(tmp_path, "script", "deploy.sh")
    (tmp_path / "deploy.sh").write_text("#!/bin/sh\necho mine\n")
    result = run_destroy(tmp_path, "ss", "deploy.sh")
    assert "keep  deploy.sh (changed since it was generated, or made with other" in result.output
    assert run_destroy(tmp_path, "ss", "deploy.sh", "-f").exit_code == 0
    assert list(tmp_path.iterdir()) == []
