"""The client generator's steps: check the command line, make the clients in a scratch folder
(`fastapi_mvc.clients`), and hand the run one edit per file that changes.

The clients' files are made by other tools, not rendered from templates, so they reach the
project as edits: the run reports and writes them with the generator machinery's transaction,
all or nothing, and `--pretend` shows them without writing.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi_mvc.clients.build import (
    LANGUAGES,
    ClientFile,
    State,
    build,
    generated_files,
    languages,
    out_folder,
    present,
    stale,
)
from fastapi_mvc.console import Status
from fastapi_mvc.errors import FastapiMvcError, UsageError
from fastapi_mvc.generating.invocation import Change, Invocation, TextEdit


def prepare(invocation: Invocation) -> None:
    project = invocation.project
    assert project is not None
    asked = languages(invocation.options["lang"] or [])
    out = out_folder(project, invocation.options["out"])
    shown = invocation.relative(out)
    if invocation.destroying:
        invocation.edits.extend(
            RemovedFile(path, out)
            for language in asked or present(out)
            for path in generated_files(project, language, out / language)
        )
        return
    if invocation.options["check"] and not (asked or present(out)):
        raise UsageError(
            f"there is no client in {shown}/ to check",
            "make one first with `fastapi-mvc generate client`",
        )
    files = build(project, asked or present(out) or list(LANGUAGES), out)
    if invocation.options["check"]:
        differ = stale(files, invocation.destination)
        if differ:
            raise FastapiMvcError(
                f"the client is stale, {len(differ)} file(s) differ from the API: "
                + ", ".join(differ),
                "run `fastapi-mvc generate client` and commit the result",
            )
    invocation.edits.extend(
        RemovedFile(file.path, out) if file.content is None else WrittenFile(file)
        for file in files
    )


class WrittenFile(TextEdit):
    """A file of a fresh client: created, or replaced when it differs (clients are generated,
    never edited by hand)."""

    def __init__(self, file: ClientFile) -> None:
        self.path = file.path
        self.file = file

    def planned_apply(self) -> Change:
        if self.file.state is State.SAME:
            return Change(Status.IDENTICAL)
        status = Status.CREATE if self.file.state is State.NEW else Status.FORCE
        return Change(status, self.file.content)

    def planned_revoke(self) -> Change:
        return Change(Status.UNCHANGED)


class RemovedFile:
    """A file a fresh client no longer has (or, destroying, every file of the client): removed,
    with the folders it leaves empty up to the clients' folder."""

    def __init__(self, path: Path, out: Path) -> None:
        self.path = path
        self.out = out

    def check(self) -> None:
        """Removing a generated file needs no check."""

    def apply(self, *, pretend: bool) -> str:
        if not pretend:
            self.path.unlink()
            folder = self.path.parent
            while folder != self.out.parent and not any(folder.iterdir()):
                os.rmdir(folder)
                folder = folder.parent
        return str(Status.REMOVE)

    def revoke(self, *, pretend: bool) -> str:
        return self.apply(pretend=pretend)
