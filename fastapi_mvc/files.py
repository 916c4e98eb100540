"""Writing a user's files without ever losing or half-writing one.

Two tools, for any command that changes files in a user's tree:

- `write_atomic(path, data, mode=None)`: one file. The new content goes to a temporary file in
  the same folder, is flushed to disk (fsync), then renamed over the old file (`os.replace`,
  atomic on POSIX). A reader, a crash or a full disk sees the old file or the new one, never a
  truncated mix. The file keeps its mode unless `mode` is given; a new file gets the umask's.
- `Transaction`: many writes and removals that happen all together or not at all. Every new
  content is first written to its temporary file (where a full disk, a read-only folder or a
  file in place of a folder shows up); only when all are ready are they renamed into place and
  the removals made. If anything fails, what was done is undone from in-memory backups, and
  one `WriteFailed` names the path, the cause and the fix.

Both raise `WriteFailed` (a FastapiMvcError: one line, exit code 1), never a bare OSError.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from fastapi_mvc.errors import FastapiMvcError

__all__ = ["Transaction", "WriteFailed", "failure", "new_file_mode", "write_atomic"]


class WriteFailed(FastapiMvcError):
    """A file could not be written or removed; `path` is the one that failed."""

    def __init__(self, problem: str, fix: str, path: Path) -> None:
        super().__init__(problem, fix)
        self.path = path


def new_file_mode(executable: bool = False) -> int:
    """The mode a new file gets under the current umask (0o644 or 0o755 with umask 022)."""
    mask = os.umask(0)
    os.umask(mask)
    return (0o777 if executable else 0o666) & ~mask


def write_atomic(path: Path, data: bytes | str, mode: int | None = None) -> None:
    """Replace (or create) `path` with `data` atomically; keep its mode unless `mode` is given.

    `data` as text is written as UTF-8. On failure the file is as it was and no temporary file
    is left; the error is a WriteFailed naming the path and what to do.
    """
    path = Path(path)
    try:
        temporary = _stage(path, data.encode() if isinstance(data, str) else data, mode)
        try:
            os.replace(temporary, path)
        except BaseException:
            _discard(temporary)
            raise
    except OSError as error:
        raise failure(error, path, "write", str(path)) from None
    _sync_folder(path.parent)


def _stage(path: Path, data: bytes, mode: int | None) -> Path:
    """Write `data` to a new temporary file beside `path`, on disk, with the final mode."""
    if path.exists() and not os.access(path, os.W_OK):
        # A rename would replace it anyway (only its folder's mode counts): respect the mode.
        raise PermissionError(errno.EACCES, "it is read-only", str(path))
    if mode is None:
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            mode = new_file_mode()
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
    except BaseException:
        _discard(temporary)
        raise
    return temporary


def _discard(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def _sync_folder(folder: Path) -> None:
    """Make a rename durable; best effort (some file systems cannot open a folder)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


_FIXES = {
    errno.EACCES: "check its permissions (and `lsattr` for the immutable flag) and run again",
    errno.EPERM: "check its permissions (and `lsattr` for the immutable flag) and run again",
    errno.ENOSPC: "free some disk space and run again",
    errno.EDQUOT: "free some space within your disk quota and run again",
    errno.EFBIG: "a file size limit was reached (`ulimit -f`); raise it and run again",
    errno.EROFS: "it is on a read-only file system; run where you can write",
    errno.ENAMETOOLONG: "choose a shorter name",
    errno.ENOENT: "its folder does not accept new files; run where you can write",
}


def failure(error: OSError, path: Path, verb: str, shown: str) -> WriteFailed:
    """The one-line error for an OSError met while trying to `verb` `path` (shown as `shown`)."""
    reason = error.strerror or error.__class__.__name__
    if error.errno in (errno.ENOTDIR, errno.EEXIST):
        blocker = next((p for p in (path, *path.parents) if p.exists() and not p.is_dir()), None)
        if blocker is not None and blocker != path:
            where = _shown_like(blocker, path, shown)
            return WriteFailed(
                f"cannot {verb} {shown}: {where} is a file where a folder is needed",
                "move that file away and run again",
                path,
            )
    if error.errno == errno.EISDIR:
        return WriteFailed(
            f"cannot {verb} {shown}: it is a folder where a file is needed",
            "move the folder away and run again",
            path,
        )
    fix = _FIXES.get(error.errno or 0, "run again where you can write")
    if error.errno in (errno.EACCES, errno.EPERM) and not path.exists():
        fix = "check the permissions of its folder and run again"
    return WriteFailed(f"cannot {verb} {shown} ({reason})", fix, path)


def _shown_like(other: Path, path: Path, shown: str) -> str:
    """`other` (an ancestor of `path`) spelled the way `path` is shown."""
    suffix = path.relative_to(other).as_posix()
    if shown.endswith("/" + suffix):
        return shown[: -len(suffix) - 1]
    return str(other)


# -- all or nothing --------------------------------------------------------------------------


