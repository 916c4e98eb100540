"""Read a model module back: its class, table, bases and the fields it was generated with.

`destroy model Article` is given the name alone, and a model that `references` another needs
the other's columns for its test factory. Both read the model file with `ast` (never importing
the project) and turn each `name: Mapped[T] = mapped_column(Type(...), ...)` back into the
attribute `generate model` would have parsed; columns written by hand in another shape are
listed in `unread`.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

from fastapi_mvc.fields import BASE_COLUMNS, KINDS, Attribute

_BY_SQLALCHEMY = {kind.sqlalchemy_name: kind for kind in KINDS.values() if kind.column}
# Models generated before moments were read back in UTC (UTCDateTime) declare them so.
_BY_SQLALCHEMY["DateTime"] = KINDS["datetime"]


@dataclass
class ModelSource:
    """What a model module declares, as far as a generator can read it."""

    path: Path
    class_name: str
    table: str | None
    bases: list[str]
    abstract: bool = False
    attributes: list[Attribute] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)

    @property
    def timestamps(self) -> bool:
        return "TimestampMixin" in self.bases


def read_model(path: Path, class_name: str) -> ModelSource | None:
    """The class `class_name` in the module at `path`; None if the file or class is not there."""
    try:
        tree = ast.parse(path.read_text())
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return None
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            return _read_class(path, node)
    return None


def _read_class(path: Path, node: ast.ClassDef) -> ModelSource:
    bases = [base.id for base in node.bases if isinstance(base, ast.Name)]
    source = ModelSource(path, node.name, None, bases)
    for statement in node.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = statement.targets[0]
            if isinstance(target, ast.Name) and isinstance(statement.value, ast.Constant):
                if target.id == "__tablename__":
                    source.table = str(statement.value.value)
                elif target.id == "__abstract__":
                    source.abstract = statement.value.value is True
        elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            name = statement.target.id
            value = statement.value
            if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Name)):
                continue
            if value.func.id == "relationship" or name in BASE_COLUMNS:
                continue
            attribute = _attribute(name, statement.annotation, value)
            if attribute is None:
                source.unread.append(name)
            else:
                source.attributes.append(attribute)
    return source


def _attribute(name: str, annotation: ast.expr, call: ast.Call) -> Attribute | None:
    if not (isinstance(call.func, ast.Name) and call.func.id == "mapped_column" and call.args):
        return None
    flags = {
        keyword.arg: keyword.value.value
        for keyword in call.keywords
        if keyword.arg and isinstance(keyword.value, ast.Constant)
    }
    unique = flags.get("unique") is True
    index = flags.get("index") is True and not unique
    nullable = _nullable(annotation)
    spec = call.args[0]
    type_name = (
        spec.func.id if isinstance(spec, ast.Call) and isinstance(spec.func, ast.Name) else None
    )
    type_name = spec.id if isinstance(spec, ast.Name) else type_name
    if type_name == "ForeignKey" and name.endswith("_id"):
        return Attribute(name[: -len("_id")], KINDS["references"], (), nullable, False, unique)
    kind = _BY_SQLALCHEMY.get(type_name or "")
    if kind is None:
        return None
    arguments: tuple[int, ...] = ()
    if kind.arguments and isinstance(spec, ast.Call):
        values = [
            arg.value
            for arg in spec.args
            if isinstance(arg, ast.Constant) and type(arg.value) is int
        ]
        if len(values) != len(spec.args):
            return None
        arguments = tuple(values)
    if kind.name == "string" and len(arguments) != 1:
        return None
    if kind.name == "decimal" and len(arguments) != 2:
        return None
    return Attribute(name, kind, arguments, nullable, index, unique)


def _nullable(annotation: ast.expr) -> bool:
    """`Mapped[X | None]` (or `Optional[X]`) is a nullable column."""
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        annotation = ast.parse(annotation.value, mode="eval").body
    if not isinstance(annotation, ast.Subscript):
        return False
    inner = annotation.slice
    if isinstance(inner, ast.BinOp) and isinstance(inner.op, ast.BitOr):
        return any(
            isinstance(side, ast.Constant) and side.value is None
            for side in (inner.left, inner.right)
        )
    return isinstance(inner, ast.Subscript) and getattr(inner.value, "id", None) == "Optional"
