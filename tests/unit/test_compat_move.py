"""`fastapi-mvc update --from-original` on projects made by the original fastapi-mvc (its template
at 0.5.0 and 0.6.1, rendered offline from ../shared/anchor): what the move keeps, merges, marks
and reports, and the input it refuses before anything changes. Installing and serving a moved
project is proven in tests/integration/test_compat_move.py."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from compat_support import (
    ANCHOR,
    QUIET_OLD_TEMPLATE,
    committed_original,
    original_controller,
    original_project,
)
from support import assert_file, commit_as_user, new_project, run_ok, run_tool, source_checksum

from fastapi_mvc import template_versions
from fastapi_mvc.compat.answers import our_answers
from fastapi_mvc.compat.moved_imports import rewrite
from fastapi_mvc.compat.moved_router import registered_controllers
from fastapi_mvc.new_project import run_copier

pytestmark = pytest.mark.filterwarnings(QUIET_OLD_TEMPLATE)

BUNDLE = str(ANCHOR / "copier-project.bundle")
MOVE = ("update", "--from-original", "--original-template", BUNDLE)


@pytest.fixture(scope="module")
def made_by_original(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project the original made at its last template version, committed; never changed."""
    return committed_original(tmp_path_factory.mktemp("original"), "0.6.1")


@pytest.fixture
def legacy(made_by_original: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(made_by_original, tmp_path / made_by_original.name, symlinks=True))


def head(root: Path) -> str:
    return run_ok("git", "rev-parse", "HEAD", cwd=root).stdout.strip()


def ours_rendered(legacy: Path, destination: Path) -> Path:
    """Our template rendered with the answers mapped from the project's (what `new` would make
    from the same answers)."""
    answers = yaml.safe_load((legacy / ".fastapi-mvc.yml").read_text())
    source = template_versions.current_source()
    run_copier(
        source.src_path,
        destination,
        vcs_ref=source.vcs_ref,
        data=our_answers(answers),
        defaults=True,
        quiet=True,
    )
    return destination


# -- a project the user never touched ----------------------------------------------------------


@pytest.mark.parametrize("version", ["0.5.0", "0.6.1"])
def test_an_untouched_project_becomes_exactly_ours(version: str, tmp_path: Path) -> None:
    legacy = committed_original(tmp_path / "original", version)
    before = head(legacy)
    result = run_tool(*MOVE, cwd=legacy)
    assert result.returncode == 0, result.stderr
    assert source_checksum(legacy) == source_checksum(ours_rendered(legacy, tmp_path / "ours"))
    assert "conflicts   0" in result.stdout
    assert f"To abort the move: git reset --hard {before} && git clean -fd" in result.stdout
    answers = yaml.safe_load((legacy / ".fastapi-mvc.yml").read_text())
    assert answers["_commit"] != version and "fastapi-mvc" in answers["_src_path"]
    assert head(legacy) == before  # the move commits nothing: the user reviews it


def test_the_printed_undo_command_puts_the_project_back(legacy: Path) -> None:
    before = source_checksum(legacy)
    result = run_tool(*MOVE, cwd=legacy)
    undo = result.stdout.strip().splitlines()[-1].removeprefix("To abort the move: ")
    run_ok("sh", "-c", undo, cwd=legacy)
    assert source_checksum(legacy) == before
    assert run_ok("git", "status", "--porcelain", cwd=legacy).stdout == ""


# -- a project the user changed ----------------------------------------------------------------


@pytest.fixture
def edited(legacy: Path) -> Path:
    """The project with a controller made by the original's generator and the edits a user
    makes: a note at the end of the README, a file of their own, an edit of a file our template
    drops, a template file deleted."""
    original_controller(legacy, "death_star", {"status": "get", "load": "post"})
    readme = legacy / "README.md"
    readme.write_text(readme.read_text() + "\nOur team's notes.\n")
    (legacy / "legacy" / "app" / "services.py").write_text('"""Our own code."""\n')
    version = legacy / "legacy" / "version.py"
    version.write_text(version.read_text() + "\nBUILD = 7\n")
    (legacy / "Vagrantfile").unlink()
    commit_as_user(legacy, "Our work")
    return legacy


def test_pretend_reports_the_move_and_changes_nothing(edited: Path) -> None:
    before = source_checksum(edited)
    result = run_tool(*MOVE, "--pretend", cwd=edited)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Pretended move the original's template ")
    assert "conflicts   2  README.md legacy/version.py" in result.stdout
    assert "To abort" not in result.stdout
    assert source_checksum(edited) == before
    assert run_ok("git", "status", "--porcelain", cwd=edited).stdout == ""


