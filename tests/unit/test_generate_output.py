"""What the user reads: a colour for every status on a terminal, and no colour codes at all
when the output is not a terminal or NO_COLOR is set (https://no-color.org)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pexpect
import pytest
from support import run_tool

from fastapi_mvc.console import Status

ESCAPE = "\x1b["


def in_a_terminal(cwd: Path, *args: str, **env: str) -> str:
    child = pexpect.spawn(
        sys.executable,
        ["-m", "fastapi_mvc", *args],
        cwd=str(cwd),
        env={**{k: v for k, v in os.environ.items() if k != "NO_COLOR"}, **env} | {"TERM": "xterm"},
        encoding="utf-8",
        timeout=60,
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    return str(child.before)


def test_every_status_has_a_colour() -> None:
    assert {status: status.colour for status in Status}.keys() == set(Status)
    assert all(status.colour != "white" for status in Status)


def test_status_lines_are_coloured_on_a_terminal(tmp_path: Path) -> None:
    output = in_a_terminal(tmp_path, "generate", "script", "deploy.sh")
    assert ESCAPE in output and "create" in output


@pytest.mark.parametrize("command", ["generate", "destroy"])
def test_no_color_means_no_colour_codes_even_on_a_terminal(tmp_path: Path, command: str) -> None:
    if command == "destroy":
        in_a_terminal(tmp_path, "generate", "script", "deploy.sh")
    output = in_a_terminal(tmp_path, command, "script", "deploy.sh", NO_COLOR="1")
    assert ESCAPE not in output
    assert ("remove" if command == "destroy" else "create") in output


def test_new_through_a_pipe_has_no_colour_codes(tmp_path: Path) -> None:
    done = run_tool("new", "-n", "-I", "--skip-git", str(tmp_path / "plain"))
    assert done.returncode == 0, done.stderr
    assert "create" in done.stdout + done.stderr
    assert ESCAPE not in done.stdout + done.stderr
