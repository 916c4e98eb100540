"""Fields of a model as Rails users type them, parsed once into attributes every template reads.

    NAME[:TYPE[{ARGS}][?|!][:MODIFIER...]]

    title                    a required string (255 characters)
    title:string{80}:uniq    a required string of at most 80 characters, unique
    price:decimal{10,2}?     an optional decimal with 10 digits, 2 after the point
    author:references:index  the foreign key `author_id` to the authors table

TYPE is one of `TYPES` (or an alias such as `str`, `int`, `bool`); MODIFIER is `index` or
`uniq`; `?` makes the column nullable, `!` (the default) required. Everything a template needs
(the SQLAlchemy column, the Python and pydantic types, a sample value for tests) is computed here,
so templates never look at the string the user typed.
"""

from __future__ import annotations

import builtins
import difflib
import keyword
import re
from collections.abc import Iterable
from dataclasses import dataclass

from fastapi_mvc.errors import UsageError
from fastapi_mvc.inflection import table_name
from fastapi_mvc.naming import Name

# Columns every model has from its base (`Model.id`, `TimestampMixin.created_at/updated_at`).
BASE_COLUMNS = frozenset({"id", "created_at", "updated_at"})
# Attributes SQLAlchemy's declarative classes keep for themselves.
DECLARATIVE_NAMES = frozenset({"metadata", "registry", "query"})
MODIFIERS = ("index", "uniq")
DEFAULT_STRING_LENGTH = 255
DEFAULT_DECIMAL = (10, 2)
# Column types of the project's models/base.py rather than SQLAlchemy's.
BASE_TYPES = frozenset({"UTCDateTime"})


@dataclass(frozen=True)
class Kind:
    """One field type: how SQLAlchemy, Python, pydantic and the migration spell it."""

    name: str
    python: str
    column: str  # the SQLAlchemy type in a model, `{0}` `{1}` filled from the arguments
    migration: str  # the same type as Alembic writes it in a migration
    sample: str  # a Python expression of the test sequence number `n`
    view: str  # the annotation in a view, `{0}` `{1}` filled from the arguments
    python_import: tuple[str, str] | None = None
    sample_imports: tuple[tuple[str, str], ...] = ()
    arguments: int = 0  # how many `{...}` numbers it takes at most
    # What the view's annotation imports; the module `.columns` is the project's views/columns.py.
    view_imports: tuple[tuple[str, str], ...] = ()

    @property
    def sqlalchemy_name(self) -> str:
        return self.column.split("(")[0]

    @property
    def column_module(self) -> str:
        """Where the model imports the column type from: SQLAlchemy, or `.base` (models/base.py)."""
        return ".base" if self.sqlalchemy_name in BASE_TYPES else "sqlalchemy"


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            "string",
            "str",
            "String({0})",
            "sa.String(length={0})",
            "",
            "Text",
            arguments=1,
            view_imports=((".columns", "Text"),),
        ),
        Kind("text", "str", "Text", "sa.Text()", "", "Text", view_imports=((".columns", "Text"),)),
        Kind(
            "integer",
            "int",
            "Integer",
            "sa.Integer()",
            "n",
            "Int32",
            view_imports=((".columns", "Int32"),),
        ),
        Kind(
            "bigint",
            "int",
            "BigInteger",
            "sa.BigInteger()",
            "n",
            "Int64",
            view_imports=((".columns", "Int64"),),
        ),
        Kind("float", "float", "Float", "sa.Float()", "n + 0.5", "float"),
        Kind(
            "decimal",
            "Decimal",
            "Numeric({0}, {1})",
            "sa.Numeric(precision={0}, scale={1})",
            "Decimal(n)",
            "Annotated[Decimal, Digits({0}, {1})]",
            ("decimal", "Decimal"),
            (("decimal", "Decimal"),),
            arguments=2,
            view_imports=(("decimal", "Decimal"), ("typing", "Annotated"), (".columns", "Digits")),
        ),
        Kind("boolean", "bool", "Boolean", "sa.Boolean()", "n % 2 == 0", "bool"),
        Kind(
            "date",
            "date",
            "Date",
            "sa.Date()",
            "date.fromordinal(739000 + n)",
            "Day",
            ("datetime", "date"),
            (("datetime", "date"),),
            view_imports=((".columns", "Day"),),
        ),
        Kind(
            "datetime",
            "datetime",
            "UTCDateTime()",
            "sa.DateTime(timezone=True)",
            "datetime.fromtimestamp(1_700_000_000 + n, tz=timezone.utc)",
            "Moment",
            ("datetime", "datetime"),
            (("datetime", "datetime"), ("datetime", "timezone")),
            view_imports=((".columns", "Moment"),),
        ),
        Kind(
            "time",
            "time",
            "Time",
            "sa.Time()",
            "time(12, n % 60)",
            "TimeOfDay",
            ("datetime", "time"),
            (("datetime", "time"),),
            view_imports=((".columns", "TimeOfDay"),),
        ),
        Kind(
            "uuid",
            "UUID",
            "Uuid",
            "sa.Uuid()",
            "UUID(int=n)",
            "Uuid",
            ("uuid", "UUID"),
            (("uuid", "UUID"),),
            view_imports=((".columns", "Uuid"),),
        ),
        Kind(
            "json",
            "dict[str, Any]",
            "JSON(none_as_null=True)",
            "sa.JSON()",
            '{"n": n}',
            "dict[str, Any]",
            ("typing", "Any"),
            view_imports=(("typing", "Any"),),
        ),
        Kind(
            "binary",
            "bytes",
            "LargeBinary",
            "sa.LargeBinary()",
            "str(n).encode()",
            "Binary",
            view_imports=((".columns", "Binary"),),
        ),
        Kind(
            "references",
            "int",
            "",
            "sa.Integer()",
            "",
            "Reference",
            view_imports=((".columns", "Reference"),),
        ),
    )
}
ALIASES = {
    "str": "string",
    "int": "integer",
    "bool": "boolean",
    "timestamp": "datetime",
    "belongs_to": "references",
    "bytes": "binary",
}

