"""The model generator's steps: parse the fields once, refuse what cannot be, compute the code,
chain the migration onto the head, register the model and the other side of each reference."""

from __future__ import annotations

from pathlib import Path

from fastapi_mvc import migration_files
from fastapi_mvc.errors import UsageError
from fastapi_mvc.fields import BASE_COLUMNS, Attribute, parse_fields
from fastapi_mvc.generating.invocation import Invocation
from fastapi_mvc.inflection import is_plural, singular_name, table_name
from fastapi_mvc.model_code import (
    MAX_IDENTIFIER,
    ModelSpec,
    Parent,
    migration_data,
    model_data,
    test_data,
    views_data,
)
from fastapi_mvc.model_registration import BackReference, ModelRegistration
from fastapi_mvc.model_source import ModelSource, read_model
from fastapi_mvc.naming import Name, validate
from fastapi_mvc.project import Project

# Longer names would push generated lines and index names past their limits.
MAX_LENGTH = 30
RESERVED_MODULES = frozenset({"base"})


def prepare(invocation: Invocation) -> None:
    project = invocation.project
    assert project is not None
    _require_database(project)
    name = invocation.name
    _check_name(name)
    models = project.package_dir / "app" / "models"
    existing = read_model(models / f"{name.snake}.py", name.camel)
    if not invocation.destroying:
        _refuse_taken(project, name)
    spec = _spec(invocation, project, name, models, existing)
    invocation.data["model"] = model_data(spec)
    invocation.data["views"] = views_data(spec)
    invocation.data["tests"] = test_data(spec)
    if not invocation.options["skip_migration"]:
        invocation.data["migration"] = _migration(invocation, project, spec)
    else:
        invocation.data["migration"] = {"revision": "", "down_revision": None, "created": ""}
    module = models / f"{name.snake}.py"
    invocation.edits.append(
        ModelRegistration(
            models / "__init__.py", project.package_name, name.snake, name.camel, owner=module
        )
    )
    for attribute in spec.references:
        parent = spec.parents[attribute.name]
        invocation.edits.append(
            BackReference(
                path=models / f"{parent.name.snake}.py",
                package=project.package_name,
                class_name=parent.name.camel,
                attribute=spec.table,
                child_module=name.snake,
                child_class=name.camel,
                back_populates=attribute.name,
                owner=module,
            )
        )


def _require_database(project: Project) -> None:
    if project.answers.get("database", "none") == "none":
        raise UsageError(
            f"{project.root.name} has no database (its answers say database: none), so it "
            "cannot have models",
            "add one with `fastapi-mvc update --enable database`",
        )


def _check_name(name: Name) -> None:
    if is_plural(name.words[-1]):
        raise UsageError(
            f"invalid model name {name.raw!r}: model names are singular",
            f"use {singular_name(name).camel}",
        )
    if len(name.snake) > MAX_LENGTH:
        raise UsageError(
            f"invalid model name {name.raw!r}: longer than {MAX_LENGTH} characters",
            "choose a shorter name",
        )
    if name.snake in RESERVED_MODULES:
        raise UsageError(
            f"invalid model name {name.raw!r}: models/{name.snake}.py is the models' own base",
            "choose another name",
        )


def _refuse_taken(project: Project, name: Name) -> None:
    app = project.package_dir / "app"
    for folder in ("models", "views"):
        path = app / folder / f"{name.snake}.py"
        if path.exists():
            raise UsageError(
                f"the model {name.camel} would collide with the existing module "
                f"{path.relative_to(project.root)}",
                f"choose another name, or remove it first: fastapi-mvc destroy model {name.camel}",
            )


