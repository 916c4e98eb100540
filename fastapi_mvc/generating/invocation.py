"""One run of a generator: its arguments checked, its names spelled, its template data and edits.

The same invocation drives `generate` (render, write, apply the edits) and `destroy` (render,
remove what is unchanged, revoke the edits), so both validate input identically and before
anything is written. A generator's optional `generator.py` takes part through one hook:

    def prepare(invocation: Invocation) -> None:
        '''Check arguments, add template data, declare edits (raise UsageError to refuse).'''
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

from fastapi_mvc.errors import FastapiMvcError, NotAProjectError, UsageError
from fastapi_mvc.generating.generator import BrokenGenerator, Generator
from fastapi_mvc.naming import Name, spellings, validate
from fastapi_mvc.project import Project


class Edit(Protocol):
    """A reversible change inside an existing file (Rails' `route`, `inject_into_file`)."""

    path: Path

    def check(self) -> None:
        """Raise EditRefused if the edit cannot be made; called before anything is written."""

    def apply(self, *, pretend: bool) -> str:
        """Make the edit; return its status: `insert` or `identical`."""

    def revoke(self, *, pretend: bool) -> str:
        """Undo the edit; return its status: `revoke` or `unchanged`."""


class EditRefused(UsageError):
    """An edit that cannot be made as asked; `status` is what is reported for the file."""

    def __init__(self, path: Path, problem: str, fix: str, status: str = "unchanged") -> None:
        super().__init__(problem, fix)
        self.path = path
        self.status = status


@dataclass
class Invocation:
    """What one `generate`/`destroy` of one generator was asked to do."""

    generator: Generator
    arguments: dict[str, Any]
    options: dict[str, Any]
    project: Project | None
    destination: Path
    destroying: bool = False
    names: dict[str, Name] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    edits: list[Edit] = field(default_factory=list)

    @property
    def name(self) -> Name:
        """The validated argument called `name`."""
        return self.names["name"]

    def relative(self, path: Path) -> str:
        """`path` as reported: relative to the destination when inside it."""
        try:
            return path.relative_to(self.destination).as_posix()
        except ValueError:
            return str(path)


def invoke(
    generator: Generator,
    arguments: dict[str, Any],
    options: dict[str, Any],
    *,
    cwd: Path | None = None,
    destroying: bool = False,
) -> Invocation:
    """Check everything about one run and compute its template data; nothing is written."""
    here = (cwd or Path.cwd()).resolve()
    if generator.needs_project:
        project: Project | None = Project.find(here)
        destination = project.root
    else:
        project = _optional_project(here)
        destination = here
    arguments = {
        key: list(value) if isinstance(value, list | tuple) else value
        for key, value in arguments.items()
    }
    invocation = Invocation(
        generator=generator,
        arguments=arguments,
        options=dict(options),
        project=project,
        destination=destination,
        destroying=destroying,
    )
    if project is not None:
        invocation.data.update(
            {key: value for key, value in project.answers.items() if not key.startswith("_")}
        )
    invocation.data.update(invocation.arguments)
    invocation.data.update(invocation.options)
    for argument in generator.arguments:
        if argument.kind == "name":
            name = validate(str(arguments[argument.name]), generator.name)
            invocation.names[argument.name] = name
            invocation.data[argument.name] = spellings(name)
    hooks = load_hooks(generator)
    if hooks is not None:
        _run_prepare(generator, hooks, invocation)
    return invocation


def _optional_project(here: Path) -> Project | None:
    try:
        return Project.find(here)
    except NotAProjectError:
        return None


def load_hooks(generator: Generator) -> ModuleType | None:
    """Import the generator's `generator.py`, if it has one: only ever when it runs."""
    path = generator.hooks
    if path is None:
        return None
    module_name = f"fastapi_mvc_generator_{generator.origin}_{generator.name}".replace("-", "_")
    spec = importlib.util.spec_from_file_location(module_name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except FastapiMvcError:
        raise
    except Exception as error:
        raise BrokenGenerator(
            generator.name, generator.path, f"importing {path.name} failed: {_summary(error)}"
        ) from error
    if not callable(getattr(module, "prepare", None)):
        raise BrokenGenerator(
            generator.name, generator.path, f"{path.name} defines no prepare(invocation)"
        )
    return module


def _run_prepare(generator: Generator, hooks: ModuleType, invocation: Invocation) -> None:
    try:
        hooks.prepare(invocation)
    except FastapiMvcError:
        raise
    except Exception as error:
        raise FastapiMvcError(
            f"generator {generator.name!r} failed in {generator.path / 'generator.py'}: "
            f"{_summary(error)}",
            "fix its prepare(invocation); -v shows the traceback",
        ) from error


def _summary(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{error.__class__.__name__}: {text[0]}" if text else error.__class__.__name__