_FIELD = re.compile(r"^(?P<type>[A-Za-z_]*)(?:\{(?P<args>[^}]*)\})?(?P<flag>[?!]?)$")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Attribute:
    """One parsed field of a model."""

    name: str
    kind: Kind
    arguments: tuple[int, ...] = ()
    nullable: bool = False
    index: bool = False
    unique: bool = False

    @property
    def type(self) -> str:
        return self.kind.name

    @property
    def is_reference(self) -> bool:
        return self.kind.name == "references"

    @property
    def column(self) -> str:
        """The table column: `author_id` for `author:references`, else the name."""
        return f"{self.name}_id" if self.is_reference else self.name

    @property
    def referenced(self) -> Name:
        """The model a `references` field points at: `author` -> Author."""
        return Name(self.name)

    @property
    def indexed(self) -> bool:
        """Rails indexes foreign keys by default; `uniq` is a unique index."""
        return self.index or self.unique or self.is_reference

    @property
    def python_type(self) -> str:
        return f"{self.kind.python} | None" if self.nullable else self.kind.python

    @property
    def sqlalchemy_type(self) -> str:
        """The column's type in the model: `String(80)`, `Numeric(10, 2)`, `Text`."""
        return self.kind.column.format(*self.arguments)

    @property
    def migration_type(self) -> str:
        return self.kind.migration.format(*self.arguments)

    @property
    def sqlalchemy_imports(self) -> set[str]:
        """The names the model imports from SQLAlchemy for this column."""
        if self.is_reference:
            return {"ForeignKey"}
        if self.kind.column_module != "sqlalchemy":
            return set()
        return {self.kind.sqlalchemy_name}

    def mapped_column(self) -> str:
        """`mapped_column(String(80), index=True)`, as the model declares it."""
        if self.is_reference:
            arguments = [f'ForeignKey("{table_name(self.referenced)}.id")']
        else:
            arguments = [self.sqlalchemy_type]
        if self.unique:
            arguments.append("unique=True")
        if self.indexed:
            arguments.append("index=True")
        return f"mapped_column({', '.join(arguments)})"

    def pydantic_field(self, *, optional: bool) -> str:
        """The field's annotation and default in a view: `Text = Field(max_length=80)`."""
        annotation, constraints = self.pydantic_parts(optional=optional)
        if constraints == ["default=None"]:
            return f"{annotation} = None"
        if constraints:
            return f"{annotation} = Field({', '.join(constraints)})"
        return annotation

    def pydantic_parts(self, *, optional: bool) -> tuple[str, list[str]]:
        """The annotation, and the arguments of `Field(...)` (none: a plain annotation).

        The annotation's type (from the project's views/columns.py) carries the column's format
        and range; a string's length is the one limit given here."""
        constraints = []
        if self.type == "string":
            constraints.append(f"max_length={self.arguments[0]}")
        annotation = self.kind.view.format(*self.arguments)
        if optional or self.nullable:
            annotation += " | None"
            constraints.insert(0, "default=None")
        return annotation, constraints

    @property
    def view_imports(self) -> tuple[tuple[str, str], ...]:
        return self.kind.view_imports

    @property
    def read_annotation(self) -> str:
        """The field's annotation in a Read view: the column's Python type, so a value from
        the database is checked by pydantic-core alone. A time of day keeps the input type, whose
        schema has no offset (JSON Schema's `time` format requires one)."""
        annotation = "TimeOfDay" if self.type == "time" else self.kind.python
        return f"{annotation} | None" if self.nullable else annotation

    @property
    def read_imports(self) -> tuple[tuple[str, str], ...]:
        if self.type == "time":
            return self.kind.view_imports
        return (self.kind.python_import,) if self.kind.python_import else ()

    def sample(self) -> str:
        """A Python expression of `n` giving a valid, distinct value for row number `n`."""
        if self.type == "string":
            if self.arguments[0] < 8:  # room for the number alone
                return "str(n)"
            return f'f"{self.name[: self.arguments[0] - 7]}-{{n}}"'
        if self.type == "text":
            return f'f"{self.name} {{n}}"'
        return self.kind.sample

    @property
    def sample_imports(self) -> tuple[tuple[str, str], ...]:
        return self.kind.sample_imports


