"""What fastapi-mvc tells the user: Rails-style status lines on stderr, stdout kept for data.

Status lines go to stderr, as copier's do: stdout stays free for what a command prints as its
result (the generator listing, help, routes), so `2>/dev/null` silences the report and
`2>&1 | less` pages it. Colour is used only on a terminal and never when NO_COLOR is set
(https://no-color.org); `plain_output()` extends that rule to what copier prints itself.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from typing import IO, Any


class Status(str, Enum):
    """The words of a status line: copier's and Rails' vocabulary, one colour each."""

    CREATE = "create"
    IDENTICAL = "identical"
    CONFLICT = "conflict"
    FORCE = "force"
    SKIP = "skip"
    REMOVE = "remove"
    KEEP = "keep"
    MISSING = "missing"
    INSERT = "insert"
    REVOKE = "revoke"
    UNCHANGED = "unchanged"
    RUN = "run"

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)

    @property
    def colour(self) -> str:
        return _COLOURS[self]


_COLOURS = {
    Status.CREATE: "green",
    Status.INSERT: "green",
    Status.IDENTICAL: "cyan",
    Status.UNCHANGED: "cyan",
    Status.CONFLICT: "red",
    Status.REMOVE: "red",
    Status.REVOKE: "red",
    Status.FORCE: "yellow",
    Status.SKIP: "yellow",
    Status.KEEP: "yellow",
    Status.MISSING: "magenta",
    Status.RUN: "blue",
}

_SGR = re.compile(r"\x1b\[[0-9;]*m")
# Select Graphic Rendition codes, as terminals read them.
_FOREGROUND = {
    name: 30 + number
    for number, name in enumerate(
        ("black", "red", "green", "yellow", "blue", "magenta", "cyan", "white")
    )
}


def colour_enabled(stream: IO[str] | None = None) -> bool:
    """Colour for `stream` (stderr by default): a terminal, and NO_COLOR unset or empty."""
    stream = sys.stderr if stream is None else stream
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class Console:
    """Status lines for one command run; `quiet` silences all but errors."""

    def __init__(self, *, quiet: bool = False, verbose: bool = False) -> None:
        self.quiet = quiet
        self.verbose = verbose

    def status(self, verb: Status | str, subject: str) -> None:
        """`      create  path`: the verb right-aligned and coloured by its meaning."""
        if self.quiet:
            return
        word = f"{verb:>12}"
        if colour_enabled():
            known = verb if isinstance(verb, Status) else _status(verb)
            word = _style(word, colour=known.colour if known else "white", bold=True)
        echo(f"{word}  {subject}", err=True)

    def info(self, message: str) -> None:
        if not self.quiet:
            echo(message, err=True)

    def debug(self, message: str) -> None:
        if self.verbose:
            echo(_styled(message, dim=True), err=True)

    def print(self, text: str) -> None:
        """A command's result (a listing, a help text): to stdout, even when quiet."""
        echo(text)

    def ask(self, question: str, default: str) -> str:
        """A question on stderr; the answer typed, or `default` for just Enter."""
        import typer  # only a question needs its line editing

        answer: str = typer.prompt(question, default=default, show_default=False, err=True)
        return answer

    def say(self, text: str) -> None:
        """Text for the user beside a question (help, a diff): stderr, even when quiet."""
        echo(text, err=True)


def echo(text: str, *, err: bool = False) -> None:
    """`text` and a newline on stdout (stderr with `err`), without colour codes where colour is
    off. Written here rather than through Typer, which generate and destroy never load."""
    stream = sys.stderr if err else sys.stdout
    if not colour_enabled(stream):
        text = _SGR.sub("", text)
    stream.write(f"{text}\n")
    stream.flush()


def _style(text: str, *, colour: str | None = None, bold: bool = False, dim: bool = False) -> str:
    codes = [str(_FOREGROUND[colour])] if colour else []
    codes += ["1"] * bold + ["2"] * dim
    return f"\x1b[{';'.join(codes)}m{text}\x1b[0m"


def _status(verb: str) -> Status | None:
    try:
        return Status(verb)
    except ValueError:
        return None


def _styled(text: str, **style: Any) -> str:
    return _style(text, **style) if colour_enabled() else text


def error(message: str) -> None:
    """One line on stderr, red on a terminal."""
    echo(_styled(f"Error: {message}", colour="red"), err=True)


def is_interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


class _Uncoloured:
    """A text stream that drops colour codes (SGR) and passes everything else through."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(_SGR.sub("", text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextmanager
def plain_output() -> Iterator[None]:
    """Strip colour from whatever is printed meanwhile (copier colours unconditionally) on each
    of stdout and stderr that should not be coloured (not a terminal, or NO_COLOR set)."""
    saved = sys.stdout, sys.stderr
    if not colour_enabled(sys.stdout):
        sys.stdout = _Uncoloured(sys.stdout)
    if not colour_enabled(sys.stderr):
        sys.stderr = _Uncoloured(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
