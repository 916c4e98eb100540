"""Generators made of generators (Rails' `hook_for`): one run, one transaction, one undo.

A generator composes another from its `prepare(invocation)` hook, with the words a user would
type after `fastapi-mvc generate NAME`:

    def prepare(invocation: Invocation) -> None:
        model = invocation.compose("model", invocation.name.raw, *invocation.arguments["fields"])
        invocation.data["table"] = model.data["model"]["table"]

The composed generator is found like any other (builtin, `lib/generators`, FMVC_PATH, by name or
alias), its command line parsed, and its own `prepare` run right away, so its refusals come
before anything is written; `compose` returns its `Invocation`, whose data the composing
generator may read. From then on the run treats them all as one:

- `generate` renders and reports the composed generators first (`invoke  model`), in the order
  they were composed (depth first), then the composing generator's own files and edits; every
  file and edit of every one of them is written by the same all-or-nothing transaction, and a
  conflict anywhere is settled (or refused) before the first byte is written;
- `destroy` runs the same composition the other way: the composing generator's own edits and
  files first, then each composed generator's, in reverse, in one transaction (so a composed
  generator's refusal, such as an applied migration, refuses the whole destroy);
- `--pretend` reports all of it and writes nothing.

The runtime options (--force, --skip, --pretend, --quiet) are the run's, so the composed
command line takes only the composed generator's arguments and options. Two generators of one
run may not write the same file nor edit the same file, and a generator may not compose itself,
directly or not: each is refused up front, naming the generators.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from fastapi_mvc.errors import FastapiMvcError, UsageError
from fastapi_mvc.generating.invocation import Invocation, invoke

__all__ = ["INVOKE", "compose", "refuse_overlaps", "steps"]

INVOKE = "invoke"


def compose(invocation: Invocation, generator: str, argv: Sequence[str]) -> Invocation:
    """Prepare the generator called `generator` with the command line `argv`, as part of
    `invocation`'s run; return its invocation."""
    from fastapi_mvc.generating.commandline import parse
    from fastapi_mvc.generating.discovery import discover
    from fastapi_mvc.generating.generator import Generator

    found = discover(invocation.destination).get(generator)
    if not isinstance(found, Generator):  # a generator written for the original fastapi-mvc
        raise FastapiMvcError(
            f"generator {invocation.generator.name!r} composes {generator!r}, which is written "
            "for the original fastapi-mvc and runs only on its own",
            f"run `fastapi-mvc generate {generator}` yourself",
        )
    chain = [*_composers(invocation), invocation]
    if any(step.generator.path == found.path for step in chain):
        names = " -> ".join([*(step.generator.name for step in chain), found.name])
        raise FastapiMvcError(
            f"generator {invocation.generator.name!r} composes itself ({names})",
            "break the cycle in its generator.py",
        )
    words = [str(word) for word in argv]
    parsed = parse(found, words, f"{invocation.generator.name}: {found.name}")
    if any(parsed.runtime.values()):
        raise FastapiMvcError(
            f"generator {invocation.generator.name!r} composes {found.name!r} with runtime "
            f"options ({' '.join(word for word in words if word.startswith('-'))})",
            "leave them out: the run's own --force/--skip/--pretend/--quiet apply to it",
        )
    composed = invoke(
        found,
        parsed.arguments,
        parsed.options,
        cwd=invocation.destination,
        destroying=invocation.destroying,
        runtime=invocation.runtime,
        composer=invocation,
    )
    invocation.composed.append(composed)
    return composed


def _composers(invocation: Invocation) -> list[Invocation]:
    """The invocations that composed `invocation`, outermost first."""
    chain: list[Invocation] = []
    composer = invocation.composer
    while composer is not None:
        chain.insert(0, composer)
        composer = composer.composer
    return chain


def steps(invocation: Invocation) -> list[Invocation]:
    """The invocations of one run in the order `generate` makes them: composed ones first."""
    return list(_depth_first(invocation))


def _depth_first(invocation: Invocation) -> Iterator[Invocation]:
    for composed in invocation.composed:
        yield from _depth_first(composed)
    yield invocation


def refuse_overlaps(claims: Sequence[tuple[Invocation, Path]], what: str) -> None:
    """Refuse a path claimed by two invocations of a run (`what`: "write" or "edit")."""
    owners: dict[Path, Invocation] = {}
    for step, path in claims:
        first = owners.setdefault(path, step)
        if first is not step:
            raise UsageError(
                f"generators {first.generator.name!r} and {step.generator.name!r} would both "
                f"{what} {step.relative(path)} in one run",
                "compose them so that one of them leaves that file alone",
            )
