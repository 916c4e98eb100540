"""The views `generate controller` writes (app/views/<name>.py), and destroy of controllers made
before views existed."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import assert_file, assert_no_file, run_destroy, run_generator, tree_checksum

# What fastapi-mvc wrote for `generate controller articles index list create:post
# remove:delete ping:head` before views existed (template 0.31.0): plain dicts, no views module.
# Its unit test and its route are what the generator writes today.
BEFORE_VIEWS = '''\
"""The articles controller: its endpoints answer under /api/articles."""

from fastapi import APIRouter, Response

router = APIRouter(prefix="/articles", tags=["articles"])


@router.get("/index")
async def index() -> dict[str, str]:
    """GET /api/articles/index: replace this answer with your own."""
    return {"action": "index"}


@router.get("/list")
async def list_() -> dict[str, str]:
    """GET /api/articles/list: replace this answer with your own."""
    return {"action": "list"}


@router.post("/create", status_code=201)
async def create() -> dict[str, str]:
    """POST /api/articles/create: replace this answer with your own."""
    return {"action": "create"}


@router.delete("/remove", status_code=204)
async def remove() -> None:
    """DELETE /api/articles/remove: done, nothing to answer."""


@router.head("/ping")
async def ping() -> Response:
    """HEAD /api/articles/ping: the headers of an answer, without a body."""
    return Response()
'''
ENDPOINTS = ("index", "list", "create:post", "remove:delete", "ping:head")


def app_file(project: Path, folder: str, name: str) -> Path:
    return project / "demo" / "app" / folder / f"{name}.py"


def test_every_endpoint_with_a_body_answers_its_own_view(project: Path) -> None:
    run_generator(project, "controller", "articles", "index", "create:post")
    run_generator(project, "controller", "comments", "index")

    assert_file(
        app_file(project, "views", "articles"),
        r'^"""Views of the articles controller: what its endpoints answer\."""\n\n'
        r"from pydantic import BaseModel, Field\n\n\n"
        r"class ArticlesIndexResponse\(BaseModel\):$",
        r'^    """What POST /api/articles/create answers: replace it with your own\."""$',
    )
    # Named after controller and endpoint: unique schema names in the application's OpenAPI.
    assert_file(app_file(project, "views", "comments"), r"^class CommentsIndexResponse\(")


def test_endpoints_without_a_body_have_no_views_module(project: Path) -> None:
    before = tree_checksum(project)

    result = run_generator(project, "controller", "probes", "check:head", "gone:delete")

    assert result.exit_code == 0, result.output
    assert "views" not in result.output
    assert_no_file(app_file(project, "views", "probes"))
    text = assert_file(app_file(project, "controllers", "probes"), r"^from fastapi import ")
    assert "views" not in text
    assert run_destroy(project, "controller", "probes").exit_code == 0
    assert tree_checksum(project) == before


def test_destroy_of_a_controller_generated_before_views(project: Path) -> None:
    before = tree_checksum(project)
    assert run_generator(project, "controller", "articles", *ENDPOINTS).exit_code == 0
    # Now the project is as the previous version left it.
    app_file(project, "controllers", "articles").write_text(BEFORE_VIEWS)
    app_file(project, "views", "articles").unlink()

    result = run_destroy(project, "controller", "articles")

    assert result.exit_code == 0, result.output
    assert "remove  demo/app/controllers/articles.py" in result.output
    assert "revoke  demo/app/router.py" in result.output
    assert "keep" not in result.output
    assert tree_checksum(project) == before


def test_a_controller_generated_before_views_is_one_generate_force_away(project: Path) -> None:
    run_generator(project, "controller", "articles", *ENDPOINTS)
    app_file(project, "controllers", "articles").write_text(BEFORE_VIEWS)
    app_file(project, "views", "articles").unlink()

    result = run_generator(project, "controller", "--force", "articles", *ENDPOINTS)

    assert result.exit_code == 0, result.output
    assert "create  demo/app/views/articles.py" in result.output
    assert_file(app_file(project, "controllers", "articles"), r"-> ArticlesIndexResponse:$")


@pytest.mark.parametrize("name", ["error", "Error"])
def test_a_name_of_the_applications_own_views_is_refused(project: Path, name: str) -> None:
    before = tree_checksum(project)
    result = run_generator(project, "controller", name, "index")
    assert result.exit_code == 2
    assert "'error' would collide with an existing module" in result.output
    assert tree_checksum(project) == before


def test_a_name_whose_views_module_belongs_to_something_else_is_refused(project: Path) -> None:
    # As `generate model article` leaves it: views/article.py, no controller of that name.
    app_file(project, "views", "article").write_text('"""Views of the article model."""\n')
    before = tree_checksum(project)

    result = run_generator(project, "controller", "article", "index")

    assert result.exit_code == 2
    assert "'article' would collide with an existing module" in result.output
    assert tree_checksum(project) == before
