"""The command line as a user meets it: help, version, aliases, exit codes."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version

import pytest
import typer.main
from support import run_cli

from fastapi_mvc.cli import ALIASES, app


def command_names() -> list[str]:
    return sorted(typer.main.get_command(app).commands)


def test_root_help_lists_every_command():
    result = run_cli("--help")
    assert result.exit_code == 0
    for name in command_names():
        assert name in result.output


@pytest.mark.parametrize("name", command_names())
def test_every_command_has_help(name):
    result = run_cli(name, "--help")
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


@pytest.mark.parametrize(("alias", "name"), sorted(ALIASES.items()))
def test_aliases_reach_their_command(alias, name):
    assert run_cli(alias, "--help").output == run_cli(name, "--help").output


def test_version_comes_from_package_metadata():
    result = run_cli("--version")
    assert result.exit_code == 0
    assert result.output.strip() == f"fastapi-mvc {version('fastapi-mvc')}"


def test_unknown_option_is_a_usage_error():
    assert run_cli("new", "--no-such-option", "x").exit_code == 2


def test_unknown_command_is_a_usage_error():
    assert run_cli("frobnicate").exit_code == 2


def test_no_arguments_shows_help():
    result = run_cli()
    assert "Usage:" in result.output


def test_module_and_short_script_entry_points():
    result = subprocess.run(
        [sys.executable, "-m", "fastapi_mvc", "--version"], capture_output=True, text=True
    )
    assert result.returncode == 0
    assert result.stdout.startswith("fastapi-mvc ")


def test_help_imports_neither_copier_nor_project_code():
    probe = (
        "import sys\n"
        "sys.argv = ['fastapi-mvc', 'new', '--help']\n"
        "from fastapi_mvc.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'copier', 'fastapi'}))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.stdout.strip().splitlines()[-1] == "[]"
