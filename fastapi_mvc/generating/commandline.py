"""A generator's command line, built from its definition with the standard library's argparse.

`parse` turns `NAME ENDPOINT... --skip-routes -p` into the generator's arguments, options and
the runtime options; `usage` is its --help (the USAGE text verbatim, then what it takes);
`listing` and `overview` describe every generator for `fastapi-mvc generate [--help]`. Nothing
here imports copier or runs generator code, so help and listings stay fast and safe.
"""

from __future__ import annotations

import argparse
import os
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn

from fastapi_mvc.errors import UsageError
from fastapi_mvc.generating.generator import Generator, Option, Origin
from fastapi_mvc.generating.runtime import HELP_FLAGS, RUNTIME_OPTIONS, Action

if TYPE_CHECKING:
    from fastapi_mvc.generating.discovery import Catalog, Entry

WIDTH = 100
BROKEN_TITLE = "Broken generators"
RUNTIME_TITLE = "Runtime options"
STDERR_NOTE = (
    "Status lines (create, identical, conflict, remove, ...) go to stderr, as copier's do, "
    "so stdout stays free for data: `2>&1 | less` pages them, `-q` silences them."
)
TRUST_NOTE = (
    "Project generators (lib/generators) and those on FMVC_PATH are code: running one runs its "
    "generator.py, from the repository or folder it lives in. Run only generators you trust "
    "(listing them and their --help never run their code)."
)
HELP = {
    Action.GENERATE: (
        "Run a generator: add code to the project (alias: g).\n\n"
        "Without a GENERATOR, list every generator: the builtins, the project's own in "
        "lib/generators and those on FMVC_PATH. `fastapi-mvc generate GENERATOR --help` shows "
        "one's usage, examples and the files it creates."
    ),
    Action.DESTROY: (
        "Undo a generator: remove its files and its edits (alias: d).\n\n"
        "`fastapi-mvc destroy controller articles` is enough: the generator renders again (the "
        "builtins read what they were given back from the files they wrote), files still equal "
        "to what it makes are removed, changed ones are kept and reported (unless --force), and "
        "edits such as the router registration are taken out with the file they belong to. "
        "Without a GENERATOR, list the generators."
    ),
}


@dataclass(frozen=True)
class Parsed:
    """One generator's command line, by the names its definition gives."""

    arguments: dict[str, Any]
    options: dict[str, Any]
    runtime: dict[str, bool]


class _Parser(argparse.ArgumentParser):
    """argparse, raising our usage error (exit 2, one line) instead of printing and exiting."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message, f"see `{self.prog} --help`")


def parse(generator: Generator, argv: Sequence[str], prog: str) -> Parsed:
    """Parse a generator's command line; options and arguments may come in any order."""
    parser = _Parser(prog=prog, add_help=False, allow_abbrev=False)
    for argument in generator.arguments:
        parser.add_argument(
            argument.name, nargs="*" if argument.nargs == -1 else None, metavar=argument.shown
        )
    for option in generator.options:
        default = _default(option)
        if option.type == "flag":
            parser.add_argument(*option.flags, dest=option.name, action="store_true")
            if option.off_flags:
                parser.add_argument(*option.off_flags, dest=option.name, action="store_false")
        else:
            parser.add_argument(
                *option.flags,
                dest=option.name,
                # An option whose default is a list may be given many times (`--lang a --lang b`).
                action="append" if isinstance(option.default, list) else "store",
                choices=option.choices or None,
                metavar=_metavar(option),
            )
        parser.set_defaults(**{option.name: default})
    for runtime in RUNTIME_OPTIONS:
        parser.add_argument(*runtime.flags, dest=runtime.name, action="store_true")
    values = vars(parser.parse_intermixed_args(_given_alone(generator, argv)))
    for option in generator.options:
        value = values[option.name]
        if option.choices and value is not None and str(value) not in option.choices:
            where = f"${option.envvar}" if option.envvar and os.environ.get(option.envvar) else ""
            parser.error(
                f"{where or option.flags[-1]}: invalid choice {value!r} "
                f"(choose from {', '.join(option.choices)})"
            )
    return Parsed(
        arguments={
            a.name: values[a.name] or ([] if a.nargs == -1 else "") for a in generator.arguments
        },
        options={o.name: values[o.name] for o in generator.options},
        runtime={r.name: bool(values[r.name]) for r in RUNTIME_OPTIONS},
    )


def _given_alone(generator: Generator, argv: Sequence[str]) -> list[str]:
    """`argv` with the `flag_value` written after each choice option given without a choice, so
    that `--auth title:string` reads as `--auth user title:string`, not as a wrong choice."""
    alone = {
        flag: (option.flag_value, option.choices)
        for option in generator.options
        if option.flag_value is not None
        for flag in option.flags
    }
    words = list(argv)
    completed: list[str] = []
    for index, word in enumerate(words):
        completed.append(word)
        if word == "--":
            return completed + words[index + 1 :]
        if word in alone:
            flag_value, choices = alone[word]
            following = words[index + 1] if index + 1 < len(words) else None
            if following not in choices:
                completed.append(flag_value)
    return completed


def _default(option: Option) -> Any:
    """The option's default: its environment variable when set, else its definition's."""
    raw = os.environ.get(option.envvar) if option.envvar else None
    if raw is None or raw == "":
        return bool(option.default) if option.type == "flag" else option.default
    if option.type == "flag":
        return raw.strip().lower() in ("1", "true", "yes", "on", "y", "t")
    return raw


