"""`new -n` renders our template without copier, and writes what copier writes.

Given the same answers, new_render and copier's run_copy must leave the same folders, the same
bytes, the same modes and the same answers file, for every option of `new`. When copier changes
what it writes (a new default, another answers format), these fail: adapt new_render, or let
copier render again.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import copier
import pytest
import yaml

from fastapi_mvc import new_render, template_versions
from fastapi_mvc.new_project import NewProject
from fastapi_mvc.resources import TEMPLATE_DIR

OPTIONS = [
    {},
    {"skipped": ("redis",)},
    {"skipped": ("jobs",)},
    {"skipped": ("aiohttp", "vagrantfile")},
    {"skipped": ("helm",)},
    {"skipped": ("github_actions",)},
    {"skipped": ("codecov", "nix")},
    {"database": "postgresql"},
    {"database": "none", "skipped": ("redis", "helm", "github_actions", "nix")},
    {"license": "no", "repo_url": "https://example.com/blog"},
    {"license": "Apache2.0"},
]


def snapshot(root: Path) -> dict[str, tuple[str, bytes | None]]:
    """{relative path: (mode, content; None for a folder)} of everything under root."""
    found: dict[str, tuple[str, bytes | None]] = {}
    for folder, folders, files in os.walk(root):
        for name in folders + files:
            path = Path(folder, name)
            content = None if path.is_dir() else path.read_bytes()
            found[path.relative_to(root).as_posix()] = (oct(path.stat().st_mode), content)
    return found


def answers_of(request: NewProject) -> tuple[dict, dict]:
    from fastapi_mvc.copier_questions import questions

    return request.answers(set(questions((TEMPLATE_DIR / "copier.yml").read_text())))


def named(options: dict) -> str:
    words = [f"{key}={value}" for key, value in options.items() if key != "skipped"]
    return "-".join([*words, *sorted(options.get("skipped", ()))]) or "defaults"


@pytest.mark.parametrize("options", OPTIONS, ids=named)
def test_it_writes_what_copier_writes(options: dict, tmp_path: Path) -> None:
    source = template_versions.current_source()
    request = NewProject(
        path=tmp_path / "blog", **{**options, "skipped": frozenset(options.get("skipped", ()))}
    )
    forced, defaults = answers_of(request)
    by_copier, ours = tmp_path / "copier", tmp_path / "ours"
    copier.run_copy(
        source.src_path,
        by_copier,
        vcs_ref=source.vcs_ref,
        data=forced,
        user_defaults=defaults,
        defaults=True,
        quiet=True,
    )
    recorded = yaml.safe_load((by_copier / ".fastapi-mvc.yml").read_text())
    if template_versions.is_release(source.vcs_ref):
        assert recorded["_commit"] == source.vcs_ref  # what `new` passes for a release
    ours.mkdir()

    rendered = new_render.render(
        TEMPLATE_DIR,
        ours,
        data=forced,
        user_defaults=defaults,
        src_path=source.src_path,
        commit=recorded["_commit"],
        quiet=True,
    )

    assert rendered
    expected, got = snapshot(by_copier), snapshot(ours)
    assert sorted(got) == sorted(expected)
    assert [path for path in expected if got[path] != expected[path]] == []


def test_a_validator_that_refuses_is_left_to_copier_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    request = NewProject(path=tmp_path / "blog")
    forced, defaults = answers_of(request)
    source = template_versions.current_source()

    rendered = new_render.render(
        TEMPLATE_DIR,
        tmp_path,
        data={**forced, "package_name": "Not A Package"},
        user_defaults=defaults,
        src_path=source.src_path,
        commit="0.1.0",
        quiet=True,
    )

    assert not rendered
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "change",
    [
        {"database": "mysql"},  # not one of its choices
        {"version": ["1"]},  # no str
        {"project_name": None},  # no str
    ],
)
def test_an_answer_copier_refuses_is_left_to_copier(change: dict, tmp_path: Path) -> None:
    forced, defaults = answers_of(NewProject(path=tmp_path / "blog"))
    rendered = new_render.render(
        TEMPLATE_DIR,
        tmp_path,
        data={**forced, **change},
        user_defaults=defaults,
        src_path="~/x",
        commit="0.1.0",
        quiet=True,
    )
    assert not rendered


def test_a_template_reaching_for_more_of_copier_is_left_to_it(tmp_path: Path) -> None:
    template = tmp_path / "template"
    (template / "project").mkdir(parents=True)
    (template / "copier.yml").write_text(
        "_subdirectory: project\n_envops: {undefined: jinja2.StrictUndefined}\n"
        "name: {type: str, default: x}\n"
    )
    (template / "project" / "where.jinja").write_text("{{ _copier_conf.dst_path }}\n")
    (tmp_path / "out").mkdir()

    def ours() -> bool:
        return new_render.render(
            template,
            tmp_path / "out",
            data={},
            user_defaults={},
            src_path="~/x",
            commit="0.1.0",
            quiet=True,
        )

    assert not ours()  # a name only copier defines
    (template / "project" / "where.jinja").write_text("{{ name }}\n")
    (template / "copier.yml").write_text(
        "_subdirectory: project\n_envops: {undefined: jinja2.StrictUndefined}\n"
        "_tasks: [make]\nname: {type: str, default: x}\n"
    )
    assert not ours()  # a task
    (template / "copier.yml").write_text(
        "_subdirectory: project\n_envops: {undefined: jinja2.StrictUndefined}\n"
        "name: {type: yaml, default: x}\n"
    )
    assert not ours()  # a type it does not know
    assert list((tmp_path / "out").iterdir()) == []


def test_new_asking_nothing_loads_no_copier_nor_typer(tmp_path: Path) -> None:
    """The packaged template is a release (`make release-template` runs before each commit that
    changes it), so `new -n` renders it without copier."""
    probe = (
        "import sys; from fastapi_mvc.cli import main; sys.argv = ['fastapi-mvc', *sys.argv[1:]]\n"
        "try:\n    main()\nfinally:\n    print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'copier', 'questionary', 'plumbum', 'typer', 'pydantic'}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, "new", "-n", "-I", "-q", "--skip-git", "blog"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[]"
    assert (tmp_path / "blog" / ".fastapi-mvc.yml").is_file()
