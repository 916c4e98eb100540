"""The body of a migration named the Rails way, from its name and fields.

    AddSlugToArticles slug:string:uniq       add the columns (and their indexes, foreign keys)
    RemovePriceFromProducts price:decimal    drop them; the downgrade adds them back, typed
    CreateJoinTableArticlesTags articles tags   a table of (article_id, tag_id) pairs
    anything else                            an empty revision to fill in

Columns are changed in `op.batch_alter_table` so that SQLite, which cannot alter a column in
place, gets its table copied; a required column is added nullable, then made NOT NULL, which
works on an empty table and says what is wrong on a table with rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fastapi_mvc.errors import UsageError
from fastapi_mvc.fields import Attribute
from fastapi_mvc.inflection import singularize, table_name
from fastapi_mvc.model_code import MAX_IDENTIFIER
from fastapi_mvc.pysource import call

_ADD = re.compile(r"^add_(?P<what>.+)_to_(?P<table>[a-z0-9_]+)$")
_REMOVE = re.compile(r"^remove_(?P<what>.+)_from_(?P<table>[a-z0-9_]+)$")
_JOIN = re.compile(r"^create_join_table_(?P<tables>[a-z0-9_]+)$")
_BATCH = "        batch."
_INDENT = "    "


@dataclass
class MigrationBody:
    """What the migration's upgrade() and downgrade() say, as lines (without their indent)."""

    description: str
    upgrade: list[str]
    downgrade: list[str]


def body(snake: str, given: list[str], attributes: list[Attribute]) -> MigrationBody:
    """The migration for the name `snake` (`add_slug_to_articles`)."""
    if match := _ADD.match(snake):
        table = match["table"]
        _need_fields(snake, attributes, "to add")
        return MigrationBody(
            f"Add {_names(attributes)} to {table}.",
            _batch(table, _add(table, attributes)),
            _batch(table, _remove(table, attributes)),
        )
    if match := _REMOVE.match(snake):
        table = match["table"]
        _need_fields(snake, attributes, "to remove (with their types, so downgrade adds them back)")
        return MigrationBody(
            f"Remove {_names(attributes)} from {table}.",
            _batch(table, _remove(table, attributes)),
            _batch(table, _add(table, attributes)),
        )
    if _JOIN.match(snake):
        return _join_table(snake, given)
    return MigrationBody(f"{snake.replace('_', ' ').capitalize()}.", ["pass"], ["pass"])


def _need_fields(snake: str, attributes: list[Attribute], what: str) -> None:
    if not attributes:
        raise UsageError(
            f"the migration {snake} names no columns {what}",
            "give them as fields, e.g. slug:string:uniq",
        )


def _names(attributes: list[Attribute]) -> str:
    """`slug, title`; many columns are counted, to keep the docstrings within the line length."""
    names = ", ".join(attribute.column for attribute in attributes)
    return names if len(names) <= 40 else f"{len(attributes)} columns"


def _batch(table: str, lines: list[str]) -> list[str]:
    return [f'with op.batch_alter_table("{table}") as batch:', *lines]


def _index_name(table: str, attribute: Attribute) -> str:
    return _checked(f"ix_{table}_{attribute.column}")


def _foreign_key_name(table: str, attribute: Attribute) -> str:
    return _checked(f"fk_{table}_{attribute.column}_{table_name(attribute.referenced)}")


def _checked(identifier: str) -> str:
    if len(identifier) > MAX_IDENTIFIER:
        raise UsageError(
            f"the constraint or index name {identifier!r} is longer than {MAX_IDENTIFIER} "
            "characters, PostgreSQL's limit",
            "choose a shorter table or field name",
        )
    return identifier


def _strip(lines: list[str]) -> list[str]:
    """Lines laid out at the batch's indent, returned without the function's own indent."""
    return [line[len(_INDENT) :] for line in lines]


