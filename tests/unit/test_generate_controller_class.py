"""`fastapi-mvc generate controller --class`: the class form, as a user runs it, and its destroy."""

from __future__ import annotations

from pathlib import Path

from support import assert_file, run_destroy, run_generator, tree_checksum

FIVE = ("index", "show", "create:post", "update:put", "remove:delete")


def app_file(project: Path, folder: str, name: str) -> Path:
    return project / "demo" / "app" / folder / f"{name}.py"


def unit_test(project: Path, name: str) -> Path:
    return project / "tests" / "unit" / "app" / "controllers" / f"test_{name}.py"


def test_class_creates_a_controller_class_its_views_its_tests_and_its_route(
    project: Path,
) -> None:
    result = run_generator(project, "controller", "--class", "BlogPosts", *FIVE, "ping:head")

    assert result.exit_code == 0, result.output
    for line in (
        "create  demo/app/controllers/blog_posts.py",
        "create  demo/app/views/blog_posts.py",
        "create  tests/unit/app/controllers/test_blog_posts.py",
        "insert  demo/app/router.py",
    ):
        assert line in result.output
    assert_file(
        app_file(project, "controllers", "blog_posts"),
        r"^from fastapi import Response\n\n"
        r"from demo\.app\.controllers\.base import Controller, delete, get, head, post, put\n"
        r"from demo\.app\.views\.blog_posts import \($",
        r'^class BlogPostsController\(Controller, prefix="/blog-posts", tags=\["blog_posts"\]\):\n'
        r'    """The actions of /api/blog-posts, a fresh instance for each request\."""\n\n'
        r'    @get\("/index"\)\n'
        r"    async def index\(self\) -> BlogPostsIndexResponse:\n"
        r'        """GET /api/blog-posts/index: replace this answer with your own\."""\n'
        r'        return BlogPostsIndexResponse\(action="index"\)$',
        r'^    @post\("/create", status_code=201\)\n    async def create\(self\) ->',
        r'^    @delete\("/remove", status_code=204\)\n    async def remove\(self\) -> None:\n'
        r'        """DELETE /api/blog-posts/remove: done, nothing to answer\."""\n\n'
        r'    @head\("/ping"\)\n    async def ping\(self\) -> Response:\n.*\n'
        r"        return Response\(\)\n\n\n"
        r"router = BlogPostsController\.router\n\Z",
    )
    views = assert_file(
        app_file(project, "views", "blog_posts"), r"^class BlogPostsShowResponse\(BaseModel\):$"
    )
    assert views.count("(BaseModel):") == 4
    # The module's `router` is the class's: the same tests and route as the function form.
    assert_file(
        unit_test(project, "blog_posts"),
        r"^from demo\.app\.controllers\.blog_posts import router$",
        r'^    response = client\.post\("/blog-posts/create"\)$',
    )
    assert_file(
        project / "demo" / "app" / "router.py",
        r"^root_api_router\.include_router\(blog_posts\.router\)$",
    )


def test_methods_named_like_decorators_or_builtins_keep_their_paths(project: Path) -> None:
    result = run_generator(project, "ctl", "-c", "things", "get", "list", "delete:delete", "put")

    assert result.exit_code == 0, result.output
    assert_file(
        app_file(project, "controllers", "things"),
        r'^    @get\("/get"\)\n    async def get_\(self\) -> ThingsGetResponse:$',
        r'^    @get\("/list"\)\n    async def list_\(self\) -> ThingsListResponse:$',
        r'^    @delete\("/delete", status_code=204\)\n    async def delete_\(self\) -> None:$',
        r'^    @get\("/put"\)\n    async def put_\(self\) ->',
        r'^        return ThingsGetResponse\(action="get"\)$',
    )
    assert_file(unit_test(project, "things"), r'^    response = client\.get\("/things/get"\)$')


def test_running_twice_changes_nothing(project: Path) -> None:
    run_generator(project, "controller", "--class", "articles", *FIVE)
    before = tree_checksum(project)

    result = run_generator(project, "controller", "--class", "articles", *FIVE)

    assert result.exit_code == 0, result.output
    assert result.output.count("identical") == 4
    assert tree_checksum(project) == before


def test_destroy_by_name_reads_the_class_back_and_restores_the_tree(project: Path) -> None:
    before = tree_checksum(project)
    endpoints = (*FIVE, "ping:head", "opts:options", "get", "list")
    assert run_generator(project, "controller", "--class", "articles", *endpoints).exit_code == 0

    result = run_destroy(project, "controller", "articles")

    assert result.exit_code == 0, result.output
    for line in (
        "remove  demo/app/controllers/articles.py",
        "remove  demo/app/views/articles.py",
        "remove  tests/unit/app/controllers/test_articles.py",
        "revoke  demo/app/router.py",
    ):
        assert line in result.output
    assert tree_checksum(project) == before


def test_destroy_follows_the_module_whatever_form_it_is_told(project: Path) -> None:
    before = tree_checksum(project)
    run_generator(project, "controller", "articles", *FIVE)
    run_generator(project, "controller", "--class", "comments", *FIVE)

    # A function controller destroyed with --class, a class one without: both go.
    assert run_destroy(project, "controller", "--class", "articles").exit_code == 0
    assert run_destroy(project, "controller", "comments", *FIVE).exit_code == 0

    assert tree_checksum(project) == before


def test_a_class_changed_since_it_was_generated_is_kept(project: Path) -> None:
    run_generator(project, "controller", "--class", "articles", "index")
    module = app_file(project, "controllers", "articles")
    module.write_text(module.read_text().replace("replace this answer", "my answer"))

    result = run_destroy(project, "controller", "articles")

    assert result.exit_code == 0, result.output
    assert "keep  demo/app/controllers/articles.py (changed since it was generated" in result.output
    assert "my answer" in module.read_text()


def test_a_project_without_the_base_is_told_to_update(project: Path) -> None:
    # As projects made before template 0.32.0 are.
    app_file(project, "controllers", "base").unlink()
    before = tree_checksum(project)

    result = run_generator(project, "controller", "--class", "articles", "index")

    assert result.exit_code == 2
    assert result.output.splitlines()[-1].startswith(
        "Error: --class needs demo/app/controllers/base.py, which this project does not have yet"
    )
    assert "fastapi-mvc update" in result.output
    assert tree_checksum(project) == before
