"""`fastapi-mvc generate authentication` / `destroy authentication` on a rendered project, as a
user runs them (the generated code's own tests run in tests/integration/test_authentication.py)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import (
    assert_file,
    assert_no_file,
    new_project,
    run_destroy,
    run_generator,
    tree_checksum,
)

from fastapi_mvc.generating.invocation import EditRefused
from fastapi_mvc.project_dependencies import ProjectDependencies, requirement_name

PACKAGE = Path("demo")
APP = PACKAGE / "app"
FILES = (
    APP / "authentication" / "__init__.py",
    APP / "authentication" / "accounts.py",
    APP / "authentication" / "dependencies.py",
    APP / "authentication" / "limiter.py",
    APP / "authentication" / "passwords.py",
    APP / "authentication" / "signed_in.py",
    APP / "authentication" / "tokens.py",
    APP / "controllers" / "authentication.py",
    APP / "models" / "user.py",
    APP / "views" / "session.py",
    APP / "views" / "user.py",
    PACKAGE / "config" / "authentication.py",
    PACKAGE / "cli" / "users.py",
    Path("tests/unit/app/authentication/conftest.py"),
    Path("tests/unit/cli/test_users.py"),
    Path("tests/unit/app/authentication/test_session_controller.py"),
    Path("tests/unit/app/authentication/test_signed_in.py"),
    Path("tests/unit/app/models/test_user.py"),
    Path("tests/unit/config/test_authentication.py"),
    Path("charts/demo/templates/authentication.yaml"),
)
EDITED = (
    "charts/demo/templates/deployment.yaml",
    "charts/demo/values.schema.json",
    "charts/demo/values.yaml",
    "docs/conf.py",
    "demo/app/models/__init__.py",
    "demo/app/router.py",
    "demo/cli/cli.py",
    "pyproject.toml",
    "tests/conftest.py",
)
REGISTRATION_TEST = Path("tests/unit/app/authentication/test_users_controller.py")


def generate(project: Path, *args: str) -> str:
    result = run_generator(project, "authentication", *args)
    assert result.exit_code == 0, result.output
    return result.output


def migrations(project: Path) -> list[Path]:
    return sorted((project / "migrations" / "versions").glob("*.py"))


def test_generates_the_user_tokens_gates_endpoints_and_their_tests(project: Path) -> None:
    output = generate(project)

    for path in FILES:
        assert f"create  {path.as_posix()}" in output
    assert_no_file(project / REGISTRATION_TEST)
    for edited in EDITED:
        assert f"insert  {edited}" in output
    assert "run `make install`, then `fastapi-mvc db migrate`" in output
    (migration,) = migrations(project)
    assert migration.name.endswith("_create_users.py")
    assert_file(
        migration,
        r'^        "users",$',
        r'^        sa.Column\("email", sa.String\(length=254\), nullable=False\),$',
        r'^    op.create_index\(op.f\("ix_users_email"\), "users", \["email"\], unique=True\)$',
        r"^down_revision: str \| None = None$",
    )
    assert_file(
        project / APP / "models" / "__init__.py",
        r"^from demo\.app\.models\.user import User$",
        r'^__all__ = \["Base", "Model", "TimestampMixin", "User"\]$',
    )
    assert_file(
        project / APP / "router.py",
        r"^from demo\.app\.controllers import authentication, primes, ready$",
        r"^root_api_router\.include_router\(authentication\.router\)$",
    )
    assert_file(
        project / "pyproject.toml",
        r'^    # fastapi-mvc generate authentication\n    "pyjwt>=2\.10",\n'
        r'    "pwdlib\[argon2\]>=0\.2\.1",\n    "python-multipart>=0\.0\.18",\n\]$',
    )
    cli = (project / PACKAGE / "cli" / "cli.py").read_text()
    if "COMMANDS = (" in cli:  # commands imported when they run: the users command by its name
        assert re.search(r'^    "serve",\n    "users",\n', cli, re.M), cli
    else:
        assert re.search(r"^from demo\.cli\.users import users\n", cli, re.M), cli
        assert cli.endswith("cli.add_command(users)\n"), cli
    assert_file(
        project / "tests" / "conftest.py",
        r'^os\.environ\.setdefault\("FASTAPI_SECRET_KEY", "[^"]{32,}"\)\n\nfrom demo\.app\.asgi ',
    )
    controller = assert_file(
        project / APP / "controllers" / "authentication.py",
        r'^@router\.post\("/session", name="create", tags=\["session"\]',
        r'^@router\.delete\("/session", name="destroy", tags=\["session"\], status_code=204\)$',
        r'^@router\.get\("/me", name="show", tags=\["me"\]\)$',
    )
    assert "/users" not in controller
    assert_file(
        project / APP / "authentication" / "dependencies.py",
        r"^CurrentUser = Annotated\[SignedInUser, Depends\(current_user\)\]$",
        r"^StaffUser = Annotated\[SignedInUser, require\(is_staff",
        r"^Superuser = Annotated\[SignedInUser, require\(is_superuser",
        r"^def require\(",
    )


def test_the_chart_gives_the_pods_the_secret_key_from_a_secret(project: Path) -> None:
    generate(project)

    chart = project / "charts" / "demo"
    assert_file(
        chart / "templates" / "authentication.yaml",
        r"^  FASTAPI_SECRET_KEY: \{\{ \.Values\.authentication\.secretKey \| b64enc \| quote \}\}$",
        r"^\{\{- if not \.Values\.authentication\.existingSecret \}\}$",
    )
    assert_file(
        chart / "templates" / "deployment.yaml",
        r'^                name: \{\{ include "app\.databaseSecret" \. \}\}\n'
        r"            # FASTAPI_SECRET_KEY \(templates/authentication\.yaml\)\.\n"
        r"            - secretRef:\n"
        r'                name: \{\{ include "app\.authenticationSecret" \. \}\}\n',
    )
    for deployment in ("deployment.yaml", "worker-deployment.yaml"):
        assert_file(
            chart / "templates" / deployment,
            r"^        checksum/config: .*\n"
            r"        # A changed key .*\n"
            r"        checksum/authentication: "
            r"\{\{ \.Values\.authentication \| toJson \| sha256sum \}\}\n",
            r'^                name: \{\{ include "app\.authenticationSecret" \. \}\}\n',
        )
    assert_file(
        chart / "values.yaml", r'^authentication:\n  secretKey: ""\n  existingSecret: ""\n\Z'
    )
    assert_file(
        chart / "values.schema.json", r'^    "authentication": \{\n      "type": "object",$'
    )


def test_the_docs_get_a_key_of_their_own(project: Path) -> None:
    generate(project)

    assert_file(
        project / "docs" / "conf.py",
        r'\A"""[^\n]*"""\n\nimport os\nimport sys\n',
        r"^sys\.path\.insert\(0, .*\)\n# The settings refuse the development secret key",
        r'^os\.environ\.setdefault\("FASTAPI_SECRET_KEY", "[^"]{32,}"\)$',
    )


def test_a_project_without_the_chart_gets_no_chart_edits(project: Path) -> None:
    answers = project / ".fastapi-mvc.yml"
    answers.write_text(answers.read_text().replace("helm: true", "helm: false"))
    shutil.rmtree(project / "charts")
    before = tree_checksum(project)

    output = generate(project)

    assert "charts/" not in output
    assert_no_file(project / "charts")
    assert run_destroy(project, "authentication").exit_code == 0
    assert tree_checksum(project) == before


def test_a_chart_deployment_without_the_database_secret_is_refused_in_one_line(
    project: Path,
) -> None:
    deployment = project / "charts" / "demo" / "templates" / "deployment.yaml"
    deployment.write_text(deployment.read_text().replace('"app.databaseSecret"', '"mine"'))
    before = tree_checksum(project)

    result = run_generator(project, "authentication")

    assert result.exit_code == 2
    assert 'deployment.yaml has no line `name: {{ include "app.databaseSecret" . }}`' in (
        result.output
    )
    assert tree_checksum(project) == before


def test_registration_adds_post_users_and_its_tests(project: Path) -> None:
    generate(project, "--registration")

    assert_file(
        project / APP / "controllers" / "authentication.py",
        r'^@router\.post\("/users", name="create", tags=\["users"\], status_code=201',
    )
    assert_file(project / APP / "views" / "user.py", r"^class UserCreate\(BaseModel\):$")
    assert_file(project / REGISTRATION_TEST)


@pytest.mark.parametrize("options", [(), ("--registration",)])
def test_destroy_restores_the_project_byte_for_byte(project: Path, options: tuple[str]) -> None:
    before = tree_checksum(project)
    generate(project, *options)

    # No option needed: registration is read back from the controller.
    result = run_destroy(project, "authentication")

    assert result.exit_code == 0, result.output
    assert "keep" not in result.output
    for edited in EDITED:
        assert f"revoke  {edited}" in result.output
    assert tree_checksum(project) == before


def test_the_users_migration_follows_the_current_head(project: Path) -> None:
    assert run_generator(project, "model", "Article", "title").exit_code == 0
    (article,) = migrations(project)
    head = re.search(r'^revision: str = "(\d{14})"$', article.read_text(), re.M)
    assert head

    generate(project)

    users = next(path for path in migrations(project) if path.name.endswith("_create_users.py"))
    assert_file(users, rf'^down_revision: str \| None = "{head.group(1)}"$')


def test_a_second_generate_says_it_exists_and_writes_nothing(project: Path) -> None:
    generate(project)
    before = tree_checksum(project)

    result = run_generator(project, "authentication", "--registration")

    assert result.exit_code == 2
    assert result.output.strip() == (
        "Error: authentication exists in demo (demo/app/authentication/); nothing to do; to "
        "generate it again, remove it first: fastapi-mvc destroy authentication"
    )
    assert tree_checksum(project) == before


def test_a_project_without_a_database_is_refused_in_one_line(project: Path) -> None:
    answers = project / ".fastapi-mvc.yml"
    answers.write_text(re.sub(r"(?m)^database: .*$", "database: none", answers.read_text()))
    before = tree_checksum(project)

    result = run_generator(project, "authentication")

    assert result.exit_code == 2
    assert result.output.count("\n") == 1, result.output
    assert "demo has no database (its answers say database: none), so it cannot store users" in (
        result.output
    )
    assert "fastapi-mvc update --enable database" in result.output
    assert tree_checksum(project) == before


def test_a_module_of_the_users_own_is_never_replaced(project: Path) -> None:
    assert run_generator(project, "controller", "authentication", "index").exit_code == 0
    before = tree_checksum(project)

    result = run_generator(project, "authentication")

    assert result.exit_code == 2
    assert "would replace demo/app/controllers/authentication.py, which exists" in result.output
    assert tree_checksum(project) == before


def test_a_conftest_without_its_anchor_is_refused_before_anything_is_written(
    project: Path,
) -> None:
    conftest = project / "tests" / "conftest.py"
    conftest.write_text(conftest.read_text().replace("from demo.app.asgi import", "from x import"))
    before = tree_checksum(project)

    result = run_generator(project, "authentication")

    assert result.exit_code == 2
    assert "does not `import os` and then `from demo.app.asgi import get_application`" in (
        result.output
    )
    assert tree_checksum(project) == before


def test_destroy_refuses_while_a_later_migration_follows_the_users_one(project: Path) -> None:
    generate(project)
    assert run_generator(project, "model", "Post", "title").exit_code == 0
    before = tree_checksum(project)

    result = run_destroy(project, "authentication")

    assert result.exit_code == 2
    assert "create_users is followed by" in result.output
    assert tree_checksum(project) == before


def test_the_generated_code_is_black_and_ruff_clean_with_the_longest_project_name(
    tmp_path: Path,
) -> None:
    project = new_project(tmp_path, "a" * 29, "--skip-git")
    generate(project, "--registration")
    package = "a" * 29
    paths = [package, "tests", "migrations"]
    for tool in (["black", "--check", "--quiet"], ["ruff", "check", "--quiet"]):
        done = subprocess.run(
            [sys.executable, "-m", *tool, *paths], cwd=project, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stdout + done.stderr


# -- the pyproject edit on its own -----------------------------------------------------------

PYPROJECT = """[project]
name = "demo"
dependencies = [
    "fastapi>=0.162",
    "PyJWT>=2.0"
]

