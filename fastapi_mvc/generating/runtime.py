"""The options every generator takes, declared once: --force --skip --pretend --quiet and
--no-interaction, with their help for each action.

The command-line parser adds them to every generator; a generator's definition may not reuse
their names or flags (`RESERVED_OPTIONS`, `RESERVED_FLAGS`, derived from the same table).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from fastapi_mvc.errors import UsageError


class Action(str, Enum):
    """Which way a generator runs."""

    GENERATE = "generate"
    DESTROY = "destroy"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class RuntimeOption:
    """One runtime option: its `Runtime` field, its flags, its help per action."""

    name: str
    flags: tuple[str, ...]
    generate: str
    destroy: str

    def help(self, action: Action) -> str:
        return self.generate if action is Action.GENERATE else self.destroy


RUNTIME_OPTIONS = (
    RuntimeOption(
        "force",
        ("-f", "--force"),
        generate="Overwrite files that already exist.",
        destroy="Remove files even if they changed since they were generated.",
    ),
    RuntimeOption(
        "skip",
        ("-s", "--skip"),
        generate="Skip files that already exist.",
        destroy="Keep files that changed since they were generated (the default).",
    ),
    RuntimeOption(
        "pretend",
        ("-p", "--pretend"),
        generate="Run but do not make any changes.",
        destroy="Run but do not change anything.",
    ),
    RuntimeOption(
        "quiet",
        ("-q", "--quiet"),
        generate="Suppress status output.",
        destroy="Suppress status output.",
    ),
    RuntimeOption(
        "no_interaction",
        ("--no-interaction",),
        generate="Never ask, even in a terminal: a conflict is refused (exit 1).",
        destroy="Never ask (destroy asks nothing anyway).",
    ),
)
HELP_FLAGS = ("-h", "--help")
RESERVED_OPTIONS = frozenset({option.name for option in RUNTIME_OPTIONS} | {"help"})
RESERVED_FLAGS = frozenset({flag for option in RUNTIME_OPTIONS for flag in option.flags}) | set(
    HELP_FLAGS
)


@dataclass(frozen=True)
class Runtime:
    """The runtime options of one run (`interactive`: may ask, i.e. a terminal and asked to)."""

    force: bool = False
    skip: bool = False
    pretend: bool = False
    quiet: bool = False
    interactive: bool = False

    def __post_init__(self) -> None:
        if self.force and self.skip:
            raise UsageError("--force and --skip contradict each other", "pass only one of them")
