"""The git operations fastapi-mvc needs, as plain subprocess calls: the only place that runs git.

Values that came from a file or a user (a ref from an answers file, a path) are passed as
`operands`: they follow `--end-of-options`, so git never reads one of them as an option.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from fastapi_mvc.errors import CommandFailed, UsageError

# `--end-of-options` arrived in git 2.24.
_MINIMUM_VERSION = (2, 24)
# Commits fastapi-mvc makes itself, in caches and throw-away copies, need no user identity.
TOOL_IDENTITY = {
    "GIT_AUTHOR_NAME": "fastapi-mvc",
    "GIT_AUTHOR_EMAIL": "template@fastapi-mvc",
    "GIT_COMMITTER_NAME": "fastapi-mvc",
    "GIT_COMMITTER_EMAIL": "template@fastapi-mvc",
}


@functools.cache
def _executable() -> str:
    executable = shutil.which("git")
    if executable is None:
        raise UsageError("git is not installed", "fastapi-mvc needs git: install it and try again")
    version = subprocess.run([executable, "--version"], capture_output=True, text=True).stdout
    match = re.search(r"(\d+)\.(\d+)", version)
    found = (int(match[1]), int(match[2])) if match else (0, 0)
    if found < _MINIMUM_VERSION:
        raise UsageError(
            f"git {'.'.join(map(str, found))} is too old",
            f"fastapi-mvc needs git {'.'.join(map(str, _MINIMUM_VERSION))} or newer: upgrade it",
        )
    return executable


def git(
    *args: str,
    operands: Sequence[str] = (),
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> str:
    """Run `git ARGS --end-of-options OPERANDS`; return stdout, or raise CommandFailed."""
    command = [_executable(), *args, *(("--end-of-options", *operands) if operands else ())]
    result = subprocess.run(
        command,
        cwd=cwd,
        env={**os.environ, **env} if env else None,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        last_line = (result.stderr.strip().splitlines() or [f"exit {result.returncode}"])[-1]
        raise CommandFailed(f"git {args[0]} failed: {last_line}", output=result.stderr)
    return result.stdout


def identity() -> tuple[str | None, str | None]:
    """The user's git `user.name` and `user.email`, each None when unset (or git is missing).

    One git process for both (`new` asks for them twice); the last value git lists wins, as
    with `git config --get`.
    """
    try:
        listed = git("config", "--get-regexp", r"^user\.(name|email)$")
    except (CommandFailed, UsageError):
        return None, None
    values = dict(line.partition(" ")[::2] for line in listed.splitlines())
    return values.get("user.name") or None, values.get("user.email") or None


def is_repository(path: Path) -> bool:
    try:
        git("rev-parse", "--is-inside-work-tree", cwd=path)
    except CommandFailed:
        return False
    return True


def top_level(path: Path) -> Path:
    return Path(git("rev-parse", "--show-toplevel", cwd=path).strip())


def dirty_files(path: Path) -> list[str]:
    """Paths with uncommitted changes (staged, unstaged or untracked), as git prints them."""
    return [line[3:] for line in git("status", "--porcelain", cwd=path).splitlines() if line]


def resolve(repo: Path, ref: str) -> str | None:
    """The commit `ref` names in `repo`, or None."""
    try:
        return git("rev-parse", "--verify", "-q", operands=[f"{ref}^{{commit}}"], cwd=repo).strip()
    except CommandFailed:
        return None


def describe(repo: Path, ref: str) -> str:
    """`ref` as its tag, or tag-distance-sha, or a short sha."""
    return git("describe", "--tags", "--always", operands=[ref], cwd=repo).strip()


def is_ancestor(repo: Path, older: str, newer: str) -> bool:
    try:
        git("merge-base", "--is-ancestor", operands=[older, newer], cwd=repo)
    except CommandFailed:
        return False
    return True


def init(path: Path) -> None:
    git("init", "-q", operands=[str(path)])


def fetch_tags(repo: Path, bundle: Path) -> None:
    git("fetch", "-q", operands=[str(bundle), "+refs/tags/*:refs/tags/*"], cwd=repo)


def show(repo: Path, ref: str, path: str) -> str | None:
    """The text of `path` at `ref` in `repo`, or None where it does not exist."""
    try:
        return git("show", operands=[f"{ref}:{path}"], cwd=repo)
    except CommandFailed:
        return None


def clone_at_head(source: Path, destination: Path) -> str:
    """A throw-away clone of `source`'s repository, checked out at its HEAD commit; returns it.

    It borrows `source`'s objects (--shared) instead of copying them, and writes nothing there.
    """
    head = git("rev-parse", "--verify", "HEAD", cwd=source).strip()
    git("clone", "-q", "--shared", "--no-checkout", operands=[str(source), str(destination)])
    git("checkout", "-q", "--detach", head, cwd=destination)
    return head


def commit_all(path: Path, message: str) -> None:
    """Commit everything in `path`'s work tree with fastapi-mvc's own identity, hooks off."""
    git("add", "-A", cwd=path)
    git("commit", "-q", "--no-verify", "--no-gpg-sign", "-m", message, cwd=path, env=TOOL_IDENTITY)


def changes_since(path: Path, commit: str) -> list[tuple[str, str]]:
    """(status letter A/M/D/T, repository-relative path) of `path`'s work tree against `commit`.

    Stages everything first, so only use it in a throw-away repository.
    """
    git("add", "-A", cwd=path)
    fields = git("diff", "--cached", "--name-status", "--no-renames", "-z", commit, cwd=path)
    parts = fields.split("\0")
    return [(parts[i][0], parts[i + 1]) for i in range(0, len(parts) - 1, 2)]


def restore(path: Path, paths: Sequence[str]) -> None:
    """Put repository-relative `paths` back as they are at HEAD."""
    if paths:
        git("checkout", "-q", "HEAD", "--", *paths, cwd=top_level(path))


def init_and_commit(path: Path, message: str) -> None:
    """Make `path` a git repository whose first commit holds everything in it."""
    git("init", "-q", cwd=path)
    git("add", "-A", cwd=path)
    name, email = identity()
    fallback = {}
    if name is None:
        fallback["GIT_AUTHOR_NAME"] = fallback["GIT_COMMITTER_NAME"] = "fastapi-mvc"
    if email is None:
        fallback["GIT_AUTHOR_EMAIL"] = fallback["GIT_COMMITTER_EMAIL"] = "fastapi-mvc@localhost"
    git("commit", "-q", "--no-verify", "--no-gpg-sign", "-m", message, cwd=path, env=fallback)
