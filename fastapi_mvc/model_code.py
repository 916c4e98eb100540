"""The code of a model, its views, its migration and its tests, from its parsed attributes.

Templates lay out the files; the lines that depend on the fields (imports, columns, calls that
may outgrow the line length) are computed here once, laid out as black and ruff's isort write
them, so that what a generator writes passes the project's `black --check` and `ruff check`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from fastapi_mvc.fields import Attribute
from fastapi_mvc.inflection import table_name
from fastapi_mvc.naming import Name
from fastapi_mvc.pysource import call, import_lines

# PostgreSQL cuts identifiers at 63 bytes: a longer index name would differ from the model's.
MAX_IDENTIFIER = 63


@dataclass
class Parent:
    """A model a `references` field points at, as read from its module."""

    name: Name
    table: str
    attributes: list[Attribute]
    parents: list[Parent] = field(default_factory=list)


@dataclass
class ModelSpec:
    """Everything `generate model` knows about the model it writes."""

    package: str
    name: Name
    attributes: list[Attribute]
    timestamps: bool = True
    parent: Name | None = None  # an abstract model to subclass instead of Model
    inherited: list[Attribute] = field(default_factory=list)  # the parent's columns
    parents: dict[str, Parent] = field(default_factory=dict)  # by references field name

    @property
    def table(self) -> str:
        return table_name(self.name)

    @property
    def references(self) -> list[Attribute]:
        return [attribute for attribute in self.attributes if attribute.is_reference]

    def referenced_table(self, attribute: Attribute) -> str:
        parent = self.parents.get(attribute.name)
        return parent.table if parent else table_name(attribute.referenced)

    def identifiers(self) -> list[str]:
        """Names of the table's constraints and indexes (by the base's naming convention)."""
        names = [f"pk_{self.table}"]
        for attribute in [*self.inherited, *self.attributes]:
            if attribute.indexed:
                names.append(f"ix_{self.table}_{attribute.column}")
            if attribute.is_reference:
                names.append(
                    f"fk_{self.table}_{attribute.column}_{self.referenced_table(attribute)}"
                )
        return names


def _module(package: str, name: Name) -> str:
    return f"{package}.app.models.{name.snake}"


def _mapped_line(attribute: Attribute, table: str) -> list[str]:
    head = f"{attribute.column}: Mapped[{attribute.python_type}] = "
    text = attribute.mapped_column()
    if attribute.is_reference:
        text = text.replace(f'"{table_name(attribute.referenced)}.id"', f'"{table}.id"')
    inner = text[len("mapped_column(") : -1]
    return call("    ", head + "mapped_column(", [inner])


# -- the model ---------------------------------------------------------------------------------


def model_data(spec: ModelSpec) -> dict[str, object]:
    standard: set[tuple[str, str]] = set()
    sqlalchemy: set[tuple[str, str]] = set()
    orm = {("sqlalchemy.orm", "Mapped")} if spec.attributes else set()
    for attribute in spec.attributes:
        if attribute.kind.python_import:
            standard.add(attribute.kind.python_import)
        sqlalchemy.update(("sqlalchemy", name) for name in attribute.sqlalchemy_imports)
        orm.add(("sqlalchemy.orm", "mapped_column"))
    if spec.references:
        standard.add(("typing", "TYPE_CHECKING"))
        orm.add(("sqlalchemy.orm", "relationship"))
    base = spec.parent.camel if spec.parent else "Model"
    bases = ["TimestampMixin", base] if spec.timestamps else [base]
    first_party = [(f"{spec.package}.app.models.base", name) for name in bases if name != base]
    first_party += {
        (f"{spec.package}.app.models.base", attribute.kind.sqlalchemy_name)
        for attribute in spec.attributes
        if attribute.kind.column_module == ".base"
    }
    if spec.parent:
        first_party.append((_module(spec.package, spec.parent), spec.parent.camel))
    else:
        first_party.append((f"{spec.package}.app.models.base", "Model"))
    columns = [
        _mapped_line(attribute, spec.referenced_table(attribute)) for attribute in spec.attributes
    ]
    relationships = []
    for attribute in spec.references:
        parent = spec.parents[attribute.name].name if attribute.name in spec.parents else None
        target = (parent or attribute.referenced).camel
        annotation = f"{target} | None" if attribute.nullable else target
        head = f"{attribute.name}: Mapped[{annotation}] = relationship("
        relationships.append(call("    ", head, [f'back_populates="{spec.table}"']))
    type_checking = import_lines(
        (_module(spec.package, spec.parents[a.name].name), spec.parents[a.name].name.camel)
        for a in spec.references
    )
    return {
        "class_name": spec.name.camel,
        "table": spec.table,
        "bases": ", ".join(bases),
        "imports": [
            group
            for group in (
                import_lines(standard),
                import_lines(sqlalchemy | orm),
                import_lines(first_party),
            )
            if group
        ],
        "type_checking": type_checking,
        "columns": columns,
        "relationships": relationships,
    }


# -- the views ---------------------------------------------------------------------------------


def views_data(spec: ModelSpec) -> dict[str, object]:
    attributes = [*spec.inherited, *spec.attributes]
    standard, columns = view_imports(spec.package, attributes, reading=True)
    if spec.timestamps:
        standard.add(("datetime", "datetime"))
    pydantic = {("pydantic", "BaseModel"), ("pydantic", "ConfigDict")}
    create = [_view_field(a, optional=False) for a in attributes]
    update = [_view_field(a, optional=True) for a in attributes]
    if any("Field(" in line for lines in create + update for line in lines):
        pydantic.add(("pydantic", "Field"))
    read = [["    id: int"]]
    read += [[f"    {a.column}: {a.read_annotation}"] for a in attributes]
    if spec.timestamps:
        read += [["    created_at: datetime"], ["    updated_at: datetime"]]
    return {
        "imports": [
            group
            for group in (import_lines(standard), import_lines(pydantic), import_lines(columns))
            if group
        ],
        "create_fields": create,
        "update_fields": update,
        "read_fields": read,
    }


def view_imports(
    package: str, attributes: list[Attribute], *, reading: bool = False
) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """What views of these attributes import (`reading`: a Read view's too): from the standard
    library, and from the project's views/columns.py."""
    standard: set[tuple[str, str]] = set()
    columns: set[tuple[str, str]] = set()
    for attribute in attributes:
        read = attribute.read_imports if reading else ()
        for module, name in [*attribute.view_imports, *read]:
            if module == ".columns":
                columns.add((f"{package}.app.views.columns", name))
            else:
                standard.add((module, name))
    return standard, columns


def _view_field(attribute: Attribute, *, optional: bool) -> list[str]:
    annotation, constraints = attribute.pydantic_parts(optional=optional)
    head = f"{attribute.column}: {annotation}"
    if constraints and constraints != ["default=None"]:
        return call("    ", f"{head} = Field(", constraints)
    return [f"    {attribute.column}: {attribute.pydantic_field(optional=optional)}"]


# -- the migration -----------------------------------------------------------------------------


def column_call(attribute: Attribute, indent: str) -> list[str]:
    """`sa.Column("title", sa.String(length=80), nullable=False),` as Alembic writes it."""
    arguments = [
        f'"{attribute.column}"',
        attribute.migration_type,
        f"nullable={attribute.nullable}",
    ]
    lines = call(indent, "sa.Column(", arguments, "),")
    return lines


def index_call(table: str, attribute: Attribute, indent: str) -> list[str]:
    arguments = [
        f'op.f("ix_{table}_{attribute.column}")',
        f'"{table}"',
        f'["{attribute.column}"]',
        f"unique={attribute.unique}",
    ]
    return call(indent, "op.create_index(", arguments)


def drop_index_call(table: str, attribute: Attribute, indent: str) -> list[str]:
    arguments = [f'op.f("ix_{table}_{attribute.column}")', f'table_name="{table}"']
    return call(indent, "op.drop_index(", arguments)


def migration_data(spec: ModelSpec) -> dict[str, object]:
    indent = " " * 8
    attributes = [*spec.inherited, *spec.attributes]
    columns = [[f'{indent}sa.Column("id", sa.Integer(), nullable=False),']]
    columns += [column_call(attribute, indent) for attribute in attributes]
    if spec.timestamps:
        for name in ("created_at", "updated_at"):
            arguments = [
                f'"{name}"',
                "sa.DateTime(timezone=True)",
                "server_default=sa.func.now()",
                "nullable=False",
            ]
            lines = call(indent, "sa.Column(", arguments, "),")
            columns.append(lines)
    for attribute in attributes:
        if attribute.is_reference:
            referenced = spec.referenced_table(attribute)
            arguments = [
                f'["{attribute.column}"]',
                f'["{referenced}.id"]',
                f'name=op.f("fk_{spec.table}_{attribute.column}_{referenced}")',
            ]
            lines = call(indent, "sa.ForeignKeyConstraint(", arguments, "),")
            columns.append(lines)
    columns.append([f'{indent}sa.PrimaryKeyConstraint("id", name=op.f("pk_{spec.table}")),'])
    indexed = [attribute for attribute in attributes if attribute.indexed]
    return {
        "columns": columns,
        "indexes": [index_call(spec.table, a, "    ") for a in indexed],
        "drop_indexes": [drop_index_call(spec.table, a, "    ") for a in reversed(indexed)],
    }


# -- the unit test and its factory -----------------------------------------------------------


def _construction(
    name: Name, attributes: list[Attribute], parents: dict[str, Parent], built: list[list[str]]
) -> list[str]:
    """Keyword arguments that make a valid row; required parents are built first into `built`."""
    arguments = []
    for attribute in attributes:
        if attribute.nullable:
            continue
        if attribute.is_reference:
            parent = parents[attribute.name]
            variable = parent.name.snake
            if not any(line[0].lstrip().startswith(f"{variable} = ") for line in built):
                inner = _construction(
                    parent.name,
                    parent.attributes,
                    {p.name.snake: p for p in parent.parents},
                    built,
                )
                built.append(call("    ", f"{variable} = {parent.name.camel}(", inner))
            arguments.append(f"{attribute.name}={variable}")
        else:
            arguments.append(f"{attribute.column}={attribute.sample()}")
    return arguments


def _all_parents(parents: list[Parent]) -> list[Parent]:
    found: list[Parent] = []
    for parent in parents:
        found += [parent, *_all_parents(parent.parents)]
    return found


def test_data(spec: ModelSpec) -> dict[str, object]:
    attributes = [*spec.inherited, *spec.attributes]
    built: list[list[str]] = []
    values = []
    for attribute in attributes:
        if attribute.is_reference:
            # A nullable reference gets its parent too, so that the relationship is tested.
            required = Attribute(attribute.name, attribute.kind)
            (argument,) = _construction(spec.name, [required], spec.parents, built)
            key, _, value = argument.partition("=")
            values += _item(key, value)
        else:
            values += _item(attribute.column, attribute.sample())
    parents = _all_parents(list(spec.parents.values()))
    code = "\n".join([*(line for lines in built for line in lines), *values])
    numbered = re.search(r"\bn\b", code) is not None
    candidates = {pair for a in attributes for pair in a.sample_imports}
    candidates |= {pair for p in parents for a in p.attributes for pair in a.sample_imports}
    standard = {pair for pair in candidates if re.search(rf"\b{pair[1]}\b", code)}
    standard.add(("typing", "Any"))
    first_party = {(_module(spec.package, spec.name), spec.name.camel)}
    first_party |= {(_module(spec.package, p.name), p.name.camel) for p in parents}
    first_party |= {
        (f"{spec.package}.app.views.{spec.name.snake}", f"{spec.name.camel}{suffix}")
        for suffix in ("Read", "Update")
    }
    third_party = {
        ("sqlalchemy.exc", "IntegrityError"),
        ("sqlalchemy.ext.asyncio", "AsyncSession"),
    }
    checks = [[f"    assert found.{a.column} == row.{a.column}"] for a in attributes]
    return {
        "imports": [
            ["import itertools"] * numbered + import_lines(standard),
            ["import pytest", *import_lines(third_party)],
            import_lines(first_party),
        ],
        "numbered": numbered,
        "parents": built,
        "defaults": values,
        "checks": checks,
        "signature": call(
            "",
            f"async def create_{spec.name.snake}(",
            ["session: AsyncSession", "**values: Any"],
            f") -> {spec.name.camel}:",
        ),
        "constraint": _constraint(spec, attributes),
        "references": [
            {"name": a.name, "back": spec.table, "nullable": a.nullable}
            for a in spec.attributes
            if a.is_reference
        ],
    }


def _item(key: str, value: str) -> list[str]:
    """`"key": value,` in a dict literal; a long call split the way black splits it."""
    line = f'        "{key}": {value},'
    if len(line) <= 100 or not value.endswith(")"):
        return [line]
    function, _, arguments = value[:-1].partition("(")
    lines = call(" " * 8, f'"{key}": {function}(', [arguments], "),")
    return lines


def _constraint(spec: ModelSpec, attributes: list[Attribute]) -> dict[str, object]:
    """The constraint the test violates: a unique column, else a required one, else the key."""
    factory = f"await create_{spec.name.snake}("

    def violate(key: str, value: str) -> list[str]:
        return call(" " * 8, factory, ["session", f"{key}={value}"])

    for attribute in attributes:
        if attribute.unique:
            key = attribute.name if attribute.is_reference else attribute.column
            return {
                "kind": "unique",
                "name": attribute.column,
                "violate": violate(key, f"first.{key}"),
            }
    for attribute in attributes:
        if not attribute.nullable:
            key = attribute.name if attribute.is_reference else attribute.column
            return {"kind": "required", "name": attribute.column, "violate": violate(key, "None")}
    return {"kind": "key", "name": "id", "violate": violate("id", "first.id")}
