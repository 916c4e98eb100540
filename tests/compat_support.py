"""Things made by the original fastapi-mvc 0.28.1, rendered offline from its own templates.

The original's template repositories are git bundles in ../shared/anchor (next to this checkout).
Rendering them with copier and the answers the original gave is what its `new` and `generate
generator` did; only the three keys copier 6 recorded and copier 9 no longer writes
(`package_name`, `fastapi_mvc_version`) and the GitHub `_src_path` are put back by hand.
"""

from __future__ import annotations

from pathlib import Path

import copier
import yaml
from support import REPO_ROOT, commit_as_user, run_ok

ANCHOR = REPO_ROOT.parent / "shared" / "anchor"
ORIGINAL_TEMPLATE_URL = "https://github.com/fastapi-mvc/copier-project.git"
# The original templates ask for copier 6; they render the same with ours.
QUIET_OLD_TEMPLATE = "ignore::copier.errors.OldTemplateWarning"


def original_project(parent: Path, version: str, name: str = "legacy") -> Path:
    """What the original's `fastapi-mvc new -n NAME --use-version VERSION` renders."""
    data = {
        "project_name": name,
        "author": "Test User",
        "email": "test.user@example.com",
        "copyright_date": 2026,
        "fastapi_mvc_version": "0.28.1",
        "nix": True,
        "redis": True,
        "aiohttp": True,
        "github_actions": True,
        "helm": True,
        "license": "MIT",
        "repo_url": "https://your.repo.url.here",
        "container_image_name": name,
        "chart_name": name,
        "script_name": name,
        "project_description": "This project was generated with fastapi-mvc.",
        "version": "0.1.0",
    }
    root = parent / name
    copier.run_copy(
        str(ANCHOR / "copier-project.bundle"),
        str(root),
        vcs_ref=version,
        data=data,
        defaults=True,
        overwrite=True,
        quiet=True,
        answers_file=".fastapi-mvc.yml",
    )
    answers_file = root / ".fastapi-mvc.yml"
    answers = yaml.safe_load(answers_file.read_text())
    answers.update(_src_path=ORIGINAL_TEMPLATE_URL, package_name=name, fastapi_mvc_version="0.28.1")
    answers_file.write_text(yaml.safe_dump(answers, sort_keys=True))
    return root


def original_generator(folder: Path, name: str = "foo-bar") -> Path:
    """What the original's `fastapi-mvc generate generator NAME` renders, into `folder`."""
    copier.run_copy(
        str(ANCHOR / "copier-generator.bundle"),
        str(folder),
        vcs_ref="0.4.1",
        data={
            "generator": name,
            "repo_url": "https://example.com/generator.git",
            "nix": False,
            "github_actions": False,
            "license": "MIT",
            "copyright_date": "2022",
        },
        defaults=True,
        quiet=True,
    )
    return folder


def original_controller(root: Path, name: str, endpoints: dict[str, str]) -> None:
    """What the original's `fastapi-mvc generate controller NAME ENDPOINT:METHOD...` does: its
    controller template (copier-controller 0.2.2) rendered, and the two lines its
    `insert_router_import` adds to app/router.py."""
    copier.run_copy(
        str(ANCHOR / "copier-controller.bundle"),
        str(root),
        vcs_ref="0.2.2",
        data={"project_name": root.name, "controller": name, "endpoints": endpoints},
        defaults=True,
        quiet=True,
    )
    package = yaml.safe_load((root / ".fastapi-mvc.yml").read_text())["package_name"]
    router = root / package / "app" / "router.py"
    lines = router.read_text().splitlines(keepends=True)
    after = next(
        i for i, line in enumerate(lines) if line.strip() == "from fastapi import APIRouter"
    )
    lines.insert(after + 1, f"from {package}.app.controllers import {name}\n")
    lines.append(f"root_api_router.include_router({name}.router)\n")
    router.write_text("".join(lines))


def committed_original(parent: Path, version: str, name: str = "legacy") -> Path:
    """A project made by the original at template `version`, committed as its user would."""
    root = original_project(parent, version, name)
    run_ok("git", "init", "-q", cwd=root)
    commit_as_user(root, "Made by the original fastapi-mvc")
    return root
