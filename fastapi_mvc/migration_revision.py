"""`generate migration NAME --autogenerate`: Alembic writes the migration, in the project's
environment, by comparing the models with the database (an edit, so --pretend runs nothing)."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from fastapi_mvc import migration_files
from fastapi_mvc.errors import CommandFailed
from fastapi_mvc.generating.invocation import EditRefused
from fastapi_mvc.project import Project


@dataclass
class Autogenerate:
    """Run `<script> db revision --autogenerate -m NAME`; destroy removes the file it wrote."""

    project: Project
    slug: str
    path: Path = field(init=False)

    def __post_init__(self) -> None:
        # Named for the report: Alembic picks the revision id when it writes the file.
        self.path = migration_files.versions_dir(self.project) / f"<revision>_{self.slug}.py"

    @property
    def script(self) -> Path:
        return self.project.venv_bin(self.project.script_name)

    def check(self) -> None:
        if not self.script.exists():
            raise EditRefused(
                self.path,
                f"--autogenerate runs the project's `{self.project.script_name} db revision`, "
                f"and {self.project.root.name} is not installed yet",
                "run `make install` in the project first",
            )

    def apply(self, *, pretend: bool) -> str:
        self.check()
        if pretend:
            return "run"
        command = [str(self.script), "db", "revision", "--autogenerate", "-m", self.slug]
        result = subprocess.run(
            command, cwd=self.project.root, capture_output=True, text=True, check=False
        )
        if result.returncode:
            raise CommandFailed(
                f"`{self.project.script_name} db revision --autogenerate` exited "
                f"{result.returncode}",
                "fix the error above (is the database migrated to the head?) and run it again",
                output=result.stdout + result.stderr,
            )
        return "run"

    def revoke(self, *, pretend: bool) -> str:
        found = migration_files.find(self.path.parent, self.slug)
        if found is None:
            return "unchanged"
        if found.id in migration_files.applied(self.project):
            raise EditRefused(
                found.path,
                f"the migration {found.id} {found.slug} is applied to the database",
                "roll it back first: fastapi-mvc db rollback",
            )
        if not pretend:
            found.path.unlink()
        return "remove"