def test_user_edits_are_kept_merged_or_marked_and_reported(edited: Path) -> None:
    result = run_tool(*MOVE, cwd=edited)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    # A conflicting edit: marked like any update's, and reported.
    assert_file(edited / "README.md", r"^<<<<<<< yours$", r"Our team's notes\.", r"^>>>>>>> ")
    assert "conflicts   2  README.md legacy/version.py" in out
    assert "Next: resolve the <<<<<<< markers and the kept files" in out
    # A file of the user's own: untouched; an edited file our template drops: kept, reported.
    assert_file(edited / "legacy" / "app" / "services.py", r'^"""Our own code\."""\n\Z')
    assert_file(edited / "legacy" / "version.py", r"^BUILD = 7$")
    assert "kept           legacy/version.py: removed by the template" in out
    # A template file the user deleted stays deleted.
    assert not (edited / "Vagrantfile").exists()
    assert "deleted        Vagrantfile: you deleted it" in out
    # The original's controller: registered in our router, its test pointed at our factory.
    assert_file(
        edited / "legacy" / "app" / "router.py",
        r"^from legacy\.app\.controllers import death_star, ready$",
        r"^root_api_router\.include_router\(death_star\.router\)\n# fastapi-mvc: generated",
    )
    assert_file(
        edited / "tests" / "unit" / "app" / "controllers" / "test_death_star.py",
        r"^from legacy\.app\.asgi import get_application$",
    )
    assert "import         tests/unit/app/controllers/test_death_star.py" in out
    assert "The dependencies changed: run `make install`" in out
    # A file the user never touched, and our answers.
    assert_file(edited / "legacy" / "app" / "controllers" / "base.py")
    assert not (edited / "legacy" / "cli" / "utils.py").exists()
    assert "fastapi-mvc/template" in (edited / ".fastapi-mvc.yml").read_text()


def test_a_signal_during_the_move_leaves_the_project_unchanged(
    legacy: Path, tmp_path: Path
) -> None:
    before = source_checksum(legacy)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "fastapi_mvc", *MOVE],
        cwd=legacy,
        env={**os.environ, "TMPDIR": str(scratch)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's Ctrl-C reaches it
    )
    deadline = time.monotonic() + 60
    # Signalled while copier clones a template, long before the project is written: a signal
    # after that no longer stops the move (the move is done then), so waiting a fixed time here
    # made this test depend on the machine's speed.
    while not list(scratch.glob("fastapi-mvc-move.*/tmp/copier*")):
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)

    assert process.returncode == 128 + signal.SIGTERM, stderr
    last = stderr.strip().splitlines()[-1]
    assert last == "Error: update interrupted by SIGTERM; the project is unchanged", stderr
    assert source_checksum(legacy) == before
    assert run_ok("git", "status", "--porcelain", cwd=legacy).stdout == ""
    assert list(scratch.iterdir()) == []


# -- what the move refuses, changing nothing ---------------------------------------------------


def refused(root: Path, *args: str, rc: int = 2) -> str:
    before = source_checksum(root)
    result = run_tool(*args, cwd=root)
    assert result.returncode == rc, result.stdout + result.stderr
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert source_checksum(root) == before
    return result.stderr


def test_a_project_of_ours_is_refused(tmp_path: Path) -> None:
    ours = new_project(tmp_path, "demo")
    error = refused(ours, *MOVE)
    assert "demo was not made by the original fastapi-mvc" in error
    assert "run `fastapi-mvc update` without --from-original" in error


def test_uncommitted_changes_are_refused(legacy: Path) -> None:
    (legacy / "notes.txt").write_text("draft\n")
    assert "uncommitted changes: notes.txt; commit or stash them first" in refused(legacy, *MOVE)


def test_a_commit_the_given_template_does_not_have_names_the_fix(legacy: Path) -> None:
    answers = legacy / ".fastapi-mvc.yml"
    answers.write_text(answers.read_text().replace("_commit: 0.", "_commit: 9."))
    commit_as_user(legacy, "A template version that never was")
    error = refused(legacy, *MOVE)
    assert f"the original's template at {Path(BUNDLE).resolve()} has no version 9." in error
    assert "give --original-template a clone or bundle of" in error


def test_an_original_template_path_that_does_not_exist_is_refused(legacy: Path) -> None:
    error = refused(legacy, "update", "--from-original", "--original-template", "no/such.bundle")
    assert "--original-template no/such.bundle does not exist; give a clone or bundle" in error


