"""The template's `database` answer: what `new --database sqlite|postgresql|none` renders.

Rendered without installing; the integration tests (tests/integration/test_database.py) install
the projects and run them on real databases.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from support import assert_file, assert_no_file, new_project

DATABASE_FILES = [
    "alembic.ini",
    "migrations/env.py",
    "migrations/script.py.mako",
    "migrations/versions/.gitkeep",
    "demo/app/database.py",
    "demo/app/models/base.py",
    "demo/app/services/__init__.py",
    "demo/app/services/errors.py",
    "demo/app/views/columns.py",
    "demo/config/database.py",
    "demo/db/__init__.py",
    "demo/db/seeds.py",
    "demo/cli/db.py",
    "docs/database.rst",
    "charts/demo/templates/database.yaml",
    "charts/demo/templates/_database.tpl",
    "tests/unit/app/test_database.py",
    "tests/unit/app/models/test_base.py",
    "tests/unit/app/services/test_errors.py",
    "tests/unit/app/views/test_columns.py",
    "tests/unit/app/controllers/test_ready_database.py",
    "tests/unit/cli/test_db.py",
    "tests/unit/config/test_database.py",
    "tests/unit/db/test_seeds.py",
]
# Names that must not appear anywhere in a project without a database.
DATABASE_WORDS = ("sqlalchemy", "alembic", "aiosqlite", "asyncpg", "migrations")


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    parent = tmp_path_factory.mktemp("databases")
    return {
        database: new_project(parent / database, "demo", "--skip-git", "--database", database)
        for database in ("postgresql", "none")
    }


def answers(project: Path) -> dict[str, object]:
    return yaml.safe_load((project / ".fastapi-mvc.yml").read_text())


def dependencies(project: Path) -> str:
    return (project / "pyproject.toml").read_text().split("[project.urls]")[0]


def test_a_new_project_has_sqlite_by_default(pristine: Path) -> None:
    assert answers(pristine)["database"] == "sqlite"
    for name in DATABASE_FILES:
        assert_file(pristine / name)
    assert_file(pristine / "var" / ".gitkeep")
    assert "aiosqlite" in dependencies(pristine)
    assert "asyncpg" not in dependencies(pristine)
    # The default URL is the project's own var/ folder, found from the package, not the cwd.
    assert_file(
        pristine / "demo/config/database.py",
        r"PROJECT_ROOT = Path\(__file__\)\.resolve\(\)\.parents\[2\]",
        r'DATABASE_FILE = PROJECT_ROOT / "var" / "demo\.sqlite3"',
        r'DEFAULT_URL = f"sqlite\+aiosqlite:///\{DATABASE_FILE\}"',
    )
    assert_file(pristine / ".gitignore", r"^/var/\*$", r"^!/var/\.gitkeep$")
    assert_file(pristine / "Makefile", *(rf"^db-{t}:" for t in ("migrate", "rollback", "status")))


def test_a_postgresql_project_uses_asyncpg_and_a_server(projects: dict[str, Path]) -> None:
    project = projects["postgresql"]
    assert answers(project)["database"] == "postgresql"
    for name in DATABASE_FILES:
        assert_file(project / name)
    assert_no_file(project / "var")
    assert "asyncpg" in dependencies(project)
    assert "aiosqlite" not in dependencies(project)
    assert_file(
        project / "demo/config/database.py", r"postgresql\+asyncpg://postgres@localhost:5432/demo"
    )
    workflow = yaml.safe_load((project / ".github/workflows/main.yml").read_text())
    test_job = workflow["jobs"]["test"]
    assert test_job["services"]["postgres"]["image"].startswith("postgres:")
    assert test_job["env"]["FASTAPI_DATABASE_URL"].startswith("postgresql+asyncpg://")
    assert_file(project / "shell.nix", r"pkgs\.postgresql")
    assert_file(project / "build/dev-env.sh", r"kubectl run postgresql")


def test_without_a_database_nothing_of_it_is_rendered(projects: dict[str, Path]) -> None:
    project = projects["none"]
    assert answers(project)["database"] == "none"
    for name in [*DATABASE_FILES, "var"]:
        assert_no_file(project / name)
    for path in project.rglob("*"):
        if path.is_file():
            text = path.read_text(errors="replace")
            found = [word for word in DATABASE_WORDS if word.lower() in text.lower()]
            assert not found, f"{path.relative_to(project)} mentions {found}"
    assert (project / "demo/app/models/__init__.py").read_text() == (
        '"""Models: the application\'s domain and persistence classes'
        ' (`fastapi-mvc generate model`)."""\n'
    )


def test_the_chart_gives_the_pods_the_database_secret(
    pristine: Path, projects: dict[str, Path]
) -> None:
    with_database = pristine / "charts/demo/templates/deployment.yaml"
    assert_file(
        with_database, r"- secretRef:\n\s+name: \{\{ include \"app\.databaseSecret\" \. \}\}"
    )
    without = (projects["none"] / "charts/demo/templates/deployment.yaml").read_text()
    assert "secretRef" not in without
    assert_file(
        pristine / "charts/demo/templates/database.yaml",
        r"helm\.sh/hook: pre-install,pre-upgrade",
        r'args: \["db", "migrate"\]',
    )
    for project in (pristine, projects["postgresql"]):
        values = yaml.safe_load((project / "charts/demo/values.yaml").read_text())
        assert set(values["database"]) == {"url", "existingSecret", "migrations"}
    assert "database" not in yaml.safe_load(
        (projects["none"] / "charts/demo/values.yaml").read_text()
    )


def test_the_image_carries_the_migrations(pristine: Path, projects: dict[str, Path]) -> None:
    for project in (pristine, projects["postgresql"]):
        assert_file(project / "Dockerfile", r"^COPY alembic\.ini \./$", r"^COPY migrations/ ")
        assert_file(project / ".dockerignore", r"^!alembic\.ini$", r"^!migrations/$")
    assert "alembic" not in (projects["none"] / "Dockerfile").read_text()


def test_the_models_package_keeps_the_marker_the_model_generator_edits(pristine: Path) -> None:
    assert_file(
        pristine / "demo/app/models/__init__.py",
        r"^from demo\.app\.models\.base import Base, Model, TimestampMixin$",
        r"^# fastapi-mvc: generated models are imported above this line\.$",
        r'^__all__ = \["Base", "Model", "TimestampMixin"\]$',
    )


def test_a_postgresql_project_passes_black_and_ruff(projects: dict[str, Path]) -> None:
    for tool in (["black", "--check", "--quiet"], ["ruff", "check", "--quiet"]):
        result = subprocess.run(
            [sys.executable, "-m", *tool, "."],
            cwd=projects["postgresql"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, f"{tool[0]}:\n{result.stdout}{result.stderr}"
