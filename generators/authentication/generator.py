"""The authentication generator's steps: refuse a project without a database or with
authentication already, chain the users migration onto the head, and declare the edits of
existing files: the User model's registration, the controller's route, the dependencies in
pyproject.toml, the secret key of the tests (tests/conftest.py) and of the docs (docs/conf.py)
and, in a project with the Helm chart, the Secret with FASTAPI_SECRET_KEY given to the pods
(values, schema, Deployment).

`destroy authentication` needs no option: registration is read back from the controller (its
sign-up endpoint is there or not), so the render equals what `generate` wrote.
"""

from __future__ import annotations

from pathlib import Path

from fastapi_mvc import migration_files
from fastapi_mvc.console import Status
from fastapi_mvc.errors import UsageError
from fastapi_mvc.generating.invocation import Change, EditRefused, Invocation, TextEdit
from fastapi_mvc.generating.router_edit import RouterRegistration
from fastapi_mvc.model_registration import ModelRegistration
from fastapi_mvc.project import Project
from fastapi_mvc.project_dependencies import ProjectDependencies

REQUIREMENTS = ("pyjwt>=2.10", "pwdlib[argon2]>=0.2.1", "python-multipart>=0.0.18")
SLUG = "create_users"
DESTROY = "fastapi-mvc destroy authentication"
INSTALL_NOTE = (
    "        note  pyproject.toml has new dependencies: run `make install`, then "
    "`fastapi-mvc db migrate`; set FASTAPI_SECRET_KEY in production"
)


def prepare(invocation: Invocation) -> None:
    project = invocation.project
    assert project is not None
    _require_database(project)
    app = project.package_dir / "app"
    registration = bool(invocation.options["registration"])
    if invocation.destroying:
        registration = registration or _has_registration(app / "controllers" / "authentication.py")
    else:
        _refuse_existing(project)
    invocation.data["registration"] = registration
    # With the template's Redis client, the sign-in and sign-up limits are counted in Redis.
    invocation.data["redis"] = bool(project.answers.get("redis", False))
    invocation.data["helm"] = bool(project.answers.get("helm", False))
    # Projects with the class-based controller base (template 0.32.0) test a gated class too.
    invocation.data["class_controllers"] = (app / "controllers" / "base.py").is_file()
    invocation.data["migration"] = _migration(invocation, project)
    package = project.package_name
    authentication = app / "authentication"
    invocation.edits.append(
        ModelRegistration(
            app / "models" / "__init__.py",
            package,
            "user",
            "User",
            owner=app / "models" / "user.py",
        )
    )
    invocation.edits.append(RouterRegistration(app / "router.py", package, "authentication"))
    invocation.edits.append(
        ProjectDependencies(
            project.root / "pyproject.toml",
            REQUIREMENTS,
            "fastapi-mvc generate authentication",
            note=INSTALL_NOTE,
            owner=authentication / "__init__.py",
        )
    )
    invocation.edits.append(
        CommandRegistration(
            project.package_dir / "cli" / "cli.py",
            package,
            owner=project.package_dir / "cli" / "users.py",
        )
    )
    if invocation.data["helm"]:
        invocation.edits.extend(_chart_edits(project))
    invocation.edits.append(
        DocsSecretKey(
            project.root / "docs" / "conf.py",
            owner=project.package_dir / "config" / "authentication.py",
        )
    )
    invocation.edits.append(
        TestSecretKey(
            project.root / "tests" / "conftest.py",
            package,
            owner=project.package_dir / "config" / "authentication.py",
        )
    )


def _chart_edits(project: Project) -> list[TextEdit]:
    """The chart's values and schema gain `authentication`; its Deployments (the web pods', and
    the workers' when the project has jobs: a job may sign a token too) the Secret, and a
    checksum of those values that rolls their pods when the key changes."""
    chart = project.root / "charts" / str(project.answers.get("chart_name", ""))
    owner = chart / "templates" / "authentication.yaml"
    web = chart / "templates" / "deployment.yaml"
    edits: list[TextEdit] = [
        InsertedLines(chart / "values.yaml", CHART_VALUES, owner=owner),
        InsertedLines(
            chart / "values.schema.json", CHART_SCHEMA, before='    "global": {', owner=owner
        ),
        InsertedBlocks(
            InsertedLines(web, CHART_CHECKSUM, after=CONFIG_CHECKSUM),
            InsertedLines(web, CHART_ENV, after=DATABASE_SECRET),
            owner=owner,
        ),
    ]
    workers = chart / "templates" / "worker-deployment.yaml"
    if workers.is_file():
        edits.append(
            InsertedBlocks(
                InsertedLines(workers, CHART_CHECKSUM, after=CONFIG_CHECKSUM),
                InsertedLines(workers, CHART_ENV, before="          livenessProbe:"),
                owner=owner,
            )
        )
    return edits


