"""The single error boundary: every failure a user can meet ends as one red line naming the
problem and the fix, and an exit code (1 for failures, 2 for usage errors, 130 for Ctrl-C).
`verbose` adds the traceback.

Typer-free, so that `generate` and `destroy`, which parse their own command line, run without
loading Typer (see `fastapi_mvc.cli.main`); the Typer group enters the same boundary.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from fastapi_mvc import console
from fastapi_mvc.errors import CommandFailed, FastapiMvcError, from_os_error, from_process_error


@contextmanager
def boundary(verbose: Callable[[], bool]) -> Iterator[None]:
    """Run the body; turn our errors (and the OS's and subprocesses') into a line and a
    SystemExit. `verbose` is asked only when there is something to report."""
    try:
        with console.plain_output():  # copier colours its lines even for a pipe or NO_COLOR
            yield
    except KeyboardInterrupt:
        sys.stderr.write("\nAborted\n")
        raise SystemExit(130) from None
    except Exception as error:
        ours = _translated(error)
        if ours is None:
            raise
        _report(ours, verbose=verbose())
        raise SystemExit(ours.exit_code) from None


def _translated(error: Exception) -> FastapiMvcError | None:
    if isinstance(error, FastapiMvcError):
        return error
    # plumbum's ProcessExecutionError is an OSError too: it is asked first.
    translated = from_process_error(error)
    if translated is None and isinstance(error, OSError):
        translated = from_os_error(error)
    return translated


def _report(error: FastapiMvcError, *, verbose: bool) -> None:
    """Print `error` as one line, after a failed command's output."""
    if isinstance(error, CommandFailed) and error.output:
        console.echo(error.output.rstrip(), err=True)
    if verbose:
        import traceback

        traceback.print_exc()
    console.error(str(error))
