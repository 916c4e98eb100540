"""A template given with `new --use-repo`, looked at before copier renders it.

copier renders any directory, so a `--use-repo` that is no template (a typo'd path, a project's
own repository) would silently become a copy of it. And the original fastapi-mvc's project
template renders into a project nothing here can manage (see compat.template). Both are refused
before anything is written, from the template's copier.yml: read from the directory, from its
git repository at the ref asked for, or from a bare clone of a bundle or URL into a scratch
directory (its objects only, no work tree).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml

from fastapi_mvc import git
from fastapi_mvc.compat import template as original
from fastapi_mvc.errors import CommandFailed, FastapiMvcError, UsageError

CONFIG_FILES = ("copier.yml", "copier.yaml")
# The URL spellings copier takes besides git's own.
_SHORTCUTS = {"gh:": "https://github.com/", "gl:": "https://gitlab.com/", "git+": ""}


def check(src: str, ref: str | None) -> None:
    """Raise UsageError when `src` at `ref` is not a copier template, or is the original's."""
    text = config_text(src, ref)
    if text is None:
        raise UsageError(
            f"{src} is not a copier template: it has no {' or '.join(CONFIG_FILES)}"
            + (f" at {ref!r}" if ref else ""),
            "pass a copier template's path or git URL to --use-repo, or drop it for ours",
        )
    try:
        config = yaml.safe_load(text)
    except yaml.YAMLError:
        return  # copier reports a broken copier.yml in its own words
    if isinstance(config, dict) and original.is_original(config):
        raise original.refuse(src)


def config_text(src: str, ref: str | None) -> str | None:
    """The template's copier.yml at `ref` (None: as it is checked out), or None without one."""
    local = Path(src).expanduser()
    if local.is_dir():
        if _is_bare(local):
            return _show(local, ref or "HEAD", "")
        if ref is None:
            found = [local / name for name in CONFIG_FILES if (local / name).is_file()]
            return found[0].read_text() if found else None
        # Relative to the directory, which may be a folder inside a larger repository.
        return _show(local, ref, "./")
    with tempfile.TemporaryDirectory(prefix="fastapi-mvc-template-") as scratch:
        clone = Path(scratch) / "template.git"
        try:
            git.git("clone", "-q", "--bare", operands=[_git_url(src), str(clone)])
        except CommandFailed as error:
            if local.exists():
                raise UsageError(
                    f"{src} is not a copier template: neither a directory nor a git bundle",
                    "pass a copier template's path or git URL to --use-repo, or drop it for ours",
                ) from None
            lines = [line.strip() for line in error.output.splitlines() if line.strip()]
            raise FastapiMvcError(
                f"cannot get the template {src}: {lines[-1] if lines else error.problem}",
                "check its URL or path and your network connection; nothing was written",
            ) from None
        if ref is not None and git.resolve(clone, ref) is None:
            raise UsageError(
                f"template repository {src} has no version {ref!r}",
                "pass one of its tags, branches or commits to --use-version",
            )
        return _show(clone, ref or "HEAD", "")


def _git_url(src: str) -> str:
    for shortcut, base in _SHORTCUTS.items():
        if src.startswith(shortcut):
            return base + src.removeprefix(shortcut)
    return src


def _is_bare(directory: Path) -> bool:
    try:
        return git.git("rev-parse", "--is-bare-repository", cwd=directory).strip() == "true"
    except CommandFailed:
        return False


def _show(repo: Path, ref: str, prefix: str) -> str | None:
    for name in CONFIG_FILES:
        text = git.show(repo, ref, prefix + name)
        if text is not None:
            return text
    return None
