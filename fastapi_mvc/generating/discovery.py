"""Which generators exist: the builtins, the project's `lib/generators/*`, and `FMVC_PATH`.

`FMVC_PATH` is colon-separated, like PATH; each entry is a folder of generators (or one generator
folder itself). A name or alias claimed by two generators is an error naming both paths, never a
silent choice; a broken generator is reported by name and leaves the others usable.

A folder in the original fastapi-mvc's format (a Python package exporting a click command) is
recognised too, by `fastapi_mvc.compat.generators`, and runs unchanged.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from fastapi_mvc.compat.generators import is_original, load_original
from fastapi_mvc.errors import FastapiMvcError, UsageError
from fastapi_mvc.generating.generator import DEFINITION, BrokenGenerator, Generator, Origin
from fastapi_mvc.project import ANSWERS_FILE
from fastapi_mvc.resources import GENERATORS_DIR

USER_DIR = Path("lib", "generators")


class GeneratorClash(FastapiMvcError):
    """Two generators claim one name."""

    def __init__(self, name: str, first: Generator, second: Generator) -> None:
        super().__init__(
            f"generator name {name!r} is claimed twice: {_described(first)} and "
            f"{_described(second)}",
            f"rename the {second.origin} one (its folder, or its alias)",
        )
        self.name = name
        self.paths = (first.path, second.path)


def _described(generator: Generator) -> str:
    return f"{generator.origin} generator {generator.name!r} at {generator.path}"


@dataclass(frozen=True)
class Entry:
    """One line of the listing: a usable generator, or a name with a problem."""

    name: str
    origin: Origin
    generator: Generator | None = None
    problem: FastapiMvcError | None = None


@dataclass
class Catalog:
    """Every generator found, by name and alias; problems are kept under the names they affect."""

    entries: list[Entry] = field(default_factory=list)
    commands: dict[str, Generator] = field(default_factory=dict)
    problems: dict[str, FastapiMvcError] = field(default_factory=dict)

    def known(self) -> list[str]:
        """Every name and alias that can be asked for, usable or not (for suggestions)."""
        return [*self.commands, *self.problems]

    def names(self) -> list[str]:
        """Every generator name in listing order, broken ones included (not aliases)."""
        return list(dict.fromkeys(entry.name for entry in self.entries))

    def get(self, name: str) -> Generator:
        """The generator called (or aliased) `name`; raises its problem, or a usage error
        with the closest name for an unknown one."""
        if name in self.problems:
            raise self.problems[name]
        generator = self.commands.get(name)
        if generator is None:
            raise unknown_generator(name, self.known())
        return generator


def unknown_generator(name: str, known: list[str]) -> UsageError:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return UsageError(
        f"unknown generator {name!r}",
        f"{hint}`fastapi-mvc generate` lists the generators there are",
    )


def project_root(start: Path | None = None) -> Path | None:
    """The nearest folder at or above `start` holding an answers file, without reading it."""
    here = (start or Path.cwd()).resolve()
    return next((d for d in (here, *here.parents) if (d / ANSWERS_FILE).is_file()), None)


def search_path(
    start: Path | None = None, environ: Mapping[str, str] | None = None
) -> Iterator[tuple[Origin, Path]]:
    """(origin, folder) pairs to look in, in the order the listing shows them."""
    environ = os.environ if environ is None else environ
    yield Origin.BUILTIN, GENERATORS_DIR
    root = project_root(start) or (start or Path.cwd()).resolve()
    yield Origin.PROJECT, root / USER_DIR
    for entry in environ.get("FMVC_PATH", "").split(os.pathsep):
        if entry.strip():
            yield Origin.FMVC_PATH, Path(entry).expanduser().resolve()


def _folders(directory: Path) -> Iterator[Path]:
    if (directory / DEFINITION).is_file():
        yield directory
        return
    if not directory.is_dir():
        return
    for child in sorted(directory.iterdir()):
        if child.is_dir() and not child.name.startswith((".", "_")):
            yield child


def discover(start: Path | None = None, environ: Mapping[str, str] | None = None) -> Catalog:
    """Read every generator definition on the search path (no copier, no generator code)."""
    catalog = Catalog()
    claims: dict[str, Generator] = {}
    seen: set[Path] = set()
    for origin, directory in search_path(start, environ):
        for folder in _folders(directory):
            if folder in seen:
                continue
            seen.add(folder)
            try:
                generator = (
                    load_original(folder, origin)
                    if is_original(folder)
                    else Generator.load(folder, origin)
                )
            except BrokenGenerator as error:
                catalog.entries.append(Entry(folder.name, origin, problem=error))
                catalog.problems.setdefault(folder.name, error)
                continue
            for name in (generator.name, *generator.aliases):
                if name in claims:
                    catalog.problems[name] = GeneratorClash(name, claims[name], generator)
                else:
                    claims[name] = generator
            problem = catalog.problems.get(generator.name)
            catalog.entries.append(Entry(generator.name, origin, generator, problem))
    # The first claimant of a name that is clashed is reported under that name too.
    catalog.entries = [
        Entry(e.name, e.origin, e.generator, e.problem or catalog.problems.get(e.name))
        for e in catalog.entries
    ]
    catalog.commands = {name: g for name, g in claims.items() if name not in catalog.problems}
    return catalog
