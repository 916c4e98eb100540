"""A small copier template with real released versions, for the `update` tests.

The template is tiny so every case runs in a second or two; the same machinery on the real
template is proven in tests/integration/test_update_versions.py.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support import run_cli

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
# The data layer's questions, as the real template asks them.
DATA_QUESTIONS = """\
database: {type: str, default: sqlite, choices: [sqlite, postgresql, none]}
jobs: {type: bool, default: false}
"""

FILLER = [f"OPTION_{n} = {n}" for n in range(12)]
V1 = ["DEBUG = False", "WORKERS = 2", "TIMEOUT = 30", *FILLER]
V2 = ["DEBUG = False", "WORKERS = 4", "KEEPALIVE = 5", "TIMEOUT = 30", *FILLER]
V3 = ["DEBUG = False", "WORKERS = 4", "KEEPALIVE = 5", "TIMEOUT = 60", *FILLER]


def write_template(
    root: Path, settings_lines: list[str], extra: dict[str, str] | None = None, questions: str = ""
) -> None:
    """Replace the template in `root`: settings.py, redis.txt (the redis feature), `extra` files."""
    project = root / "project"
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)
    (root / "copier.yml").write_text(COPIER_YML + questions)
    (project / "{{ _copier_conf.answers_file }}.jinja").write_text(
        "{{ _copier_answers|to_nice_yaml -}}\n"
    )
    (project / "settings.py.jinja").write_text(
        '"""Settings of {{ project_name }}."""\n\n' + "\n".join(settings_lines) + "\n"
    )
    (project / "redis.txt").write_text("redis is on\n")
    for name, text in (extra or {}).items():
        (project / name).write_text(text)


def use_template(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """Make this test's installed template and history bundle the ones in `tmp_path`."""
    template, bundle = tmp_path / "template", tmp_path / "history.bundle"
    monkeypatch.setattr(template_versions, "TEMPLATE_DIR", template)
    monkeypatch.setattr(template_versions, "HISTORY_BUNDLE", bundle)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return template, bundle


def three_versions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Releases 1.0.0 and 2.0.0 in a bundle; the packaged template is the unreleased V3."""
    template, bundle = use_template(tmp_path, monkeypatch)
    write_template(template, V1, {"README.md": "# readme\n"})
    template_versions.release("1.0.0", bundle)
    write_template(template, V2, {"README.md": "# readme\n\nversion two\n"})
    template_versions.release("2.0.0", bundle)
    write_template(template, V3, {"README.md": "# readme\n\nversion two\n", "NEW.md": "new\n"})
    return tmp_path


def make(parent: Path, name: str, *flags: str) -> Path:
    result = run_cli("new", "-n", "-I", "-q", *flags, str(parent / name))
    assert result.exit_code == 0, result.output
    return parent / name


def update(project: Path, *args: str):
    """`fastapi-mvc update -n ARGS` in `project`, in-process; returns click's Result."""
    return run_cli("update", "-n", *args, cwd=project)


def summary(output: str) -> dict[str, list[str]]:
    """The summary rows of update's output: label -> paths ("conflicts" -> [...])."""
    rows = {}
    for line in output.splitlines():
        label, count, *paths = line.split() or [""]
        if line.startswith("  ") and count.isdigit():
            rows[label] = paths
    return rows
