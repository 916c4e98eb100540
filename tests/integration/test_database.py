"""The database layer of generated projects, installed and run for real.

A SQLite project (the default) and a PostgreSQL project are each made and installed once by
`fastapi-mvc new` (its `make install`). The PostgreSQL one runs against a real server that the
module starts (Debian's postgresql) and stops by its PID. On each: the project's own `make test`
at 100% line and branch coverage, `make metrics` and `make typecheck`, the `db` commands, a
migration that fails half-way (the database left at the last good revision, on both), and the
production server (`<script> serve`) answering /api/ready, on PostgreSQL also right after the
database restarted under it. On PostgreSQL the project has three
models that reference each other and a many-to-many join table first: migrated, tested,
checked for drift, rolled back to the base and migrated again.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import free_port, run_ok, run_tool, start_postgres, stop_process

pytestmark = pytest.mark.integration


def install(parent: Path, *flags: str) -> Path:
    """`fastapi-mvc new -n FLAGS demo`, which installs the project with its `make install`.

    Without background jobs: this module is about the database, and the jobs have tests of their
    own; every other feature is on.
    """
    project = parent / "demo"
    started = time.monotonic()
    done = run_tool("new", "-n", "-q", "--skip-jobs", *flags, str(project), timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    print(f"installed {' '.join(flags) or 'sqlite'} in {time.monotonic() - started:.0f}s")
    return project


def db(project: Path, *args: str, cwd: Path | None = None, env: dict[str, str] | None = None):
    """`<project>/.venv/bin/demo db ARGS`, as the user runs it (from the project by default)."""
    return subprocess.run(
        [str(project / ".venv" / "bin" / "demo"), "db", *args],
        cwd=cwd or project,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


def make_test(project: Path, basetemp: Path, env: dict[str, str] | None = None) -> str:
    """The project's `make test`, its output. Its pytest keeps its temporary folders in
    `basetemp`: in the shared /tmp/pytest-of-<user> it would prune older runs' folders, this
    module's among them."""
    variables = {**(env or {}), "PYTEST_ADDOPTS": f"--basetemp={basetemp}"}
    tests = run_ok("make", "test", cwd=project, env=variables, timeout=900)
    assert "Required test coverage of 100.0% reached" in tests.stdout
    return tests.stdout


