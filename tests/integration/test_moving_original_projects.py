"""Projects made by the original fastapi-mvc, moved onto our template with `fastapi-mvc update
--from-original` (offline: the original's template from ../shared/anchor), then used the way
their new README says: they install, their tests pass at 100% coverage, their controllers answer.

- the original's template 0.6.1, with a controller its own generator made (and the test it
  wrote), and a user's edits: one merged, one in conflict (marked, reported, resolved by hand),
  a module of their own with its test;
- its 0.5.0, with a controller our generator made on it before the move.

The two share one environment: the first is installed with `make install`, the second into the
same environment with pip (`--no-deps`), so the module installs the dependencies once.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from compat_support import ANCHOR, QUIET_OLD_TEMPLATE, committed_original, original_controller
from support import assert_file, commit_as_user, run_ok

pytestmark = [pytest.mark.integration, pytest.mark.filterwarnings(QUIET_OLD_TEMPLATE)]

MOVE = ("update", "--from-original", "--original-template", str(ANCHOR / "copier-project.bundle"))
NOTE = "Deployed by the platform team."
VALUES_NOTE = "# Our cluster pins the image by digest."
# The user's own code, tested the way the project's tests are.
PRICING = '"""Prices of our products."""\n\n\ndef with_tax(net: int) -> int:\n    return net * 2\n'
PRICING_TEST = (
    "from legacy.app.pricing import with_tax\n\n\n"
    "def test_with_tax() -> None:\n    assert with_tax(10) == 20\n"
)
# Run in the project's environment: each request through the application, with its lifespan.
ASK = """
import json, sys
from fastapi.testclient import TestClient
from legacy.app.asgi import get_application

with TestClient(get_application()) as client:
    for method, path in json.loads(sys.argv[1]):
        response = client.request(method, path)
        print(json.dumps([response.status_code, response.json()]))
"""


class Environment:
    """One virtual environment for the module's projects (see the module's docstring)."""

    def __init__(self) -> None:
        self.venv: Path | None = None

    def install(self, project: Path) -> None:
        if self.venv is None:
            run_ok("make", "install", cwd=project, timeout=900)
            self.venv = project / ".venv"
            return
        (project / ".venv").symlink_to(self.venv)
        pip = ("-m", "pip", "install", "-q", "--no-deps", "-e", ".")
        run_ok(project / ".venv" / "bin" / "python", *pip, cwd=project, timeout=600)


@pytest.fixture(scope="module")
def environment() -> Environment:
    return Environment()


# Every step runs through run_ok, so a failure or a timeout keeps what the step printed.
def fastapi_mvc(project: Path, *args: str) -> str:
    """`fastapi-mvc ARGS` in `project`, which must succeed; its report."""
    return run_ok(sys.executable, "-m", "fastapi_mvc", *args, cwd=project, timeout=600).stdout


def passes_its_tests(project: Path) -> None:
    # A test that hangs prints every thread's stack after 5 minutes, so a timeout says where.
    hung = {"PYTEST_ADDOPTS": "-o faulthandler_timeout=300"}
    result = run_ok("make", "test", cwd=project, timeout=900, env=hung)
    output = f"make test:\n{tail(result.stdout)}\n{tail(result.stderr)}"
    assert re.search(r"Total coverage: 100\.00%", result.stdout), output
    assert " passed" in result.stdout and " failed" not in result.stdout, output


def answers(project: Path, *requests: tuple[str, str]) -> list[list[object]]:
    python = project / ".venv" / "bin" / "python"
    result = run_ok(python, "-c", ASK, json.dumps(requests), cwd=project)
    try:
        return [json.loads(line) for line in result.stdout.splitlines()]
    except json.JSONDecodeError:
        output = f"{result.stdout}\n{result.stderr}"
        raise AssertionError(f"not one JSON answer a line:\n{output}") from None


def tail(output: str, lines: int = 80) -> str:
    return "\n".join(output.splitlines()[-lines:])


def test_0_6_1_with_edits_and_the_originals_controller_moves_installs_passes_and_answers(
    environment: Environment, tmp_path: Path
) -> None:
    project = committed_original(tmp_path, "0.6.1")
    original_controller(project, "death_star", {"status": "get", "load": "post"})
    readme = project / "README.md"
    readme.write_text(readme.read_text() + f"\n{NOTE}\n")
    values = project / "charts" / "legacy" / "values.yaml"
    values.write_text(values.read_text() + f"{VALUES_NOTE}\n")
    (project / "legacy" / "app" / "pricing.py").write_text(PRICING)
    (project / "tests" / "unit" / "app" / "test_pricing.py").write_text(PRICING_TEST)
    commit_as_user(project, "Our work")

    report = fastapi_mvc(project, *MOVE)

    assert "conflicts   1  README.md" in report
    assert "import         tests/unit/app/controllers/test_death_star.py" in report
    readme_text = assert_file(readme, r"^<<<<<<< yours$", re.escape(NOTE), r"^>>>>>>> fastapi-mvc")
    assert_file(values, re.escape(VALUES_NOTE), r"^image:")  # merged: ours, with the edit
    assert (project / "legacy" / "app" / "pricing.py").read_text() == PRICING
    # The user resolves the conflict (ours, plus their note) and commits.
    readme.write_text(
        re.sub(r"<<<<<<< yours\n.*?=======\n(.*?)>>>>>>> [^\n]*\n", r"\1", readme_text, flags=re.S)
        + f"\n{NOTE}\n"
    )
    commit_as_user(project, "Moved onto fastapi-mvc's template")

    environment.install(project)
    passes_its_tests(project)
    assert answers(
        project, ("GET", "/api/death_star/status"), ("POST", "/api/death_star/load")
    ) == [
        [200, {"hello": "world"}],
        [200, {"hello": "world"}],
    ]


def test_0_5_0_with_a_controller_of_ours_moves_installs_passes_and_answers(
    environment: Environment, tmp_path: Path
) -> None:
    project = committed_original(tmp_path, "0.5.0")
    fastapi_mvc(project, "generate", "controller", "death_star", "status", "load:post")
    commit_as_user(project, "A controller")

    report = fastapi_mvc(project, *MOVE)

    assert "conflicts   0" in report
    assert_file(
        project / "legacy" / "app" / "router.py",
        r"^root_api_router\.include_router\(death_star\.router\)\n# fastapi-mvc: generated",
    )
    commit_as_user(project, "Moved onto fastapi-mvc's template")
    environment.install(project)
    passes_its_tests(project)
    assert answers(
        project,
        ("GET", "/api/death-star/status"),
        ("POST", "/api/death-star/load"),
        ("GET", "/api/ready"),
    ) == [
        [200, {"action": "status"}],
        [201, {"action": "load"}],
        [200, {"status": "ok"}],
    ]