[dependency-groups]
dev = [
    "pytest>=8.0",
]
"""


def test_a_requirement_the_project_lists_is_neither_added_nor_removed(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text(PYPROJECT)
    edit = ProjectDependencies(path, ("pyjwt>=2.10", "pytest>=9"), "added by a test")

    assert edit.apply(pretend=False) == "insert"

    assert path.read_text() == PYPROJECT.replace(
        '    "PyJWT>=2.0"\n]',
        '    "PyJWT>=2.0",\n    # added by a test\n    "pytest>=9",\n]',
    )
    assert edit.apply(pretend=False) == "identical"
    assert edit.revoke(pretend=False) == "revoke"
    assert path.read_text() == PYPROJECT.replace('"PyJWT>=2.0"\n', '"PyJWT>=2.0",\n')
    assert edit.revoke(pretend=False) == "unchanged"
    assert requirement_name("Pwdlib[argon2]>=0.2") == "pwdlib"
    assert requirement_name("python_multipart ; python_version>'3'") == "python-multipart"


def test_dependencies_on_one_line_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text('[project]\nname = "demo"\ndependencies = ["fastapi"]\n')
    edit = ProjectDependencies(path, ("pyjwt",), "added by a test")

    with pytest.raises(EditRefused, match="add pyjwt to its dependencies yourself"):
        edit.check()
    assert edit.revoke(pretend=False) == "unchanged"


OLD_CLI = '''"""The root command group."""

import click

from demo.cli.db import db
from demo.cli.serve import serve
from demo.cli.worker import worker


@click.group()
def cli() -> None:
    """demo: manage and serve the application."""


cli.add_command(serve)
cli.add_command(db)
cli.add_command(worker)
'''


def test_a_cli_that_imports_its_commands_gets_users_added_and_taken_out(project: Path) -> None:
    cli = project / PACKAGE / "cli" / "cli.py"
    cli.write_text(OLD_CLI)
    before = tree_checksum(project)

    generate(project)

    assert cli.read_text() == OLD_CLI.replace(
        "from demo.cli.serve import serve\n",
        "from demo.cli.serve import serve\nfrom demo.cli.users import users\n",
    ).replace("cli.add_command(worker)\n", "cli.add_command(worker)\ncli.add_command(users)\n")
    assert run_destroy(project, "authentication").exit_code == 0
    assert tree_checksum(project) == before
