"""`fastapi-mvc db`: where it refuses before running anything (it runs for real in
tests/integration/test_models.py, on an installed project)."""

from __future__ import annotations

import re
from pathlib import Path

from support import run_cli


def test_outside_a_project_it_says_where_to_go(tmp_path: Path) -> None:
    result = run_cli("db", "migrate", cwd=tmp_path)

    assert result.exit_code == 2
    assert "not a fastapi-mvc project" in result.output
    assert result.output.count("\n") == 1


def test_a_project_without_a_database_is_refused(project: Path) -> None:
    answers = project / ".fastapi-mvc.yml"
    answers.write_text(re.sub(r"(?m)^database: .*$", "database: none", answers.read_text()))

    result = run_cli("db", "migrate", cwd=project / "demo")

    assert result.exit_code == 2
    assert "demo has no database (its answers say database: none)" in result.output
    assert "fastapi-mvc update --enable database" in result.output


def test_a_project_not_installed_is_told_to_install(project: Path) -> None:
    result = run_cli("db", "status", cwd=project)

    assert result.exit_code == 2
    assert "is not installed yet" in result.output
    assert "make install" in result.output


def test_its_help_lists_the_subcommands(tmp_path: Path) -> None:
    result = run_cli("db", "--help", cwd=tmp_path)

    assert result.exit_code == 0
    for subcommand in ("migrate", "rollback", "status", "seed", "reset", "current"):
        assert re.search(rf"^\W+{subcommand}\b", result.output, re.MULTILINE), subcommand
