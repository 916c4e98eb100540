"""The few git operations fastapi-mvc needs, as plain subprocess calls."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

from fastapi_mvc.errors import CommandFailed, UsageError


@functools.cache
def _executable() -> str | None:
    return shutil.which("git")


def git(*args: str, cwd: Path | None = None, env: Mapping[str, str] | None = None) -> str:
    """Run git and return its stdout; raise CommandFailed with its stderr on failure."""
    executable = _executable()
    if executable is None:
        raise UsageError("git is not installed", "install git and try again")
    result = subprocess.run(
        [executable, *args],
        cwd=cwd,
        env={**os.environ, **env} if env else None,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise CommandFailed(
            f"git {args[0]} failed: {result.stderr.strip().splitlines()[-1:] or result.returncode}",
            output=result.stdout + result.stderr,
        )
    return result.stdout


def config_value(key: str) -> str | None:
    """The user's git config value for `key`, or None when unset or git is missing."""
    executable = _executable()
    if executable is None:
        return None
    result = subprocess.run([executable, "config", "--get", key], capture_output=True, text=True)
    return result.stdout.strip() or None


def is_repository(path: Path) -> bool:
    try:
        git("rev-parse", "--is-inside-work-tree", cwd=path)
    except CommandFailed:
        return False
    return True


def dirty_files(path: Path) -> list[str]:
    """Paths with uncommitted changes (staged, unstaged or untracked), as git prints them."""
    return [line[3:] for line in git("status", "--porcelain", cwd=path).splitlines() if line]


def init_and_commit(path: Path, message: str) -> None:
    """Make `path` a git repository whose first commit holds everything in it."""
    git("init", "-q", cwd=path)
    git("add", "-A", cwd=path)
    identity = {}
    if config_value("user.name") is None:
        identity["GIT_AUTHOR_NAME"] = identity["GIT_COMMITTER_NAME"] = "fastapi-mvc"
    if config_value("user.email") is None:
        identity["GIT_AUTHOR_EMAIL"] = identity["GIT_COMMITTER_EMAIL"] = "fastapi-mvc@localhost"
    git("commit", "-q", "--no-verify", "--no-gpg-sign", "-m", message, cwd=path, env=identity)
