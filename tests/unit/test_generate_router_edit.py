"""The router edit alone: sorted imports as ruff writes them, reversible byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from fastapi_mvc.generating.invocation import EditRefused
from fastapi_mvc.generating.router_edit import MARKER, RouterRegistration

TEMPLATE = f'''"""The root router."""

from fastapi import APIRouter

from demo.app.controllers import ready

root_api_router = APIRouter(prefix="/api")

root_api_router.include_router(ready.router)
{MARKER}
'''


def register(path: Path, *modules: str) -> list[str]:
    return [RouterRegistration(path, "demo", module).apply(pretend=False) for module in modules]


def revoke(path: Path, *modules: str) -> list[str]:
    return [RouterRegistration(path, "demo", module).revoke(pretend=False) for module in modules]


@pytest.fixture
def router(tmp_path: Path) -> Path:
    path = tmp_path / "router.py"
    path.write_text(TEMPLATE)
    return path


def test_insert_then_identical_then_revoke(router: Path) -> None:
    assert register(router, "articles") == ["insert"]
    assert "from demo.app.controllers import articles, ready\n" in router.read_text()
    assert register(router, "articles") == ["identical"]
    assert revoke(router, "articles") == ["revoke"]
    assert router.read_text() == TEMPLATE
    assert revoke(router, "articles") == ["unchanged"]


def test_pretend_reports_without_writing(router: Path) -> None:
    assert RouterRegistration(router, "demo", "articles").apply(pretend=True) == "insert"
    assert router.read_text() == TEMPLATE


def test_a_long_import_wraps_like_ruff_and_unwraps_on_the_way_back(router: Path) -> None:
    names = [f"controller_number_{n:02}" for n in range(6)]
    register(router, *names)
    text = router.read_text()
    assert "from demo.app.controllers import (\n    controller_number_00,\n" in text
    assert "    controller_number_05,\n    ready,\n)\n" in text
    assert all(len(line) <= 100 for line in text.splitlines())
    revoke(router, *reversed(names))
    assert router.read_text() == TEMPLATE


def test_without_any_controller_import_a_new_section_is_added_and_removed(router: Path) -> None:
    original = TEMPLATE.replace("from demo.app.controllers import ready\n\n", "").replace(
        "root_api_router.include_router(ready.router)\n", ""
    )
    router.write_text(original)
    register(router, "articles")
    assert "from fastapi import APIRouter\n\nfrom demo.app.controllers import articles\n\n" in (
        router.read_text()
    )
    revoke(router, "articles")
    assert router.read_text() == original


def test_sorted_among_other_first_party_imports(router: Path) -> None:
    original = TEMPLATE.replace(
        "from demo.app.controllers import ready\n",
        "from demo.app import tools\nfrom demo.config import settings\n",
    ).replace("root_api_router.include_router(ready.router)\n", "")
    router.write_text(original)
    register(router, "articles")
    assert (
        "from demo.app import tools\nfrom demo.app.controllers import articles\nfrom demo.config"
        in (router.read_text())
    )
    revoke(router, "articles")
    assert router.read_text() == original


def test_the_router_variable_is_read_from_the_file(router: Path) -> None:
    router.write_text(TEMPLATE.replace("root_api_router", "api"))
    register(router, "articles")
    assert f"api.include_router(articles.router)\n{MARKER}" in router.read_text()


def test_an_aliased_import_is_left_to_its_owner(router: Path) -> None:
    original = TEMPLATE.replace("import ready", "import ready as probe")
    router.write_text(original)
    register(router, "articles")
    text = router.read_text()
    assert "import ready as probe\nfrom demo.app.controllers import articles\n" in text
    revoke(router, "articles")
    assert router.read_text() == original


def test_no_marker_is_refused_with_the_line_to_add(router: Path) -> None:
    router.write_text(TEMPLATE.replace(MARKER + "\n", ""))
    with pytest.raises(EditRefused) as refused:
        RouterRegistration(router, "demo", "articles").check()
    assert refused.value.status == "unchanged"
    assert MARKER in str(refused.value)
    assert "root_api_router.include_router(articles.router)" in str(refused.value)


def test_a_missing_or_broken_router_is_refused(router: Path) -> None:
    router.write_text("from x import (\n")
    with pytest.raises(EditRefused, match="does not parse"):
        RouterRegistration(router, "demo", "articles").apply(pretend=False)
    router.unlink()
    with pytest.raises(EditRefused, match="does not exist"):
        RouterRegistration(router, "demo", "articles").check()
    assert RouterRegistration(router, "demo", "articles").revoke(pretend=False) == "unchanged"


def test_a_router_that_is_a_folder_is_called_a_folder(router: Path) -> None:
    router.unlink()
    router.mkdir()
    with pytest.raises(EditRefused, match="is a folder, where the root router module should be"):
        RouterRegistration(router, "demo", "articles").check()


def test_a_marker_inside_a_function_is_refused(router: Path) -> None:
    text = TEMPLATE.replace(MARKER, f"\n\ndef later() -> None:\n    pass\n    {MARKER}")
    router.write_text(text)
    with pytest.raises(EditRefused) as refused:
        RouterRegistration(router, "demo", "articles").check()
    assert "is inside a block, where an include would not run" in str(refused.value)
    assert "move it back to the top level" in str(refused.value)
    assert router.read_text() == text


def test_an_include_with_other_arguments_counts_as_registered_and_is_revoked(
    router: Path,
) -> None:
    text = TEMPLATE.replace("import ready", "import articles, ready").replace(
        MARKER, f'root_api_router.include_router(articles.router, prefix="/v1")\n{MARKER}'
    )
    router.write_text(text)
    assert register(router, "articles") == ["identical"]
    assert revoke(router, "articles") == ["revoke"]
    assert router.read_text() == TEMPLATE


def test_writes_are_atomic_and_keep_the_mode(router: Path) -> None:
    router.chmod(0o640)
    register(router, "articles")
    assert router.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in router.parent.iterdir()) == ["router.py"]