def ready_status(port: int) -> int | None:
    """The status of GET /api/ready, or None while nothing answers."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/ready", timeout=5) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except OSError:
        return None


@contextlib.contextmanager
def serving(project: Path, cwd: Path, env: dict[str, str] | None = None) -> Iterator[int]:
    """`demo serve` (one worker) on a free loopback port, started from `cwd`; yields the port."""
    port = free_port()
    log = cwd / f"serve-{port}.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [str(project / ".venv/bin/demo"), "serve", "--bind", f"127.0.0.1:{port}", "-w", "1"],
            cwd=cwd,
            env={**os.environ, **(env or {})},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        end = time.monotonic() + 60
        while ready_status(port) is None:
            assert server.poll() is None, f"serve exited {server.returncode}:\n{log.read_text()}"
            assert time.monotonic() < end, f"serve did not answer in 60s:\n{log.read_text()}"
            time.sleep(0.2)
        yield port
    finally:
        stop_process(server)


def tool(project: Path, env: dict[str, str], *args: str) -> str:
    """`fastapi-mvc ARGS` in the project, which must succeed; its output."""
    done = run_tool(*args, cwd=project, env=env, timeout=300)
    assert done.returncode == 0, f"fastapi-mvc {' '.join(args)}:\n{done.stdout}{done.stderr}"
    return done.stdout + done.stderr


def fail_halfway_then_fix(project: Path, env: dict[str, str]) -> None:
    """Three migrations, the second of which fails after its ALTER TABLE: `db migrate` says so
    in one line and exits 1, the database stays at the first (the failed one's column undone
    too, or the fixed migration could not add it again); fixed, `db migrate` goes on. Then
    everything is rolled back and destroyed again."""
    tool(project, env, "generate", "model", "Note", "title")
    tool(project, env, "generate", "migration", "AddBodyToNotes", "body:text?")
    tool(project, env, "generate", "migration", "AddRankToNotes", "rank:integer?")
    versions = project / "migrations" / "versions"
    (first,) = (path.name[:14] for path in versions.glob("*_create_notes.py"))
    (second,) = versions.glob("*_add_body_to_notes.py")
    good = second.read_text()
    failing = good.replace(
        "\n\n\ndef downgrade()", '\n    raise RuntimeError("the second fails")\n\n\ndef downgrade()'
    )
    assert failing != good
    second.write_text(failing)

    migrate = db(project, "migrate", env=env)
    assert migrate.returncode == 1
    assert migrate.stdout == f" migrate  {first}  create_notes\n"
    assert migrate.stderr == (
        f"Error: migrate {second.name[:14]} add_body_to_notes failed, RuntimeError: the second "
        f"fails; the database is at {first} create_notes. Fix the migration and run "
        "`demo db migrate` again.\n"
    )
    assert db(project, "current", env=env).stdout == f"{first}\n"

    second.write_text(good)
    fixed = db(project, "migrate", env=env)
    assert fixed.returncode == 0, fixed.stderr
    assert fixed.stdout.splitlines()[-2:] == [
        f" migrate  {second.name[:14]}  add_body_to_notes",
        f" migrate  {next(versions.glob('*_add_rank_to_notes.py')).name[:14]}  add_rank_to_notes",
    ]

    assert db(project, "rollback", "--step", "3", env=env).returncode == 0
    tool(project, env, "destroy", "migration", "AddRankToNotes")
    tool(project, env, "destroy", "migration", "AddBodyToNotes")
    tool(project, env, "destroy", "model", "Note")
    assert not list(versions.glob("*.py"))


# --- SQLite, the default -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sqlite_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return install(tmp_path_factory.mktemp("sqlite"))


def test_the_sqlite_project_passes_its_own_checks(sqlite_project: Path, tmp_path: Path) -> None:
    make_test(sqlite_project, tmp_path / "pytest")
    run_ok("make", "metrics", cwd=sqlite_project, timeout=300)
    run_ok("make", "typecheck", cwd=sqlite_project, timeout=600)


def test_the_db_commands_work_on_an_empty_migrations_folder(sqlite_project: Path) -> None:
    migrate = db(sqlite_project, "migrate")
    assert migrate.returncode == 0, migrate.stderr
    assert migrate.stdout == "Nothing to migrate: the database is up to date.\n"
    status = db(sqlite_project, "status")
    assert status.returncode == 0, status.stderr
    assert status.stdout.endswith("The models match the migrations.\n")
    rollback = db(sqlite_project, "rollback")
    assert rollback.returncode == 0, rollback.stderr
    assert rollback.stdout == "Nothing to roll back: no migration is applied.\n"
    assert db(sqlite_project, "current").stdout == ""
    # The database is the project's var/demo.sqlite3, whatever the working folder.
    assert (sqlite_project / "var" / "demo.sqlite3").is_file()
    elsewhere = db(sqlite_project, "create", cwd=sqlite_project.parent)
    assert elsewhere.stdout == f"Database {sqlite_project / 'var' / 'demo.sqlite3'} exists.\n"


def test_a_migration_failing_halfway_on_sqlite(sqlite_project: Path, tmp_path: Path) -> None:
    fail_halfway_then_fix(
        sqlite_project, {"FASTAPI_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'f.sqlite3'}"}
    )


def test_the_sqlite_project_serves_ready_from_any_folder(
    sqlite_project: Path, tmp_path: Path
) -> None:
    with serving(sqlite_project, cwd=tmp_path) as port:
        assert ready_status(port) == 200
    assert not list(tmp_path.rglob("*.sqlite3"))


# --- PostgreSQL, on a real server ----------------------------------------------------------------


@pytest.fixture(scope="module")
def postgres() -> Iterator[tuple[int, subprocess.Popen]]:
    """A PostgreSQL server on a free port. Its data live outside /tmp/pytest-of-<user>, which
    other pytest runs on the machine prune while this one runs."""
    data = Path(tempfile.mkdtemp(prefix="fmvc-postgres-"))
    port = free_port()
    server = start_postgres(port, data / "data")
    try:
        yield port, server
    finally:
        stop_process(server)
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture(scope="module")
def postgresql_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return install(tmp_path_factory.mktemp("postgresql"), "--database", "postgresql")


def test_a_restarted_postgresql_costs_the_served_application_no_request(
    postgresql_project: Path, tmp_path: Path
) -> None:
    """The worker's pool holds connections when PostgreSQL restarts under them (ending every
    backend); the next requests are answered on new connections, the first one included."""
    port = free_port()
    data = Path(tempfile.mkdtemp(prefix="fmvc-postgres-restart-"))
    server = start_postgres(port, data / "data")
    try:
        env = {"FASTAPI_DATABASE_URL": f"postgresql+asyncpg://postgres@127.0.0.1:{port}/postgres"}
        with serving(postgresql_project, cwd=tmp_path, env=env) as app:
            assert [ready_status(app) for _ in range(3)] == [200] * 3
            # A fast shutdown, as `pg_ctl restart` makes one: every backend is ended.
            server.send_signal(signal.SIGINT)
            server.wait(timeout=60)
            server = start_postgres(port, data / "data")
            assert [ready_status(app) for _ in range(3)] == [200] * 3
    finally:
        stop_process(server)
        shutil.rmtree(data, ignore_errors=True)


def test_a_migration_failing_halfway_on_postgresql(
    postgresql_project: Path, postgres: tuple[int, subprocess.Popen]
) -> None:
    port, _ = postgres
    env = {"FASTAPI_DATABASE_URL": f"postgresql+asyncpg://postgres@127.0.0.1:{port}/failing"}
    assert db(postgresql_project, "create", env=env).returncode == 0
    fail_halfway_then_fix(postgresql_project, env)


# Three models that reference each other, as test_models.py has them on SQLite.
MODELS = [
    ("Author", "name:string{80}:uniq", "bio:text?"),
    (
        "Article",
        "title:string{120}:index",
        "price:decimal{10,2}",
        "meta:json",
        "published_at:datetime?",
        "author:references",
    ),
    ("Comment", "body:text", "article:references", "author:references?"),
]


def test_the_postgresql_project_on_a_real_server(
    postgresql_project: Path, postgres: tuple[int, subprocess.Popen], tmp_path: Path
) -> None:
    port, server = postgres
    env = {"FASTAPI_DATABASE_URL": f"postgresql+asyncpg://postgres@127.0.0.1:{port}/demo"}
    create = db(postgresql_project, "create", env=env)
    assert create.returncode == 0, create.stderr
    assert create.stdout == f"  create  postgresql+asyncpg://postgres@127.0.0.1:{port}/demo\n"
    for name, *fields in MODELS:
        tool(postgresql_project, env, "generate", "model", name, *fields)
    # Many to many: an article's co-authors.
    tool(
        postgresql_project,
        env,
        "generate",
        "migration",
        "CreateJoinTableArticlesAuthors",
        "articles",
        "authors",
    )
    migrate = db(postgresql_project, "migrate", env=env)
    assert migrate.returncode == 0, migrate.stderr
    for table in ("authors", "articles", "comments", "join_table_articles_authors"):
        assert f"  create_{table}\n" in migrate.stdout
    applied = db(postgresql_project, "current", env=env).stdout
    assert len(applied.split()) == 4
    # The project's tests, the models' own among them, on the PostgreSQL server.
    make_test(postgresql_project, tmp_path / "pytest", env)
    run_ok("make", "metrics", cwd=postgresql_project, timeout=300)
    run_ok("make", "typecheck", cwd=postgresql_project, timeout=600)
    status = db(postgresql_project, "status", env=env)
    assert status.returncode == 0, status.stdout + status.stderr
    assert status.stdout.endswith("The models match the migrations.\n")
    rollback = db(postgresql_project, "rollback", "--step", "4", env=env)
    assert rollback.stdout.splitlines()[0].startswith("rollback  ")
    assert rollback.stdout.splitlines()[-1].endswith("  create_authors")
    assert db(postgresql_project, "current", env=env).stdout == ""
    assert db(postgresql_project, "migrate", env=env).returncode == 0
    assert db(postgresql_project, "current", env=env).stdout == applied

    with serving(postgresql_project, cwd=tmp_path, env=env) as app_port:
        assert ready_status(app_port) == 200
        stop_process(server)
        started = time.monotonic()
        assert ready_status(app_port) == 502
        assert time.monotonic() - started < 5
    down = db(postgresql_project, "current", env=env)
    assert down.returncode == 1
    assert down.stderr.startswith(
        f"Error: The database postgresql+asyncpg://postgres@127.0.0.1:{port}/demo failed: "
    )
    assert down.stderr.count("\n") == 1
