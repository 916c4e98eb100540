"""Run a generator: render its files, compare them with the project, resolve, then write.

Rendering first and writing last makes a run all-or-nothing: every file's fate (create,
identical, conflict -> force or skip) and every edit's new text are known, and every conflict
settled, before the first byte is written. Then one `files.Transaction` writes them all, each
atomically, and undoes what it did if any write fails (a full disk, a read-only file, a file
where a folder should be). So a refused conflict, a bad template, Ctrl-C at a prompt or a failed
write leaves the project as it was, and `--pretend` is the same run without the final step.
Statuses use Rails' words (`console.Status`).
"""

from __future__ import annotations

import difflib
import stat
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from fastapi_mvc.console import Console, Status
from fastapi_mvc.errors import FastapiMvcError
from fastapi_mvc.files import Transaction, new_file_mode
from fastapi_mvc.generating.invocation import (
    Change,
    Edit,
    EditRefused,
    Invocation,
    PlannedEdit,
)
from fastapi_mvc.generating.runtime import Runtime

__all__ = ["Planned", "Runtime", "generate", "plan", "planned_edit", "render"]


@dataclass
class Planned:
    """One rendered file and what will happen to it."""

    path: Path
    content: bytes
    executable: bool
    status: Status


def render(invocation: Invocation) -> dict[str, tuple[bytes, bool]]:
    """Render the generator's templates: with Jinja alone when `plain_render` can do what copier
    would (every builtin generator), else with copier into a scratch folder.

    Returns {relative posix path: (content, executable)}; nothing is written to the destination.
    """
    from fastapi_mvc.generating import plain_render

    simple = plain_render.render(invocation.generator.path, invocation.data)
    if simple is not None:  # Jinja alone did what copier would: no copier import
        return simple
    import copier
    import jinja2
    from copier.errors import CopierError, UnsafeTemplateError

    generator = invocation.generator
    with tempfile.TemporaryDirectory(prefix="fastapi-mvc-generate-") as staging:
        try:
            copier.run_copy(
                str(generator.path),
                staging,
                data=invocation.data,
                defaults=True,
                quiet=True,
                unsafe=False,
                vcs_ref="HEAD",
            )
        except UnsafeTemplateError as error:
            features = str(error).splitlines()[0].rstrip(".").rpartition(":")[2].strip()
            raise FastapiMvcError(
                f"generator {generator.name!r} uses copier features fastapi-mvc never runs "
                f"({features})",
                "move that code into its generator.py prepare(invocation)",
            ) from error
        except (CopierError, jinja2.TemplateError, ValueError, OSError) as error:
            message = " ".join(str(error).split()) or error.__class__.__name__
            raise FastapiMvcError(
                f"generator {generator.name!r} could not render its templates: {message}",
                f"check the templates in {generator.path / generator.templates}",
            ) from error
        root = Path(staging)
        # Executable means a shebang: the installed template's own mode bits say nothing
        # (an admin's `chmod -R` must not make every generated module executable).
        return {
            path.relative_to(root).as_posix(): (path.read_bytes(), path.read_bytes()[:2] == b"#!")
            for path in sorted(root.rglob("*"))
            if path.is_file() and not path.is_symlink()
        }


def plan(invocation: Invocation, rendered: dict[str, tuple[bytes, bool]]) -> list[Planned]:
    """Compare each rendered file with what is on disk: create, identical or conflict."""
    planned = []
    for relative, (content, executable) in rendered.items():
        path = invocation.destination / relative
        if path.is_dir():
            raise FastapiMvcError(
                f"{invocation.relative(path)} is a directory, where the generator writes a file",
                "move it away first",
            )
        if not path.exists() and not path.is_symlink():
            status = Status.CREATE
        elif path.is_file() and path.read_bytes() == content:
            status = Status.IDENTICAL
        else:
            status = Status.CONFLICT
        planned.append(Planned(path, content, executable, status))
    return planned


