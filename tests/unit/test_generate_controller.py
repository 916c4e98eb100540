"""`fastapi-mvc generate controller` on a project rendered into tmp_path, as a user runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from support import (
    assert_file,
    assert_no_file,
    run_cli,
    run_destroy,
    run_generator,
    tree_checksum,
)

from fastapi_mvc.generating.router_edit import MARKER

FIVE = ("index", "show", "create:post", "update:put", "remove:delete")


def controller(project: Path, name: str) -> Path:
    return project / "demo" / "app" / "controllers" / f"{name}.py"


def unit_test(project: Path, name: str) -> Path:
    return project / "tests" / "unit" / "app" / "controllers" / f"test_{name}.py"


def view(project: Path, name: str) -> Path:
    return project / "demo" / "app" / "views" / f"{name}.py"


def router(project: Path) -> Path:
    return project / "demo" / "app" / "router.py"


def shipped(project: Path, *added: str) -> list[str]:
    """The controllers the router imports, as a new project has them plus `added`, sorted."""
    modules = (project / "demo" / "app" / "controllers").glob("[!_]*.py")
    # base.py is the class-based controllers' base, not a controller.
    shipped = {path.stem for path in modules if path.stem != "base"}
    return sorted(shipped | set(added))


def test_creates_the_controller_its_views_its_tests_and_its_route(project: Path) -> None:
    result = run_generator(project, "controller", "BlogPosts", *FIVE, "ping:head", "opts:OPTIONS")

    assert result.exit_code == 0, result.output
    for line in (
        r"create  demo/app/controllers/blog_posts.py",
        r"create  demo/app/views/blog_posts.py",
        r"create  tests/unit/app/controllers/test_blog_posts.py",
        r"insert  demo/app/router.py",
    ):
        assert line in result.output
    assert_file(
        controller(project, "blog_posts"),
        r'^"""The blog posts controller: its endpoints answer under /api/blog-posts\."""$',
        r"^from fastapi import APIRouter, Response\n\nfrom demo\.app\.views\.blog_posts import \($",
        r"^    BlogPostsCreateResponse,\n    BlogPostsIndexResponse,\n",
        r'^router = APIRouter\(prefix="/blog-posts", tags=\["blog_posts"\]\)$',
        r'^@router\.get\("/index"\)\nasync def index\(\) -> BlogPostsIndexResponse:$',
        r'^@router\.get\("/show"\)\nasync def show\(\) -> BlogPostsShowResponse:$',
        r'^@router\.post\("/create", status_code=201\)\nasync def create\(\)',
        r'^@router\.put\("/update"\)\nasync def update\(\)',
        r'^@router\.delete\("/remove", status_code=204\)\nasync def remove\(\) -> None:',
        r'^@router\.head\("/ping"\)\nasync def ping\(\) -> Response:\n.*\n    return Response\(\)$',
        r'^@router\.options\("/opts"\)\nasync def opts\(\) -> BlogPostsOptsResponse:',
        r'^    return BlogPostsIndexResponse\(action="index"\)$',
    )
    views = assert_file(
        view(project, "blog_posts"),
        r'^"""Views of the blog posts controller: what its endpoints answer\."""$',
        r"^class BlogPostsIndexResponse\(BaseModel\):\n"
        r'    """What GET /api/blog-posts/index answers: replace it with your own\."""\n\n'
        r'    action: str = Field\(description="The endpoint that answered\.", '
        r'examples=\["index"\]\)$',
    )
    # A view for every endpoint that answers a body: not HEAD, not DELETE's 204.
    assert views.count("(BaseModel):") == 5
    text = assert_file(
        unit_test(project, "blog_posts"),
        r"^from demo\.app\.controllers\.blog_posts import router$",
        r'^    assert router\.prefix == "/blog-posts"$',
        r"^def test_create\(client: TestClient\) -> None:\n"
        r'    response = client\.post\("/blog-posts/create"\)\n'
        r"    assert response\.status_code == 201$",
        r'^    response = client\.delete\("/blog-posts/remove"\)\n'
        r"    assert response\.status_code == 204\n"
        r'    assert response\.content == b""$',
        r'^    response = client\.head\("/blog-posts/ping"\)\n'
        r"    assert response\.status_code == 200$",
        r'^    response = client\.options\("/blog-posts/opts"\)$',
    )
    assert text.count("\ndef test_") == 8  # one per endpoint, and the router's own
    assert_file(
        router(project),
        rf"^from demo\.app\.controllers import {', '.join(shipped(project, 'blog_posts'))}$",
        rf"^root_api_router\.include_router\(ready\.router\)\n(.*\n)*"
        rf"root_api_router\.include_router\(blog_posts\.router\)\n{MARKER}\n\Z",
    )


def test_generated_code_is_black_and_ruff_clean(project: Path) -> None:
    longest = ("a_controller_name_of_thirty_ch", "an_endpoint_name_of_thirty_chr:options", "x")
    run_generator(project, "controller", "stock_market", *FIVE, "ping:head")
    run_generator(project, "ctl", *longest)
    run_generator(project, "controller", "--class", "stock_exchange", *FIVE, "ping:head", "get")
    run_generator(project, "ctl", "-c", "b" + longest[0][1:], *longest[1:])
    names = ("stock_market", "a_controller_name_of_thirty_ch")
    names += ("stock_exchange", "b_controller_name_of_thirty_ch")
    files = [
        str(path)
        for name in names
        for path in (controller(project, name), view(project, name), unit_test(project, name))
    ] + [str(router(project))]
    for tool in (["black", "--check", "--quiet"], ["ruff", "check", "--quiet"]):
        done = subprocess.run(
            [sys.executable, "-m", *tool, *files], cwd=project, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stdout + done.stderr


def test_running_twice_changes_nothing(project: Path) -> None:
    run_generator(project, "controller", "articles", *FIVE)
    before = tree_checksum(project)

    result = run_generator(project, "controller", "articles", *FIVE)

    assert result.exit_code == 0, result.output
    assert tree_checksum(project) == before
    assert result.output.count("identical") == 4
    assert "create" not in result.output and "insert" not in result.output
    assert router(project).read_text().count("include_router(articles.router)") == 1


def test_routes_are_kept_in_generation_order_and_imports_sorted(project: Path) -> None:
    for name in ("zebras", "articles", "monkeys"):
        assert run_generator(project, "controller", name, "index").exit_code == 0
    text = assert_file(
        router(project),
        rf"^from demo\.app\.controllers import "
        rf"{', '.join(shipped(project, 'articles', 'monkeys', 'zebras'))}$",
        r"include_router\(zebras\.router\)\n.*articles.*\n.*monkeys.*\n" + MARKER,
    )
    assert text.index("include_router(ready.router)") < text.index("zebras.router")


def test_pretend_writes_nothing(project: Path) -> None:
    before = tree_checksum(project)

    result = run_generator(project, "controller", "articles", "-p", *FIVE)

    assert result.exit_code == 0, result.output
    assert "create  demo/app/controllers/articles.py" in result.output
    assert "insert  demo/app/router.py" in result.output
    assert tree_checksum(project) == before


def test_quiet_prints_nothing(project: Path) -> None:
    result = run_generator(project, "controller", "articles", "--quiet", "index")
    assert result.exit_code == 0
    assert result.output == ""
    assert controller(project, "articles").is_file()


def test_skip_routes_leaves_the_router_alone(project: Path) -> None:
    before = router(project).read_bytes()
    result = run_generator(project, "controller", "articles", "-R", "index")
    assert result.exit_code == 0, result.output
    assert router(project).read_bytes() == before
    assert "router.py" not in result.output


def test_a_changed_file_is_a_conflict_and_nothing_is_written(project: Path) -> None:
    run_generator(project, "controller", "articles", "index")
    controller(project, "articles").write_text("# mine\n")
    unit_test(project, "articles").unlink()
    before = tree_checksum(project)

    result = run_generator(project, "controller", "articles", "index")

    assert result.exit_code == 1
    assert "conflict  demo/app/controllers/articles.py" in result.output
    assert "--force" in result.output and "nothing was written" in result.output
    assert tree_checksum(project) == before


def test_skip_keeps_changed_files_and_writes_the_rest(project: Path) -> None:
    run_generator(project, "controller", "articles", "index")
    controller(project, "articles").write_text("# mine\n")
    unit_test(project, "articles").unlink()

    result = run_generator(project, "controller", "articles", "--skip", "index")

    assert result.exit_code == 0, result.output
    assert "skip  demo/app/controllers/articles.py" in result.output
    assert "create  tests/unit/app/controllers/test_articles.py" in result.output
    assert controller(project, "articles").read_text() == "# mine\n"
    assert unit_test(project, "articles").is_file()


def test_force_overwrites_changed_files(project: Path) -> None:
    run_generator(project, "controller", "articles", "index")
    controller(project, "articles").write_text("# mine\n")

    result = run_generator(project, "controller", "articles", "-f", "index", "show")

    assert result.exit_code == 0, result.output
    assert "force  demo/app/controllers/articles.py" in result.output
    assert_file(controller(project, "articles"), r"async def index", r"async def show")


def test_force_and_skip_together_are_refused(project: Path) -> None:
    before = tree_checksum(project)
    result = run_generator(project, "controller", "articles", "-f", "-s", "index")
    assert result.exit_code == 2
    assert tree_checksum(project) == before


def test_the_short_aliases(project: Path) -> None:
    result = run_cli("g", "ctl", "articles", "index", cwd=project)
    assert result.exit_code == 0, result.output
    assert controller(project, "articles").is_file()
    result = run_cli("d", "ctl", "articles", "index", cwd=project)
    assert result.exit_code == 0, result.output
    assert_no_file(controller(project, "articles"))


def test_destroy_restores_the_exact_tree(project: Path) -> None:
    before = tree_checksum(project)
    run_generator(project, "controller", "blog_posts", *FIVE, "ping:head")

    result = run_destroy(project, "controller", "blog_posts", *FIVE, "ping:head")

    assert result.exit_code == 0, result.output
    assert "revoke  demo/app/router.py" in result.output
    assert "remove  demo/app/controllers/blog_posts.py" in result.output
    assert "remove  tests/unit/app/controllers/test_blog_posts.py" in result.output
    assert tree_checksum(project) == before


def test_destroying_one_of_two_controllers_leaves_the_other(project: Path) -> None:
    run_generator(project, "controller", "monkeys", "index")
    only_monkeys = tree_checksum(project)
    run_generator(project, "controller", "articles", "index")
    run_generator(project, "controller", "zebras", "index")
    run_destroy(project, "controller", "zebras", "index")

    run_destroy(project, "controller", "articles", "index")

    assert tree_checksum(project) == only_monkeys


def test_destroy_keeps_a_changed_controller_and_its_route_unless_forced(project: Path) -> None:
    run_generator(project, "controller", "articles", "index")
    controller(project, "articles").write_text("# mine\n")
    routed = router(project).read_text()

    result = run_destroy(project, "controller", "articles", "index")

    assert result.exit_code == 0, result.output
    assert "keep  demo/app/controllers/articles.py (changed since it was generated" in result.output
    assert (
        "keep  demo/app/router.py (belongs with demo/app/controllers/articles.py, which stays)"
        in result.output
    )
    assert controller(project, "articles").read_text() == "# mine\n"
    assert_no_file(unit_test(project, "articles"))
    assert router(project).read_text() == routed

    result = run_destroy(project, "controller", "articles", "index", "--force")
    assert "remove  demo/app/controllers/articles.py" in result.output
    assert "revoke  demo/app/router.py" in result.output
    assert_no_file(controller(project, "articles"))
    assert "articles" not in router(project).read_text()


def test_destroy_pretend_changes_nothing(project: Path) -> None:
    run_generator(project, "controller", "articles", "index")
    before = tree_checksum(project)
    result = run_destroy(project, "controller", "articles", "index", "--pretend")
    assert result.exit_code == 0, result.output
    assert "remove  demo/app/controllers/articles.py" in result.output
    assert tree_checksum(project) == before


def test_destroy_of_what_is_not_there_reports_it(project: Path) -> None:
    before = tree_checksum(project)
    result = run_destroy(project, "controller", "articles", "index")
    assert result.exit_code == 0, result.output
    assert "missing  demo/app/controllers/articles.py" in result.output
    assert "unchanged  demo/app/router.py" in result.output
    assert tree_checksum(project) == before


# -- bad input: one clear line, a non-zero exit, nothing written --------------------------------


def refused(project: Path, *args: str, code: int = 2, destroy: bool = False) -> str:
    before = tree_checksum(project)
    result = (run_destroy if destroy else run_generator)(project, *args)
    assert result.exit_code == code, result.output
    assert tree_checksum(project) == before
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.output
    return errors[0]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("class", "is a Python keyword"),
        ("2fast", "starts with a digit"),
        ("blog/posts", "path separator"),
        ("..", "path separator"),
        ("ready", "would collide with an existing module"),
        ("router", "would collide with an existing module"),
        ("Controllers", "would collide with an existing module"),
        ("a" * 31, "longer than 30 characters"),
    ],
)
def test_invalid_controller_names_are_refused(project: Path, name: str, reason: str) -> None:
    assert reason in refused(project, "controller", name, "index")


def test_taken_names_cannot_be_destroyed_either(project: Path) -> None:
    assert "collide" in refused(project, "controller", "ready", destroy=True)


@pytest.mark.parametrize(
    ("endpoints", "reason"),
    [
        (("index:fetch",), "unknown HTTP method 'fetch' in 'index:fetch'"),
        (("index", "index:post"), "endpoint 'index' is given twice"),
        (("show", "Show"), "endpoint 'show' is given twice"),
        (("router",), "would collide with an existing module"),
        (("def",), "is a Python keyword"),
        (("9lives",), "starts with a digit"),
    ],
)
def test_invalid_endpoints_are_refused(
    project: Path, endpoints: tuple[str, ...], reason: str
) -> None:
    assert reason in refused(project, "controller", "articles", *endpoints)


def test_unknown_generator_suggests_the_closest(project: Path) -> None:
    line = refused(project, "controler", "articles")
    assert "unknown generator 'controler'" in line and "did you mean 'controller'?" in line


def test_outside_a_project(tmp_path: Path) -> None:
    line = refused(tmp_path, "controller", "articles", "index")
    assert "not a fastapi-mvc project" in line
    assert list(tmp_path.iterdir()) == []


def test_answers_file_missing_its_keys(project: Path) -> None:
    (project / ".fastapi-mvc.yml").write_text("_commit: abc\nproject_name: demo\n")
    line = refused(project, "controller", "articles", "index")
    assert "missing package_name, script_name" in line


def test_router_without_its_marker(project: Path) -> None:
    text = router(project).read_text()
    router(project).write_text(text.replace(MARKER + "\n", ""))
    before = tree_checksum(project)

    result = run_generator(project, "controller", "articles", "index")

    assert result.exit_code == 2
    assert "unchanged  demo/app/router.py" in result.output
    assert (
        MARKER in result.output
        and "root_api_router.include_router(articles.router)" in result.output
    )
    assert tree_checksum(project) == before
    assert_no_file(controller(project, "articles"))


def test_a_controller_already_registered_by_hand_needs_no_marker(project: Path) -> None:
    text = router(project).read_text()
    router(project).write_text(
        text.replace("controllers import ", "controllers import articles, ").replace(
            MARKER, "root_api_router.include_router(articles.router)"
        )
    )
    result = run_generator(project, "controller", "articles", "index")
    assert result.exit_code == 0, result.output
    assert "identical  demo/app/router.py" in result.output


def test_endpoints_named_like_builtins_keep_their_path_and_pass_the_project_lint(
    project: Path,
) -> None:
    builtins = ("list", "filter", "type", "id", "dict", "format")
    result = run_generator(project, "controller", "things", *builtins)

    assert result.exit_code == 0, result.output
    assert_file(
        controller(project, "things"),
        r'^@router\.get\("/list"\)\nasync def list_\(\) -> ThingsListResponse:$',
        r'^@router\.get\("/id"\)\nasync def id_\(\)',
        r'^    return ThingsListResponse\(action="list"\)$',
    )
    assert_file(unit_test(project, "things"), r'^    response = client\.get\("/things/list"\)$')
    files = [str(controller(project, "things")), str(unit_test(project, "things"))]
    lint = [sys.executable, "-m", "ruff", "check", "--quiet", "--no-cache"]
    done = subprocess.run([*lint, *files], cwd=project, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    # The project's own ruff settings do refuse a function named like a builtin.
    shadowing = project / "demo" / "app" / "shadowing.py"
    shadowing.write_text('"""Shadowing."""\n\n\nasync def list() -> None:\n    """List."""\n')
    done = subprocess.run([*lint, str(shadowing)], cwd=project, capture_output=True, text=True)
    assert "A001" in done.stdout, done.stdout + done.stderr
    shadowing.unlink()

    assert run_destroy(project, "controller", "things").exit_code == 0
    assert_no_file(controller(project, "things"))
