"""An update whose new root router conflicts with the registrations `generate` made keeps them."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import run_ok

from fastapi_mvc.router_merge import keep_registrations

IDENTITY = ("-c", "user.name=T", "-c", "user.email=t@example.com")
OLD = """\"\"\"Root router.\"\"\"

from fastapi import APIRouter

from {{ package_name }}.app.controllers import ready

root_api_router = APIRouter(prefix="/api")

root_api_router.include_router(ready.router)
# fastapi-mvc: generated controllers are included above this line.
"""
NEW = """\"\"\"Root router.\"\"\"

from {{ package_name }}.app.controllers import ready
from {{ package_name }}.app.routing import ApiRouter

root_api_router = ApiRouter(prefix="/api")

root_api_router.include_router(ready.router)
# fastapi-mvc: generated controllers are included above this line.
"""
YOURS = (
    OLD.replace("{{ package_name }}", "blog")
    .replace("import ready", "import articles, ready")
    .replace("# fastapi-mvc", "root_api_router.include_router(articles.router)\n# fastapi-mvc")
)
ANSWERS = ({"package_name": "blog"}, {"package_name": "blog"})


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A template repository: version 1.0.0 with the old router, 2.0.0 with the new one."""
    repo = tmp_path / "template"
    router = repo / "project" / "{{package_name}}" / "app" / "router.py.jinja"
    router.parent.mkdir(parents=True)
    run_ok("git", "init", "-q", repo)
    for version, text in (("1.0.0", OLD), ("2.0.0", NEW)):
        router.write_text(text)
        run_ok("git", "add", "-A", cwd=repo)
        run_ok("git", *IDENTITY, "commit", "-q", "-m", version, cwd=repo)
        run_ok("git", "tag", version, cwd=repo)
    return repo


def conflicted(tmp_path: Path) -> Path:
    router = tmp_path / "blog" / "app" / "router.py"
    router.parent.mkdir(parents=True)
    router.write_text("<<<<<<< before updating\nsomething\n=======\nelse\n>>>>>>> after\n")
    router.with_name("router.py.rej").write_text("rejected\n")
    return router


def test_the_new_router_gets_the_controllers_the_user_registered(repo, tmp_path) -> None:
    router = conflicted(tmp_path)

    kept = keep_registrations(router, YOURS, repo, ("1.0.0", "2.0.0"), ANSWERS)

    assert kept
    assert router.read_text() == NEW.replace("{{ package_name }}", "blog").replace(
        "import ready", "import articles, ready"
    ).replace("# fastapi-mvc", "root_api_router.include_router(articles.router)\n# fastapi-mvc")
    assert not router.with_name("router.py.rej").exists()


@pytest.mark.parametrize(
    ("yours", "refs"),
    [
        (YOURS.replace('prefix="/api"', 'prefix="/v1"'), ("1.0.0", "2.0.0")),  # an edit of theirs
        (YOURS, ("1.0.0", "3.0.0")),  # a version this repository does not have
    ],
    ids=["edited", "unknown-version"],
)
def test_anything_else_is_left_to_the_merge(repo, tmp_path, yours, refs) -> None:
    router = conflicted(tmp_path)
    before = router.read_text()

    assert not keep_registrations(router, yours, repo, refs, ANSWERS)

    assert router.read_text() == before
    assert router.with_name("router.py.rej").exists()
