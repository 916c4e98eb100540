"""Models on a real generated and installed project (SQLite), used the way a Rails user would.

One project is made and installed once. Then, as a session: three models (an author with a
unique name, an article with an index, a decimal{10,2}, a json column and a reference to its
author, a tag), `fastapi-mvc db migrate`, the project's own tests at 100% line and branch
coverage, black, ruff and mypy; `db status` finds no drift; a rollback to the base and a second
migrate round-trip; `destroy` refuses while a migration is applied, and once rolled back takes
everything out: the tree is as it was before.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from support import run_tool, source_checksum

pytestmark = pytest.mark.integration

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
    ("Tag", "label:uniq", "--no-timestamps"),
]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    parent = tmp_path_factory.mktemp("models")
    done = run_tool("new", "-n", "-I", "blog", cwd=parent, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    project = parent / "blog"
    make(project, "install", timeout=900)
    return project


@pytest.fixture
def database(tmp_path: Path) -> dict[str, str]:
    """The database the commands use: a SQLite file outside the tree, so the tree's checksum
    only sees what the generators write."""
    return {"FASTAPI_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'blog.sqlite3'}"}


def make(project: Path, target: str, timeout: float = 600) -> str:
    done = subprocess.run(
        ["make", target],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
        env={k: v for k, v in os.environ.items() if not k.startswith("FASTAPI_")},
    )
    assert done.returncode == 0, f"make {target} exited {done.returncode}:\n{done.stdout}"
    return done.stdout


def fastapi_mvc(*args: str, cwd: Path, env: dict[str, str], code: int = 0) -> str:
    """`fastapi-mvc ARGS` as a separate process; its stdout and stderr together."""
    done = run_tool(*args, cwd=cwd, env=env, timeout=300)
    output = done.stdout + done.stderr
    assert (
        done.returncode == code
    ), f"fastapi-mvc {' '.join(args)} exited {done.returncode}:\n{output}"
    return output


def test_models_migrate_test_roll_back_and_destroy(project: Path, database: dict[str, str]) -> None:
    before = source_checksum(project)
    for name, *fields in MODELS:
        output = fastapi_mvc("generate", "model", name, *fields, cwd=project, env=database)
        assert f"create  blog/app/models/{name.lower()}.py" in output

    migrated = fastapi_mvc("db", "migrate", cwd=project / "blog", env=database)
    for table in ("authors", "articles", "tags"):
        assert f"create_{table}" in migrated, migrated
    current = fastapi_mvc("db", "current", cwd=project, env=database).split()
    assert len(current) == 3  # every applied revision, one per line

    tests = make(project, "test")
    assert "Required test coverage of 100.0% reached" in tests, tests
    generated = subprocess.run(
        [project / ".venv" / "bin" / "pytest", "-q", "-p", "no:cacheprovider"]
        + [f"tests/unit/app/models/test_{model}.py" for model in ("author", "article", "tag")],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )
    # Saved and read back (3), the article's author both ways (1), a constraint each (3).
    assert "7 passed" in generated.stdout, generated.stdout + generated.stderr
    make(project, "metrics")
    make(project, "typecheck")

    status = fastapi_mvc("db", "status", cwd=project, env=database)
    assert "The models match the migrations." in status, status

    refused = fastapi_mvc("destroy", "model", "Tag", cwd=project, env=database, code=2)
    assert "is applied to the database; roll it back first: fastapi-mvc db rollback" in refused
    assert refused.count("\n") == 1, refused

    fastapi_mvc("db", "rollback", "--step", "3", cwd=project, env=database)
    assert fastapi_mvc("db", "current", cwd=project, env=database).strip() == ""
    again = fastapi_mvc("db", "migrate", cwd=project, env=database)
    assert "create_tags" in again, again
    assert fastapi_mvc("db", "current", cwd=project, env=database).split() == current
    fastapi_mvc("db", "nonsense", cwd=project, env=database, code=2)  # its exit code, passed on

    fastapi_mvc("db", "rollback", "--step", "3", cwd=project, env=database)
    for name in ("Tag", "Article", "Author"):
        output = fastapi_mvc("destroy", "model", name, cwd=project, env=database)
        assert "keep" not in output, output
    assert source_checksum(project) == before