def parse_fields(
    given: Iterable[str], *, reserved: frozenset[str] = BASE_COLUMNS
) -> list[Attribute]:
    """Parse every field; raise UsageError naming the first bad one and how to fix it."""
    attributes: list[Attribute] = []
    taken: dict[str, str] = {}
    for raw in given:
        attribute = parse_field(raw, reserved=reserved)
        for name in {attribute.name, attribute.column}:
            if name in taken:
                raise UsageError(
                    f"field {name!r} is given twice ({taken[name]!r} and {raw!r})",
                    "give each field once",
                )
            taken[name] = raw
        attributes.append(attribute)
    return attributes


def parse_field(raw: str, *, reserved: frozenset[str] = BASE_COLUMNS) -> Attribute:
    """`title:string{80}:uniq` -> Attribute(name='title', ..., unique=True)."""
    name, _, rest = raw.partition(":")
    parts = rest.split(":") if rest else []
    _check_name(name, raw, reserved)
    spec = parts[0] if parts else ""
    modifiers = parts[1:]
    if spec in MODIFIERS:  # Rails' `email:uniq`: a string with that modifier
        spec, modifiers = "", parts
    match = _FIELD.match(spec)
    if match is None:
        raise UsageError(
            f"cannot read the type {spec!r} of field {raw!r}",
            "write NAME:TYPE{ARGS}?:MODIFIER, e.g. title:string{80}:index or price:decimal{10,2}?",
        )
    kind = _kind(match["type"] or "string", raw)
    arguments = _arguments(kind, match["args"], raw)
    index = unique = False
    for modifier in modifiers:
        if modifier == "index":
            index = True
        elif modifier == "uniq":
            unique = True
        else:
            hint = _did_you_mean(modifier, MODIFIERS)
            raise UsageError(
                f"unknown modifier {modifier!r} in field {raw!r}{hint}",
                f"use {' or '.join(MODIFIERS)}, e.g. {name}:{kind.name}:index",
            )
    return Attribute(name, kind, arguments, match["flag"] == "?", index, unique)


