"""The command line: parses, reports, and turns our errors into one red line and an exit code.

Each command lives in its own module and imports its heavy machinery (copier) only when it runs,
so `--help` stays fast and never executes project code. The Typer application is in `root`; this
module stays free of imports so that `main` is in charge from the first moment (Ctrl-C while
Typer is still loading says "Aborted", not a traceback).
"""

from __future__ import annotations

import os
import sys
from typing import Any

ALIASES = {"n": "new", "g": "generate", "d": "destroy", "u": "update", "r": "run"}
"""The original's short names of the commands."""


def main() -> None:
    """Console script entry point."""
    try:
        if not _generator_command(sys.argv[1:]) and not _new_command(sys.argv[1:]):
            from fastapi_mvc.cli import help_imports

            help_imports.install()
            from fastapi_mvc.cli.root import app

            app(prog_name="fastapi-mvc")
    except KeyboardInterrupt:
        sys.stderr.write("\nAborted\n")
        raise SystemExit(130) from None


def _generator_command(argv: list[str]) -> bool:
    """Run `generate ...` or `destroy ...` without Typer, if that is the command line.

    Both hand every word after their name to the generator's own parser, so Typer has nothing
    to parse; yet loading it, and its pydantic coercion of any parameter, took a third of a
    `generate controller`. Options before the command (`-v generate ...`) and shell completion
    still go through Typer, which runs the same function (`cli.generate`).
    """
    command = ALIASES.get(argv[0], argv[0]) if argv else None
    if command not in {"generate", "destroy"} or "_FASTAPI_MVC_COMPLETE" in os.environ:
        return False
    from fastapi_mvc.cli.boundary import boundary
    from fastapi_mvc.generating.command import run
    from fastapi_mvc.generating.runtime import Action

    with boundary(verbose=lambda: False):
        run(Action(command), argv[1:], prog=f"fastapi-mvc {command}")
    return True


def _new_command(argv: list[str]) -> bool:
    """Run `new ...` without Typer when its command line is a plain one (cli.new_run)."""
    if not argv or ALIASES.get(argv[0], argv[0]) != "new" or "_FASTAPI_MVC_COMPLETE" in os.environ:
        return False
    from fastapi_mvc.cli import new_run

    params = new_run.plain_arguments(argv[1:])
    if params is None:
        return False
    from fastapi_mvc.cli.boundary import boundary

    with boundary(verbose=lambda: False):
        new_run.run(params, verbose=False)
    return True


def __getattr__(name: str) -> Any:
    """`fastapi_mvc.cli.app` and friends, loaded on first use."""
    if name in {"app", "AliasGroup"}:
        from fastapi_mvc.cli import root

        return getattr(root, name)
    if name == "GeneratorCommand":  # the original's API for user generators (fastapi_mvc.compat)
        from fastapi_mvc.compat.command import GeneratorCommand

        return GeneratorCommand
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
