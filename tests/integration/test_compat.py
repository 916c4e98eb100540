"""The original fastapi-mvc's command lines (its docs, tests and workflows; the ids are those of
../shared/findings/compat.md), run under us offline. Each row says what it is now:

- SAME: works as the original documented (wording may differ);
- ON_PURPOSE: differs on purpose, and docs/coming-from-the-original.md lists it under its id;
- FIXED: was missing or broken under us, works now;
- NOT_YET: still not supported; fails with one line that names what to do instead.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from compat_support import (
    ANCHOR,
    QUIET_OLD_TEMPLATE,
    committed_original,
    original_generator,
    original_project,
)
from support import REPO_ROOT, assert_file, free_port, new_project, run_ok, run_tool

pytestmark = [pytest.mark.integration, pytest.mark.filterwarnings(QUIET_OLD_TEMPLATE)]

SAME, ON_PURPOSE, FIXED, NOT_YET = "same", "different on purpose", "fixed", "not yet"
GUIDE = REPO_ROOT / "docs" / "coming-from-the-original.md"


@dataclass(frozen=True)
class Case:
    id: str
    argv: tuple[str, ...]
    where: str  # outside | project | original | generators
    rc: int
    shows: str = ""
    verdict: str = SAME
    env: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.id} {' '.join(self.argv)}"


def case(id: str, line: str, where: str, rc: int, shows: str = "", verdict: str = SAME, **env):
    return Case(id, tuple(line.split()), where, rc, shows, verdict, env)


BUNDLE = "{anchor}/copier-project.bundle"
MOVE = "update --from-original"
TABLE = [
    # A: the root command and its aliases
    case("A01", "", "outside", 2, "Usage:", ON_PURPOSE),
    case("A02", "--help", "outside", 0, "generate"),
    case("A03", "--not_exists", "outside", 2, "No such option"),
    case("A04", "--verbose new --help", "outside", 0, "--license"),
    case("A05", "new --help", "outside", 0, "--use-version"),
    case("A06", "--verbose run --help", "outside", 0, "--port"),
    case("A07", "run --help", "outside", 0, "--host"),
    case("A08", "n --help", "outside", 0, "--skip-install"),
    case("A09", "r --help", "outside", 0, "--port"),
    case("A10", "g --help", "outside", 0, "controller"),
    case("A12", "-v run --help", "outside", 0, "--port"),
    case("A13", "u --help", "outside", 0, "--use-version"),
    case("A15", "update --help", "outside", 0, "--pretend"),
    # B: `generate`, user generators written for the original, FMVC_PATH
    case("B01", "generate --help", "generators", 0, "foobar (foo)", FIXED),
    case("B02", "generate --not_exists", "project", 2),
    case("B03", "generate controller --help", "project", 0, "ENDPOINT"),
    case("B04", "generate ctl --help", "project", 0, "ENDPOINT"),
    case("B05", "generate generator --help", "project", 0, "--skip-nix"),
    case("B06", "generate gen --help", "project", 0, "--skip-nix"),
    case("B07", "generate foobar --help", "generators", 0, "Creates a dummy", FIXED),
    case("B08", "generate foo --help", "generators", 0, "Creates a dummy", FIXED),
    case("B09", "generate my-controller --help", "generators", 0, "Makes my controller", FIXED),
    case("B10", "generate my-ctl --help", "generators", 0, "Makes my controller", FIXED),
    case("B11", "generate notexist --help", "project", 2, "unknown generator 'notexist'"),
    case("B12", "generate", "project", 0, "controller"),
    case("B15", "generate script --help", "project", 0, "NAME"),
    case("B16", "g ss --help", "project", 0, "NAME"),
    case("B17", "generate", "project", 0, "foobar (foo)", FIXED, FMVC_PATH="{shared}"),
    case("B18", "generate foobar johndoe", "generators", 0, "hello_world.py", FIXED),
    case("B19", "g foo WORLD", "project", 0, "hello_world.py", FIXED, FMVC_PATH="{shared}"),
    # C, D, E: the builtin generators
    case("C01", "generate controller fake-controller", "project", 0, "app/router.py"),
    case("C03", "generate controller fake-controller --skip-routes", "project", 0),
    case(
        "C04", "generate controller fake-controller", "outside", 2, "not a fastapi-mvc", ON_PURPOSE
    ),
    case("C05", "generate controller --not_exists", "project", 2),
    case("C07", "g ctl stock_market ticker buy:post sell:delete", "project", 0, "stock_market"),
    # The README's controller, served as the original served it (answers: see the test below)
    case(
        "C08",
        "generate controller --original-api death_star status load:post fire:delete",
        "original",
        0,
        "death_star.py",
        FIXED,
    ),
    case("D03", "generate generator fake-generator", "outside", 2, "not a fastapi-mvc", ON_PURPOSE),
    case("D04", "generate generator --not_exists", "project", 2),
    case("D08", "g gen awesome", "project", 0, "awesome"),
    case("E01", "generate script fake-script.sh", "project", 0, "fake-script.sh"),
    case("E05", "generate script --not_exists", "project", 2),
    case("E06", "g ss example.sh", "project", 0, "example.sh"),
    # F, G, H: new, run, update
    case("F02", "new --not_exists", "outside", 2),
    case("F12", "new -n -I --use-version 0.1.0 old", "outside", 2, "original", ON_PURPOSE),
    case("F12b", "new -n -I --use-version master newest", "outside", 0, "Created", FIXED),
    case(
        "F05b",
        f"new -n -I --use-repo {BUNDLE} --use-version 0.1.0 old",
        "outside",
        2,
        MOVE,
        ON_PURPOSE,
    ),
    case(
        "F10",
        f"new -I -n --use-repo {BUNDLE} --use-version master test-project",
        "outside",
        2,
        MOVE,
        ON_PURPOSE,
    ),
    case("F13", "new -n -I --use-version 119ce05 old", "outside", 2, "use one of", ON_PURPOSE),
    case("G02", "run --not_exists", "outside", 2),
    case("G03", "run", "outside", 2, "not a fastapi-mvc", ON_PURPOSE),
    case("G04", "run", "original", 2, "not installed yet", ON_PURPOSE),
    case("H02", "update --not_exists", "outside", 2),
    case("H04", "update -n -p --use-version master", "project", 0, "template version", FIXED),
    case("H05", "update", "outside", 2, "not a fastapi-mvc", ON_PURPOSE),
    # M: ours on a project the original made (copier-project 0.6.1)
    case("M01", "generate controller death_star status load:post", "original", 0, "marker", FIXED),
    case("M03", "update -n", "original", 2, "update --from-original", ON_PURPOSE),
    case("M06", "generate script s.sh", "original", 0, "s.sh"),
    case("M07", "update -n --use-version 0.30.0", "original", 2, "--from-original", ON_PURPOSE),
    case(
        "M08",
        "update --from-original --original-template {anchor}/copier-project.bundle",
        "original",
        0,
        "Moved from the original's template 0.6.1",
        FIXED,
    ),
]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One of each place a command line runs in, made once; each case gets a copy."""
    base = tmp_path_factory.mktemp("compat")
    ours = new_project(base / "ours", "demo")
    with_generators = new_project(base / "with-generators", "demo", "--skip-git")
    original_generator(with_generators / "lib" / "generators" / "foobar", "foobar")
    original_generator(base / "shared" / "foobar", "foobar")
    hand_written_generator(with_generators / "lib" / "generators" / "my_controller")
    original = committed_original(base / "original", "0.6.1")
    return {"project": ours, "generators": with_generators, "original": original, "base": base}


