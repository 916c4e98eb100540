"""The field parser: what a Rails user types becomes attributes, or one line saying why not."""

from __future__ import annotations

import pytest

from fastapi_mvc.errors import UsageError
from fastapi_mvc.fields import BASE_COLUMNS, parse_field, parse_fields

COLUMNS = [
    ("title", "str", "mapped_column(String(255))", "sa.String(length=255)"),
    ("title:string{80}", "str", "mapped_column(String(80))", "sa.String(length=80)"),
    ("title:str", "str", "mapped_column(String(255))", "sa.String(length=255)"),
    ("body:text", "str", "mapped_column(Text)", "sa.Text()"),
    ("count:integer", "int", "mapped_column(Integer)", "sa.Integer()"),
    ("count:int", "int", "mapped_column(Integer)", "sa.Integer()"),
    ("views:bigint", "int", "mapped_column(BigInteger)", "sa.BigInteger()"),
    ("ratio:float", "float", "mapped_column(Float)", "sa.Float()"),
    (
        "price:decimal{10,2}",
        "Decimal",
        "mapped_column(Numeric(10, 2))",
        "sa.Numeric(precision=10, scale=2)",
    ),
    (
        "price:decimal{8}",
        "Decimal",
        "mapped_column(Numeric(8, 0))",
        "sa.Numeric(precision=8, scale=0)",
    ),
    (
        "price:decimal",
        "Decimal",
        "mapped_column(Numeric(10, 2))",
        "sa.Numeric(precision=10, scale=2)",
    ),
    ("done:boolean", "bool", "mapped_column(Boolean)", "sa.Boolean()"),
    ("done:bool", "bool", "mapped_column(Boolean)", "sa.Boolean()"),
    ("born:date", "date", "mapped_column(Date)", "sa.Date()"),
    (
        "seen:datetime",
        "datetime",
        "mapped_column(UTCDateTime())",
        "sa.DateTime(timezone=True)",
    ),
    (
        "seen:timestamp",
        "datetime",
        "mapped_column(UTCDateTime())",
        "sa.DateTime(timezone=True)",
    ),
    ("opens:time", "time", "mapped_column(Time)", "sa.Time()"),
    ("token:uuid", "UUID", "mapped_column(Uuid)", "sa.Uuid()"),
    ("extra:json", "dict[str, Any]", "mapped_column(JSON(none_as_null=True))", "sa.JSON()"),
    ("blob:binary", "bytes", "mapped_column(LargeBinary)", "sa.LargeBinary()"),
    (
        "author:references",
        "int",
        'mapped_column(ForeignKey("authors.id"), index=True)',
        "sa.Integer()",
    ),
    (
        "author:belongs_to",
        "int",
        'mapped_column(ForeignKey("authors.id"), index=True)',
        "sa.Integer()",
    ),
    (
        "category:references",
        "int",
        'mapped_column(ForeignKey("categories.id"), index=True)',
        "sa.Integer()",
    ),
]


@pytest.mark.parametrize(("raw", "python", "mapped", "migration"), COLUMNS)
def test_every_type_knows_its_column_python_and_migration_spelling(
    raw: str, python: str, mapped: str, migration: str
) -> None:
    attribute = parse_field(raw)

    assert attribute.python_type == python
    assert attribute.mapped_column() == mapped
    assert attribute.migration_type == migration
    assert not attribute.nullable


def test_a_reference_is_a_foreign_key_column_named_after_the_model() -> None:
    author = parse_field("author:references")

    assert (author.name, author.column, author.referenced.camel) == (
        "author",
        "author_id",
        "Author",
    )
    assert author.indexed and not author.unique


def test_question_mark_makes_a_column_nullable_and_bang_required() -> None:
    assert parse_field("price:decimal{10,2}?").python_type == "Decimal | None"
    assert parse_field("subtitle:?").nullable
    assert not parse_field("subtitle:string!").nullable
    assert parse_field("author:references?").python_type == "int | None"


def test_modifiers_index_and_uniq() -> None:
    email = parse_field("email:string:uniq")
    slug = parse_field("slug:string{40}:index:uniq")
    rank = parse_field("rank:integer:index")

    assert (email.unique, email.index) == (True, False)
    assert email.mapped_column() == "mapped_column(String(255), unique=True, index=True)"
    assert slug.mapped_column() == "mapped_column(String(40), unique=True, index=True)"
    assert rank.mapped_column() == "mapped_column(Integer, index=True)"


def test_a_modifier_in_place_of_the_type_means_a_string_as_in_rails() -> None:
    email = parse_field("email:uniq")

    assert (email.type, email.unique) == ("string", True)


