"""`fastapi-mvc generate script`: a standalone, shellcheck-clean script, in or out of a project."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import assert_file, new_project, run_destroy, run_generator, tree_checksum


def shellcheck() -> str:
    found = shutil.which("shellcheck") or shutil.which(
        "shellcheck", path=str(Path(sys.executable).parent)
    )
    if found is None:
        pytest.fail("shellcheck is not installed; run `bash .ci/tools.sh`")
    return found


def test_a_script_outside_any_project(tmp_path: Path) -> None:
    result = run_generator(tmp_path, "script", "deploy.sh")

    assert result.exit_code == 0, result.output
    assert "create  deploy.sh" in result.output
    script = tmp_path / "deploy.sh"
    assert_file(
        script,
        r"\A#!/usr/bin/env bash\n# deploy\.sh: ",
        r"^set -euo pipefail$",
        r'^if \[ -n "\$\{DEBUG:-\}" \]; then\n  set -x\nfi$',
        r"^usage\(\) \{$",
        r'^main "\$@"\n\Z',
    )
    assert script.stat().st_mode & 0o111 == 0o111
    done = subprocess.run([shellcheck(), str(script)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout
    ran = subprocess.run([str(script), "--verbose", "a", "b"], capture_output=True, text=True)
    assert ran.returncode == 0 and "[deploy.sh] arguments: a b" in ran.stderr
    assert (
        "Usage: deploy.sh [OPTIONS]"
        in subprocess.run([str(script), "-h"], capture_output=True, text=True).stdout
    )
    wrong = subprocess.run([str(script), "--wrong"], capture_output=True, text=True)
    assert wrong.returncode == 1 and "unknown option: --wrong" in wrong.stderr


def test_use_nix_gives_a_nix_shell_shebang(tmp_path: Path) -> None:
    result = run_generator(tmp_path, "ss", "-n", "release")
    assert result.exit_code == 0, result.output
    assert_file(
        tmp_path / "release",
        r"\A#!/usr/bin/env nix-shell\n"
        r"#!nix-shell -i bash -p bash coreutils\n"
        r"# shellcheck shell=bash\n",
    )
    done = subprocess.run([shellcheck(), str(tmp_path / "release")], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout


def test_inside_a_project_it_writes_where_you_are(tmp_path: Path) -> None:
    project = new_project(tmp_path, "demo", "--skip-git")
    result = run_generator(project / "build", "script", "release.sh")
    assert result.exit_code == 0, result.output
    assert (project / "build" / "release.sh").is_file()


def test_twice_is_identical_and_destroy_takes_it_back(tmp_path: Path) -> None:
    run_generator(tmp_path, "script", "deploy.sh")
    assert "identical  deploy.sh" in run_generator(tmp_path, "script", "deploy.sh").output
    assert run_destroy(tmp_path, "script", "deploy.sh").exit_code == 0
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../deploy.sh", "path separator"),
        ("bin/deploy.sh", "path separator"),
        (".hidden", "starts with '.'"),
        ("1st.sh", "start with a letter"),
        ("deploy.py", "start with a letter"),
    ],
)
def test_invalid_script_names_are_refused(tmp_path: Path, name: str, reason: str) -> None:
    before = tree_checksum(tmp_path)
    result = run_generator(tmp_path, "script", name)
    assert result.exit_code == 2, result.output
    assert reason in result.output
    assert tree_checksum(tmp_path) == before


def test_destroy_by_name_alone_finds_a_nix_script(tmp_path: Path) -> None:
    run_generator(tmp_path, "script", "--use-nix", "release.sh")
    result = run_destroy(tmp_path, "script", "release.sh")
    assert result.exit_code == 0, result.output
    assert list(tmp_path.iterdir()) == []
