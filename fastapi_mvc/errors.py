"""The errors fastapi-mvc raises: each names the problem and, where there is one, the fix.

Library code raises these; only the CLI boundary (`fastapi_mvc.cli`) prints them and exits.
"""

from __future__ import annotations

import errno
import sys
from pathlib import Path


class FastapiMvcError(Exception):
    """A failure the user can act on. Exit code 1."""

    exit_code = 1

    def __init__(self, problem: str, fix: str | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.problem}; {self.fix}" if self.fix else self.problem


class UsageError(FastapiMvcError):
    """The command line asked for something impossible. Exit code 2, nothing written."""

    exit_code = 2


class NotAProjectError(UsageError):
    """The command needs a fastapi-mvc project and there is none here."""


class CommandFailed(FastapiMvcError):
    """An external command we ran (git, make, pip) failed; carries its output."""

    def __init__(self, problem: str, fix: str | None = None, output: str = "") -> None:
        super().__init__(problem, fix)
        self.output = output


class Interrupted(FastapiMvcError):
    """Ctrl-C stopped a step that leaves something to finish or undo. Exit code 130."""

    exit_code = 130


_OS_FIXES = {
    errno.ENOSPC: "free some disk space and run the command again",
    errno.EDQUOT: "free some space within your disk quota and run the command again",
    errno.EFBIG: "raise the file size limit (ulimit -f) and run the command again",
    errno.EACCES: "check its permissions, or work in a location you can write to",
    errno.EPERM: "check its permissions and attributes, or work in a location you can write to",
    errno.EROFS: "the file system is read-only; work in a writable location",
    errno.ENAMETOOLONG: "use a shorter name or path",
    errno.EBUSY: "it is in use (a mount point, or open elsewhere); choose another path",
    errno.ENOTDIR: "a part of the path is a file, not a directory; choose another path",
    errno.EEXIST: "it already exists; choose another path",
    errno.ENOENT: "check that the path exists",
}


def from_os_error(error: OSError, doing: str | None = None) -> FastapiMvcError:
    """An operating-system failure (full disk, permissions, ...) as one line with its fix."""
    reason = error.strerror or str(error)
    where = f": {error.filename}" if error.filename else ""
    problem = f"{doing}: {reason}{where}" if doing else f"{reason}{where}"
    return FastapiMvcError(problem, _OS_FIXES.get(error.errno or 0, "fix the cause and try again"))


def from_process_error(error: BaseException) -> FastapiMvcError | None:
    """plumbum's ProcessExecutionError (copier runs git through plumbum) as one line, or None
    for any other exception. plumbum is looked up, never imported: only copier loads it."""
    processes = sys.modules.get("plumbum.commands.processes")
    if processes is None or not isinstance(error, processes.ProcessExecutionError):
        return None
    argv = [str(arg) for arg in error.argv] if isinstance(error.argv, list) else [str(error.argv)]
    program = " ".join(Path(argv[0]).name.split() + argv[1:2]) if argv else "a command"
    lines = [line.strip() for line in str(error.stderr or "").splitlines() if line.strip()]
    detail = lines[-1] if lines else f"exit code {error.retcode}"
    return FastapiMvcError(
        f"{program} failed: {detail}",
        "check the template's URL or path and your network connection, then try again",
    )
