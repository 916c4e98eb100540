"""The template's background jobs, rendered without installing: on by default, off with
--skip-jobs or without Redis (their broker), and then not a trace of them."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from support import assert_file, assert_no_file, new_project

JOB_FILES = [
    "demo/app/jobs/__init__.py",
    "demo/app/jobs/broker.py",
    "demo/app/jobs/primes.py",
    "demo/app/jobs/waiting.py",
    "demo/app/controllers/primes.py",
    "demo/app/views/primes.py",
    "demo/config/jobs.py",
    "demo/cli/worker.py",
    "tests/unit/app/jobs/test_broker.py",
    "tests/unit/app/jobs/test_primes.py",
    "tests/unit/app/jobs/test_waiting.py",
    "tests/unit/app/controllers/test_primes.py",
    "tests/unit/app/controllers/test_ready_jobs.py",
    "tests/unit/config/test_jobs.py",
    "tests/unit/cli/test_worker.py",
    "docs/jobs.rst",
    "charts/demo/templates/_worker.tpl",
    "charts/demo/templates/worker-deployment.yaml",
    "charts/demo/templates/worker-hpa.yaml",
]


def answers(project: Path) -> dict[str, object]:
    return yaml.safe_load((project / ".fastapi-mvc.yml").read_text())


@pytest.fixture(scope="module")
def renders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    flags = {"default": (), "skip-jobs": ("--skip-jobs",), "skip-redis": ("--skip-redis",)}
    return {
        name: new_project(tmp_path_factory.mktemp(name), "demo", "--skip-git", *extra)
        for name, extra in flags.items()
    }


def test_a_new_project_has_jobs_and_a_worker(renders: dict[str, Path]) -> None:
    project = renders["default"]
    assert answers(project)["jobs"] is True
    for path in JOB_FILES:
        assert (project / path).is_file(), path
    assert_file(
        project / "pyproject.toml", r'^    "taskiq>=0\.13",$', r'^    "taskiq-redis>=1\.2",$'
    )
    assert_file(project / "demo/cli/cli.py", r'^    "worker",$')
    assert_file(
        project / "demo/app/router.py", r"^root_api_router\.include_router\(primes\.router\)$"
    )
    assert_file(
        project / "demo/app/asgi.py",
        r"^        await stack\.enter_async_context\(running\(broker\)\)$",
    )
    assert_file(
        project / "demo/app/controllers/ready.py", r"problem = await broker_problem\(broker\)"
    )
    assert_file(
        project / "tests/conftest.py",
        r'^os\.environ\.setdefault\("FASTAPI_JOBS_BROKER_URL", "memory://"\)$',
    )
    assert_file(project / "Makefile", r"^worker: \$\(INSTALLED\)")
    values = yaml.safe_load((project / "charts/demo/values.yaml").read_text())
    assert values["worker"]["enabled"] is True
    assert values["env"]["FASTAPI_JOBS_BROKER_URL"].startswith("redis://")


@pytest.mark.parametrize("variant", ["skip-jobs", "skip-redis"])
def test_without_jobs_not_a_trace_of_them(renders: dict[str, Path], variant: str) -> None:
    project = renders[variant]
    assert answers(project).get("jobs", False) is False
    for path in JOB_FILES:
        assert_no_file(project / path)
    for path in project.rglob("*"):
        if path.is_file() and ".git" not in path.parts:
            text = path.read_text(errors="replace")
            assert "taskiq" not in text and "FASTAPI_JOBS" not in text, path
            assert "app.jobs" not in text and "primes" not in text, path


def test_the_jobs_question_follows_redis(renders: dict[str, Path]) -> None:
    assert answers(renders["skip-redis"])["redis"] is False
    assert answers(renders["skip-jobs"])["redis"] is True
