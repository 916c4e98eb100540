"""`run` and `routes` need an installed project; before `make install` they say so."""

from __future__ import annotations

import sys

import pytest
from support import new_project, run_cli, run_ok, run_tool


@pytest.mark.parametrize("command", [["run"], ["routes"]])
def test_a_project_that_is_not_installed_gets_a_hint(tmp_path, command):
    project = new_project(tmp_path, "blog")
    result = run_cli(*command, cwd=project)
    assert result.exit_code == 2
    assert "not installed yet" in result.output and "make install" in result.output


@pytest.mark.parametrize("command", [["run"], ["routes"]])
def test_outside_a_project(tmp_path, command):
    result = run_cli(*command, cwd=tmp_path)
    assert result.exit_code == 2
    assert "not a fastapi-mvc project" in result.output


def test_an_invalid_routes_filter_is_a_usage_error(tmp_path):
    result = run_cli("routes", "-g", "(", cwd=new_project(tmp_path, "blog"))
    assert result.exit_code == 2
    assert "invalid --grep pattern" in result.output


def test_run_rejects_a_port_out_of_range(tmp_path):
    assert run_cli("run", "-p", "70000", cwd=tmp_path).exit_code == 2


@pytest.mark.parametrize("command", [["run"], ["routes"]])
def test_a_half_installed_project_gets_a_hint(tmp_path, command):
    # What Ctrl-C during `make install` leaves: a .venv without the project in it.
    project = new_project(tmp_path, "blog")
    run_ok(sys.executable, "-m", "venv", "--without-pip", project / ".venv")
    # In a process of its own: `run` execs the dev server when it finds nothing missing.
    result = run_tool(*command, cwd=project)
    assert result.returncode == 2
    assert "blog is not fully installed" in result.stderr
    assert "run `make install` in the project" in result.stderr