def test_view_fields_carry_the_column_format_and_limits() -> None:
    title = parse_field("title:string{80}")
    price = parse_field("price:decimal{10,2}?")

    assert title.pydantic_field(optional=False) == "Text = Field(max_length=80)"
    assert title.pydantic_field(optional=True) == "Text | None = Field(default=None, max_length=80)"
    assert price.pydantic_field(optional=False) == "Annotated[Decimal, Digits(10, 2)] | None = None"
    assert parse_field("done:boolean").pydantic_field(optional=True) == "bool | None = None"
    assert parse_field("done:boolean").pydantic_field(optional=False) == "bool"
    views = {
        raw: parse_field(f"value:{raw}").pydantic_field(optional=False)
        for raw in ("integer", "bigint", "date", "datetime", "time", "uuid", "binary")
    }
    assert views == {
        "integer": "Int32",
        "bigint": "Int64",
        "date": "Day",
        "datetime": "Moment",
        "time": "TimeOfDay",
        "uuid": "Uuid",
        "binary": "Binary",
    }
    assert parse_field("author:references").pydantic_field(optional=False) == "Reference"


@pytest.mark.parametrize(
    ("raw", "sample"),
    [
        ("title:string{80}", 'f"title-{n}"'),
        ("code:string{5}", "str(n)"),
        ("body:text", 'f"body {n}"'),
        ("price:decimal{10,2}", "Decimal(n)"),
        ("seen:datetime", "datetime.fromtimestamp(1_700_000_000 + n, tz=timezone.utc)"),
        ("extra:json", '{"n": n}'),
    ],
)
def test_each_type_has_a_sample_value_for_tests(raw: str, sample: str) -> None:
    assert parse_field(raw).sample() == sample


def test_parse_fields_keeps_the_order_given() -> None:
    fields = parse_fields(["title", "body:text", "author:references"])

    assert [field.column for field in fields] == ["title", "body", "author_id"]
    assert parse_fields([]) == []


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (
            ["title:strng"],
            "type 'strng' in field 'title:strng' (did you mean 'string'?); use one of: string",
        ),
        (["count:integr"], "(did you mean 'integer'?)"),
        (["at:datetme"], "(did you mean 'datetime'?)"),
        (["x1:blob"], "unknown type 'blob' in field 'x1:blob'; use one of:"),
        (
            ["title:string:indx"],
            "'indx' in field 'title:string:indx' (did you mean 'index'?); use index or uniq",
        ),
        (["title:string:unique"], "(did you mean 'uniq'?)"),
        (
            ["title", "title:text"],
            "field 'title' is given twice ('title' and 'title:text'); give each field once",
        ),
        (["author_id:integer", "author:references"], "field 'author_id' is given twice"),
        (
            ["class:string"],
            "invalid field name 'class': it is a Python keyword; choose another name",
        ),
        (["match"], "'match': it is a Python keyword"),
        (["type:string"], "invalid field name 'type': it shadows the Python builtin 'type'"),
        (["list"], "shadows the Python builtin 'list'"),
        (
            ["id:integer"],
            "invalid field name 'id': every model already has the column 'id'",
        ),
        (["created_at:datetime"], "already has the column 'created_at'"),
        (["updated_at"], "already has the column 'updated_at'"),
        (["metadata:json"], "SQLAlchemy models keep 'metadata' for themselves"),
        (
            ["Title:string"],
            "'Title' in 'Title:string': fields are lowercase snake_case names; use 'title'",
        ),
        (["publishedAt:datetime"], "use 'published_at'"),
        (["1st:string"], "start with a letter"),
        ([":string"], "invalid field name ''"),
        (
            ["title:string{x}"],
            "bad arguments {x} for 'string' in field 'title:string{x}'; give a length as whole "
            "numbers, e.g. string{80}",
        ),
        (["title:string{80,2}"], "bad arguments {80,2}"),
        (["title:string{0}"], "bad length 0"),
        (["price:decimal{a,b}"], "give precision and scale as whole numbers, e.g. decimal{10,2}"),
        (["price:decimal{2,4}"], "bad precision and scale {2,4}"),
        (
            ["count:integer{4}"],
            "'integer' takes no {...} arguments, in field 'count:integer{4}'; write count:integer",
        ),
        (["title:string{80"], "cannot read the type 'string{80' of field 'title:string{80'"),
        (["title:string?!"], "cannot read the type"),
    ],
)
def test_bad_fields_are_refused_with_one_line_naming_the_fix(
    given: list[str], message: str
) -> None:
    with pytest.raises(UsageError) as refused:
        parse_fields(given)

    assert message in str(refused.value)
    assert "\n" not in str(refused.value)
    assert refused.value.exit_code == 2


def test_base_columns_are_free_when_the_caller_says_so() -> None:
    (created,) = parse_fields(["created_at:datetime"], reserved=frozenset({"id"}))

    assert created.column == "created_at"
    assert {"id", "created_at", "updated_at"} == BASE_COLUMNS