def _check_name(name: str, raw: str, reserved: frozenset[str]) -> None:
    if not _NAME.match(name):
        snake = Name(name).snake if re.match(r"^[A-Za-z][A-Za-z0-9_-]*$", name) else ""
        raise UsageError(
            f"invalid field name {name!r} in {raw!r}: fields are lowercase snake_case names",
            f"use {snake!r}" if snake and _NAME.match(snake) else "start with a letter, e.g. title",
        )
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        raise UsageError(f"invalid field name {name!r}: it is a Python keyword", _rename(name))
    if name in reserved:
        raise UsageError(
            f"invalid field name {name!r}: every model already has the column {name!r} from "
            "its base",
            "leave it out, or choose another name",
        )
    if name in DECLARATIVE_NAMES:
        raise UsageError(
            f"invalid field name {name!r}: SQLAlchemy models keep {name!r} for themselves",
            _rename(name),
        )
    if hasattr(builtins, name):
        raise UsageError(
            f"invalid field name {name!r}: it shadows the Python builtin {name!r}", _rename(name)
        )


def _rename(name: str) -> str:
    return f"choose another name, e.g. {name}_value"


def _kind(spelled: str, raw: str) -> Kind:
    name = ALIASES.get(spelled.lower(), spelled.lower())
    if name in KINDS:
        return KINDS[name]
    known = [*KINDS, *ALIASES]
    raise UsageError(
        f"unknown type {spelled!r} in field {raw!r}{_did_you_mean(spelled.lower(), known)}",
        f"use one of: {' '.join(KINDS)}",
    )


def _did_you_mean(given: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(given, list(known), n=1, cutoff=0.6)
    if not close:
        return ""
    return f" (did you mean {ALIASES.get(close[0], close[0])!r}?)"


def _arguments(kind: Kind, given: str | None, raw: str) -> tuple[int, ...]:
    if given is None:
        if kind.name == "string":
            return (DEFAULT_STRING_LENGTH,)
        if kind.name == "decimal":
            return DEFAULT_DECIMAL
        return ()
    if kind.arguments == 0:
        raise UsageError(
            f"the type {kind.name!r} takes no {{...}} arguments, in field {raw!r}",
            f"write {raw.split(':')[0]}:{kind.name}",
        )
    values = [value.strip() for value in given.split(",")]
    example = "string{80}" if kind.name == "string" else "decimal{10,2}"
    if len(values) > kind.arguments or not all(value.isdigit() for value in values):
        raise UsageError(
            f"bad arguments {{{given}}} for {kind.name!r} in field {raw!r}",
            f"give {'a length' if kind.name == 'string' else 'precision and scale'} as whole "
            f"numbers, e.g. {example}",
        )
    numbers = tuple(int(value) for value in values)
    if kind.name == "string":
        if not 1 <= numbers[0] <= 65535:
            raise UsageError(
                f"bad length {numbers[0]} in field {raw!r}", "give a length from 1 to 65535"
            )
        return numbers
    precision, scale = numbers[0], numbers[1] if len(numbers) > 1 else 0
    if not 1 <= precision <= 1000 or scale > precision:
        raise UsageError(
            f"bad precision and scale {{{given}}} in field {raw!r}",
            "precision is 1 to 1000 digits and scale at most the precision, e.g. decimal{10,2}",
        )
    return (precision, scale)
