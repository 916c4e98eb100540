"""`fastapi-mvc generate scaffold` and `generate resource` on a rendered project, as a user runs
them. (The generated code's own tests run in tests/integration/test_scaffold.py.)"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from support import assert_file, assert_no_file, run_destroy, run_generator, tree_checksum

AUTHOR = ("Author", "name:string{80}:uniq", "bio:text?")
ARTICLE = ("Article", "title:string{120}:index", "price:decimal{10,2}", "author:references")
# What a scaffold writes besides the model generator's files.
OWN = (
    "demo/app/controllers/articles.py",
    "demo/app/services/article.py",
    "demo/app/views/article_page.py",
    "tests/unit/app/controllers/test_articles.py",
)


def app(project: Path, *parts: str) -> Path:
    return project.joinpath("demo", "app", *parts)


def generate(project: Path, generator: str, *args: str) -> str:
    result = run_generator(project, generator, *args)
    assert result.exit_code == 0, result.output
    return result.output


def test_scaffold_composes_the_model_and_adds_service_controller_tests_and_route(
    project: Path,
) -> None:
    generate(project, "scaffold", *AUTHOR)

    output = generate(project, "scaffold", *ARTICLE)

    lines = [line.split() for line in output.splitlines()]
    assert lines[0] == ["invoke", "model"]
    assert ["create", "demo/app/models/article.py"] in lines
    assert ["insert", "demo/app/models/author.py"] in lines
    assert [["create", path] for path in OWN] == lines[-5:-1]
    assert lines[-1] == ["insert", "demo/app/router.py"]
    assert_file(
        app(project, "controllers", "articles.py"),
        r'^class ArticlesController\(Controller, prefix="/articles", tags=\["articles"\]\):$',
        r"^    service: Annotated\[ArticleService, Depends\(get_service\)\]$",
        r'^        response.headers\["Location"\] = f"/api/articles/\{record.id\}"$',
        r"^router = ArticlesController.router$",
    )
    assert_file(
        app(project, "services", "article.py"),
        r'^    "title": Article.title,\n    "author_id": Article.author_id,\n}$',
        r"^from demo.app.services.errors import RecordNotFound, save_changes$",
    )
    assert_file(
        app(project, "views", "article_page.py"),
        r'^    "-price",$',
        # A query string has no null: the filters' schema gives the column's type alone.
        r"^    title: Annotated\[Text, Field\(max_length=120\)\] \| SkipJsonSchema\[None\] = None$",
        r"^    author_id: Annotated\[int, Field\(ge=1, le=2_147_483_647\)\] "
        r"\| SkipJsonSchema\[None\] = None$",
        r"^from pydantic\.json_schema import SkipJsonSchema$",
        r"^from demo\.app\.views\.columns import Text$",
    )
    assert_file(
        app(project, "router.py"),
        r"^from demo.app.controllers import articles, authors, primes, ready$",
        r"^root_api_router.include_router\(articles.router\)$",
    )
    assert_file(
        project / "tests" / "unit" / "app" / "controllers" / "test_articles.py",
        r"^    author = Author\(name=f\"name-\{n\}\"\)$",
        r'^FILTERED = \["title", "author_id"\]$',
    )


def test_generate_then_destroy_restores_the_project(project: Path) -> None:
    before = tree_checksum(project)
    generate(project, "scaffold", *AUTHOR)
    generate(project, "s", *ARTICLE)
    generate(project, "resource", "Comment", "body:text", "article:references")

    for generator, name in (("resource", "Comment"), ("scaffold", "Article"), ("s", "Author")):
        result = run_destroy(project, generator, name)
        assert result.exit_code == 0, result.output
        assert "keep" not in result.output

    assert tree_checksum(project) == before


def test_destroy_takes_the_scaffold_out_before_its_model(project: Path) -> None:
    generate(project, "scaffold", *AUTHOR)

    output = run_destroy(project, "scaffold", "Author").output

    assert output.index("revoke  demo/app/router.py") < output.index("invoke  model")
    assert output.index("invoke  model") < output.index("remove  demo/app/models/author.py")


def test_pretend_shows_everything_and_writes_nothing(project: Path) -> None:
    before = tree_checksum(project)

    output = generate(project, "scaffold", *AUTHOR, "--pretend")

    assert "invoke  model" in output
    assert "create  demo/app/models/author.py" in output
    assert "create  demo/app/controllers/authors.py" in output
    assert "insert  demo/app/router.py" in output
    assert tree_checksum(project) == before


def test_resource_declares_the_routes_as_501_stubs(project: Path) -> None:
    output = generate(project, "resource", "Tag", "label:uniq", "--no-timestamps")

    assert "create  demo/app/controllers/tags.py" in output
    assert_no_file(app(project, "services", "tag.py"))
    text = assert_file(
        app(project, "controllers", "tags.py"),
        r'^class TagsController\(Controller, prefix="/tags", tags=\["tags"\]\):$',
        r"^    async def index\(self\) -> list\[TagRead\]:$",
    )
    assert text.count("        raise not_implemented()\n") == 6
    assert_file(app(project, "models", "tag.py"), r"^class Tag\(Model\):$")


def test_generated_code_is_black_and_ruff_clean(project: Path) -> None:
    generate(project, "scaffold", *AUTHOR)
    generate(project, "scaffold", *ARTICLE)
    generate(
        project,
        "scaffold",
        "WarehouseInventorySnapshotX",
        "a_field_name_of_thirty_chars_x:datetime?",
        "moment:datetime?:index",
        "another_long_field_name_here_x:decimal{38,10}",
        "code:string{12}:uniq",
        "author:references?",
        "token:uuid:index",
        "blob:binary",
        "details:json",
        "views:bigint:index",
        "done:boolean:index",
    )
    generate(project, "scaffold", "Bare", "--no-timestamps")
    generate(project, "resource", "LongResourceNameOfThirtyX", "note:text")
    generate(project, "resource", "Plain")
    folders = ("demo/app", "tests/unit/app")
    for tool in (["black", "--check", "--quiet"], ["ruff", "check", "--quiet"]):
        done = subprocess.run(
            [sys.executable, "-m", *tool, *folders],
            cwd=project,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("Articles", "title"), "model names are singular; use Article"),
        (("Article", "title:strng"), "(did you mean 'string'?)"),
        (("Comment", "post:references"), "refers to the model Post, which does not exist"),
        (("Article", "id"), "every model already has the column 'id'"),
        (("Article", "--auth", "user"), "the project has no authentication"),
        (("Error",), "would collide with the existing module demo/app/views/error.py"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    project: Path, args: tuple[str, ...], message: str
) -> None:
    before = tree_checksum(project)

    result = run_generator(project, "scaffold", *args)

    assert result.exit_code == 2, result.output
    assert message in result.output
    assert result.output.count("\n") == 1, result.output
    assert tree_checksum(project) == before


def test_an_existing_model_is_refused(project: Path) -> None:
    generate(project, "model", *AUTHOR)
    before = tree_checksum(project)

    result = run_generator(project, "scaffold", *AUTHOR)

    assert result.exit_code == 2
    assert (
        "the model Author exists (demo/app/models/author.py); choose another name, or remove it "
        "first: fastapi-mvc destroy model Author" in result.output
    )
    assert tree_checksum(project) == before


def test_an_existing_controller_is_refused_unless_forced(project: Path) -> None:
    generate(project, "controller", "authors", "index")
    before = tree_checksum(project)

    refused = run_generator(project, "resource", *AUTHOR)
    assert refused.exit_code == 2
    assert (
        "resource Author would replace the controller demo/app/controllers/authors.py; pass "
        "--force to replace it, or choose another name" in refused.output
    )
    assert tree_checksum(project) == before

    forced = generate(project, "resource", *AUTHOR, "--force")
    assert "force  demo/app/controllers/authors.py" in forced
    assert "identical  demo/app/router.py" in forced
    assert_file(app(project, "controllers", "authors.py"), r"^class AuthorsController\(")


def test_destroy_refuses_while_the_migration_is_followed(project: Path) -> None:
    generate(project, "scaffold", *AUTHOR)
    generate(project, "scaffold", *ARTICLE)
    before = tree_checksum(project)

    result = run_destroy(project, "scaffold", "Author")

    assert result.exit_code == 2
    assert re.search(r"the migration \d{14} create_authors is followed by", result.output)
    assert tree_checksum(project) == before


def test_auth_gates_the_controller_with_the_authentication_dependency(project: Path) -> None:
    generate(project, "authentication")

    generate(project, "scaffold", "Note", "title:index", "--auth", "staff")
    generate(project, "resource", "Memo", "body:text", "--auth", "user")

    assert_file(
        app(project, "controllers", "notes.py"),
        r"^from demo.app.authentication.dependencies import StaffUser$",
        r"^    user: StaffUser$",
    )
    assert_file(app(project, "controllers", "memos.py"), r"^    user: CurrentUser$")
    assert_file(
        project / "tests" / "unit" / "app" / "controllers" / "test_notes.py",
        r"^    gate = get_args\(StaffUser\)\[1\].dependency$",
        r"^    assert response.status_code == 401$",
    )


@pytest.mark.parametrize(
    "field",
    [
        "slug:string{80}:uniq",  # one line
        "a_rather_long_name_for_a_column_of_text:string{120}:index",  # the union on a line
        "views:bigint:index",  # the union split at its `|`
        "a_long_name_of_a_column_that_is_a_uuid:uuid:index",  # no bounds: no Annotated
    ],
)
def test_an_index_filter_is_laid_out_as_black_lays_it_out(field: str) -> None:
    import black

    from fastapi_mvc.fields import parse_field
    from fastapi_mvc.scaffolding import _filter

    lines = _filter(parse_field(field))
    source = "class Query:\n" + "\n".join(lines) + "\n"
    assert black.format_str(source, mode=black.Mode(line_length=100)) == source
    assert lines[-1].endswith("= None") and "SkipJsonSchema[None]" in "".join(lines)