def test_an_unreachable_recorded_template_names_the_offline_option(legacy: Path) -> None:
    answers = legacy / ".fastapi-mvc.yml"
    missing = (legacy.parent / "gone.git").as_uri()
    data = yaml.safe_load(answers.read_text())
    answers.write_text(yaml.safe_dump({**data, "_src_path": missing}))
    commit_as_user(legacy, "A template that moved away")
    error = refused(legacy, "update", "--from-original", rc=1)
    assert f"cannot get the original's template from {missing}" in error
    assert "give a local clone or bundle of it with --original-template PATH" in error


@pytest.mark.parametrize(
    "options, message",
    [
        (("--original-template", BUNDLE), "--original-template applies to --from-original"),
        (("--from-original", "--use-version", "0.30.0"), "drop --use-version"),
        (("--from-original", "--enable", "jobs"), "drop --enable/--disable"),
        (("--from-original", "--conflict", "rej"), "drop --conflict rej"),
    ],
)
def test_options_a_move_does_not_take_are_refused(
    made_by_original: Path, options: tuple[str, ...], message: str
) -> None:
    assert message in refused(made_by_original, "update", *options)


def test_a_plain_update_names_the_move(made_by_original: Path) -> None:
    error = refused(made_by_original, "update", "-n")
    assert "run `fastapi-mvc update --from-original` to move it onto ours" in error


# -- the pieces --------------------------------------------------------------------------------

BASE_ROUTER = (
    "from fastapi import APIRouter\n"
    "from shop.app.controllers import ready\n\n"
    'root_api_router = APIRouter(prefix="/api")\n\n'
    'root_api_router.include_router(ready.router, tags=["ready"])\n'
)


def with_controllers(*names: str) -> str:
    """BASE_ROUTER after the original's `generate controller NAME` for each name."""
    lines = BASE_ROUTER.splitlines(keepends=True)
    for name in names:
        lines.insert(1, f"from shop.app.controllers import {name}\n")
        lines.append(f"root_api_router.include_router({name}.router)\n")
    return "".join(lines)


def test_controllers_the_originals_generator_registered_are_found_in_order() -> None:
    yours = with_controllers("orders", "carts")
    assert registered_controllers(BASE_ROUTER, yours, "shop") == ["orders", "carts"]


def test_a_controller_our_generator_registered_in_the_originals_router_is_found() -> None:
    yours = (
        BASE_ROUTER.replace("import ready", "import orders, ready")
        + "root_api_router.include_router(orders.router)\n"
        + "# fastapi-mvc: generated controllers are included above this line.\n"
    )
    assert registered_controllers(BASE_ROUTER, yours, "shop") == ["orders"]


@pytest.mark.parametrize(
    "yours",
    [
        with_controllers("orders") + "print('routes loaded')\n",  # any other statement
        with_controllers("orders").replace(', tags=["ready"]', ""),  # a line of theirs changed
        with_controllers("orders").replace("(orders.router)", "(orders.router, prefix='/v2')"),
        BASE_ROUTER.replace("import ready\n", "import ready\nfrom shop.app.controllers import x\n"),
    ],
    ids=["statement", "changed", "include-options", "import-only"],
)
def test_a_router_changed_in_any_other_way_is_left_to_the_merge(yours: str) -> None:
    assert registered_controllers(BASE_ROUTER, yours, "shop") is None


def test_the_originals_factory_import_is_pointed_at_our_module() -> None:
    text = "import pytest\nfrom shop.app import get_application\nfrom shop.app import other\n"
    assert rewrite(text, "shop") == (
        "import pytest\nfrom shop.app.asgi import get_application\nfrom shop.app import other\n"
    )
    unchanged = (
        "from shop.app import get_application, other\nfrom shopx.app import get_application\n"
    )
    assert rewrite(unchanged, "shop") == unchanged


def test_a_project_in_a_subfolder_of_its_repository_moves_there(tmp_path: Path) -> None:
    repository = tmp_path / "monorepo"
    root = original_project(repository, "0.6.1")
    (repository / "OTHER.md").write_text("not the project's\n")
    run_ok("git", "init", "-q", cwd=repository)
    commit_as_user(repository, "A monorepo")
    result = run_tool(*MOVE, cwd=root)
    assert result.returncode == 0, result.stderr
    assert "legacy/legacy/app/controllers/base.py" in result.stdout
    assert_file(root / "legacy" / "app" / "controllers" / "base.py")
    assert_file(repository / "OTHER.md", r"^not the project's$")