def _spec(
    invocation: Invocation,
    project: Project,
    name: Name,
    models: Path,
    existing: ModelSource | None,
) -> ModelSpec:
    given = invocation.arguments["fields"]
    options = invocation.options
    parent_name = options.get("parent")
    timestamps = bool(options["timestamps"])
    if invocation.destroying and existing is not None and not given:
        # `destroy model Article`: the fields, base and timestamps are the file's own.
        timestamps = existing.timestamps
        others = [base for base in existing.bases if base not in ("TimestampMixin", "Model")]
        parent_name = parent_name or (others[0] if others else None)
        attributes = existing.attributes
    else:
        reserved = BASE_COLUMNS if timestamps else frozenset({"id"})
        attributes = parse_fields(given, reserved=reserved)
    spec = ModelSpec(project.package_name, name, attributes, timestamps)
    if parent_name:
        spec.parent = validate(parent_name, "parent model")
        spec.inherited = _parent(models, spec.parent, invocation.destroying).attributes
    for attribute in spec.references:
        spec.parents[attribute.name] = _referenced(models, attribute, name, invocation.destroying)
    _check_identifiers(spec)
    return spec


def _parent(models: Path, parent: Name, destroying: bool) -> ModelSource:
    source = read_model(models / f"{parent.snake}.py", parent.camel)
    if source is None:
        if destroying:
            return ModelSource(models / f"{parent.snake}.py", parent.camel, None, [])
        raise UsageError(
            f"--parent {parent.raw}: there is no model {parent.camel} in "
            f"models/{parent.snake}.py",
            "write that abstract model first, or leave --parent out",
        )
    if not source.abstract:
        raise UsageError(
            f"--parent {parent.raw}: {parent.camel} is not abstract, and a model with a table "
            "of its own cannot be subclassed here",
            f"give {parent.camel} `__abstract__ = True`, or leave --parent out",
        )
    if source.unread:
        raise UsageError(
            f"--parent {parent.raw}: cannot read the column(s) {', '.join(source.unread)} of "
            f"{parent.camel}, which the migration must create",
            "pass --skip-migration and write it with `fastapi-mvc db revision --autogenerate`",
        )
    return source


def _referenced(models: Path, attribute: Attribute, child: Name, destroying: bool) -> Parent:
    """The model a `references` field points at, which must exist (with its own parents)."""
    target = attribute.referenced
    source = read_model(models / f"{target.snake}.py", target.camel)
    if source is None or target.snake == child.snake:
        if destroying:
            return Parent(target, table_name(target), [])
        raise UsageError(
            f"field {attribute.name}:references refers to the model {target.camel}, which does "
            f"not exist (no class {target.camel} in models/{target.snake}.py)",
            f"generate it first: fastapi-mvc generate model {target.camel}",
        )
    parents = [
        _referenced(models, other, target, destroying)
        for other in source.attributes
        if other.is_reference and not other.nullable
    ]
    return Parent(target, source.table or table_name(target), source.attributes, parents)


def _check_identifiers(spec: ModelSpec) -> None:
    for identifier in spec.identifiers():
        if len(identifier) > MAX_IDENTIFIER:
            raise UsageError(
                f"the constraint or index name {identifier!r} is longer than {MAX_IDENTIFIER} "
                "characters, PostgreSQL's limit",
                "choose a shorter model or field name",
            )


def _migration(invocation: Invocation, project: Project, spec: ModelSpec) -> dict[str, object]:
    folder = migration_files.versions_dir(project)
    slug = f"create_{spec.table}"
    found = migration_files.find(folder, slug)
    if invocation.destroying and found is not None:
        migration_files.refuse_removal(project, folder, found)
        revision, down = found.id, found.down
    else:
        if found is not None:
            raise UsageError(
                f"a migration creating the table {spec.table} exists "
                f"({found.path.relative_to(project.root)})",
                "destroy the model that made it, or pass --skip-migration",
            )
        revision, down = migration_files.new_revision(folder), migration_files.head(folder)
    return {
        "revision": revision,
        "down_revision": down,
        "created": migration_files.created_at(revision),
        **migration_data(spec),
    }
