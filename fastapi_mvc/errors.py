"""The errors fastapi-mvc raises: each names the problem and, where there is one, the fix.

Library code raises these; only the CLI boundary (`fastapi_mvc.cli`) prints them and exits.
"""

from __future__ import annotations


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
