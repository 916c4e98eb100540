"""The command line: parses, reports, and turns our errors into one red line and an exit code.

Each command lives in its own module and imports its heavy machinery (copier) only when it runs,
so `--help` stays fast and never executes project code. The Typer application is in `root`; this
module stays free of imports so that `main` is in charge from the first moment (Ctrl-C while
Typer is still loading says "Aborted", not a traceback).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

ALIASES = {"n": "new", "g": "generate", "d": "destroy", "u": "update", "r": "run"}
"""The original's short names of the commands."""


def main() -> None:
    """Console script entry point."""
    try:
        if not _without_typer(sys.argv[1:]):
            from fastapi_mvc.cli import help_imports

            help_imports.install()
            from fastapi_mvc.cli.root import app

            app(prog_name="fastapi-mvc")
    except KeyboardInterrupt:
        sys.stderr.write("\nAborted\n")
        raise SystemExit(130) from None


def _without_typer(argv: list[str]) -> bool:
    """Run `generate ...` and `destroy ...`, and a plain `new ...`, without Typer.

    `generate` and `destroy` hand every word after their name to the generator's own parser, and
    `new` reads a plain command line with argparse (cli.new_run), so Typer has nothing to parse;
    yet loading it, and its pydantic coercion of any parameter, took a third of those commands.
    Options before the command (`-v generate ...`), shell completion and anything `new` does not
    read plainly still go through Typer, which runs the same functions.
    """
    command = ALIASES.get(argv[0], argv[0]) if argv else None
    if "_FASTAPI_MVC_COMPLETE" in os.environ:
        return False
    work: Callable[[], None]
    if command in {"generate", "destroy"}:
        from fastapi_mvc.generating.command import run
        from fastapi_mvc.generating.runtime import Action

        def work() -> None:
            run(Action(command), argv[1:], prog=f"fastapi-mvc {command}")

    elif command == "new":
        from fastapi_mvc.cli import new_run

        params = new_run.plain_arguments(argv[1:])
        if params is None:
            return False

        def work() -> None:
            new_run.run(params, verbose=False)

    else:
        return False
    from fastapi_mvc.cli.boundary import boundary

    with boundary(verbose=lambda: False):
        work()
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
