"""The migration generator's steps: read the intent from the name, chain onto the head."""

from __future__ import annotations

from fastapi_mvc import migration_files
from fastapi_mvc.database import require_database
from fastapi_mvc.errors import UsageError
from fastapi_mvc.fields import parse_fields
from fastapi_mvc.generating.invocation import Invocation
from fastapi_mvc.migration_code import body, singularize_table
from fastapi_mvc.migration_revision import Autogenerate
from fastapi_mvc.model_registration import ModelRegistration

MAX_LENGTH = 60


def prepare(invocation: Invocation) -> None:
    project = invocation.project
    assert project is not None
    require_database(project)
    name = invocation.name
    if len(name.snake) > MAX_LENGTH:
        raise UsageError(
            f"invalid migration name {name.raw!r}: longer than {MAX_LENGTH} characters",
            "choose a shorter name",
        )
    given = list(invocation.arguments["fields"])
    folder = migration_files.versions_dir(project)
    found = migration_files.find(folder, name.snake)
    if invocation.destroying and found is not None and not given:
        # `destroy migration NAME`: the fields are those it was generated with.
        given = migration_files.recorded_fields(found.path) or []
    if invocation.options["autogenerate"]:
        if given:
            raise UsageError(
                "--autogenerate takes no fields: Alembic reads the changes from the models",
                f"run: fastapi-mvc generate migration {name.raw} --autogenerate",
            )
        invocation.data["migration"] = {"revision": "", "join_file": ""}  # Alembic writes it
        invocation.edits.append(Autogenerate(project, name.snake))
        return
    joining = name.snake.startswith("create_join_table_")
    attributes = [] if joining else parse_fields(given, reserved=frozenset({"id"}))
    migration = body(name.snake, given, attributes)
    if invocation.destroying and found is not None:
        migration_files.refuse_removal(project, folder, found)
        revision, down = found.id, found.down
    elif found is not None:
        raise UsageError(
            f"a migration named {name.snake} exists ({found.path.relative_to(project.root)})",
            "choose another name",
        )
    else:
        revision, down = migration_files.new_revision(folder), migration_files.head(folder)
    code = "\n".join(migration.upgrade + migration.downgrade)
    invocation.data["migration"] = {
        "revision": revision,
        "down_revision": down,
        "created": migration_files.created_at(revision),
        "description": migration.description,
        "fields_heading": migration_files.FIELDS_HEADING,
        "fields": given,
        "upgrade": [f'"""{migration.description}"""', *migration.upgrade],
        "downgrade": [
            f'"""Undo: {migration.description[0].lower()}{migration.description[1:]}"""',
            *migration.downgrade,
        ],
        "uses_sa": "sa." in code,
        "uses_op": "op." in code,
        "join_file": "",
    }
    if joining:
        _declare_join_table(invocation, sorted(given))


def _declare_join_table(invocation: Invocation, tables: list[str]) -> None:
    """The join table in the models too (models/<a>_<b>.py, registered in models/__init__.py),
    or Alembic's comparison of the models with the database finds it missing from the models."""
    project = invocation.project
    assert project is not None
    joined = "_".join(tables)
    invocation.data["migration"]["join_file"] = f"{joined}.py"
    invocation.data["migration"]["join"] = {
        "table": joined,
        "tables": tables,
        "columns": [(f"{singularize_table(table)}_id", table) for table in tables],
    }
    models = project.package_dir / "app" / "models"
    invocation.edits.append(
        ModelRegistration(
            models / "__init__.py",
            project.package_name,
            joined,
            joined,
            owner=models / f"{joined}.py",
        )
    )