# A generator in the original's format as its docs describe writing one by hand: click name
# `my-controller` (from the function), folder `my_controller`, an alias, hidden from its listing.
HAND_WRITTEN = {
    "__init__.py": "from .my_controller import my_controller\n\ngenerator = my_controller\n",
    "my_controller.py": (
        "import click\n"
        "from fastapi_mvc.cli import GeneratorCommand\n\n\n"
        '@click.command(cls=GeneratorCommand, alias="my-ctl", hidden=True, '
        'help="Makes my controller.")\n'
        '@click.argument("NAME")\n'
        "def my_controller(name: str) -> None:\n"
        '    click.echo(f"my controller {name}")\n'
    ),
}


def hand_written_generator(folder: Path) -> None:
    folder.mkdir(parents=True)
    for name, text in HAND_WRITTEN.items():
        (folder / name).write_text(text)


def place(pristine: dict[str, Path], where: str, tmp_path: Path) -> Path:
    if where == "outside":
        return tmp_path
    return Path(shutil.copytree(pristine[where], tmp_path / pristine[where].name, symlinks=True))


@pytest.mark.parametrize("row", TABLE, ids=str)
def test_the_original_command_line(row: Case, pristine: dict[str, Path], tmp_path: Path) -> None:
    cwd = place(pristine, row.where, tmp_path)
    env = {k: v.format(shared=pristine["base"] / "shared") for k, v in row.env.items()}
    argv = [arg.format(anchor=ANCHOR) for arg in row.argv]
    result = run_tool(*argv, cwd=cwd, env=env, timeout=300)
    output = result.stdout + result.stderr
    assert result.returncode == row.rc, output
    assert row.shows in output, output
    if row.rc != 0:
        errors = [line for line in result.stderr.splitlines() if line.startswith("Error")]
        assert len(errors) <= 1 and "Traceback" not in output, output
    if row.verdict == ON_PURPOSE:
        assert re.search(rf"\(([A-Z]\d\d, )*{row.id}\b", GUIDE.read_text()), row.id


