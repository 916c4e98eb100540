"""`fastapi-mvc update` on a small template with real released versions (real copier, real git).

The template here is tiny so every case runs in a second; the same machinery on the real template
is proven in tests/integration/test_update_versions.py.
"""

from __future__ import annotations

import subprocess

import pytest
import yaml
from support import commit_as_user, run_cli, tree_checksum

from fastapi_mvc import template_versions

COPIER_YML = """\
_subdirectory: project
_answers_file: .fastapi-mvc.yml
_envops:
  undefined: jinja2.StrictUndefined
_exclude:
  - "{% if not redis %}redis.txt{% endif %}"
project_name: {type: str}
package_name: {type: str, default: "{{ project_name }}"}
script_name: {type: str, default: "{{ project_name }}"}
container_image_name: {type: str, default: "{{ project_name }}"}
chart_name: {type: str, default: "{{ project_name }}"}
author: {type: str, default: me}
email: {type: str, default: me@example.com}
copyright_date: {type: str, default: "2026"}
license: {type: str, default: MIT}
redis: {type: bool, default: true}
aiohttp: {type: bool, default: true}
helm: {type: bool, default: true}
github_actions: {type: bool, default: true}
codecov: {type: bool, default: true}
nix: {type: bool, default: true}
vagrantfile: {type: bool, default: true}
"""


def write_template(root, settings_lines, extra=None):
    project = root / "project"
    project.mkdir(parents=True, exist_ok=True)
    (root / "copier.yml").write_text(COPIER_YML)
    (project / "{{ _copier_conf.answers_file }}.jinja").write_text(
        "{{ _copier_answers|to_nice_yaml -}}\n"
    )
    (project / "settings.py.jinja").write_text(
        '"""Settings of {{ project_name }}."""\n\n' + "\n".join(settings_lines) + "\n"
    )
    (project / "redis.txt").write_text("redis is on\n")
    for name, text in (extra or {}).items():
        (project / name).write_text(text)


FILLER = [f"OPTION_{n} = {n}" for n in range(12)]
V1 = ["DEBUG = False", "WORKERS = 2", "TIMEOUT = 30", *FILLER]
V2 = ["DEBUG = False", "WORKERS = 4", "KEEPALIVE = 5", "TIMEOUT = 30", *FILLER]
V3 = ["DEBUG = False", "WORKERS = 4", "KEEPALIVE = 5", "TIMEOUT = 60", *FILLER]


@pytest.fixture
def versions(tmp_path, monkeypatch):
    """Releases 1.0.0 and 2.0.0 in a bundle; the packaged template is the unreleased V3."""
    template = tmp_path / "template"
    bundle = tmp_path / "history.bundle"
    monkeypatch.setattr(template_versions, "TEMPLATE_DIR", template)
    monkeypatch.setattr(template_versions, "HISTORY_BUNDLE", bundle)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    write_template(template, V1, {"README.md": "# readme\n"})
    template_versions.release("1.0.0", bundle)
    write_template(template, V2, {"README.md": "# readme\n\nversion two\n"})
    template_versions.release("2.0.0", bundle)
    write_template(template, V3, {"README.md": "# readme\n\nversion two\n", "NEW.md": "new\n"})
    return tmp_path


def make(parent, name, *flags):
    result = run_cli("new", "-n", "-I", "-q", *flags, str(parent / name))
    assert result.exit_code == 0, result.output
    return parent / name


def update(project, *args):
    return run_cli("update", "-n", *args, cwd=project)


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
