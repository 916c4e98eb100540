"""copier's per-file `git config core.fileMode` question, asked once per destination and run.

Since copier 9.15, every file copier writes goes through `Worker._sync_git_index_executable_bit`,
which starts `git config --type=bool --get core.fileMode` in the destination to learn whether git
sees on-disk mode bits. Only when the answer is `false` does the method do anything (it rewrites
the index entry's mode); `true` or unset, the Unix default, make it a no-op. That is one git
process per rendered file: about 90 for `new`, 200 for `update`, a fifth of `new`'s time.

The answer cannot change while copier renders (nothing in a render edits git's config), so
`asked_once()` asks git once per destination for the whole run, with the very command copier
uses, and then skips the no-op calls. When the answer is `false` copier's own method runs for
every file, unchanged. Outside the block, copier is untouched.

This wraps a private method, so it is narrow and guarded: it applies only to the copier
versions it was written against (9.15 up to the next major) and only while the method has the
expected signature; anything else and copier runs as it ships. tests/unit/test_copier_git.py
fails when copier changes underneath (the method gone or renamed, its question different, or
the number of git processes of a `new` back up).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path
from typing import Any

METHOD = "_sync_git_index_executable_bit"
PARAMETERS = ("self", "dst_relpath", "src_mode")
VERSIONS = ((9, 15), (10, 0))
"""copier versions the wrapper applies to: [first, last) as (major, minor)."""


def applies() -> bool:
    """Whether the installed copier has the method this module knows how to answer for."""
    from copier._main import Worker

    try:
        major, minor = (int(part) for part in version("copier").split(".")[:2])
    except ValueError:  # not numbers (a local build): trust nothing
        return False
    method = getattr(Worker, METHOD, None)
    if not VERSIONS[0] <= (major, minor) < VERSIONS[1] or method is None:
        return False
    return tuple(inspect.signature(method).parameters) == PARAMETERS


@contextmanager
def asked_once() -> Iterator[None]:
    """Within the block, copier asks git for core.fileMode once per destination."""
    if not applies():
        yield
        return
    from copier._main import Worker

    original = getattr(Worker, METHOD)
    setattr(Worker, METHOD, _answering_once(original))
    try:
        yield
    finally:
        setattr(Worker, METHOD, original)


def _answering_once(original: Callable[..., None]) -> Callable[..., None]:
    tracked: dict[Path, bool] = {}

    @functools.wraps(original)
    def sync(self: Any, dst_relpath: Path, src_mode: int) -> None:
        root = Path(self.subproject.local_abspath)
        if root not in tracked:
            tracked[root] = _git_sees_modes(root)
        if not tracked[root]:
            original(self, dst_relpath, src_mode)

    return sync


def _git_sees_modes(root: Path) -> bool:
    """copier's own question and reading of it: anything but `false` (unset, not a repository,
    an unreadable config) means git picks up on-disk modes, and the method has nothing to do."""
    from copier._vcs import get_git
    from plumbum import ProcessExecutionError

    try:
        answer = get_git(context_dir=root)("config", "--type=bool", "--get", "core.fileMode")
    except ProcessExecutionError:
        return True
    return str(answer).strip() != "false"
