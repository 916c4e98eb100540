"""A new project tells its users what differs from a project of the original fastapi-mvc (the page
docs/coming-from-the-original.rst), with the project's own names, and lists the page in its
documentation. tests/integration/test_artifacts.py builds it with `sphinx-build -W`."""

from __future__ import annotations

from pathlib import Path

from support import assert_file


def test_the_page_names_each_difference_on_purpose_and_what_to_do(pristine: Path) -> None:
    assert_file(
        pristine / "docs" / "coming-from-the-original.rst",
        r"^Coming from the original fastapi-mvc\n====",
        r'\{"error": \{"code": 404, "status": "NOT_FOUND"',  # the envelope, not {"detail": ...}
        r"``FASTAPI_DOCS_URL=/`` serves it where the original did",
        r"^   generate the controller with ``--original-api``",
        r"^``FASTAPI_DEBUG``\n   Off by default",
        r"Usage errors exit with code 2",
        r"``demo serve``",
        r"``demo\.app\.asgi:get_application``",
        r"``fastapi-mvc update --from-original``",
    )


def test_the_index_lists_the_page(pristine: Path) -> None:
    assert_file(pristine / "docs" / "index.rst", r"^   coming-from-the-original$")