def _has_registration(controller: Path) -> bool:
    """Whether the generated controller has the registration endpoint (destroy reads it back)."""
    try:
        return "async def sign_up(" in controller.read_text()
    except (OSError, UnicodeDecodeError):
        return False


def _require_database(project: Project) -> None:
    if project.answers.get("database", "none") == "none":
        raise UsageError(
            f"{project.root.name} has no database (its answers say database: none), so it "
            "cannot store users",
            "add one with `fastapi-mvc update --enable database`",
        )


def _refuse_existing(project: Project) -> None:
    """Authentication exists, or a module it would write is someone else's."""
    package = project.package_dir
    if (package / "app" / "authentication").exists():
        raise UsageError(
            f"authentication exists in {project.root.name} "
            f"({(package / 'app' / 'authentication').relative_to(project.root)}/)",
            f"nothing to do; to generate it again, remove it first: {DESTROY}",
        )
    modules = [
        package / "config" / "authentication.py",
        package / "app" / "models" / "user.py",
        package / "app" / "views" / "user.py",
        package / "app" / "views" / "session.py",
        package / "app" / "controllers" / "authentication.py",
        package / "cli" / "users.py",
    ]
    for path in modules:
        if path.exists():
            raise UsageError(
                f"authentication would replace {path.relative_to(project.root)}, which exists",
                "rename or remove that module first",
            )


def _migration(invocation: Invocation, project: Project) -> dict[str, object]:
    folder = migration_files.versions_dir(project)
    found = migration_files.find(folder, SLUG)
    if invocation.destroying and found is not None:
        migration_files.refuse_removal(project, folder, found)
        revision, down = found.id, found.down
    else:
        if found is not None:
            raise UsageError(
                f"a migration creating the users table exists "
                f"({found.path.relative_to(project.root)})",
                "destroy what made it first, or rename its table",
            )
        revision, down = migration_files.new_revision(folder), migration_files.head(folder)
    return {
        "revision": revision,
        "down_revision": down,
        "created": migration_files.created_at(revision),
    }


class TestSecretKey(TextEdit):
    """In tests/conftest.py, before the application is imported: the key the tests sign their
    tokens with (the settings refuse the development key outside debug mode)."""

    # A plain class: this module is loaded from its path, where dataclasses cannot see it.
    def __init__(self, path: Path, package: str, owner: Path | None = None) -> None:
        self.path = path
        self.package = package
        self.owner = owner

    @property
    def anchor(self) -> str:
        return f"from {self.package}.app.asgi import get_application"

    @property
    def block(self) -> list[str]:
        return [
            "# Tokens in the tests are signed with a key of their own: the development key is "
            "refused outside\n",
            "# debug mode (config/authentication.py).\n",
            'os.environ.setdefault("FASTAPI_SECRET_KEY", '
            '"a-secret-key-for-the-tests-only-0123456789")\n',
            "\n",
        ]

    def check(self) -> None:
        self.planned_apply()

    def _position(self, lines: list[str]) -> int | None:
        """Where the block starts, when it is there."""
        for index in range(len(lines) - len(self.block) + 1):
            if lines[index : index + len(self.block)] == self.block:
                return index
        return None

    def planned_apply(self) -> Change:
        if not self.path.is_file():
            raise EditRefused(self.path, f"{self.path} does not exist", "restore it from git")
        text = self.path.read_text()
        lines = text.splitlines(keepends=True)
        if self._position(lines) is not None:
            return Change(Status.IDENTICAL)
        anchor = next((i for i, line in enumerate(lines) if line.rstrip() == self.anchor), None)
        if anchor is None or "import os\n" not in lines:
            raise EditRefused(
                self.path,
                f"{self.path.name} does not `import os` and then `{self.anchor}`, where the tests' "
                "secret key is set",
                "restore those lines (`fastapi-mvc update` or git)",
            )
        lines[anchor:anchor] = self.block
        return Change(Status.INSERT, "".join(lines))

    def planned_revoke(self) -> Change:
        if not self.path.is_file():
            return Change(Status.UNCHANGED)
        lines = self.path.read_text().splitlines(keepends=True)
        position = self._position(lines)
        if position is None:
            return Change(Status.UNCHANGED)
        del lines[position : position + len(self.block)]
        return Change(Status.REVOKE, "".join(lines))


