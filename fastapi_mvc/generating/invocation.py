"""One run of a generator: its arguments checked, its names spelled, its template data and edits.

The same invocation drives `generate` (render, write, apply the edits) and `destroy` (render,
remove what is unchanged, revoke the edits), so both validate input identically and before
anything is written.

The contract with generators (kept stable; builtin and user generators rely on it):

- A generator is a folder: `copier.yml` with a `_generator:` block (what its command line
  takes, see `generator.py`), a `USAGE` text (its --help), `templates/` (what copier renders),
  and optionally `generator.py` with one hook, imported only when the generator runs:

      def prepare(invocation: Invocation) -> None:
          '''Check arguments, add template data, declare edits (raise UsageError to refuse).'''

- `invocation.arguments` / `invocation.options`: the command line, by the names the definition
  gives; `invocation.names[arg]` (and `invocation.name`) the validated `kind: name` arguments.
- `invocation.data` feeds the templates: the project's answers, the arguments and options, and
  every `kind: name` argument in all its spellings; `prepare` may add to it.
- `invocation.project` (`package_dir`, `package_name`, `answers`, `root`) or None outside a
  project for `target: cwd` generators; `invocation.destination` is where files are written.
- `invocation.destroying` is true when the run undoes the generator.
- `invocation.edits`: changes inside existing files (Rails' `route`, `inject_into_file`), each
  an object of the `Edit` protocol below: `check()`, `apply(pretend=...) -> status` and
  `revoke(pretend=...) -> status`. An edit that also has `planned_apply()`/`planned_revoke()`
  (see `PlannedEdit`; `TextEdit` is a base class giving all of it) is written by the run in
  one all-or-nothing phase together with the files, atomically. An edit with only
  apply/revoke still works: the run snapshots its file and restores it if anything fails.
  An edit may name its `owner`, the generated file it belongs to (a route and its controller):
  destroy then revokes it only when that file goes too.
- `invocation.compose(generator, *words)`: run another generator as part of this one (Rails'
  `hook_for`), with the words a user would type after `fastapi-mvc generate GENERATOR`; its
  files and edits join this run's transaction, `destroy` undoes it too, and its invocation is
  returned (its `data` readable). See `composition` for the order and the rules.
- `invocation.runtime`: the run's --force/--skip/--pretend/--quiet (read-only).
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol, runtime_checkable

from fastapi_mvc.console import Status
from fastapi_mvc.errors import FastapiMvcError, NotAProjectError, UsageError
from fastapi_mvc.files import write_atomic
from fastapi_mvc.generating.generator import BrokenGenerator, Generator
from fastapi_mvc.generating.runtime import Runtime
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


@dataclass(frozen=True)
class Change:
    """What an edit will do to its file: the status to report, and the file's new text (None:
    leave the file as it is), and a line to report below the status, if the edit has one."""

    status: Status | str
    text: str | None = None
    note: str | None = None


@runtime_checkable
class PlannedEdit(Protocol):
    """An edit that says what it would write without writing it (preferred: the run writes it
    atomically, all or nothing with the generator's files). Raise EditRefused to refuse."""

    path: Path

    def check(self) -> None: ...

    def planned_apply(self) -> Change: ...

    def planned_revoke(self) -> Change: ...


class TextEdit:
    """Base class for an edit of one text file: implement check, planned_apply and
    planned_revoke; apply and revoke (for direct use) follow, written atomically."""

    path: Path
    owner: Path | None = None

    def check(self) -> None:
        """Nothing to check by default."""

    def planned_apply(self) -> Change:
        raise NotImplementedError

    def planned_revoke(self) -> Change:
        raise NotImplementedError

    def apply(self, *, pretend: bool) -> str:
        return self._made(self.planned_apply(), pretend)

    def revoke(self, *, pretend: bool) -> str:
        return self._made(self.planned_revoke(), pretend)

    def _made(self, change: Change, pretend: bool) -> str:
        if change.text is not None and not pretend:
            write_atomic(self.path, change.text)
        return str(change.status)


class EditRefused(UsageError):
    """An edit that cannot be made as asked; `status` is what is reported for the file."""

    def __init__(
        self, path: Path, problem: str, fix: str, status: Status | str = Status.UNCHANGED
    ) -> None:
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
    runtime: Runtime = field(default_factory=Runtime)
    # The invocation that composed this one (not in repr/eq: it holds this one in turn).
    composer: Invocation | None = field(default=None, repr=False, compare=False)
    composed: list[Invocation] = field(default_factory=list)

    def compose(self, generator: str, *words: str) -> Invocation:
        """Run the generator `generator` with the command line `words` as part of this run."""
        from fastapi_mvc.generating.composition import compose

        return compose(self, generator, words)

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
    runtime: Runtime | None = None,
    composer: Invocation | None = None,
) -> Invocation:
    """Check everything about one run and compute its template data; nothing is written."""
    here = (cwd or Path.cwd()).resolve()
    if generator.needs_project:
        found = Project.find(here)
        project: Project | None = found
        destination = found.root
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
        runtime=runtime or Runtime(),
        composer=composer,
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
            generator.name,
            generator.path,
            f"importing {path.name} failed: {_summary(error)}",
            f"fix its {path.name} (-v shows the traceback)",
        ) from error
    if not callable(getattr(module, "prepare", None)):
        raise BrokenGenerator(
            generator.name,
            generator.path,
            f"{path.name} defines no prepare(invocation)",
            f"add one to its {path.name}",
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
