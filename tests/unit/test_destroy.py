"""`fastapi-mvc destroy`: the listing, pruning emptied folders, quiet runs, and what is kept."""

from __future__ import annotations

from pathlib import Path

from support import (
    assert_no_file,
    run_destroy,
    run_generator,
    tree_checksum,
)


def test_without_a_generator_it_lists_them(project: Path) -> None:
    result = run_destroy(project)
    assert result.exit_code == 0
    assert result.output.startswith("Usage: fastapi-mvc destroy GENERATOR")
    assert "controller (ctl)" in result.output
    assert "Run `fastapi-mvc destroy GENERATOR --help`" in result.output


def test_its_help_speaks_of_removing(project: Path) -> None:
    result = run_destroy(project, "controller", "--help")
    assert "Usage: fastapi-mvc destroy controller" in result.output
    assert "Remove files even if they changed since they were generated." in result.output


def test_folders_left_with_only_caches_go_too(project: Path) -> None:
    run_generator(project, "generator", "policy")
    before = tree_checksum(project)
    run_generator(project, "policy", "billing")
    for folder in (project / "demo" / "app" / "policies", project / "tests/unit/app/policies"):
        (folder / "__pycache__").mkdir()
        (folder / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0")

    result = run_destroy(project, "policy", "billing", "-q")

    assert result.exit_code == 0 and result.output == ""
    assert_no_file(project / "demo" / "app" / "policies")
    assert_no_file(project / "tests" / "unit" / "app" / "policies")
    assert (project / "tests" / "unit" / "app").is_dir()
    assert tree_checksum(project) == before


def test_a_folder_holding_a_file_of_the_user_stays(project: Path) -> None:
    run_generator(project, "generator", "policy")
    run_generator(project, "policy", "billing")
    mine = project / "demo" / "app" / "policies" / "mine.py"
    mine.write_text("X = 1\n")

    result = run_destroy(project, "policy", "billing")

    assert "keep  demo/app/policies/__init__.py (other modules of its package remain)" in (
        result.output
    )
    assert mine.is_file() and (mine.parent / "__init__.py").is_file()
    assert_no_file(mine.parent / "billing.py")


def test_a_script_outside_any_project(tmp_path: Path) -> None:
    run_generator(tmp_path, "script", "deploy.sh")
    (tmp_path / "deploy.sh").write_text("#!/bin/sh\necho mine\n")
    result = run_destroy(tmp_path, "ss", "deploy.sh")
    assert "keep  deploy.sh (changed since it was generated, or made with other" in result.output
    assert run_destroy(tmp_path, "ss", "deploy.sh", "-f").exit_code == 0
    assert list(tmp_path.iterdir()) == []


# -- controllers: by name alone, a route only with its controller, customised includes ---------

NINE = (
    "index",
    "show",
    "create:post",
    "update:put",
    "patch_it:patch",
    "remove:delete",
    "check:head",
    "opts:options",
    "list",
)


def router(project: Path) -> Path:
    return project / "demo" / "app" / "router.py"


def one_error(output: str) -> str:
    errors = [line for line in output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "Traceback" not in output, output
    return errors[0]


def test_a_controller_is_destroyed_by_its_name_alone(project: Path) -> None:
    before = tree_checksum(project)
    run_generator(project, "controller", "articles", *NINE)

    result = run_destroy(project, "controller", "articles")

    assert result.exit_code == 0, result.output
    assert "remove  demo/app/controllers/articles.py" in result.output
    assert "remove  tests/unit/app/controllers/test_articles.py" in result.output
    assert "revoke  demo/app/router.py" in result.output
    assert tree_checksum(project) == before


def test_other_arguments_keep_the_files_and_so_the_route(project: Path) -> None:
    run_generator(project, "controller", "books", "index", "show", "create:post")
    before = tree_checksum(project)

    result = run_destroy(project, "controller", "books", "index")

    assert result.exit_code == 0, result.output
    assert "keep  demo/app/controllers/books.py (changed since it was generated" in result.output
    assert (
        "keep  demo/app/router.py (belongs with demo/app/controllers/books.py, which stays)"
        in result.output
    )
    assert tree_checksum(project) == before


def test_a_customised_include_goes_with_its_import(project: Path) -> None:
    before = router(project).read_text()
    run_generator(project, "controller", "books", "index")
    text = router(project).read_text()
    router(project).write_text(
        text.replace(
            "root_api_router.include_router(books.router)",
            'root_api_router.include_router(\n    books.router,\n    prefix="/v1",\n)',
        )
    )

    result = run_destroy(project, "controller", "books")

    assert result.exit_code == 0, result.output
    assert "revoke  demo/app/router.py" in result.output
    assert router(project).read_text() == before


def test_a_controller_used_otherwise_in_the_router_is_refused_and_nothing_changes(
    project: Path,
) -> None:
    run_generator(project, "controller", "books", "index")
    with router(project).open("a") as text:
        text.write("BOOKS_PREFIX = books.router.prefix\n")
    before = tree_checksum(project)

    result = run_destroy(project, "controller", "books")

    assert result.exit_code == 2
    line = one_error(result.output)
    assert "demo/app/router.py line" in line and "still uses it" in line
    assert "take 'books' out of router.py yourself" in line
    assert tree_checksum(project) == before


def test_an_import_fastapi_mvc_does_not_write_is_refused(project: Path) -> None:
    run_generator(project, "controller", "books", "index")
    with router(project).open("a") as text:
        text.write("from demo.app.controllers.books import router as books_router  # noqa\n")
    before = tree_checksum(project)

    result = run_destroy(project, "controller", "books")

    assert result.exit_code == 2
    assert "imports it in a way fastapi-mvc does not edit" in one_error(result.output)
    assert tree_checksum(project) == before


def test_skipping_routes_cannot_leave_a_route_to_a_removed_controller(project: Path) -> None:
    run_generator(project, "controller", "books", "index")
    before = tree_checksum(project)

    result = run_destroy(project, "controller", "books", "-R")

    assert result.exit_code == 2
    assert "run destroy without -R/--skip-routes" in one_error(result.output)
    assert tree_checksum(project) == before
    run_generator(project, "controller", "unrouted", "index", "-R")
    assert run_destroy(project, "controller", "unrouted", "-R").exit_code == 0
    assert_no_file(project / "demo" / "app" / "controllers" / "unrouted.py")
