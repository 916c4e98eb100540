"""Conflicts in a real terminal: the generator asks, file by file, as Rails does."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pexpect
import pytest
from support import REPO_ROOT, copy_project, run_generator, tree_checksum

PROMPT = r'Overwrite demo/app/controllers/articles\.py\? \(enter "h" for help\) \[Ynaqdh\]'


@pytest.fixture
def project(pristine: Path, tmp_path: Path) -> Path:
    project = copy_project(pristine, tmp_path)
    run_generator(project, "controller", "articles", "index")
    (project / "demo" / "app" / "controllers" / "articles.py").write_text("# mine\n")
    return project


def spawn(project: Path, *args: str) -> pexpect.spawn:
    return pexpect.spawn(
        sys.executable,
        ["-m", "fastapi_mvc", "generate", "controller", "articles", *args],
        cwd=str(project),
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT), "NO_COLOR": "1", "TERM": "dumb"},
        encoding="utf-8",
        timeout=60,
    )


def status(verb: str, path: str) -> str:
    """A status line, whatever colours the terminal gets."""
    return rf"{verb}(\x1b\[[0-9;]*m)*\s+{re.escape(path)}"


def finish(child: pexpect.spawn) -> int:
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus


def test_help_then_diff_then_keep(project: Path) -> None:
    child = spawn(project, "index", "show")
    child.expect(status("conflict", "demo/app/controllers/articles.py"))
    child.expect(PROMPT)
    child.sendline("h")
    child.expect("d - show the differences")
    child.expect(PROMPT)
    child.sendline("d")
    child.expect(r"\+async def show\(\)")
    child.expect(PROMPT)
    child.sendline("n")
    child.expect(status("skip", "demo/app/controllers/articles.py"))
    child.expect(status("conflict", "demo/app/views/articles.py"))  # it gains show's view
    child.sendline("")
    child.expect(status("conflict", "tests/unit/app/controllers/test_articles.py"))
    child.expect(r"Overwrite tests/unit/app/controllers/test_articles\.py\?")
    child.sendline("")  # Y is the default
    child.expect(status("force", "tests/unit/app/controllers/test_articles.py"))
    assert finish(child) == 0
    assert (project / "demo" / "app" / "controllers" / "articles.py").read_text() == "# mine\n"
    assert (
        "def test_show"
        in (project / "tests" / "unit" / "app" / "controllers" / "test_articles.py").read_text()
    )


def test_all_overwrites_the_rest_without_asking(project: Path) -> None:
    child = spawn(project, "index", "show")
    child.expect(PROMPT)
    child.sendline("a")
    child.expect(status("force", "tests/unit/app/controllers/test_articles.py"))
    assert finish(child) == 0
    assert (
        "async def show" in (project / "demo" / "app" / "controllers" / "articles.py").read_text()
    )


def test_quit_writes_nothing(project: Path) -> None:
    before = tree_checksum(project)
    child = spawn(project, "index", "show")
    child.expect(PROMPT)
    child.sendline("q")
    child.expect("stopped at your request; nothing was written")
    assert finish(child) == 1
    assert tree_checksum(project) == before


def test_no_interaction_refuses_even_in_a_terminal(project: Path) -> None:
    before = tree_checksum(project)
    child = spawn(project, "index", "show", "--no-interaction")
    child.expect(status("conflict", "demo/app/controllers/articles.py"))
    child.expect("nothing was written")
    assert finish(child) == 1
    assert tree_checksum(project) == before
