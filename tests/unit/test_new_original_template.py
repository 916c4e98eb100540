"""`new --use-repo` with the original fastapi-mvc's template, or with no template at all: one
line, exit code 2, nothing written (a project made from the original's template under us could
be neither generated into nor updated; copier would copy a directory that is no template)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import Result
from compat_support import ANCHOR
from support import commit_as_user, run_cli, run_ok, tree_checksum

BUNDLE = ANCHOR / "copier-project.bundle"
REFUSED = "is the original fastapi-mvc's project template (copier-project)"


def error_line(result: Result) -> str:
    [line] = result.output.splitlines()
    return line


@pytest.mark.parametrize(
    "version", [None, "master", "0.1.0", "0.6.1"], ids=["newest-tag", "master", "0.1.0", "0.6.1"]
)
def test_the_originals_template_bundle_is_refused_at_any_version(
    tmp_path: Path, version: str | None
) -> None:
    pinned = ["--use-version", version] if version else []
    result = run_cli("new", "-n", "-I", "--use-repo", str(BUNDLE), *pinned, str(tmp_path / "old"))
    assert result.exit_code == 2
    line = error_line(result)
    assert line.startswith(f"Error: {BUNDLE} {REFUSED}")
    assert line.endswith(
        "drop --use-repo; a project the original made moves onto ours with "
        "`fastapi-mvc update --from-original`"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_clone_of_the_originals_template_is_refused_too(tmp_path: Path) -> None:
    clone = tmp_path / "copier-project"
    run_ok("git", "clone", "-q", str(BUNDLE), str(clone))
    before = tree_checksum(tmp_path)
    result = run_cli("new", "-n", "-I", "--use-repo", str(clone), str(tmp_path / "old"))
    assert result.exit_code == 2
    assert REFUSED in error_line(result)
    assert tree_checksum(tmp_path) == before


def test_forcing_it_into_a_directory_leaves_the_directory_as_it_was(tmp_path: Path) -> None:
    target = tmp_path / "old"
    target.mkdir()
    (target / "notes.txt").write_text("mine\n")
    before = tree_checksum(target)
    result = run_cli("new", "-n", "-I", "-f", "--use-repo", str(BUNDLE), str(target))
    assert result.exit_code == 2
    assert REFUSED in error_line(result)
    assert tree_checksum(target) == before


def test_a_directory_without_copier_yml_is_no_template(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "README.md").write_text("# notes\n")
    run_ok("git", "init", "-q", str(folder))
    commit_as_user(folder, "notes")
    before = tree_checksum(tmp_path)
    for pinned in ([], ["--use-version", "HEAD"]):
        result = run_cli(
            "new", "-n", "-I", "--use-repo", str(folder), *pinned, str(tmp_path / "blog")
        )
        assert result.exit_code == 2
        assert error_line(result).startswith(
            f"Error: {folder} is not a copier template: it has no copier.yml or copier.yaml"
        )
        assert tree_checksum(tmp_path) == before


def test_a_file_that_is_no_git_bundle_is_no_template(tmp_path: Path) -> None:
    (tmp_path / "template.txt").write_text("not a template\n")
    result = run_cli(
        "new", "-n", "-I", "--use-repo", str(tmp_path / "template.txt"), str(tmp_path / "blog")
    )
    assert result.exit_code == 2
    assert error_line(result) == (
        f"Error: {tmp_path / 'template.txt'} is not a copier template: neither a directory nor "
        "a git bundle; pass a copier template's path or git URL to --use-repo, or drop it for ours"
    )
    assert sorted(path.name for path in tmp_path.iterdir()) == ["template.txt"]


def test_a_version_a_bundle_lacks_is_refused(tmp_path: Path) -> None:
    result = run_cli(
        "new", "-n", "-I", "--use-repo", str(BUNDLE), "--use-version", "9.9.9", str(tmp_path / "x")
    )
    assert result.exit_code == 2
    assert error_line(result).startswith(
        f"Error: template repository {BUNDLE} has no version '9.9.9'"
    )
    assert list(tmp_path.iterdir()) == []
