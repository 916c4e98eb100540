"""What `generate scaffold` and `generate resource` share: one REST resource over one model.

Both compose the model generator (model, views, migration, model test) and add a class-based
controller under `/api/<plural>` registered in app/router.py; the scaffold adds the service and
the actions' bodies. This module checks the name, composes the model, reads the fields (given,
or read back from the model on destroy) and computes the template data under `resource`: the
plural spellings, the columns the index sorts and filters by, the routes' decorator lines laid
out as black writes them, and the lines of the tests' factory.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from fastapi_mvc.errors import UsageError
from fastapi_mvc.fields import BASE_COLUMNS, Attribute, parse_fields
from fastapi_mvc.generating.invocation import Invocation
from fastapi_mvc.generating.router_edit import RouterRegistration
from fastapi_mvc.inflection import plural_name
from fastapi_mvc.model_code import view_imports
from fastapi_mvc.model_source import read_model
from fastapi_mvc.naming import Name
from fastapi_mvc.project import Project
from fastapi_mvc.pysource import LINE_LENGTH, call, import_lines

# Types the index neither sorts nor filters by: PostgreSQL has no order or equality for json.
UNORDERED = frozenset({"json", "binary"})
# Types it does not filter on either: a query string parsed as a moment takes numbers too (a
# Unix time), which the schema's `date-time` does not say; and equality on moments is rare.
UNFILTERED = UNORDERED | {"datetime", "date", "time"}
# The ranges of the integer columns, declared on the filters so that no query overflows them
# (those of views/columns.py, whose types take JSON numbers, not a query's strings).
INT_RANGES = {
    "integer": (-(2**31), 2**31 - 1),
    "references": (1, 2**31 - 1),
    "bigint": (-(2**53 - 1), 2**53 - 1),
}
# What `--auth` gates the controller with, from app/authentication/dependencies.py.
GATES = {"user": "CurrentUser", "staff": "StaffUser", "superuser": "Superuser"}
AUTHENTICATION = Path("app", "authentication", "dependencies.py")


def prepare(invocation: Invocation, *, generator: str) -> Name:
    """Check the name, compose the model, add `resource` to the data and register the router;
    return the plural name (the controller's)."""
    project = invocation.project
    assert project is not None
    name = invocation.name
    plural = plural_name(name)
    gate = _gate(invocation, project, generator)
    if not invocation.destroying:
        _refuse_taken(invocation, project, name, plural, generator)
    fields = list(invocation.arguments["fields"])
    flags = ["--skip-migration"] if invocation.options["skip_migration"] else []
    flags.append("--timestamps" if invocation.options["timestamps"] else "--no-timestamps")
    model = invocation.compose("model", name.raw, *fields, *flags)
    if plural.snake == name.snake:
        raise UsageError(
            f"invalid name {name.raw!r}: its plural is the same word, so the controller and the "
            "model would share their module name",
            "choose a name whose plural differs",
        )
    attributes, timestamps = _attributes(invocation, project, name, fields)
    invocation.data["resource"] = resource_data(
        project.package_name, name, plural, attributes, timestamps, model.data["tests"], gate
    )
    invocation.edits.append(
        RouterRegistration(
            project.package_dir / "app" / "router.py", project.package_name, plural.snake
        )
    )
    return plural


def _gate(invocation: Invocation, project: Project, generator: str) -> str | None:
    chosen = invocation.options.get("auth")
    if not chosen:
        return None
    if not invocation.destroying and not (project.package_dir / AUTHENTICATION).is_file():
        raise UsageError(
            f"{generator} --auth {chosen}: the project has no authentication "
            f"({project.package_name}/{AUTHENTICATION.as_posix()} is missing)",
            "run `fastapi-mvc generate authentication` first",
        )
    return GATES[str(chosen)]


def _refuse_taken(
    invocation: Invocation, project: Project, name: Name, plural: Name, generator: str
) -> None:
    app = project.package_dir / "app"
    model = app / "models" / f"{name.snake}.py"
    if model.exists():
        raise UsageError(
            f"the model {name.camel} exists ({model.relative_to(project.root)})",
            f"choose another name, or remove it first: fastapi-mvc destroy model {name.camel}",
        )
    controller = app / "controllers" / f"{plural.snake}.py"
    if controller.exists() and not invocation.runtime.force:
        raise UsageError(
            f"{generator} {name.camel} would replace the controller "
            f"{controller.relative_to(project.root)}",
            "pass --force to replace it, or choose another name",
        )


def _attributes(
    invocation: Invocation, project: Project, name: Name, fields: list[str]
) -> tuple[list[Attribute], bool]:
    """The fields given, or on `destroy NAME` alone those the model was generated with."""
    timestamps = bool(invocation.options["timestamps"])
    if invocation.destroying and not fields:
        models = project.package_dir / "app" / "models"
        existing = read_model(models / f"{name.snake}.py", name.camel)
        if existing is not None:
            return existing.attributes, existing.timestamps
    reserved = BASE_COLUMNS if timestamps else frozenset({"id"})
    return parse_fields(fields, reserved=reserved), timestamps


def resource_data(
    package: str,
    name: Name,
    plural: Name,
    attributes: list[Attribute],
    timestamps: bool,
    tests: dict[str, Any],
    gate: str | None,
) -> dict[str, object]:
    """The data every resource template reads."""
    ordered = [a.column for a in attributes if a.type not in UNORDERED]
    filters = [a for a in attributes if a.indexed and a.type not in UNFILTERED]
    filter_lines = [_filter(attribute) for attribute in filters]
    unfiltered = next(
        (a.column for a in attributes if a not in filters), "created_at" if timestamps else "id"
    )
    unique = next((a.column for a in attributes if a.unique), None)
    return {
        "plural": {
            "snake": plural.snake,
            "kebab": plural.kebab,
            "camel": plural.camel,
            "human": plural.human,
        },
        "table": plural.snake,
        "url": f"/api/{plural.kebab}",
        "controller": call(
            "",
            f"class {plural.camel}Controller(",
            ["Controller", f'prefix="/{plural.kebab}"', f'tags=["{plural.snake}"]'],
            "):",
        ),
        "sorts": ["id", *ordered, *(["created_at", "updated_at"] if timestamps else [])],
        "ordered": ordered,
        "filters": filter_lines,
        "filtered": [attribute.column for attribute in filters],
        "unfiltered": unfiltered,
        "unique": unique,
        "changed": attributes[0].column if attributes else None,
        "timestamps": timestamps,
        "gate": gate,
        "imports": _imports(package, name, plural, gate, filters, filter_lines),
        "factory": _factory(package, name, tests, gate),
    }


def _filter(attribute: Attribute) -> list[str]:
    """The index query's field for an indexed column, laid out as black lays it out:
    `title: Annotated[Text, Field(max_length=120)] | SkipJsonSchema[None] = None`.

    A query string has no null, so the schema gives the column's type alone (a client, or
    schemathesis, reading `null` in it would send one); the bounds sit on that type, where
    pydantic writes them into the schema."""
    annotation, constraints = attribute.pydantic_parts(optional=False)
    annotation = annotation.removesuffix(" | None")
    constraints = [constraint for constraint in constraints if constraint != "default=None"]
    bounds = INT_RANGES.get(attribute.type)
    if bounds is not None:
        annotation, constraints = "int", [f"ge={bounds[0]:_}", f"le={bounds[1]:_}"]
    if constraints:
        annotation = f"Annotated[{annotation}, Field({', '.join(constraints)})]"
    head, absent = f"    {attribute.column}: ", " | SkipJsonSchema[None]"
    line = f"{head}{annotation}{absent} = None"
    if len(line) <= LINE_LENGTH:
        return [line]
    inner = f"        {annotation}{absent}"
    if len(inner) <= LINE_LENGTH:
        return [f"{head}(", inner, "    ) = None"]
    return [f"{head}(", f"        {annotation}", f"        {absent.lstrip()}", "    ) = None"]


def _imports(
    package: str,
    name: Name,
    plural: Name,
    gate: str | None,
    filters: list[Attribute],
    filter_lines: list[list[str]],
) -> dict[str, list[str]]:
    """The first-party imports of the controller and of the service, isort's way."""
    app = f"{package}.app"
    views = f"{app}.views.{name.snake}"
    filter_imports = view_imports(package, [a for a in filters if a.type not in INT_RANGES])
    bounded = any("Annotated[" in line for lines in filter_lines for line in lines)
    annotated = [("typing", "Annotated")] if bounded else []
    controller = [
        (f"{app}.controllers.base", verb) for verb in ("Controller", "delete", "get", "patch")
    ]
    controller += [(f"{app}.controllers.base", verb) for verb in ("post", "put")]
    controller += [
        (f"{app}.database", "SessionDep"),
        (f"{app}.services.{name.snake}", f"{name.camel}Service"),
        (f"{app}.views.error", "ErrorResponse"),
        (f"{app}.views.{name.snake}_page", f"{name.camel}Page"),
        (f"{app}.views.{name.snake}_page", f"{name.camel}Query"),
        *((views, f"{name.camel}{suffix}") for suffix in ("Create", "Read", "Update")),
    ]
    if gate:
        controller.append((f"{app}.authentication.dependencies", gate))
    service = [
        (f"{app}.models.{name.snake}", name.camel),
        (f"{app}.services.errors", "RecordNotFound"),
        (f"{app}.services.errors", "save_changes"),
        *((views, f"{name.camel}{suffix}") for suffix in ("Create", "Read", "Update")),
        (f"{app}.views.{name.snake}_page", f"{name.camel}Page"),
        (f"{app}.views.{name.snake}_page", f"{name.camel}Query"),
    ]
    return {
        "controller": import_lines(controller),
        "service": import_lines(service),
        "page_standard": import_lines([("typing", "Literal"), *filter_imports[0], *annotated]),
        "page": import_lines([(views, f"{name.camel}Read"), *filter_imports[1]]),
        "stub": import_lines(
            [
                *((f"{app}.controllers.base", verb) for verb in ("Controller", "delete", "get")),
                *((f"{app}.controllers.base", verb) for verb in ("patch", "post", "put")),
                (f"{app}.exceptions", "HTTPException"),
                *((views, f"{name.camel}{suffix}") for suffix in ("Create", "Read", "Update")),
                *([(f"{app}.authentication.dependencies", gate)] if gate else []),
            ]
        ),
    }


def _factory(package: str, name: Name, tests: dict[str, Any], gate: str | None) -> dict[str, Any]:
    """The model test's factory lines, reused by the controller's tests: its standard imports,
    its models' imports (the views' replaced by the Create view) and its sample values."""
    standard_lines, _, first_party = tests["imports"]
    standard = [line for line in standard_lines if line.startswith("import ")]
    modules = [(module, alias.name) for module, alias in _imported(standard_lines)]
    if gate:
        modules.append(("typing", "get_args"))
    pairs = [
        (module, alias.name)
        for module, alias in _imported(first_party)
        if ".app.views." not in f"{module}."
    ]
    pairs.append((f"{package}.app.views.{name.snake}", f"{name.camel}Create"))
    if gate:
        pairs.append((f"{package}.app.authentication.dependencies", gate))
    return {
        "standard": [*standard, *import_lines(modules)],
        "first_party": import_lines(pairs),
        "numbered": tests["numbered"],
        "parents": tests["parents"],
        "defaults": tests["defaults"],
    }


def _imported(lines: list[str]) -> list[tuple[str, ast.alias]]:
    tree = ast.parse("\n".join(lines))
    return [
        (node.module or "", alias)
        for node in tree.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    ]