@dataclass
class _Backup:
    """What a path held before the transaction touched it."""

    content: bytes | None = None  # None: there was no file
    mode: int = 0
    link: str | None = None

    @classmethod
    def of(cls, path: Path) -> _Backup:
        if path.is_symlink():
            return cls(link=os.readlink(path))
        if not path.exists():
            return cls()
        return cls(path.read_bytes(), stat.S_IMODE(path.stat().st_mode))

    def restore(self, path: Path) -> None:
        if self.link is not None:
            if path.exists() or path.is_symlink():
                path.unlink()
            os.symlink(self.link, path)
        elif self.content is None:
            if path.exists() or path.is_symlink():
                path.unlink()
        else:
            write_atomic(path, self.content, self.mode)


@dataclass
class _Step:
    kind: str  # write, remove, rmdir, discard, call
    path: Path
    data: bytes = b""
    mode: int | None = None
    action: Callable[[], object] | None = None
    temporary: Path | None = None
    backup: _Backup | None = None


@dataclass
class Transaction:
    """Writes and removals under `root`, made together by `commit()` or not at all.

    Steps run in the order they were added. Paths in errors are shown relative to `root`.
    `discard` (for caches such as __pycache__) is the one step that is not restored.
    """

    root: Path | None = None
    steps: list[_Step] = field(default_factory=list)
    _created: list[Path] = field(default_factory=list)

    def write(self, path: Path, data: bytes | str, mode: int | None = None) -> None:
        """Write `path` (replacing it); `mode` None keeps an existing file's mode."""
        content = data.encode() if isinstance(data, str) else data
        self.steps.append(_Step("write", Path(path), content, mode))

    def remove(self, path: Path) -> None:
        """Remove the file `path`."""
        self.steps.append(_Step("remove", Path(path)))

    def remove_folder(self, path: Path) -> None:
        """Remove the folder `path`, which is empty by then."""
        self.steps.append(_Step("rmdir", Path(path)))

    def discard(self, path: Path) -> None:
        """Delete the folder `path` and everything in it, for good (caches only)."""
        self.steps.append(_Step("discard", Path(path)))

    def call(self, path: Path, action: Callable[[], object]) -> None:
        """Run `action`, which changes the file `path` itself; undone by restoring `path`."""
        self.steps.append(_Step("call", Path(path), action=action))

    def shown(self, path: Path) -> str:
        if self.root is not None:
            try:
                return path.relative_to(self.root).as_posix()
            except ValueError:
                pass
        return str(path)

    def commit(self) -> None:
        """Stage every write, then make every change; on any failure undo all, then raise."""
        done: list[_Step] = []
        current: _Step | None = None
        try:
            for current in self.steps:
                if current.kind == "write":
                    self._prepare(current)
            for current in self.steps:
                self._make(current)
                done.append(current)
        except BaseException as error:
            self._discard_staged()
            unrestored = self._undo(done)
            if isinstance(error, OSError) and current is not None:
                raise self._failed(error, current, unrestored) from None
            if unrestored and isinstance(error, FastapiMvcError):
                raise FastapiMvcError(str(error), _unrestored(unrestored)) from error
            raise
        finally:
            self._discard_staged()
        for folder in {step.path.parent for step in self.steps if step.kind == "write"}:
            _sync_folder(folder)

    def _discard_staged(self) -> None:
        for step in self.steps:
            if step.temporary is not None:
                _discard(step.temporary)
                step.temporary = None

    def _prepare(self, step: _Step) -> None:
        self._folders(step.path.parent)
        mode = step.mode
        if mode is None and not step.path.exists():
            mode = new_file_mode()
        step.temporary = _stage(step.path, step.data, mode)

    def _folders(self, folder: Path) -> None:
        """Create `folder` and missing parents, remembering each to remove on failure."""
        missing = []
        while not folder.is_dir():
            missing.append(folder)
            if folder.parent == folder:
                break
            folder = folder.parent
        for path in reversed(missing):
            path.mkdir()
            self._created.append(path)

    def _make(self, step: _Step) -> None:
        if step.kind == "discard":
            shutil.rmtree(step.path)
            return
        step.backup = _Backup.of(step.path) if step.kind != "rmdir" else None
        if step.kind == "write":
            assert step.temporary is not None
            os.replace(step.temporary, step.path)
            step.temporary = None
        elif step.kind == "remove":
            step.path.unlink()
        elif step.kind == "rmdir":
            step.path.rmdir()
        else:
            assert step.action is not None
            step.action()

    def _undo(self, done: list[_Step]) -> list[Path]:
        """Restore in reverse order; returns the paths that could not be restored."""
        unrestored = []
        for step in reversed(done):
            try:
                if step.kind == "rmdir":
                    step.path.mkdir(exist_ok=True)
                elif step.backup is not None:
                    step.backup.restore(step.path)
            except (OSError, FastapiMvcError):
                unrestored.append(step.path)
        for folder in reversed(self._created):
            with contextlib.suppress(OSError):
                folder.rmdir()
        self._created.clear()
        return unrestored

    def _failed(self, error: OSError, step: _Step, unrestored: list[Path]) -> WriteFailed:
        verb = "remove" if step.kind in ("remove", "rmdir", "discard") else "write"
        found = failure(error, step.path, verb, self.shown(step.path))
        fix = found.fix or ""
        fix += f"; {_unrestored(unrestored)}" if unrestored else "; nothing was changed"
        return WriteFailed(found.problem, fix, step.path)


def _unrestored(paths: list[Path]) -> str:
    return (
        "these could not be restored, get them back from git: "
        f"{', '.join(str(path) for path in paths)}"
    )
