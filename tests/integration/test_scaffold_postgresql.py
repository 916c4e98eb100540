"""Scaffolds on a real generated and installed project, on a real PostgreSQL server.

The session is tests/scaffold_scenario.py's, shared with test_scaffold.py (SQLite). The module
starts a throw-away PostgreSQL (Debian's) on a free loopback port and stops it by its PID; the
application's database and the one the project's tests empty for each test are two databases on
it, made by `db create`.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from scaffold_scenario import fastapi_mvc, make, scaffold_migrate_test_serve_and_destroy
from support import free_port, run_tool, start_postgres, stop_process

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def postgres() -> Iterator[int]:
    """A PostgreSQL server on a free port. Its data live outside /tmp/pytest-of-<user>, which
    other pytest runs on the machine prune while this one runs."""
    data = Path(tempfile.mkdtemp(prefix="fmvc-postgres-"))
    port = free_port()
    server = start_postgres(port, data / "data")
    try:
        yield port
    finally:
        stop_process(server)
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    parent = tmp_path_factory.mktemp("scaffold-postgresql")
    done = run_tool("new", "-n", "-I", "--database", "postgresql", "blog", cwd=parent, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    project = parent / "blog"
    make(project, "install", timeout=900)
    return project


def test_scaffold_migrate_test_serve_and_destroy(
    project: Path, postgres: int, tmp_path: Path
) -> None:
    server = f"postgresql+asyncpg://postgres@127.0.0.1:{postgres}"
    database = {"FASTAPI_DATABASE_URL": f"{server}/blog"}
    tests = {"FASTAPI_DATABASE_URL": f"{server}/blog_test"}
    for url in (database, tests):
        fastapi_mvc("db", "create", cwd=project, env=url)
    scaffold_migrate_test_serve_and_destroy(project, database, tests, tmp_path)
