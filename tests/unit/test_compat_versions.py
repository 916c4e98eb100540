"""`--use-version` as the original fastapi-mvc's docs and tests typed it: `master` is the newest
template this fastapi-mvc carries, a release of the original's template is refused in one line
that says what it is and names ours."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from support import new_project, run_cli, run_ok

from fastapi_mvc import template_versions
from fastapi_mvc.compat.versions import ORIGINAL_RELEASES


def recorded_commit(project: Path) -> str:
    return str(yaml.safe_load((project / ".fastapi-mvc.yml").read_text())["_commit"])


def test_new_with_the_originals_master_makes_the_newest_template(tmp_path: Path) -> None:
    newest = new_project(tmp_path, "newest")
    result = run_cli("new", "-n", "-I", "-q", "--use-version", "master", str(tmp_path / "master"))
    assert result.exit_code == 0, result.output
    assert recorded_commit(tmp_path / "master") == recorded_commit(newest)


def test_update_to_the_originals_master_is_an_update_to_the_newest(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    result = run_cli("update", "-n", "-p", "--use-version", "master", cwd=project)
    assert result.exit_code == 0, result.output
    assert "already up to date" in result.output


@pytest.mark.parametrize("version", ["0.1.0", "0.6.1"])
def test_new_with_a_release_of_the_originals_template_names_ours(
    tmp_path: Path, version: str
) -> None:
    result = run_cli("new", "-n", "-I", "--use-version", version, str(tmp_path / "old"))
    assert result.exit_code == 2
    [line] = result.output.splitlines()
    assert f"template version '{version}' is a release of the original fastapi-mvc's" in line
    assert "update --from-original" in line
    carried = ", ".join(template_versions.released_versions())
    assert f"use one of ours ({carried}), or leave out --use-version for the newest" in line
    assert not (tmp_path / "old").exists()


def test_a_version_nobody_released_lists_ours_only(tmp_path: Path) -> None:
    result = run_cli("new", "-n", "-I", "--use-version", "7.0.0", str(tmp_path / "old"))
    assert result.exit_code == 2
    assert "template version '7.0.0' is not carried by this fastapi-mvc; use one of:" in (
        result.output
    )
    assert "original" not in result.output


def test_the_originals_releases_are_older_than_ours() -> None:
    """A release of ours never shadows one of the original's: the message would lie."""
    ours = template_versions.released_versions()
    assert not set(ours) & set(ORIGINAL_RELEASES)


def test_new_at_a_commit_of_our_template_history_renders_that_release(tmp_path: Path) -> None:
    repo = template_versions.ensure_repository()
    release = template_versions.released_versions(repo)[0]
    commit = run_ok("git", "rev-parse", "--short", f"{release}^{{commit}}", cwd=repo).stdout.strip()
    result = run_cli("new", "-n", "-I", "-q", "--use-version", commit, str(tmp_path / "pinned"))
    assert result.exit_code == 0, result.output
    assert recorded_commit(tmp_path / "pinned") == release


def test_a_commit_outside_our_template_history_is_refused_naming_ours(tmp_path: Path) -> None:
    """The original's docs pinned its template's commits, e.g. 119ce05 (its `master`)."""
    result = run_cli("new", "-n", "-I", "--use-version", "119ce05", str(tmp_path / "old"))
    assert result.exit_code == 2
    carried = ", ".join(template_versions.released_versions())
    assert result.output.splitlines() == [
        "Error: template version '119ce05' is not carried by this fastapi-mvc; use one of: "
        f"{carried} (or the id of a commit in their history)"
    ]
    assert not (tmp_path / "old").exists()
