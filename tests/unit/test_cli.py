"""The command line as a user meets it: help, version, aliases, exit codes."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version

import pytest
import typer
import typer.main
from support import free_port, run_cli
from typer.testing import CliRunner

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


def run_main(cwd, *argv: str) -> subprocess.CompletedProcess[str]:
    """`fastapi-mvc ARGV` through the console script's `main`, in `cwd`; prints the loaded
    top-level packages among typer, pydantic and click as its last stdout line."""
    probe = (
        "import sys\n"
        f"sys.argv = ['fastapi-mvc', *{list(argv)!r}]\n"
        "from fastapi_mvc.cli import main\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    code = exit.code\nelse:\n    code = 0\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'typer', 'pydantic', 'click'}))\n"
        "sys.exit(code)\n"
    )
    return subprocess.run(
        [sys.executable, "-c", probe], cwd=cwd, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("command", ["generate", "g"])
def test_generate_and_destroy_run_without_typer_pydantic_or_click(tmp_path, command):
    created = run_main(tmp_path, command, "script", "deploy.sh")
    assert created.returncode == 0, created.stderr
    assert (tmp_path / "deploy.sh").is_file()
    assert "create  deploy.sh" in created.stderr
    assert created.stdout.splitlines()[-1] == "[]"

    removed = run_main(tmp_path, "destroy", "script", "deploy.sh")
    assert removed.returncode == 0, removed.stderr
    assert not (tmp_path / "deploy.sh").exists()
    assert removed.stdout.splitlines()[-1] == "[]"


def test_a_generator_command_without_typer_still_fails_in_one_line(tmp_path):
    result = run_main(tmp_path, "generate", "nosuchthing")
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("Error: ") and "nosuchthing" in line


def typer_params(argv: list[str]) -> dict:
    """The parameters Typer's `new` gets for `new ARGV`, its enums as their values."""
    from typer.main import get_command

    command = get_command(app).commands["new"]
    params = command.make_context("new", list(argv)).params
    return {key: getattr(value, "value", value) for key, value in params.items()}


def test_new_read_without_typer_knows_every_option_typer_knows():
    from typer.main import get_command

    from fastapi_mvc.cli import new_run

    typer_options = {
        option
        for param in get_command(app).commands["new"].params
        for option in [*param.opts, *param.secondary_opts]
        if option.startswith("-") and option not in {"-h", "--help"}
    }
    ours = {option for action in new_run.parser()._actions for option in action.option_strings}
    assert ours == typer_options


@pytest.mark.parametrize(
    "argv",
    [
        ["blog"],
        ["-n", "-I", "blog"],
        ["-nIq", "--skip-redis", "--skip-helm", "~/src/blog"],
        ["blog", "--database", "postgresql", "--license=BSD3", "-f"],
        ["-Dnone", "--skip-git", "--repo-url", "https://example.com/b", "blog"],
        ["--use-repo", "gh:x/y", "--use-version", "1.0", "--trust", "--", "-blog"],
        ["--skip-jobs", "--skip-codecov", "--skip-nix", "--skip-vagrantfile", "blog"],
        ["--skip-aiohttp", "--skip-actions", "-RAVHGCNJ", "blog", "--license", "no"],
    ],
)
def test_new_read_without_typer_makes_the_request_typer_makes(argv, monkeypatch):
    from fastapi_mvc.cli import new_run

    monkeypatch.setenv("REPO_URL", "https://example.com/from-env")
    assert new_run.plain_arguments(argv) == typer_params(argv)


@pytest.mark.parametrize(
    "argv",
    [
        ["--help", "blog"],
        ["blog", "-h"],
        ["--skip-red", "blog"],  # an abbreviation: Typer refuses it
        ["--database", "mysql", "blog"],
        ["--license", "GPL", "blog"],
        ["blog", "other"],
        [],
        ["--skip-redis=yes", "blog"],
    ],
)
def test_new_leaves_to_typer_what_is_not_plain(argv):
    from fastapi_mvc.cli import new_run

    assert new_run.plain_arguments(argv) is None


def test_new_runs_without_typer_and_a_mistake_still_gets_typers_message(tmp_path):
    created = run_main(tmp_path, "new", "-n", "-I", "-q", "--skip-git", "blog")
    assert created.returncode == 0, created.stderr
    assert (tmp_path / "blog" / "pyproject.toml").is_file()
    assert created.stdout.splitlines()[-1] == "[]"

    wrong = run_main(tmp_path, "n", "-n", "--databse", "postgresql", "other")
    assert wrong.returncode == 2
    assert "No such option: --databse" in wrong.stderr
    assert not (tmp_path / "other").exists()


def test_options_before_a_generator_command_go_through_typer(tmp_path):
    result = run_main(tmp_path, "-v", "generate", "script", "deploy.sh")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "deploy.sh").is_file()
    assert "typer" in result.stdout.splitlines()[-1]


def boundary_app(failure) -> typer.Typer:
    """A one-command application behind fastapi-mvc's error boundary."""
    from fastapi_mvc.cli import AliasGroup

    application = typer.Typer(cls=AliasGroup)

    @application.callback()
    def root(ctx: typer.Context, verbose: bool = typer.Option(False, "-v")) -> None:
        ctx.obj = {"verbose": verbose}

    @application.command()
    def fail() -> None:
        failure()

    return application


def unwritable(tmp_path):
    def failure() -> None:
        (tmp_path / "no" / "such" / "dir" / "file").write_text("x")

    return failure


def test_an_operating_system_error_is_one_line_with_a_fix(tmp_path):
    result = CliRunner().invoke(boundary_app(unwritable(tmp_path)), ["fail"])
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"Error: No such file or directory: {tmp_path}/no/such/dir/file; "
        "check that the path exists"
    )


def test_verbose_adds_the_traceback(tmp_path):
    result = CliRunner().invoke(boundary_app(unwritable(tmp_path)), ["-v", "fail"])
    assert result.exit_code == 1
    assert "Traceback" in result.output and "FileNotFoundError" in result.output
    assert result.output.strip().splitlines()[-1].startswith("Error: No such file")


def test_a_failing_command_run_by_copier_is_one_line(tmp_path):
    def failure() -> None:
        from plumbum import local

        local["git"]("ls-remote", f"http://127.0.0.1:{free_port()}/template.git")

    result = CliRunner().invoke(boundary_app(failure), ["fail"])
    assert result.exit_code == 1
    (line,) = result.output.strip().splitlines()
    assert line.startswith("Error: git ls-remote failed: fatal: unable to access")
    assert line.endswith(
        "check the template's URL or path and your network connection, then try again"
    )


def test_ctrl_c_while_the_command_line_is_still_loading_says_aborted():
    # SIGINT delivered while Typer is being imported, the first ~0.2 s of every run.
    probe = (
        "import os, signal, sys\n"
        "class Interrupt:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'typer':\n"
        "            os.kill(os.getpid(), signal.SIGINT)\n"
        "        return None\n"
        "sys.meta_path.insert(0, Interrupt())\n"
        "sys.argv = ['fastapi-mvc', '--version']\n"
        "from fastapi_mvc.cli import main\n"
        "main()\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 130
    assert result.stderr.strip() == "Aborted"
