"""`fastapi-mvc update` on a small template with real released versions (real copier, real git).

The template (update_support.py) is tiny so every case runs in a second; the same machinery on
the real template is proven in tests/integration/test_update_versions.py.
"""

from __future__ import annotations

import subprocess

import pytest
import yaml
from support import commit_as_user, run_cli, run_ok, tree_checksum
from update_support import make, summary, three_versions, update

from fastapi_mvc import template_versions


@pytest.fixture
def versions(tmp_path, monkeypatch):
    return three_versions(tmp_path, monkeypatch)


def test_released_versions_are_carried(versions):
    assert template_versions.released_versions() == ["1.0.0", "2.0.0"]


@pytest.mark.parametrize("old", ["1.0.0", "2.0.0"])
def test_an_updated_project_equals_a_fresh_one(versions, old):
    updated = make(versions / "a", "demo", "--use-version", old)
    fresh = make(versions / "b", "demo")
    assert tree_checksum(updated) != tree_checksum(fresh)
    result = update(updated)
    assert result.exit_code == 0, result.output
    assert f"Updated template {old} -> 2.0.0-1-g" in result.output
    assert tree_checksum(updated) == tree_checksum(fresh)


def test_update_to_a_carried_version(versions):
    project = make(versions, "demo", "--use-version", "1.0.0")
    result = update(project, "--use-version", "2.0.0")
    assert result.exit_code == 0, result.output
    assert "WORKERS = 4" in (project / "settings.py").read_text()
    assert yaml.safe_load((project / ".fastapi-mvc.yml").read_text())["_commit"] == "2.0.0"


def test_summary_lists_updated_and_added_files(versions):
    project = make(versions, "demo", "--use-version", "1.0.0")
    result = update(project)
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.output.splitlines() if line.startswith("  ")}
    assert "settings.py" in lines["updated"] and "README.md" in lines["updated"]
    assert "NEW.md" in lines["added"]
    assert "0" in lines["conflicts"].split()
    assert "git reset --hard && git clean -fd" in result.output


def test_a_user_edit_elsewhere_in_a_changed_file_is_merged(versions):
    project = make(versions, "demo", "--use-version", "1.0.0")
    settings = project / "settings.py"
    settings.write_text(settings.read_text() + "EXTRA = 'mine'\n")
    commit_as_user(project)
    assert update(project).exit_code == 0
    text = settings.read_text()
    assert "EXTRA = 'mine'" in text and "KEEPALIVE = 5" in text
    assert "<<<<<<<" not in text


def test_a_conflicting_user_edit_is_kept_with_inline_markers(versions):
    project = make(versions, "demo", "--use-version", "1.0.0")
    settings = project / "settings.py"
    settings.write_text(settings.read_text().replace("WORKERS = 2", "WORKERS = 8"))
    commit_as_user(project)
    result = update(project)
    assert result.exit_code == 0, result.output
    text = settings.read_text()
    assert "<<<<<<<" in text and "WORKERS = 8" in text and "WORKERS = 4" in text
    assert "settings.py" in next(line for line in result.output.splitlines() if "conflicts" in line)
    assert "resolve the <<<<<<< markers" in result.output


def test_a_conflicting_user_edit_is_kept_with_a_rej_file(versions):
    project = make(versions, "demo", "--use-version", "1.0.0")
    settings = project / "settings.py"
    settings.write_text(settings.read_text().replace("WORKERS = 2", "WORKERS = 8"))
    commit_as_user(project)
    result = update(project, "--conflict", "rej")
    assert result.exit_code == 0, result.output
    # The template's version is applied; the user's rejected hunk waits in the .rej file.
    assert "WORKERS = 4" in settings.read_text()
    assert "WORKERS = 8" in (project / "settings.py.rej").read_text()
    assert ".rej files" in result.output


def test_user_added_file_survives_and_deleted_file_stays_deleted(versions):
    project = make(versions, "demo", "--use-version", "1.0.0")
    (project / "mine.txt").write_text("keep me\n")
    (project / "README.md").unlink()
    commit_as_user(project)
    assert update(project).exit_code == 0
    assert (project / "mine.txt").read_text() == "keep me\n"
    assert not (project / "README.md").exists()


