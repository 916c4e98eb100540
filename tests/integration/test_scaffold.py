"""Scaffolds on a real generated and installed project, on SQLite (the default database).

The session is tests/scaffold_scenario.py's, shared with test_scaffold_postgresql.py: two
scaffolds with a field of every type, migrated, the project's own checks, served through HTTP
and by schemathesis, rolled back and destroyed to the tree it started from.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from scaffold_scenario import make, scaffold_migrate_test_serve_and_destroy
from support import run_tool

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    parent = tmp_path_factory.mktemp("scaffold")
    done = run_tool("new", "-n", "-I", "blog", cwd=parent, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    project = parent / "blog"
    make(project, "install", timeout=900)
    return project


def test_scaffold_migrate_test_serve_and_destroy(project: Path, tmp_path: Path) -> None:
    database = {"FASTAPI_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'blog.sqlite3'}"}
    # The project's tests make a SQLite file of their own for each test.
    scaffold_migrate_test_serve_and_destroy(project, database, {}, tmp_path)