def test_the_table_covers_every_verdict() -> None:
    """Every row has a verdict of the four; all but NOT_YET are in use (none is left now)."""
    counts = {
        verdict: sum(row.verdict == verdict for row in TABLE)
        for verdict in (SAME, ON_PURPOSE, FIXED, NOT_YET)
    }
    assert sum(counts.values()) == len(TABLE), counts
    assert counts[SAME] and counts[ON_PURPOSE] and counts[FIXED], counts
    assert len({row.id for row in TABLE}) == len(TABLE)


def test_a_generator_written_for_the_original_renders_its_file(
    pristine: dict[str, Path], tmp_path: Path
) -> None:
    project = place(pristine, "generators", tmp_path)
    run_ok(sys.executable, "-m", "fastapi_mvc", "generate", "foobar", "johndoe", cwd=project)
    assert_file(project / "demo" / "hello_world.py", r'print\("Hello johndoe!"\)')


def test_a_project_made_by_the_original_in_its_poetry_env_gets_a_controller_that_answers(
    tmp_path: Path,
) -> None:
    """M01 + M05 + G09: Poetry's environment outside the project, found by Poetry's own rule;
    C08: the README's controller keeps the original's URLs and answers with --original-api."""
    project = original_project(tmp_path, "0.6.1")
    envs = tmp_path / "poetry-envs"
    env = {
        "POETRY_VIRTUALENVS_PATH": str(envs),
        "POETRY_BINARY": "",
        "PATH": _path_without_poetry(),
    }
    name = _poetry_env_name(project)
    run_ok(sys.executable, "-m", "venv", envs / name)
    run_ok(
        envs / name / "bin" / "python",
        "-m",
        "pip",
        "install",
        "-q",
        "-e",
        ".",
        cwd=project,
        timeout=900,
    )
    generated = run_tool("g", "controller", "star_fleet", "status", cwd=project, env=env)
    assert generated.returncode == 0, generated.stderr
    readme = ("death_star", "status", "load:post", "fire:delete")
    generated = run_tool("g", "controller", "--original-api", *readme, cwd=project, env=env)
    assert generated.returncode == 0, generated.stderr
    routes = run_tool("routes", cwd=project, env=env)
    assert routes.returncode == 0, routes.stderr
    assert "/api/star-fleet/status" in routes.stdout  # kebab-case, on purpose (C08)
    assert "/api/death_star/status" in routes.stdout
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "fastapi_mvc", "run", "--port", str(port)],
        cwd=project,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert _answer(port, "GET", "/api/ready", server) == (200, {"status": "ok"})
        assert _answer(port, "GET", "/api/star-fleet/status", server) == (
            200,
            {"action": "status"},
        )
        # The original's README: curl each endpoint, 200 {"hello": "world"} from all three.
        for method, path in (("GET", "status"), ("POST", "load"), ("DELETE", "fire")):
            answer = _answer(port, method, f"/api/death_star/{path}", server)
            assert answer == (200, {"hello": "world"}), (method, path)
    finally:
        os.kill(server.pid, signal.SIGTERM)
        server.communicate(timeout=30)


def _poetry_env_name(project: Path) -> str:
    import base64
    import hashlib

    digest = hashlib.sha256(os.path.realpath(project).encode()).digest()
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    return f"{project.name}-{base64.urlsafe_b64encode(digest).decode()[:8]}-py{version}"


def _path_without_poetry() -> str:
    """PATH without any `poetry`, so the naming rule is what finds the environment."""
    return os.pathsep.join(
        entry
        for entry in os.environ["PATH"].split(os.pathsep)
        if not (Path(entry) / "poetry").exists()
    )


def _answer(port: int, method: str, path: str, server: subprocess.Popen) -> tuple[int, object]:
    """(status, JSON body) of one request, once the server answers."""
    deadline = time.monotonic() + 60
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method)
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(request, timeout=2) as reply:
                return reply.status, json.load(reply)
        except OSError:
            assert server.poll() is None, server.stdout.read() if server.stdout else ""
            time.sleep(0.2)
    raise AssertionError(f"{path} did not answer within 60 s")
