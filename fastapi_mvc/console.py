"""What fastapi-mvc tells the user: Rails-style status lines on stderr, stdout kept for data.

The vocabulary is copier's and Rails': create, identical, conflict, force, skip, remove, and for
edits inside a file insert and unchanged.
"""

from __future__ import annotations

import sys

import typer

_COLOURS = {
    "create": "green",
    "insert": "green",
    "identical": "cyan",
    "unchanged": "cyan",
    "exist": "cyan",
    "conflict": "red",
    "force": "yellow",
    "overwrite": "yellow",
    "skip": "yellow",
    "remove": "red",
    "keep": "yellow",
    "run": "blue",
}


class Console:
    """Status lines for one command run; `quiet` silences all but errors."""

    def __init__(self, *, quiet: bool = False, verbose: bool = False) -> None:
        self.quiet = quiet
        self.verbose = verbose

    def status(self, verb: str, subject: str) -> None:
        if self.quiet:
            return
        label = typer.style(f"{verb:>12}", fg=_COLOURS.get(verb, "white"), bold=True)
        typer.echo(f"{label}  {subject}", err=True)

    def info(self, message: str) -> None:
        if not self.quiet:
            typer.echo(message, err=True)

    def debug(self, message: str) -> None:
        if self.verbose:
            typer.secho(message, err=True, dim=True)


def error(message: str) -> None:
    """One red line on stderr."""
    typer.secho(f"Error: {message}", err=True, fg="red")


def is_interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()