def generate(invocation: Invocation, runtime: Runtime, console: Console) -> list[Planned]:
    """Render, settle conflicts, plan the edits, then write it all at once (unless pretending).

    A composed run (`composition`) is one run: every generator's files and edits, composed
    ones first, are settled and planned before any is written, by one transaction.
    """
    from fastapi_mvc.generating.composition import INVOKE, refuse_overlaps, steps

    run = steps(invocation)
    for step in run:
        for edit in step.edits:
            try:
                edit.check()
            except EditRefused as refused:
                console.status(refused.status, invocation.relative(refused.path))
                raise
    rendered = [(step, plan(step, render(step))) for step in run]
    claims = [(step, item.path) for step, planned in rendered for item in planned]
    refuse_overlaps(claims + [(step, edit.path) for step in run for edit in step.edits], "change")
    settling = _Settling(overwrite_all=runtime.force)
    changes: list[tuple[Edit, Change | None]] = []
    for step, planned in rendered:
        if step is not invocation:
            console.status(INVOKE, step.generator.name)
        _settle_conflicts(planned, step, runtime, console, settling)
        for edit in step.edits:
            change = planned_edit(edit, "apply")
            status = change.status if change else edit.apply(pretend=True)
            console.status(status, step.relative(edit.path))
            if change and change.note:
                console.info(change.note)
            changes.append((edit, change))
    settling.refuse()
    everything = [item for _, planned in rendered for item in planned]
    if runtime.pretend:
        return everything
    transaction = Transaction(root=invocation.destination)
    for item in everything:
        if item.status in (Status.CREATE, Status.FORCE):
            transaction.write(item.path, item.content, _mode(item))
    for edit, change in changes:
        if change is None:
            transaction.call(edit.path, _applying(edit))
        elif change.text is not None:
            transaction.write(edit.path, change.text)
    transaction.commit()
    return everything


def planned_edit(edit: Edit, action: str) -> Change | None:
    """The edit's change if it can say it without writing (`PlannedEdit`), else None."""
    if not isinstance(edit, PlannedEdit):
        return None
    return edit.planned_apply() if action == "apply" else edit.planned_revoke()


def _applying(edit: Edit) -> Callable[[], object]:
    return lambda: edit.apply(pretend=False)


def _mode(item: Planned) -> int:
    """A new file's mode from the umask; an overwritten one keeps its own (plus x for a script)."""
    if item.status == Status.CREATE or item.path.is_symlink():
        return new_file_mode(item.executable)
    mode = stat.S_IMODE(item.path.stat().st_mode)
    return mode | (new_file_mode(True) & 0o111) if item.executable else mode


@dataclass
class _Settling:
    """Conflicts settled so far in one run: "all" answered once holds for the rest."""

    overwrite_all: bool
    refused: list[str] = field(default_factory=list)

    def refuse(self) -> None:
        if self.refused:
            raise FastapiMvcError(
                f"{len(self.refused)} file(s) exist with other content: "
                f"{', '.join(self.refused)}",
                "pass --force to overwrite, --skip to keep them, or run in a terminal to choose "
                "file by file; nothing was written",
            )


def _settle_conflicts(
    planned: list[Planned],
    invocation: Invocation,
    runtime: Runtime,
    console: Console,
    settling: _Settling,
) -> None:
    """Report each file; turn each conflict into force or skip, or note it as refused."""
    for item in planned:
        shown = invocation.relative(item.path)
        console.status(item.status, shown)
        if item.status != Status.CONFLICT:
            continue
        if settling.overwrite_all:
            item.status = Status.FORCE
        elif runtime.skip:
            item.status = Status.SKIP
        elif runtime.interactive:
            answer = _ask_overwrite(item, shown, console)
            settling.overwrite_all = answer == "all"
            item.status = Status.SKIP if answer == "no" else Status.FORCE
        else:
            settling.refused.append(shown)
            continue
        console.status(item.status, shown)


def _ask_overwrite(item: Planned, shown: str, console: Console) -> str:
    """Rails' prompt: Y(es) n(o) a(ll) q(uit) d(iff) h(elp); returns yes, no or all."""
    while True:
        answer = console.ask(f'Overwrite {shown}? (enter "h" for help) [Ynaqdh]', "Y")
        answer = answer.strip().lower()[:1] or "y"
        if answer in ("y", "n", "a"):
            return {"y": "yes", "n": "no", "a": "all"}[answer]
        if answer == "q":
            raise FastapiMvcError("stopped at your request", "nothing was written")
        if answer == "d":
            console.say("".join(_diff(item, shown)))
        else:
            console.say(
                "Y - yes, overwrite\nn - no, keep the file\na - all, overwrite this and the rest\n"
                "q - quit, write nothing\nd - show the differences\nh - help"
            )


def _diff(item: Planned, shown: str) -> Iterator[str]:
    old = item.path.read_bytes().decode(errors="replace").splitlines(keepends=True)
    new = item.content.decode(errors="replace").splitlines(keepends=True)
    return difflib.unified_diff(old, new, f"{shown} (yours)", f"{shown} (generated)")
