"""Every released template version updates to the current one, file for file.

Given a project made with `new --use-version V` for each carried version V older than the current
template, when I run `fastapi-mvc update`, then its tree checksum equals that of a project freshly
made at the current version, and the updated project's own test suite passes.
"""

from __future__ import annotations

import re
import subprocess

import pytest
from packaging.version import Version
from support import commit_as_user, run_cli, tree_checksum

from fastapi_mvc import template_versions

pytestmark = pytest.mark.integration


def older_versions() -> list[str]:
    repo = template_versions.ensure_repository()
    current = template_versions.current_source(repo).vcs_ref
    return [version for version in template_versions.released_versions(repo) if version != current]


def make(parent, *flags):
    result = run_cli("new", "-n", "-I", "-q", *flags, str(parent / "demo"))
    assert result.exit_code == 0, result.output
    return parent / "demo"


def test_at_least_two_template_versions_exist():
    # One released version older than the current template, so updates exercise a real change.
    assert older_versions(), "no released template version older than the current one"


@pytest.mark.parametrize("version", older_versions())
@pytest.mark.parametrize("flags", [(), ("-R", "-A", "-H", "-G", "-N", "-V")], ids=["all", "skips"])
def test_an_old_project_updates_to_the_current_template(tmp_path, version, flags):
    old = make(tmp_path / "old", "--use-version", version, *flags)
    fresh = make(tmp_path / "fresh", *flags)
    assert tree_checksum(old) != tree_checksum(fresh)
    result = run_cli("update", "-n", "-q", cwd=old)
    assert result.exit_code == 0, result.output
    assert re.search(r"conflicts\s+0\b", result.output), result.output
    assert tree_checksum(old) == tree_checksum(fresh)


def test_controllers_generated_before_the_router_changed_stay_registered(tmp_path):
    """0.35.0 made the root router an ApiRouter: the lines around the registrations changed."""
    before = [v for v in older_versions() if Version(v) < Version("0.35.0")][-1]
    old = make(tmp_path / "old", "--use-version", before)
    fresh = make(tmp_path / "fresh")
    for project in (old, fresh):
        for name in ("articles", "comments"):
            result = run_cli("generate", "controller", name, "index", cwd=project)
            assert result.exit_code == 0, result.output
    commit_as_user(old, "articles and comments")
    result = run_cli("update", "-n", "-q", cwd=old)
    assert result.exit_code == 0, result.output
    assert re.search(r"conflicts\s+0\b", result.output), result.output
    assert tree_checksum(old) == tree_checksum(fresh)


def test_the_updated_project_passes_its_own_tests(tmp_path):
    oldest = older_versions()[0]
    project = make(tmp_path, "--use-version", oldest)
    result = run_cli("update", "-n", "-q", cwd=project)
    assert result.exit_code == 0, result.output
    for command in (["make", "install"], ["make", "test"]):
        done = subprocess.run(command, cwd=project, capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "100%" in done.stdout


@pytest.mark.parametrize(
    ("without", "change"),
    [
        (("--database", "none"), ("--enable", "database")),
        (("--skip-jobs",), ("--enable", "jobs")),
        (("-R",), ("--enable", "redis,jobs")),
        ((), ("--disable", "database")),
    ],
    ids=["enable-database", "enable-jobs", "enable-redis", "disable-database"],
)
def test_a_feature_changed_by_update_equals_a_project_made_that_way(tmp_path, without, change):
    project = make(tmp_path / "changed", *without)
    made_that_way = ("--database", "none") if change == ("--disable", "database") else ()
    fresh = make(tmp_path / "fresh", *made_that_way)
    result = run_cli("update", "-n", "-q", *change, cwd=project)
    assert result.exit_code == 0, result.output
    assert re.search(r"conflicts\s+0\b", result.output), result.output
    assert tree_checksum(project) == tree_checksum(fresh)
