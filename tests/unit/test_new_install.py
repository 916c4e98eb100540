"""`new` runs the project's own `make install`: said before it starts, its failures explained."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from support import run_cli, run_tool


def fake_make(tmp_path, script: str) -> dict[str, str]:
    """An environment whose `make` is `script` (a real `make install` takes a minute)."""
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    make = fake_bin / "make"
    make.write_text(f"#!/bin/sh\n{script}\n")
    make.chmod(0o755)
    return {"PATH": f"{fake_bin}{os.pathsep}{os.environ['PATH']}"}


def test_a_failing_install_shows_its_output_and_the_fix(tmp_path):
    env = fake_make(tmp_path, "echo 'pip: no matching distribution for fastapi' >&2\nexit 2")
    result = run_tool("new", "-n", str(tmp_path / "blog"), env=env)
    assert result.returncode == 1
    assert "pip: no matching distribution for fastapi" in result.stderr
    assert "`make install` failed" in result.stderr and "then run `make install`" in result.stderr
    # The project itself was made; only its installation failed.
    assert (tmp_path / "blog" / ".fastapi-mvc.yml").is_file()


def test_the_install_is_announced_before_it_starts_and_ctrl_c_says_what_to_rerun(tmp_path):
    # Not on a terminal (a CI log, `| tee`): the line must come before the long wait.
    env = fake_make(tmp_path, "exec sleep 60")
    new = subprocess.Popen(
        [sys.executable, "-m", "fastapi_mvc", "new", "-n", "blog"],
        cwd=tmp_path,
        env={**os.environ, **env},
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    seen = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = new.stderr.readline()
        assert line, "".join(seen)
        seen.append(line)
        if "make install" in line:
            break
    assert seen[-1].split() == ["run", "make", "install"]
    time.sleep(0.5)
    assert new.poll() is None, "`make install` ended before Ctrl-C"
    os.killpg(new.pid, signal.SIGINT)  # Ctrl-C reaches the whole foreground group
    rest = new.stderr.read()
    new.stderr.close()
    assert new.wait(timeout=60) == 130
    project = tmp_path / "blog"
    assert "Traceback" not in rest
    assert rest.strip().splitlines()[-1] == (
        f"Error: `make install` was interrupted: {project} exists, but is not installed; "
        f"run `make install` in {project} to finish"
    )
    assert (project / ".fastapi-mvc.yml").is_file()


def test_next_steps_without_install_start_with_make_install(tmp_path):
    result = run_cli("new", "-n", "-I", str(tmp_path / "blog"))
    assert result.exit_code == 0, result.output
    steps = result.output[result.output.index("Next:") :].split("\n")[1:]
    assert [step.strip() for step in steps if step.strip()] == [
        f"cd {tmp_path / 'blog'}",
        "make install",
        "make test",
        "fastapi-mvc run",
    ]


def test_next_steps_after_an_install(tmp_path):
    env = fake_make(tmp_path, "exit 0")
    result = run_tool("new", "-n", "blog", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stderr.rstrip().endswith("Next:\n  cd blog\n  make test\n  fastapi-mvc run")
