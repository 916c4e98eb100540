"""Names that break quoting: every artifact still parses, and says exactly what was given.

The template is rendered through copier's API with an author, email, description and repository
URL full of quotes, backslashes, `$`, backticks, Jinja and reStructuredText markup and a newline,
then every parser the artifacts meet runs on the result. The CLI refuses such a --repo-url
before anything is written; that side is checked here too.
"""

from __future__ import annotations

import json
import os
import py_compile
import runpy
from pathlib import Path

import copier
import pytest
import tomllib
import yaml
from support import REPO_ROOT, run_cli, run_ok, sphinx_build, tool

pytestmark = pytest.mark.integration

AUTHOR = 'Seán O\'Brien "The $HOME" \\ ${PATH} `id` $(id) #1: {{ x }}'
EMAIL = 'o\'brien+"$x"\\y@example.com'
DESCRIPTION = (
    'It\'s "quoted": \\back\\slash\\, $dollar ${interp} `tick` $(cmd) *star* _under_ |pipe| '
    "{{ braces }} {% tag %} # hash\nsecond line: - dash"
)
REPO_URL = 'https://example.com/o\'brien/"repo"$x\\y'


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    destination = tmp_path_factory.mktemp("quoting") / "demo"
    copier.run_copy(
        str(REPO_ROOT / "template"),
        destination,
        data={
            "project_name": "demo",
            "author": AUTHOR,
            "email": EMAIL,
            "project_description": DESCRIPTION,
            "repo_url": REPO_URL,
        },
        defaults=True,
        unsafe=False,
        quiet=True,
        vcs_ref="HEAD",
    )
    return destination


def test_answers_and_yaml(project):
    assert yaml.safe_load((project / ".fastapi-mvc.yml").read_text())["author"] == AUTHOR
    documents = [
        path
        for path in project.rglob("*")
        if path.suffix in (".yml", ".yaml") and "templates" not in path.parts
    ]
    assert len(documents) >= 8
    for path in documents:
        list(yaml.safe_load_all(path.read_text()))
    chart = yaml.safe_load((project / "charts/demo/Chart.yaml").read_text())
    assert chart["description"] == DESCRIPTION
    assert chart["maintainers"] == [{"name": AUTHOR}]  # an invalid email is left out
    assert "home" not in chart  # so is a URL helm lint would refuse
    run_ok(tool("yamllint"), "--strict", "-c", ".yamllint", ".", cwd=project)


def test_toml_and_json(project):
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())["project"]
    assert pyproject["authors"] == [{"name": AUTHOR, "email": EMAIL}]
    assert pyproject["description"] == DESCRIPTION
    assert pyproject["urls"]["Repository"] == REPO_URL
    for path in (project / "charts/demo/values.schema.json", project / "flake.lock"):
        json.loads(path.read_text())


def test_nix(project):
    for path in sorted(project.glob("*.nix")):
        run_ok(tool("nix-instantiate"), "--parse", path, env={"HOME": str(project)})
    # The expressions read the metadata from pyproject.toml, character for character.
    result = run_ok(
        tool("nix-instantiate"),
        "--eval",
        "--strict",
        "--json",
        "-E",
        "let r = import ./pyproject.nix { python3Packages = { }; }; in "
        "{ inherit (r) description homepage; }",
        cwd=project,
        env={"NIX_PATH": "", "HOME": str(project)},
    )
    assert json.loads(result.stdout) == {"description": DESCRIPTION, "homepage": REPO_URL}


def test_helm(project, tmp_path):
    env = {"HOME": str(tmp_path)}
    run_ok(tool("helm"), "lint", "--strict", "charts/demo", cwd=project, env=env)
    rendered = run_ok(
        tool("helm"),
        "template",
        "rel",
        "charts/demo",
        "--set",
        "ingress.enabled=true",
        cwd=project,
        env=env,
    ).stdout
    run_ok(tool("kubernetes-validate"), "--strict", "-", input=rendered)


def test_shell_docker_and_workflows(project):
    scripts = sorted(project.rglob("*.sh"))
    assert len(scripts) >= 2
    run_ok(tool("shellcheck"), *scripts, cwd=project)
    for script in scripts:
        run_ok("bash", "-n", script)
    run_ok(tool("hadolint"), project / "Dockerfile")
    workflows = sorted((project / ".github/workflows").glob("*.yml"))
    run_ok(tool("actionlint"), *workflows, cwd=project)
    run_ok(tool("ruby"), "-c", project / "Vagrantfile")


def test_python_and_docs(project, installed_project, tmp_path):
    for path in project.rglob("*.py"):
        py_compile.compile(str(path), cfile=str(tmp_path / "x.pyc"), doraise=True)
    conf = runpy.run_path(str(project / "docs/conf.py"))
    assert conf["author"] == AUTHOR
    assert conf["copyright"].endswith(", " + AUTHOR)
    # sphinx-build -W with the installed default project's environment (the package is `demo`).
    sphinx_build(installed_project, project, "text", tmp_path / "text")
    index = " ".join((tmp_path / "text" / "index.txt").read_text().split())
    assert " ".join(DESCRIPTION.split()) in index  # no character of it was taken for markup


def test_cli_refuses_a_repo_url_that_would_need_quoting(tmp_path):
    for url in (
        'https://example.com/"repo"',
        "https://example.com/$x",
        "https://example.com/a\\b",
        "https://example.com/a b",
        "https://example.com/a\nb",
        "https://example.com/it's",
    ):
        result = run_cli(
            "new", "-n", "-I", "-q", "--skip-git", "--repo-url", url, str(tmp_path / "app")
        )
        assert result.exit_code == 2, (url, result.output)
        assert "--repo-url" in result.output
        assert not (tmp_path / "app").exists()
    assert not os.listdir(tmp_path)