def _add(table: str, attributes: list[Attribute]) -> list[str]:
    lines: list[str] = []
    for attribute in attributes:
        column = [f'"{attribute.column}"', attribute.migration_type, "nullable=True"]
        lines += _strip(_add_column(column))
        if not attribute.nullable:
            arguments = [
                f'"{attribute.column}"',
                f"existing_type={attribute.migration_type}",
                "nullable=False",
            ]
            lines += _strip(call(_BATCH[: -len("batch.")], "batch.alter_column(", arguments))
        if attribute.is_reference:
            arguments = [
                f'op.f("{_foreign_key_name(table, attribute)}")',
                f'"{table_name(attribute.referenced)}"',
                f'["{attribute.column}"]',
                '["id"]',
            ]
            lines += _strip(call(_BATCH[: -len("batch.")], "batch.create_foreign_key(", arguments))
        if attribute.indexed:
            arguments = [
                f'op.f("{_index_name(table, attribute)}")',
                f'["{attribute.column}"]',
                f"unique={attribute.unique}",
            ]
            lines += _strip(call(_BATCH[: -len("batch.")], "batch.create_index(", arguments))
    return lines


def _add_column(column: list[str]) -> list[str]:
    """`batch.add_column(sa.Column(...))`, split the way black splits a call in a call."""
    indent = _BATCH[: -len("batch.")]
    line, *rest = call(indent, "batch.add_column(sa.Column(", column, "))")
    if not rest:
        return [line]
    inner = call(indent + _INDENT, "sa.Column(", column)
    return [f"{indent}batch.add_column(", *inner, f"{indent})"]


def _remove(table: str, attributes: list[Attribute]) -> list[str]:
    lines: list[str] = []
    for attribute in reversed(attributes):
        if attribute.indexed:
            name = f'op.f("{_index_name(table, attribute)}")'
            lines += _strip(call(_BATCH[: -len("batch.")], "batch.drop_index(", [name]))
        if attribute.is_reference:
            arguments = [f'op.f("{_foreign_key_name(table, attribute)}")', 'type_="foreignkey"']
            lines += _strip(call(_BATCH[: -len("batch.")], "batch.drop_constraint(", arguments))
        lines += _strip(
            call(_BATCH[: -len("batch.")], "batch.drop_column(", [f'"{attribute.column}"'])
        )
    return lines


def _join_table(snake: str, given: list[str]) -> MigrationBody:
    tables = sorted(given)
    if len(tables) != 2 or not all(re.match(r"^[a-z][a-z0-9_]*$", t) for t in tables):
        raise UsageError(
            f"the migration {snake} needs the two tables it joins",
            "give their names, e.g. CreateJoinTableArticlesTags articles tags",
        )
    if tables[0] == tables[1]:
        raise UsageError(
            f"a join table joins two tables, not {tables[0]} with itself",
            "give two different tables",
        )
    joined = "_".join(tables)
    columns = [f"{singularize_table(t)}_id" for t in tables]
    lines = ["op.create_table(", f'    "{joined}",']
    for column in columns:
        lines.append(f'    sa.Column("{column}", sa.Integer(), nullable=False),')
    for column, table in zip(columns, tables, strict=True):
        name = _checked(f"fk_{joined}_{column}_{table}")
        arguments = [f'["{column}"]', f'["{table}.id"]', f'name=op.f("{name}")']
        constraint = call(_INDENT * 2, "sa.ForeignKeyConstraint(", arguments, "),")
        lines += _strip(constraint)
    key = call(
        _INDENT * 2,
        "sa.PrimaryKeyConstraint(",
        [*(f'"{column}"' for column in columns), f'name=op.f("{_checked(f"pk_{joined}")}")'],
        "),",
    )
    lines += [*_strip(key), ")"]
    return MigrationBody(
        f"Create the join table {joined} of {tables[0]} and {tables[1]}.",
        lines,
        [f'op.drop_table("{joined}")'],
    )


def singularize_table(table: str) -> str:
    """`blog_posts` -> `blog_post`: the last word made singular."""
    *first, last = table.split("_")
    return "_".join([*first, singularize(last)])