def _metavar(option: Option) -> str:
    return f"[{'|'.join(option.choices)}]" if option.choices else "TEXT"


def wants_help(argv: Iterable[str]) -> bool:
    """-h or --help before any `--`."""
    for arg in argv:
        if arg == "--":
            return False
        if arg in HELP_FLAGS:
            return True
    return False


# -- help --------------------------------------------------------------------------------------


def usage(generator: Generator, action: Action, prog: str) -> str:
    """A generator's --help: its usage line, its USAGE text verbatim, then what it takes."""
    shown = " ".join(
        f"[{argument.shown}]..." if argument.nargs == -1 else argument.shown
        for argument in generator.arguments
    )
    parts = [f"Usage: {prog} [OPTIONS] {shown}".rstrip()]
    parts.append(textwrap.indent(generator.usage.rstrip(), "  "))
    rows = [(a.shown + ("..." if a.nargs == -1 else ""), a.help) for a in generator.arguments]
    if rows:
        parts.append(_section("Arguments", rows))
    own = [(_flags(o), _option_help(o)) for o in generator.options]
    if own:
        parts.append(_section("Options", own))
    runtime = [(", ".join(r.flags), r.help(action)) for r in RUNTIME_OPTIONS]
    runtime.append((", ".join(HELP_FLAGS), "Show this message and exit."))
    parts.append(_section(RUNTIME_TITLE, runtime))
    parts.append(_wrapped(STDERR_NOTE))
    if generator.origin.runs_code_of_others and generator.hooks is not None:
        parts.append(_wrapped(f"This generator runs code: {generator.hooks}. " + TRUST_NOTE))
    return "\n\n".join(parts)


def _flags(option: Option) -> str:
    flags = ", ".join(option.flags)
    if option.off_flags:
        return f"{flags} / {', '.join(option.off_flags)}"
    return flags if option.type == "flag" else f"{flags} {_metavar(option)}"


def _option_help(option: Option) -> str:
    notes = []
    if option.off_flags:
        notes.append(f"[default: {option.flags[-1] if option.default else option.off_flags[-1]}]")
    if option.flag_value:
        notes.append(f"[alone: {option.flag_value}]")
    if option.envvar:
        notes.append(f"[env var: {option.envvar}]")
    return "  ".join([option.help, *notes])


def _section(title: str, rows: list[tuple[str, str]]) -> str:
    width = min(max(len(first) for first, _ in rows), 30) + 2
    lines = [f"{title}:"]
    for first, text in rows:
        body = textwrap.wrap(text, WIDTH - width - 2) or [""]
        if len(first) + 2 > width:
            lines.append(f"  {first}")
            lines.extend(f"  {'':<{width}}{line}" for line in body)
        else:
            lines.append(f"  {first:<{width}}{body[0]}".rstrip())
            lines.extend(f"  {'':<{width}}{line}" for line in body[1:])
    return "\n".join(lines)


def _wrapped(text: str) -> str:
    return textwrap.fill(text, WIDTH)


def overview(catalog: Catalog, action: Action, prog: str) -> str:
    """`fastapi-mvc generate --help`: what the command does, then every generator."""
    paragraphs = [f"Usage: {prog} [OPTIONS] GENERATOR [ARGS]..."]
    paragraphs += [
        textwrap.fill(p, WIDTH, initial_indent="  ", subsequent_indent="  ")
        for p in HELP[action].split("\n\n")
    ]
    paragraphs.append(_section("Options", [(", ".join(HELP_FLAGS), "Show this message and exit.")]))
    paragraphs.append(listing(catalog, action, prog=prog, usage=False, trust=False))
    paragraphs.append(_wrapped(TRUST_NOTE))
    paragraphs.append(_wrapped(STDERR_NOTE))
    return "\n\n".join(paragraphs)


def listing(
    catalog: Catalog, action: Action, *, prog: str, usage: bool = True, trust: bool = True
) -> str:
    """The command without a generator: every generator, one line each, by origin (with a
    warning that generators not of fastapi-mvc run code, when there are any)."""
    width = max((len(_label(entry)) for entry in catalog.entries), default=0) + 2
    sections = []
    for origin in Origin:
        rows = [
            f"  {_label(e):<{width}}{e.generator.description}"
            for e in catalog.entries
            if e.origin is origin and e.generator and not e.problem
        ]
        if rows:
            sections.append("\n".join([f"{origin.heading}:", *rows]))
    broken = [
        f"  {e.name:<{width}}{getattr(e.problem, 'reason', None) or e.problem}"
        for e in catalog.entries
        if e.problem
    ]
    if broken:
        sections.append("\n".join([f"{BROKEN_TITLE}:", *broken]))
    if usage:
        sections.insert(0, f"Usage: {prog} GENERATOR [ARGS]... [OPTIONS]")
    if trust and any(e.origin.runs_code_of_others for e in catalog.entries):
        sections.append(_wrapped(TRUST_NOTE))
    sections.append(f"Run `{prog} GENERATOR --help` for a generator's usage.")
    return "\n\n".join(sections)


def _label(entry: Entry) -> str:
    aliases = entry.generator.aliases if entry.generator else ()
    return f"{entry.name} ({', '.join(aliases)})" if aliases else entry.name
