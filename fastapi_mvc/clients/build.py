"""Make the asked clients in a scratch folder and compare them with the project's.

Both `generate client` (write what differs) and `--check` (fail naming what differs) start here:
the client a project has is stale exactly when a fresh one differs from it, file for file.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from fastapi_mvc.clients import python, typescript
from fastapi_mvc.clients.openapi import export_schema
from fastapi_mvc.errors import UsageError
from fastapi_mvc.project import Project

GENERATORS: dict[str, Callable[[Project, Path, Path], None]] = {
    "typescript": typescript.generate,
    "python": python.generate,
}
LANGUAGES = tuple(GENERATORS)
DEFAULT_OUT = "clients"
# What building, installing or testing a client leaves in its folder (its own .gitignore lists
# them): never part of the client, so never stale and never removed.
BUILD_OUTPUT = frozenset(
    {
        "node_modules",
        "dist",
        "build",
        "__pycache__",
        ".venv",
        ".pytest_cache",
        ".mypy_cache",
        ".ruff_cache",
    }
)


class State(str, Enum):
    """How a file of the project's client compares with a fresh one."""

    NEW = "new"
    SAME = "same"
    CHANGED = "changed"
    GONE = "gone"  # in the project's client, no longer in a fresh one

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class ClientFile:
    """One file of a client: where it goes, what a fresh client has there (None: nothing)."""

    path: Path
    content: str | None
    state: State


def languages(given: Iterable[str]) -> list[str]:
    """The `--lang` values (each may be a comma-separated list), checked, in a stable order."""
    asked = [value.strip().lower() for raw in given for value in raw.split(",") if value.strip()]
    unknown = [value for value in asked if value not in LANGUAGES]
    if unknown:
        raise UsageError(
            f"unknown --lang {unknown[0]!r}", f"choose {' or '.join(LANGUAGES)} (or both)"
        )
    return [language for language in LANGUAGES if language in asked]


def out_folder(project: Project, given: str | None, cwd: Path | None = None) -> Path:
    """The folder the clients go in (`clients/` by default): inside the project, never its root
    nor its git data."""
    if not given:
        return project.root / DEFAULT_OUT
    folder = ((cwd or Path.cwd()) / given).resolve()
    root = project.root.resolve()
    if root not in folder.parents or (root / ".git") in (folder, *folder.parents):
        raise UsageError(
            f"--out {given} is outside the project {root}",
            "give a folder inside the project, e.g. --out clients",
        )
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"--out {given} is a file", "give a folder inside the project")
    return folder


def present(out: Path) -> list[str]:
    """The languages whose client is in `out`."""
    return [language for language in LANGUAGES if (out / language).is_dir()]


def build(project: Project, asked: list[str], out: Path) -> list[ClientFile]:
    """A fresh client of each asked language, compared file by file with the one in `out`."""
    files: list[ClientFile] = []
    with tempfile.TemporaryDirectory(prefix="fastapi-mvc-client-") as scratch:
        schema = Path(scratch) / "openapi.json"
        schema.write_text(export_schema(project))
        # The generators (and their first-run installs) are other programs: they run side by
        # side, and their clients are compared in the asked order.
        with ThreadPoolExecutor(max_workers=len(asked) or 1) as pool:
            running = {
                language: pool.submit(
                    GENERATORS[language], project, schema, Path(scratch) / language
                )
                for language in asked
            }
            for language, generating in running.items():
                generating.result()
                made = Path(scratch) / language
                files.extend(compare(made, out / language, owned(project, language)))
    return files


def owned(project: Project, language: str) -> list[str]:
    """The folders of a client that its generator owns whole: a file there that a fresh client
    lacks is gone. Elsewhere (a test, a lock file beside package.json) files are the user's."""
    return [python.names(project)[1]] if language == "python" else []


def generated_files(project: Project, language: str, folder: Path) -> list[Path]:
    """The files of the client in `folder` that its generator makes (what destroy removes)."""
    names = typescript.FILES if language == "typescript" else python.FILES
    made = [folder / name for name in names if (folder / name).is_file()]
    for package in owned(project, language):
        made.extend(files_of(folder / package))
    return made


def compare(made: Path, existing: Path, owned: list[str]) -> list[ClientFile]:
    """Each file of the fresh client `made` against `existing`, then the files of `existing`'s
    `owned` folders that the fresh client does not have."""
    fresh = {path.relative_to(made): path for path in files_of(made)}
    files = []
    for relative, path in sorted(fresh.items()):
        content = path.read_text()
        target = existing / relative
        if not target.is_file():
            state = State.NEW
        else:
            state = State.SAME if target.read_bytes() == content.encode() else State.CHANGED
        files.append(ClientFile(target, content, state))
    for folder in owned:
        for path in files_of(existing / folder):
            if path.relative_to(existing) not in fresh:
                files.append(ClientFile(path, None, State.GONE))
    return files


def files_of(folder: Path) -> Iterator[Path]:
    """The files of a client folder, without its build output."""
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*")):
        parts = path.relative_to(folder).parts
        built = any(part in BUILD_OUTPUT or part.endswith(".egg-info") for part in parts)
        if (path.is_file() or path.is_symlink()) and not built:
            yield path


def stale(files: list[ClientFile], root: Path) -> list[str]:
    """`path (state)` for every file that differs from a fresh client, relative to `root`."""
    return [
        f"{file.path.relative_to(root).as_posix()} ({file.state})"
        for file in files
        if file.state is not State.SAME
    ]
