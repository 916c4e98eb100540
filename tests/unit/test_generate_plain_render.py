"""The simple builtin generators render with Jinja alone, byte for byte as copier renders them,
and `generate controller` never imports copier (its import alone outweighs the whole run)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import copier
import pytest

from fastapi_mvc.generating import plain_render
from fastapi_mvc.generating.commandline import parse
from fastapi_mvc.generating.discovery import discover
from fastapi_mvc.generating.invocation import invoke

COMMAND_LINES = {
    "controller": [
        ["BlogPosts", "index", "show", "create:post", "remove:delete", "ping:head"],
        ["article", "--skip-routes"],
    ],
    "script": [["deploy.sh"], ["deploy.sh", "--use-nix"]],
    "job": [["send_welcome_mail", "to", "count:int", "--retries", "2", "--timeout", "30"]],
}


def rendered_by_copier(path: Path, data: dict, into: Path) -> dict[str, tuple[bytes, bool]]:
    """What the runner rendered before plain_render: copier's run_copy into a scratch folder."""
    copier.run_copy(
        str(path), into, data=data, defaults=True, quiet=True, unsafe=False, vcs_ref="HEAD"
    )
    return {
        file.relative_to(into).as_posix(): (file.read_bytes(), file.read_bytes()[:2] == b"#!")
        for file in sorted(into.rglob("*"))
        if file.is_file()
    }


@pytest.mark.parametrize(
    ("name", "argv"),
    [(name, argv) for name, lines in COMMAND_LINES.items() for argv in lines],
)
def test_renders_as_copier_does(project: Path, tmp_path: Path, name: str, argv: list[str]) -> None:
    generator = discover(project).get(name)
    parsed = parse(generator, argv, f"fastapi-mvc generate {name}")
    invocation = invoke(generator, parsed.arguments, parsed.options, cwd=project)

    plain = plain_render.render(generator.path, invocation.data)

    assert plain is not None, f"{name} needs copier: its copier.yml left the simple subset"
    assert plain
    assert plain == rendered_by_copier(generator.path, invocation.data, tmp_path / "copier")


def test_a_generator_with_exclusions_is_left_to_copier(project: Path) -> None:
    generator = discover(project).get("model")
    assert plain_render.render(generator.path, {}) is None


def test_a_name_only_copier_knows_hands_the_run_to_copier(tmp_path: Path) -> None:
    generator = tmp_path / "uses_copier"
    (generator / "templates").mkdir(parents=True)
    (generator / "copier.yml").write_text(
        "_subdirectory: templates\n_envops:\n  undefined: jinja2.StrictUndefined\n"
    )
    (generator / "templates" / "conf.txt.jinja").write_text("{{ _copier_conf.dst_path }}\n")
    assert plain_render.render(generator, {}) is None


def test_generate_controller_does_not_import_copier(project: Path) -> None:
    command = ("generate", "controller", "articles", "index", "create:post")
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "fastapi_mvc", *command],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    )
    imported = {line.rpartition("|")[2].strip() for line in done.stderr.splitlines()}
    assert "create  demo/app/controllers/articles.py" in done.stderr  # statuses go there
    assert "copier" not in imported
