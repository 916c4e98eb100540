"""`fastapi-mvc generate migration`: the body follows from the name, the Rails way."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from support import assert_file, run_destroy, run_generator, tree_checksum


def migration(project: Path, slug: str) -> Path:
    (path,) = (project / "migrations" / "versions").glob(f"*_{slug}.py")
    return path


def generate(project: Path, *args: str) -> str:
    result = run_generator(project, "migration", *args)
    assert result.exit_code == 0, result.output
    return result.output


def revision(path: Path) -> str:
    match = re.search(r'^revision: str = "(\d{14})"$', path.read_text(), re.MULTILINE)
    assert match
    return match.group(1)


def test_add_columns_to_a_table_and_take_them_out_on_downgrade(project: Path) -> None:
    output = generate(
        project, "AddSlugToArticles", "slug:string{80}:uniq", "rank:integer?", "tag:references"
    )

    assert re.search(r"create  migrations/versions/\d{14}_add_slug_to_articles\.py", output)
    assert_file(
        migration(project, "add_slug_to_articles"),
        r'^"""Add slug, rank, tag_id to articles\.$',
        r"^down_revision: str \| None = None$",
        r"^def upgrade\(\) -> None:\n"
        r'    """Add slug, rank, tag_id to articles\."""\n'
        r'    with op\.batch_alter_table\("articles"\) as batch:\n'
        r'        batch\.add_column\(sa\.Column\("slug", sa\.String\(length=80\), '
        r"nullable=True\)\)\n"
        r'        batch\.alter_column\("slug", existing_type=sa\.String\(length=80\), '
        r"nullable=False\)\n"
        r'        batch\.create_index\(op\.f\("ix_articles_slug"\), \["slug"\], unique=True\)\n'
        r'        batch\.add_column\(sa\.Column\("rank", sa\.Integer\(\), nullable=True\)\)\n'
        r'        batch\.add_column\(sa\.Column\("tag_id", sa\.Integer\(\), nullable=True\)\)\n',
        r'^        batch\.create_foreign_key\(op\.f\("fk_articles_tag_id_tags"\), "tags", '
        r'\["tag_id"\], \["id"\]\)$',
        r"^def downgrade\(\) -> None:\n"
        r'    """Undo: add slug, rank, tag_id to articles\."""\n'
        r'    with op\.batch_alter_table\("articles"\) as batch:\n'
        r'        batch\.drop_index\(op\.f\("ix_articles_tag_id"\)\)\n'
        r'        batch\.drop_constraint\(op\.f\("fk_articles_tag_id_tags"\), '
        r'type_="foreignkey"\)\n'
        r'        batch\.drop_column\("tag_id"\)\n'
        r'        batch\.drop_column\("rank"\)\n'
        r'        batch\.drop_index\(op\.f\("ix_articles_slug"\)\)\n'
        r'        batch\.drop_column\("slug"\)\n\Z',
    )


def test_remove_columns_and_add_them_back_typed_on_downgrade(project: Path) -> None:
    generate(project, "RemovePriceFromProducts", "price:decimal{10,2}")

    assert_file(
        migration(project, "remove_price_from_products"),
        r"^def upgrade\(\) -> None:\n.*\n"
        r'    with op\.batch_alter_table\("products"\) as batch:\n'
        r'        batch\.drop_column\("price"\)\n',
        r"^def downgrade\(\) -> None:\n.*\n"
        r'    with op\.batch_alter_table\("products"\) as batch:\n'
        r'        batch\.add_column\(sa\.Column\("price", sa\.Numeric\(precision=10, scale=2\), '
        r"nullable=True\)\)\n"
        r'        batch\.alter_column\("price", '
        r"existing_type=sa\.Numeric\(precision=10, scale=2\), "
        r"nullable=False\)\n\Z",
    )


def test_create_join_table(project: Path) -> None:
    generate(project, "CreateJoinTableArticlesTags", "tags", "articles")

    assert_file(
        migration(project, "create_join_table_articles_tags"),
        r'^    op\.create_table\(\n        "articles_tags",\n'
        r'        sa\.Column\("article_id", sa\.Integer\(\), nullable=False\),\n'
        r'        sa\.Column\("tag_id", sa\.Integer\(\), nullable=False\),\n',
        r'^        sa\.ForeignKeyConstraint\(\["tag_id"\], \["tags\.id"\], '
        r'name=op\.f\("fk_articles_tags_tag_id_tags"\)\),$',
        r'^        sa\.PrimaryKeyConstraint\("article_id", "tag_id", '
        r'name=op\.f\("pk_articles_tags"\)\),\n    \)$',
        r'^    op\.drop_table\("articles_tags"\)\n\Z',
    )
    # The models declare the table too, or `db status` would find it missing from them.
    assert_file(
        project / "demo" / "app" / "models" / "articles_tags.py",
        r"^articles_tags = Table\(\n    \"articles_tags\",\n    Base\.metadata,\n"
        r'    Column\("article_id", ForeignKey\("articles\.id"\), primary_key=True\),\n'
        r'    Column\("tag_id", ForeignKey\("tags\.id"\), primary_key=True\),\n\)\n\Z',
    )
    assert_file(
        project / "demo" / "app" / "models" / "__init__.py",
        r"^from demo\.app\.models\.articles_tags import articles_tags$",
        r'^__all__ = \[.*"articles_tags"',
    )