DOCS_PATH = "sys.path.insert(0, str(Path(__file__).resolve().parent.parent))"
DOCS_KEY = [
    "# The settings refuse the development secret key outside debug mode\n",
    "# (config/authentication.py): the docs get a key of their own, which signs nothing.\n",
    'os.environ.setdefault("FASTAPI_SECRET_KEY", "a-key-for-building-the-docs-only-0123456789")\n',
]
CHART_VALUES = [
    "\n",
    "# Authentication (`fastapi-mvc generate authentication`): the key that signs access\n",
    "# tokens (FASTAPI_SECRET_KEY), kept in a Secret. The chart makes one with `secretKey`, or\n",
    "# with a random key on install that it keeps on upgrades; or `existingSecret` names yours\n",
    "# (with the key FASTAPI_SECRET_KEY).\n",
    "authentication:\n",
    '  secretKey: ""\n',
    '  existingSecret: ""\n',
]
CHART_SCHEMA = [
    '    "authentication": {\n',
    '      "type": "object",\n',
    '      "required": [\n',
    '        "secretKey",\n',
    '        "existingSecret"\n',
    "      ],\n",
    '      "properties": {\n',
    '        "secretKey": {\n',
    '          "type": "string",\n',
    '          "description": "Signs the access tokens; empty: a random key made on install"\n',
    "        },\n",
    '        "existingSecret": {\n',
    '          "type": "string",\n',
    '          "description": "A Secret with FASTAPI_SECRET_KEY, used instead of secretKey"\n',
    "        }\n",
    "      },\n",
    '      "additionalProperties": false\n',
    "    },\n",
]
CHART_ENV = [
    "            # FASTAPI_SECRET_KEY (templates/authentication.yaml).\n",
    "            - secretRef:\n",
    '                name: {{ include "app.authenticationSecret" . }}\n',
]
DATABASE_SECRET = '                name: {{ include "app.databaseSecret" . }}'
CONFIG_CHECKSUM = (
    "        checksum/config: "
    '{{ include (print $.Template.BasePath "/configmap.yaml") . | sha256sum }}'
)
# Of the values, not of the Secret: a key made on install is random in every other rendering.
CHART_CHECKSUM = [
    "        # A changed key (authentication.secretKey or existingSecret) rolls the pods.\n",
    "        checksum/authentication: {{ .Values.authentication | toJson | sha256sum }}\n",
]


class InsertedLines(TextEdit):
    """`block` inserted after the first line equal to `after`, before the first line equal to
    `before`, or at the end of the file; destroy removes exactly those lines."""

    def __init__(
        self,
        path: Path,
        block: list[str],
        *,
        after: str | None = None,
        before: str | None = None,
        owner: Path | None = None,
    ) -> None:
        self.path = path
        self.block = block
        self.after = after
        self.before = before
        self.owner = owner

    def check(self) -> None:
        self.planned_apply()

    def _position(self, lines: list[str]) -> int | None:
        for index in range(len(lines) - len(self.block) + 1):
            if lines[index : index + len(self.block)] == self.block:
                return index
        return None

    def _anchor(self, lines: list[str]) -> int | None:
        """Where the block goes."""
        if self.after is None and self.before is None:
            return len(lines)
        anchor = self.after if self.after is not None else self.before
        found = next((i for i, line in enumerate(lines) if line.rstrip("\r\n") == anchor), None)
        if found is None or self.before is not None:
            return found
        return found + 1

    def inserted(self, lines: list[str]) -> list[str]:
        """`lines` with the block, which they may have already."""
        if self._position(lines) is not None:
            return lines
        anchor = self._anchor(lines)
        if anchor is None:
            raise EditRefused(
                self.path,
                f"{self.path.name} has no line `{(self.after or self.before or '').strip()}`, "
                "where the authentication lines go",
                "restore it (`fastapi-mvc update` or git)",
            )
        new = list(lines)
        if anchor == len(new) and new and not new[-1].endswith("\n"):
            new[-1] += "\n"
        new[anchor:anchor] = self.block
        return new

    def removed(self, lines: list[str]) -> list[str]:
        """`lines` without the block."""
        position = self._position(lines)
        if position is None:
            return lines
        return lines[:position] + lines[position + len(self.block) :]

    def planned_apply(self) -> Change:
        return InsertedBlocks(self).planned_apply()

    def planned_revoke(self) -> Change:
        return InsertedBlocks(self).planned_revoke()


class InsertedBlocks(TextEdit):
    """Several InsertedLines in one file, as one edit: each inserted into the text the ones
    before it made (separate edits of one file would each start from the file as it is)."""

    def __init__(self, *blocks: InsertedLines, owner: Path | None = None) -> None:
        self.path = blocks[0].path
        self.blocks = blocks
        self.owner = owner

    def check(self) -> None:
        self.planned_apply()

    def planned_apply(self) -> Change:
        lines = _read_lines(self.path)
        new = lines
        for block in self.blocks:
            new = block.inserted(new)
        return Change(Status.IDENTICAL) if new == lines else Change(Status.INSERT, "".join(new))

    def planned_revoke(self) -> Change:
        if not self.path.is_file():
            return Change(Status.UNCHANGED)
        lines = self.path.read_text().splitlines(keepends=True)
        new = lines
        for block in reversed(self.blocks):
            new = block.removed(new)
        return Change(Status.UNCHANGED) if new == lines else Change(Status.REVOKE, "".join(new))