def test_pretend_changes_nothing(versions):
    project = make(versions, "demo", "--use-version", "1.0.0")
    before = tree_checksum(project)
    result = update(project, "--pretend")
    assert result.exit_code == 0, result.output
    assert "nothing was changed" in result.output
    assert tree_checksum(project) == before
    assert (
        subprocess.run(
            ["git", "status", "--porcelain"], cwd=project, capture_output=True, text=True
        ).stdout
        == ""
    )


def test_enable_a_skipped_feature_equals_a_project_made_with_it(versions):
    skipped = make(versions / "a", "demo", "-R")
    assert not (skipped / "redis.txt").exists()
    result = update(skipped, "--enable", "redis")
    assert result.exit_code == 0, result.output
    assert tree_checksum(skipped) == tree_checksum(make(versions / "b", "demo"))


def test_disable_a_feature_equals_a_project_made_without_it(versions):
    project = make(versions / "a", "demo", "--use-version", "1.0.0")
    assert update(project, "--disable", "redis").exit_code == 0
    assert tree_checksum(project) == tree_checksum(make(versions / "b", "demo", "-R"))


def test_already_up_to_date(versions):
    project = make(versions, "demo")
    before = tree_checksum(project)
    result = update(project)
    assert result.exit_code == 0
    assert "already up to date" in result.output
    assert tree_checksum(project) == before


@pytest.mark.parametrize(
    ("setup", "args", "message"),
    [
        ("dirty", [], "uncommitted changes: settings.py"),
        ("nogit", [], "is not a git repository"),
        ("new", ["--use-version", "1.0.0"], "downgrades are not supported"),
        ("old", ["--use-version", "9.9.9"], "not carried by this fastapi-mvc"),
        ("old", ["--enable", "kafka"], "unknown feature 'kafka'"),
        ("old", ["--enable", "redis", "--disable", "redis"], "both enabled and disabled"),
    ],
)
def test_refused_updates_change_nothing(versions, setup, args, message):
    flags = {"new": [], "nogit": ["--skip-git"]}.get(setup, ["--use-version", "1.0.0"])
    project = make(versions, "demo", *flags)
    if setup == "dirty":
        (project / "settings.py").write_text("changed\n")
    before = tree_checksum(project)
    result = update(project, *args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert tree_checksum(project) == before


def test_outside_a_project(tmp_path):
    result = run_cli("update", "-n", cwd=tmp_path)
    assert result.exit_code == 2
    assert "not a fastapi-mvc project" in result.output


def test_release_refuses_an_unchanged_or_older_template(versions):
    bundle = versions / "history.bundle"
    with pytest.raises(Exception, match="older than the last release"):
        template_versions.release("1.5.0", bundle)
    template_versions.release("3.0.0", bundle)
    with pytest.raises(Exception, match="has not changed"):
        template_versions.release("3.0.1", bundle)
    assert (
        "3.0.0"
        in subprocess.run(
            ["git", "bundle", "list-heads", str(bundle)], capture_output=True, text=True
        ).stdout
    )


def test_an_unreleased_template_gets_the_same_commit_everywhere(versions, monkeypatch, tmp_path):
    first = template_versions.current_source().vcs_ref
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "other-cache"))
    assert template_versions.current_source().vcs_ref == first


def test_releasing_the_packaged_template_makes_new_projects_record_the_release(versions):
    assert template_versions.current_source().vcs_ref not in {"1.0.0", "2.0.0"}
    template_versions.release("3.0.0", versions / "history.bundle")
    assert template_versions.current_source().vcs_ref == "3.0.0"
    project = make(versions, "demo")
    assert yaml.safe_load((project / ".fastapi-mvc.yml").read_text())["_commit"] == "3.0.0"


def test_a_project_inside_a_larger_repository(versions):
    monorepo = versions / "monorepo"
    make(monorepo, "demo", "--use-version", "1.0.0", "--skip-git")
    (monorepo / "other.txt").write_text("not the project's\n")
    run_ok("git", "init", "-q", cwd=monorepo)
    commit_as_user(monorepo, "monorepo")
    result = update(monorepo / "demo")
    assert result.exit_code == 0, result.output
    assert "demo/settings.py" in summary(result.output)["updated"]
    assert "KEEPALIVE = 5" in (monorepo / "demo" / "settings.py").read_text()
    assert (monorepo / "other.txt").read_text() == "not the project's\n"
