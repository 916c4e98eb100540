"""The project's migrations as files: their revisions, the head, and names for new ones.

Read with `ast`, never by importing them or Alembic: the tool does not depend on the project's
libraries. A generated migration is `migrations/versions/<revision>_<slug>.py`, its revision a
UTC timestamp `YYYYMMDDHHMMSS`, so files sort in the order they were made.
"""

from __future__ import annotations

import ast
import subprocess
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from fastapi_mvc.errors import CommandFailed, UsageError
from fastapi_mvc.project import Project

VERSIONS = Path("migrations") / "versions"
_STAMP = "%Y%m%d%H%M%S"


@dataclass(frozen=True)
class Revision:
    """One migration file: its revision id and the one it follows (None: the first)."""

    id: str
    down: str | None
    path: Path

    @property
    def slug(self) -> str:
        """`create_articles` for `20261201120000_create_articles.py`."""
        stem = self.path.stem
        return stem.split("_", 1)[1] if "_" in stem else stem


def versions_dir(project: Project) -> Path:
    return project.root / VERSIONS


def read_revisions(folder: Path) -> list[Revision]:
    """Every migration in `folder` that declares a `revision` (others are not migrations)."""
    revisions = []
    for path in sorted(folder.glob("*.py")) if folder.is_dir() else []:
        values = _assignments(path)
        revision, down = values.get("revision"), values.get("down_revision")
        if isinstance(revision, str):
            revisions.append(Revision(revision, down if isinstance(down, str) else None, path))
    return revisions


def head(folder: Path) -> str | None:
    """The revision no other revises; None when there are no migrations yet."""
    revisions = read_revisions(folder)
    revised = {revision.down for revision in revisions}
    heads = sorted(revision.id for revision in revisions if revision.id not in revised)
    if len(heads) > 1:
        raise UsageError(
            f"the migrations have {len(heads)} heads ({', '.join(heads)}), so a new one cannot "
            "know what it follows",
            "merge them first: alembic merge heads",
        )
    return heads[0] if heads else None


def new_revision(folder: Path, now: datetime | None = None) -> str:
    """A timestamp revision id later than every existing timestamp id (one second apart)."""
    moment = (now or datetime.now(timezone.utc)).replace(microsecond=0)
    stamps = [
        r.id
        for r in read_revisions(folder)
        if r.id.isdigit() and len(r.id) == len(moment.strftime(_STAMP))
    ]
    if stamps:
        latest = datetime.strptime(max(stamps), _STAMP).replace(tzinfo=timezone.utc)
        moment = max(moment, latest + timedelta(seconds=1))
    return moment.strftime(_STAMP)


def created_at(revision: str) -> str:
    """`2026-12-01 12:00:00` for the revision `20261201120000` (Alembic's `Create Date`)."""
    try:
        return datetime.strptime(revision, _STAMP).strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return revision


def find(folder: Path, slug: str) -> Revision | None:
    """The latest migration whose file is `<revision>_<slug>.py`."""
    found = [revision for revision in read_revisions(folder) if revision.slug == slug]
    return found[-1] if found else None


# A generated migration's docstring lists the fields it was generated with under this line, one
# per line, so that `destroy migration NAME` can render it again without them.
FIELDS_HEADING = "Generated with the fields:"


def recorded_fields(path: Path) -> list[str] | None:
    """The fields listed in a migration's docstring; None when it lists none."""
    try:
        docstring = ast.get_docstring(ast.parse(path.read_text()), clean=False) or ""
    except (SyntaxError, UnicodeDecodeError, ValueError):
        return None
    lines = docstring.splitlines()
    if FIELDS_HEADING not in lines:
        return None
    listed = lines[lines.index(FIELDS_HEADING) + 1 :]
    return [line.strip() for line in listed if line.startswith("    ") and line.strip()]


def refuse_removal(project: Project, folder: Path, found: Revision) -> None:
    """A migration may be removed only while none follows it and it is not applied."""
    later = [r.id for r in read_revisions(folder) if r.down == found.id]
    if later:
        raise UsageError(
            f"the migration {found.id} {found.slug} is followed by {', '.join(later)}",
            "destroy the later migrations (or what made them) first",
        )
    if found.id in applied(project):
        raise UsageError(
            f"the migration {found.id} {found.slug} is applied to the database",
            "roll it back first: fastapi-mvc db rollback",
        )


def applied(project: Project) -> set[str]:
    """The revisions applied to the project's configured database (`<script> db current`).

    An uninstalled project has no command that could have migrated a database: nothing applied.
    """
    script = project.venv_bin(project.script_name)
    if not script.exists():
        return set()
    result = subprocess.run(
        [str(script), "db", "current"],
        cwd=project.root,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        reason = (result.stderr.strip().splitlines() or ["it failed"])[-1]
        raise CommandFailed(
            f"cannot tell which migrations are applied: `{project.script_name} db current` "
            f"exited {result.returncode} ({reason})",
            "start the database (or fix its URL) and run the command again",
        )
    return {line.split()[0] for line in result.stdout.splitlines() if line.strip()}


def _assignments(path: Path) -> dict[str, object]:
    """Module-level `name = <literal>` and `name: T = <literal>` of a Python file."""
    try:
        tree = ast.parse(path.read_text())
    except (SyntaxError, UnicodeDecodeError, ValueError):
        return {}
    values: dict[str, object] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name):
            try:
                values[target.id] = ast.literal_eval(value)
            except ValueError:
                continue
    return values