class DocsSecretKey(TextEdit):
    """In docs/conf.py, after the package is put on the path: a key for the settings, which
    refuse the development key outside debug mode (autodoc imports the application); and
    `import os` for it, unless the file has it (taken out again when nothing else uses os)."""

    def __init__(self, path: Path, owner: Path | None = None) -> None:
        self.path = path
        self.owner = owner
        self.key = InsertedLines(path, DOCS_KEY, after=DOCS_PATH)
        self.import_os = InsertedLines(path, ["import os\n"], before="import sys")

    def check(self) -> None:
        self.planned_apply()

    def planned_apply(self) -> Change:
        lines = _read_lines(self.path)
        new = self.key.inserted(lines)
        if new == lines:
            return Change(Status.IDENTICAL)
        if "import os\n" not in new:
            new = self.import_os.inserted(new)
        return Change(Status.INSERT, "".join(new))

    def planned_revoke(self) -> Change:
        if not self.path.is_file():
            return Change(Status.UNCHANGED)
        lines = self.path.read_text().splitlines(keepends=True)
        new = self.key.removed(lines)
        if new == lines:
            return Change(Status.UNCHANGED)
        if not any("os." in line for line in new):
            new = self.import_os.removed(new)
        return Change(Status.REVOKE, "".join(new))


def _read_lines(path: Path) -> list[str]:
    if not path.is_file():
        raise EditRefused(path, f"{path} does not exist", "restore it from git")
    return path.read_text().splitlines(keepends=True)


class CommandRegistration(TextEdit):
    """In <package>/cli/cli.py, the `users` command beside the template's own: a name in its
    `COMMANDS` tuple (commands imported when they run), or in a project made before that, an
    import and a `cli.add_command(users)`."""

    def __init__(self, path: Path, package: str, owner: Path | None = None) -> None:
        self.path = path
        self.package = package
        self.owner = owner

    @property
    def lines(self) -> tuple[str, ...]:
        """Every line the edit may add, whichever the shape of cli.py."""
        return (
            '    "users",\n',
            f"from {self.package}.cli.users import users\n",
            "cli.add_command(users)\n",
        )

    def check(self) -> None:
        self.planned_apply()

    def planned_apply(self) -> Change:
        if not self.path.is_file():
            raise EditRefused(self.path, f"{self.path} does not exist", "restore it from git")
        lines = self.path.read_text().splitlines(keepends=True)
        new = self._with_name(lines) or self._with_import(lines)
        if new is None:
            raise EditRefused(
                self.path,
                f"{self.path.name} has neither a `COMMANDS = (` tuple nor a `from "
                f"{self.package}.cli....` import and a `cli.add_command(...)`, where the users "
                "command goes",
                "restore them (`fastapi-mvc update` or git)",
            )
        if new == lines:
            return Change(Status.IDENTICAL)
        return Change(Status.INSERT, "".join(new))

    def _with_name(self, lines: list[str]) -> list[str] | None:
        """`"users",` in the COMMANDS tuple, in sorted position."""
        entry = self.lines[0]
        start = next((i for i, line in enumerate(lines) if line == "COMMANDS = (\n"), None)
        if start is None:
            return None
        end = next((i for i in range(start, len(lines)) if lines[i].startswith(")")), None)
        if end is None:
            return None
        if entry in lines[start:end]:
            return lines
        names = [i for i in range(start + 1, end) if lines[i].strip().startswith('"')]
        later = [i for i in names if lines[i] > entry]
        return [*lines[: later[0] if later else end], entry, *lines[later[0] if later else end :]]

    def _with_import(self, lines: list[str]) -> list[str] | None:
        """The import in sorted position among the commands', the add_command after theirs."""
        _, statement, added = self.lines
        prefix = f"from {self.package}.cli."
        imports = [i for i, line in enumerate(lines) if line.startswith(prefix)]
        adds = [i for i, line in enumerate(lines) if line.startswith("cli.add_command(")]
        if not imports or not adds:
            return None
        new = list(lines)
        if added not in new:
            new.insert(adds[-1] + 1, added)
        if statement not in new:
            later = [i for i in imports if new[i] > statement]
            new.insert(later[0] if later else imports[-1] + 1, statement)
        return new

    def planned_revoke(self) -> Change:
        if not self.path.is_file():
            return Change(Status.UNCHANGED)
        lines = self.path.read_text().splitlines(keepends=True)
        kept = [line for line in lines if line not in self.lines]
        if kept == lines:
            return Change(Status.UNCHANGED)
        return Change(Status.REVOKE, "".join(kept))
