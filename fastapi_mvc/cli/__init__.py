"""The command line: parses, reports, and turns our errors into one red line and an exit code.

Each command lives in its own module and imports its heavy machinery (copier) only when it runs,
so `--help` stays fast and never executes project code. The Typer application is in `root`; this
module stays free of imports so that `main` is in charge from the first moment (Ctrl-C while
Typer is still loading says "Aborted", not a traceback).
"""

from __future__ import annotations

import sys
from typing import Any


def main() -> None:
    """Console script entry point."""
    try:
        from fastapi_mvc.cli import help_imports

        help_imports.install()
        from fastapi_mvc.cli.root import app

        app(prog_name="fastapi-mvc")
    except KeyboardInterrupt:
        sys.stderr.write("\nAborted\n")
        raise SystemExit(130) from None


def __getattr__(name: str) -> Any:
    """`fastapi_mvc.cli.app` and friends, loaded on first use."""
    if name in {"app", "ALIASES", "AliasGroup"}:
        from fastapi_mvc.cli import root

        return getattr(root, name)
    if name == "GeneratorCommand":  # the original's API for user generators (fastapi_mvc.compat)
        from fastapi_mvc.compat.generators import GeneratorCommand

        return GeneratorCommand
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
