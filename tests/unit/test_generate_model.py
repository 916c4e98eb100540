"""`fastapi-mvc generate model` on a project rendered into tmp_path, as a user runs it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from support import assert_file, assert_no_file, run_destroy, run_generator, tree_checksum

from fastapi_mvc.model_registration import MARKER, ModelRegistration
from fastapi_mvc.naming import Name

AUTHOR = ("Author", "name:string{80}:uniq", "bio:text?")
ARTICLE = (
    "Article",
    "title:string{120}:index",
    "price:decimal{10,2}",
    "meta:json",
    "published_at:datetime?",
    "author:references",
)


# Where the model generator writes or edits.
GENERATED = ("demo/app/models", "demo/app/views", "migrations/versions", "tests/unit/app/models")


def model(project: Path, name: str) -> Path:
    return project / "demo" / "app" / "models" / f"{name}.py"


def views(project: Path, name: str) -> Path:
    return project / "demo" / "app" / "views" / f"{name}.py"


def unit_test(project: Path, name: str) -> Path:
    return project / "tests" / "unit" / "app" / "models" / f"test_{name}.py"


def registry(project: Path) -> Path:
    return project / "demo" / "app" / "models" / "__init__.py"


def migrations(project: Path) -> list[Path]:
    return sorted((project / "migrations" / "versions").glob("*.py"))


def revision_of(path: Path) -> str:
    match = re.search(r'^revision: str = "(\d{14})"$', path.read_text(), re.MULTILINE)
    assert match, path.read_text()
    return match.group(1)


def generate(project: Path, *args: str) -> str:
    result = run_generator(project, "model", *args)
    assert result.exit_code == 0, result.output
    return result.output


def test_creates_the_model_views_migration_and_test_and_registers_it(project: Path) -> None:
    output = generate(project, *AUTHOR)

    for line in (
        "create  demo/app/models/author.py",
        "create  demo/app/views/author.py",
        "create  tests/unit/app/models/test_author.py",
        "insert  demo/app/models/__init__.py",
    ):
        assert line in output
    assert re.search(r"create  migrations/versions/\d{14}_create_authors\.py", output)
    assert_file(
        model(project, "author"),
        r"^class Author\(TimestampMixin, Model\):$",
        r'^    __tablename__ = "authors"$',
        r"^    name: Mapped\[str\] = mapped_column\(String\(80\), unique=True, index=True\)$",
        r"^    bio: Mapped\[str \| None\] = mapped_column\(Text\)$",
        r"^from demo\.app\.models\.base import Model, TimestampMixin$",
    )
    assert_file(
        views(project, "author"),
        r"^class AuthorCreate\(BaseModel\):\n.*\n\n    model_config = ConfigDict\(strict=True\)\n\n"
        r"    name: Text = Field\(max_length=80\)\n    bio: Text \| None = None$",
        r"^class AuthorUpdate\(BaseModel\):\n.*\n\n    model_config = ConfigDict\(strict=True\)\n\n"
        r"    name: Text \| None = Field\(default=None, max_length=80\)$",
        r"^from demo\.app\.views\.columns import Text$",
        r"^class AuthorRead\(BaseModel\):\n(.*\n)+?\n"
        r"    model_config = ConfigDict\(from_attributes=True\)\n\n"
        r"    id: int\n    name: str\n    bio: str \| None\n"
        r"    created_at: datetime\n    updated_at: datetime$",
    )
    (migration,) = migrations(project)
    assert_file(
        migration,
        r"^down_revision: str \| None = None$",
        r'^        sa\.Column\("name", sa\.String\(length=80\), nullable=False\),$',
        r'^        sa\.Column\("bio", sa\.Text\(\), nullable=True\),$',
        r'^        sa\.PrimaryKeyConstraint\("id", name=op\.f\("pk_authors"\)\),$',
        r'^    op\.create_index\(op\.f\("ix_authors_name"\), "authors", \["name"\], unique=True\)$',
        r'^    op\.drop_index\(op\.f\("ix_authors_name"\), table_name="authors"\)\n'
        r'    op\.drop_table\("authors"\)\n\Z',
    )
    assert_file(
        unit_test(project, "author"),
        r"^pytestmark = pytest\.mark\.anyio$",
        r"^async def create_author\(session: AsyncSession, \*\*values: Any\) -> Author:$",
        r'^        "name": f"name-\{n\}",$',
        r"^async def test_name_is_unique\(session: AsyncSession\) -> None:$",
        r"^        await create_author\(session, name=first\.name\)$",
    )
    assert_file(
        registry(project),
        rf"^from demo\.app\.models\.author import Author\n"
        rf"from demo\.app\.models\.base import Base, Model, TimestampMixin\n\n{MARKER}\n\n"
        rf'__all__ = \["Author", "Base", "Model", "TimestampMixin"\]\n\Z',
    )


def test_a_reference_is_a_foreign_key_with_a_relationship_on_both_sides(project: Path) -> None:
    generate(project, *AUTHOR)
    author_before = model(project, "author").read_bytes()
    first = revision_of(migrations(project)[0])

    output = generate(project, *ARTICLE)

    assert "insert  demo/app/models/author.py" in output
    assert_file(
        model(project, "article"),
        r"^    author_id: Mapped\[int\] = "
        r'mapped_column\(ForeignKey\("authors\.id"\), index=True\)$',
        r'^    author: Mapped\[Author\] = relationship\(back_populates="articles"\)$',
        r"^if TYPE_CHECKING:\n    from demo\.app\.models\.author import Author$",
        r"^from typing import TYPE_CHECKING, Any$",
        r"^    published_at: Mapped\[datetime \| None\] = mapped_column\(UTCDateTime\(\)\)$",
        r"^from demo\.app\.models\.base import Model, TimestampMixin, UTCDateTime$",
    )
    assert_file(
        model(project, "author"),
        r'^    articles: Mapped\[list\[Article\]\] = relationship\(back_populates="author"\)\n\Z',
        r"^from typing import TYPE_CHECKING\n\nfrom sqlalchemy import String, Text\n"
        r"from sqlalchemy\.orm import Mapped, mapped_column, relationship$",
        r"^if TYPE_CHECKING:\n    from demo\.app\.models\.article import Article$",
    )
    second = migrations(project)[1]
    assert_file(
        second,
        rf'^down_revision: str \| None = "{first}"$',
        r'^            \["author_id"\], \["authors\.id"\], '
        r'name=op\.f\("fk_articles_author_id_authors"\)$',
    )
    assert revision_of(second) > first
    assert_file(
        unit_test(project, "article"),
        r'^    author = Author\(name=f"name-\{n\}"\)$',
        r'^        "author": author,$',
        r"^async def test_it_belongs_to_its_author\(session: AsyncSession\) -> None:$",
        r"^    assert found\.published_at == row\.published_at$",
    )

    result = run_destroy(project, "model", "Article")

    assert result.exit_code == 0, result.output
    assert "revoke  demo/app/models/author.py" in result.output
    assert model(project, "author").read_bytes() == author_before


def test_generate_then_destroy_by_name_restores_the_project(project: Path) -> None:
    before = tree_checksum(project)
    generate(project, *AUTHOR)
    generate(project, *ARTICLE)
    generate(project, "Tag", "label:uniq", "--no-timestamps")
    generate(project, "Thing", "--skip-migration")

    for name in ("Thing", "Tag", "Article", "Author"):
        result = run_destroy(project, "model", name)
        assert result.exit_code == 0, result.output
        assert "keep" not in result.output

    assert tree_checksum(project) == before


def test_destroy_refuses_a_model_whose_migration_is_followed(project: Path) -> None:
    generate(project, *AUTHOR)
    generate(project, *ARTICLE)
    before = tree_checksum(project)

    result = run_destroy(project, "model", "Author")

    assert result.exit_code == 2
    assert "create_authors is followed by" in result.output
    assert tree_checksum(project) == before


def test_generated_code_is_black_and_ruff_clean(project: Path) -> None:
    generate(project, *AUTHOR)
    generate(project, *ARTICLE)
    generate(
        project,
        "WarehouseInventorySnapshotX",
        "a_field_name_of_thirty_chars_x:datetime?",
        "another_long_field_name_here_x:decimal{38,10}",
        "code:string{12}:uniq",
        "author:references?",
        "token:uuid",
        "blob:binary",
        "opens:time",
        "born:date",
        "ratio:float",
        "views:bigint",
        "done:boolean",
        "count:integer",
    )
    generate(project, "Bare")
    for tool in (["black", "--check", "--quiet"], ["ruff", "check", "--quiet"]):
        done = subprocess.run(
            [sys.executable, "-m", *tool, *GENERATED],
            cwd=project,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stdout + done.stderr


def test_options_skip_migration_no_timestamps_and_the_alias(project: Path) -> None:
    result = run_generator(project, "m", "Tag", "label:uniq", "--skip-migration", "--no-timestamps")

    assert result.exit_code == 0, result.output
    assert migrations(project) == []
    assert_file(model(project, "tag"), r"^class Tag\(Model\):$")
    text = assert_file(views(project, "tag"), r"^    id: int\n    label: str\n\Z")
    assert "datetime" not in text


def test_timestamps_is_a_flag_pair_whose_last_spelling_wins(project: Path) -> None:
    generate(project, "Tag", "label", "--no-timestamps", "--timestamps", "--skip-migration")
    assert_file(model(project, "tag"), r"^class Tag\(TimestampMixin, Model\):$")
    generate(project, "Label", "text", "--timestamps", "--no-timestamps", "--skip-migration")
    assert_file(model(project, "label"), r"^class Label\(Model\):$")
    help_text = run_generator(project, "model", "--help").output
    assert re.search(r"^  --timestamps / --no-timestamps +The created_at", help_text, re.M)
    assert "[default: --timestamps]" in help_text


def test_parent_is_an_abstract_model_whose_columns_the_migration_creates(project: Path) -> None:
    model(project, "named").write_text(
        '"""Models with a name."""\n\n'
        "from sqlalchemy import String\n"
        "from sqlalchemy.orm import Mapped, mapped_column\n\n"
        "from demo.app.models.base import Model\n\n\n"
        "class Named(Model):\n"
        '    """A model with a name."""\n\n'
        "    __abstract__ = True\n\n"
        "    name: Mapped[str] = mapped_column(String(40))\n"
    )

    generate(project, "Person", "age:integer", "--parent", "Named")

    assert_file(
        model(project, "person"),
        r"^class Person\(TimestampMixin, Named\):$",
        r'^    __tablename__ = "people"$',
        r"^from demo\.app\.models\.named import Named$",
    )
    (migration,) = migrations(project)
    assert_file(
        migration, r'^        sa\.Column\("name", sa\.String\(length=40\), nullable=False\),$'
    )
    assert_file(views(project, "person"), r"^    name: Text = Field\(max_length=40\)$")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("Articles", "title"), "model names are singular; use Article"),
        (("People",), "model names are singular; use Person"),
        (("Base",), "models/base.py is the models' own base"),
        (("Comment", "post:references"), "refers to the model Post, which does not exist"),
        (("Article", "title:strng"), "(did you mean 'string'?)"),
        (("Article", "id"), "every model already has the column 'id'"),
        (("Article", "title", "title:text"), "field 'title' is given twice"),
        (("Article", "class"), "'class': it is a Python keyword"),
        (("Article", "--parent", "Missing"), "--parent Missing: there is no model Missing"),
        (
            ("WarehouseInventorySnapshotX", "a_field_name_of_thirty_chars_x:index"),
            "is longer than 63 characters, PostgreSQL's limit",
        ),
        (("Error",), "would collide with the existing module demo/app/views/error.py"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    project: Path, args: tuple[str, ...], message: str
) -> None:
    before = tree_checksum(project)

    result = run_generator(project, "model", *args)

    assert result.exit_code == 2
    assert message in result.output
    assert tree_checksum(project) == before


def test_an_existing_model_is_refused(project: Path) -> None:
    generate(project, *AUTHOR)
    before = tree_checksum(project)

    result = run_generator(project, "model", "Author", "email")

    assert result.exit_code == 2
    assert "would collide with the existing module demo/app/models/author.py" in result.output
    assert tree_checksum(project) == before


def test_a_project_without_a_database_has_no_models(project: Path) -> None:
    answers = project / ".fastapi-mvc.yml"
    answers.write_text(re.sub(r"(?m)^database: .*$", "database: none", answers.read_text()))
    before = tree_checksum(project)

    result = run_generator(project, "model", "Article", "title")

    assert result.exit_code == 2
    assert "has no database (its answers say database: none)" in result.output
    assert tree_checksum(project) == before


def test_pretend_writes_nothing(project: Path) -> None:
    before = tree_checksum(project)

    output = generate(project, *AUTHOR, "--pretend")

    assert "create  demo/app/models/author.py" in output
    assert tree_checksum(project) == before
    assert_no_file(model(project, "author"))


def test_a_reference_to_a_model_without_columns_adds_its_imports_and_takes_them_out(
    project: Path,
) -> None:
    generate(project, "Shelf")
    shelf_before = model(project, "shelf").read_bytes()

    generate(project, "Book", "shelf:references")

    assert_file(
        model(project, "shelf"),
        r"^from __future__ import annotations\n\nfrom typing import TYPE_CHECKING\n\n"
        r"from sqlalchemy\.orm import Mapped, relationship\n\n"
        r"from demo\.app\.models\.base import Model, TimestampMixin\n\n"
        r"if TYPE_CHECKING:\n    from demo\.app\.models\.book import Book\n\n\n",
        r'^    books: Mapped\[list\[Book\]\] = relationship\(back_populates="shelf"\)\n\Z',
    )
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--quiet", *GENERATED],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr

    assert run_destroy(project, "model", "Book").exit_code == 0
    assert model(project, "shelf").read_bytes() == shelf_before


def test_without_the_marker_the_model_is_not_registered_and_nothing_is_written(
    project: Path,
) -> None:
    text = registry(project).read_text()
    registry(project).write_text(text.replace(MARKER + "\n", ""))
    before = tree_checksum(project)

    result = run_generator(project, "model", "Article", "title")

    assert result.exit_code == 2
    assert "the marker line is missing from" in result.output
    assert f"put the line {MARKER!r} back below the model imports" in result.output
    assert tree_checksum(project) == before


def test_registration_wraps_a_long_all_like_black_and_reverses_exactly(tmp_path: Path) -> None:
    init = tmp_path / "__init__.py"
    original = (
        '"""Models."""\n\n'
        "from demo.app.models.base import Base, Model, TimestampMixin\n\n"
        f"{MARKER}\n\n"
        '__all__ = ["Base", "Model", "TimestampMixin"]\n'
    )
    init.write_text(original)
    names = ["Warehouse", "InventorySnapshot", "Supplier", "PurchaseOrder", "Zebra", "Apple"]
    edits = [ModelRegistration(init, "demo", Name(name).snake, name) for name in names]

    assert [edit.apply(pretend=False) for edit in edits] == ["insert"] * len(names)
    assert edits[0].apply(pretend=False) == "identical"

    text = init.read_text()
    assert text.index("models.apple import") < text.index("models.base import")
    assert text.index("models.base import") < text.index("models.inventory_snapshot import")
    assert '__all__ = [\n    "Apple",\n    "Base",\n' in text
    done = subprocess.run(
        [sys.executable, "-m", "black", "--check", "--quiet", "-"],
        input=text,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert [edit.revoke(pretend=False) for edit in reversed(edits)] == ["revoke"] * len(names)
    assert init.read_text() == original
    assert edits[0].revoke(pretend=False) == "unchanged"
