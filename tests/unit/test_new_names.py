"""`new` refuses, before writing anything, a name or path that would make a broken project."""

from __future__ import annotations

import subprocess
import sys

import pytest
from support import new_project, run_cli

from fastapi_mvc.naming import MAX_PROJECT_NAME


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("app-", "ends with '-'"),
        ("app_", "ends with '_'"),
        ("a" * (MAX_PROJECT_NAME + 1), f"the most is {MAX_PROJECT_NAME}"),
        ("a" * 250, "250 characters long"),
        ("a" * 300, "300 characters long"),
    ],
)
def test_a_name_that_makes_a_broken_project_is_refused(tmp_path, name, message):
    result = run_cli("new", "-n", "-I", name, cwd=tmp_path)
    assert result.exit_code == 2
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_a_path_part_too_long_for_the_file_system_is_one_line(tmp_path):
    result = run_cli("new", "-n", "-I", str(tmp_path / ("d" * 300) / "blog"))
    assert result.exit_code == 2
    assert "File name too long" in result.output and "shorter" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_the_longest_name_allowed_passes_the_projects_own_lint(tmp_path):
    name = "inventory-management-platform"
    assert len(name) == MAX_PROJECT_NAME
    project = new_project(tmp_path, name, "--skip-git")
    for tool in (["black", "--check", "--diff"], ["ruff", "check"]):
        result = subprocess.run(
            [sys.executable, "-m", *tool, "."], cwd=project, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout + result.stderr
