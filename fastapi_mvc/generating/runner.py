"""Run a generator: render with copier into a staging folder, compare, resolve, then write.

Rendering first and writing last makes a run all-or-nothing: every file's fate (create,
identical, conflict -> force or skip) is known, and every conflict settled, before the first
byte is written. So a refused conflict, a bad template or Ctrl-C at a prompt leaves the project
as it was, and `--pretend` is the same run without the final step. Statuses use Rails' words.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import typer

from fastapi_mvc.console import Console
from fastapi_mvc.errors import FastapiMvcError, UsageError
from fastapi_mvc.generating.invocation import EditRefused, Invocation


@dataclass(frozen=True)
class Runtime:
    """The options every generator takes, declared once: --force --skip --pretend --quiet."""

    force: bool = False
    skip: bool = False
    pretend: bool = False
    quiet: bool = False
    interactive: bool = False

    def __post_init__(self) -> None:
        if self.force and self.skip:
            raise UsageError("--force and --skip contradict each other", "pass only one of them")


@dataclass
class Planned:
    """One rendered file and what will happen to it."""

    path: Path
    content: bytes
    executable: bool
    status: str


def render(invocation: Invocation) -> dict[str, tuple[bytes, bool]]:
    """Render the generator's templates with copier into a scratch folder.

    Returns {relative posix path: (content, executable)}; nothing is written to the destination.
    """
    import copier
    import jinja2
    from copier.errors import CopierError

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
        except (CopierError, jinja2.TemplateError, ValueError) as error:
            message = " ".join(str(error).split()) or error.__class__.__name__
            raise FastapiMvcError(
                f"generator {generator.name!r} could not render its templates: {message}",
                f"check the templates in {generator.path / 'templates'}",
            ) from error
        root = Path(staging)
        return {
            path.relative_to(root).as_posix(): (path.read_bytes(), os.access(path, os.X_OK))
            for path in sorted(root.rglob("*"))
            if path.is_file() and not path.is_symlink()
        }


def plan(invocation: Invocation, rendered: dict[str, tuple[bytes, bool]]) -> list[Planned]:
    """Compare each rendered file with what is on disk: create, identical or conflict."""
    planned = []
    for relative, (content, executable) in rendered.items():
        path = invocation.destination / relative
        executable = executable or content.startswith(b"#!")
        if path.is_dir():
            raise FastapiMvcError(
                f"{invocation.relative(path)} is a directory, where the generator writes a file",
                "move it away first",
            )
        if not path.exists() and not path.is_symlink():
            status = "create"
        elif path.is_file() and path.read_bytes() == content:
            status = "identical"
        else:
            status = "conflict"
        planned.append(Planned(path, content, executable, status))
    return planned


def generate(invocation: Invocation, runtime: Runtime, console: Console) -> list[Planned]:
    """Render, settle conflicts, then write files and apply edits (unless pretending)."""
    for edit in invocation.edits:
        try:
            edit.check()
        except EditRefused as refused:
            console.status(refused.status, invocation.relative(refused.path))
            raise
    planned = plan(invocation, render(invocation))
    refused = []
    overwrite_all = runtime.force
    for item in planned:
        shown = invocation.relative(item.path)
        if item.status != "conflict":
            console.status(item.status, shown)
            continue
        console.status("conflict", shown)
        if overwrite_all:
            item.status = "force"
        elif runtime.skip:
            item.status = "skip"
        elif runtime.interactive:
            answer = _ask_overwrite(item, shown)
            overwrite_all = answer == "all"
            item.status = "skip" if answer == "no" else "force"
        else:
            refused.append(shown)
            continue
        console.status(item.status, shown)
    if refused:
        raise FastapiMvcError(
            f"{len(refused)} file(s) exist with other content: {', '.join(refused)}",
            "pass --force to overwrite, --skip to keep them, or run in a terminal to choose "
            "file by file; nothing was written",
        )
    if not runtime.pretend:
        for item in planned:
            if item.status in ("create", "force"):
                _write(item)
    for edit in invocation.edits:
        console.status(edit.apply(pretend=runtime.pretend), invocation.relative(edit.path))
    return planned


def _ask_overwrite(item: Planned, shown: str) -> str:
    """Rails' prompt: Y(es) n(o) a(ll) q(uit) d(iff) h(elp); returns yes, no or all."""
    while True:
        answer = typer.prompt(
            f'Overwrite {shown}? (enter "h" for help) [Ynaqdh]',
            default="Y",
            show_default=False,
            err=True,
        )
        answer = answer.strip().lower()[:1] or "y"
        if answer in ("y", "n", "a"):
            return {"y": "yes", "n": "no", "a": "all"}[answer]
        if answer == "q":
            raise FastapiMvcError("stopped at your request", "nothing was written")
        if answer == "d":
            typer.echo("".join(_diff(item, shown)), err=True)
        else:
            typer.echo(
                "Y - yes, overwrite\nn - no, keep the file\na - all, overwrite this and the rest\n"
                "q - quit, write nothing\nd - show the differences\nh - help",
                err=True,
            )


def _diff(item: Planned, shown: str) -> Iterator[str]:
    old = item.path.read_bytes().decode(errors="replace").splitlines(keepends=True)
    new = item.content.decode(errors="replace").splitlines(keepends=True)
    return difflib.unified_diff(old, new, f"{shown} (yours)", f"{shown} (generated)")


def _write(item: Planned) -> None:
    """Write one file atomically, executable when it starts with a shebang."""
    item.path.parent.mkdir(parents=True, exist_ok=True)
    mask = os.umask(0)
    os.umask(mask)
    handle, temporary = tempfile.mkstemp(prefix=f".{item.path.name}.", dir=item.path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(item.content)
        os.chmod(temporary, (0o777 if item.executable else 0o666) & ~mask)
        os.replace(temporary, item.path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