def test_any_other_name_is_an_empty_revision_chained_onto_the_head(project: Path) -> None:
    generate(project, "AddSlugToArticles", "slug")
    first = revision(migration(project, "add_slug_to_articles"))

    generate(project, "BackfillSlugs")

    text = assert_file(
        migration(project, "backfill_slugs"),
        r'^"""Backfill slugs\.$',
        rf'^down_revision: str \| None = "{first}"$',
        r'^def upgrade\(\) -> None:\n    """Backfill slugs\."""\n    pass$',
        r'^def downgrade\(\) -> None:\n    """Undo: backfill slugs\."""\n    pass\n\Z',
    )
    assert "import sqlalchemy" not in text and "from alembic" not in text
    assert revision(migration(project, "backfill_slugs")) > first


def test_generated_migrations_are_black_and_ruff_clean(project: Path) -> None:
    generate(project, "AddSlugToArticles", "slug:string{80}:uniq", "author:references?")
    generate(
        project,
        "RemoveLongNamesFromWarehouseInventories",
        "a_field_name_of_thirty_chars_x:datetime:index",
        "another_long_field_name_here_x:decimal{38,10}",
    )
    generate(
        project,
        "CreateJoinTableInventoriesCategories",
        "inventories",
        "categories",
    )
    generate(project, "Backfill")
    for tool in (["black", "--check", "--quiet"], ["ruff", "check", "--quiet"]):
        done = subprocess.run(
            [sys.executable, "-m", *tool, "migrations/versions"],
            cwd=project,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stdout + done.stderr


def test_destroy_with_the_same_arguments_removes_it(project: Path) -> None:
    before = tree_checksum(project)
    generate(project, "AddSlugToArticles", "slug:uniq")

    result = run_destroy(project, "migration", "AddSlugToArticles", "slug:uniq")

    assert result.exit_code == 0, result.output
    assert "remove  migrations/versions/" in result.output
    assert tree_checksum(project) == before


@pytest.mark.parametrize(
    "args",
    [
        ("AddSlugToArticles", "slug:string{80}:uniq", "price:decimal{10,2}?"),
        ("RemovePriceFromProducts", "price:decimal{10,2}"),
        ("CreateJoinTableArticlesTags", "articles", "tags"),
        ("Backfill",),
    ],
)
def test_destroy_by_its_name_alone_removes_it(project: Path, args: tuple[str, ...]) -> None:
    before = tree_checksum(project)
    generate(project, *args)
    if len(args) > 1:
        assert_file(
            next((project / "migrations" / "versions").glob("*.py")),
            r"^Generated with the fields:\n" + "".join(rf"    {re.escape(f)}\n" for f in args[1:]),
        )

    result = run_destroy(project, "migration", args[0])

    assert result.exit_code == 0, result.output
    assert "remove  migrations/versions/" in result.output
    assert tree_checksum(project) == before


def test_destroy_keeps_a_migration_edited_since(project: Path) -> None:
    generate(project, "AddSlugToArticles", "slug")
    path = migration(project, "add_slug_to_articles")
    path.write_text(path.read_text().replace('"""Add slug to articles."""', "# mine"))

    result = run_destroy(project, "migration", "AddSlugToArticles")

    assert result.exit_code == 0, result.output
    assert f"keep  {path.relative_to(project)} (changed since it was generated" in result.output
    assert path.is_file()


def test_destroy_refuses_a_migration_that_another_follows(project: Path) -> None:
    generate(project, "First")
    generate(project, "Second")
    before = tree_checksum(project)

    result = run_destroy(project, "migration", "First")

    assert result.exit_code == 2
    first, second = (revision(migration(project, slug)) for slug in ("first", "second"))
    assert f"the migration {first} first is followed by {second}" in result.output
    assert tree_checksum(project) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("AddSlugToArticles",), "names no columns to add; give them as fields"),
        (("RemovePriceFromProducts",), "names no columns to remove (with their types"),
        (("CreateJoinTableArticles", "articles"), "needs the two tables it joins"),
        (("CreateJoinTableTagsTags", "tags", "tags"), "not tags with itself"),
        (("AddSlugToArticles", "slug:strng"), "(did you mean 'string'?)"),
        (("AddSlugToArticles", "--autogenerate"), "is not installed yet; run `make install`"),
        (("AddSlug", "slug", "--autogenerate"), "--autogenerate takes no fields"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    project: Path, args: tuple[str, ...], message: str
) -> None:
    before = tree_checksum(project)

    result = run_generator(project, "migration", *args)

    assert result.exit_code == 2, result.output
    assert message in result.output
    assert tree_checksum(project) == before


def test_a_second_migration_of_the_same_name_is_refused(project: Path) -> None:
    generate(project, "Backfill")

    result = run_generator(project, "migration", "Backfill")

    assert result.exit_code == 2
    assert "a migration named backfill exists (migrations/versions/" in result.output


def test_two_heads_are_refused_with_the_way_out(project: Path) -> None:
    generate(project, "First")
    first = revision(migration(project, "first"))
    versions = project / "migrations" / "versions"
    for branch in ("a", "b"):
        (versions / f"9999000000000{branch}_branch_{branch}.py").write_text(
            f'revision = "branch_{branch}"\ndown_revision = "{first}"\n'
        )
    before = tree_checksum(project)

    result = run_generator(project, "migration", "Second")

    assert result.exit_code == 2
    assert "the migrations have 2 heads (branch_a, branch_b)" in result.output
    assert "merge them first" in result.output
    assert tree_checksum(project) == before
