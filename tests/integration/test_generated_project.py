"""Generated projects, installed and run exactly as their README says.

Two renders: every feature on, and every feature skipped. Each is installed once (module-scoped
fixtures) with its own Makefile: `make install`, or, for the bare one, the first `make metrics`
of a fresh checkout, which installs first. Then: its test suite passes at 100% coverage, black,
ruff and mypy --strict accept it, and its production server (`<script> serve`, gunicorn with
uvicorn workers) really starts, answers `/api/ready` over HTTP and stops with exit code 0 on
SIGTERM. With Redis, a real redis-server proves the readiness check both ways: ready while it
runs, 502 as soon as it stops, while `/api/live` (the liveness probe) still answers 200.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from support import alive, free_port, run_tool, start_redis, stop_process

pytestmark = pytest.mark.integration

SKIP_EVERYTHING = ("-R", "-A", "-H", "-G", "-N", "-V", "-C", "--database", "none")


def _run(args: list[str], cwd: Path, timeout: float, env: dict[str, str] | None = None) -> str:
    """Run a command that must succeed; return its output (stdout and stderr together)."""
    result = subprocess.run(
        args,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, f"{' '.join(args)} exited {result.returncode}:\n{result.stdout}"
    return result.stdout


def _render(parent: Path, name: str, *flags: str) -> Path:
    """`fastapi-mvc new` as a user runs it, without installing."""
    project = parent / name
    result = run_tool("new", "-n", "-I", "--skip-git", *flags, str(project), timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return project


def _make_project(parent: Path, name: str, *flags: str) -> Path:
    """`fastapi-mvc new` as a user runs it, then the project's own `make install`."""
    project = _render(parent, name, *flags)
    _run(["make", "install"], cwd=project, timeout=900)
    return project


@pytest.fixture(scope="module")
def full_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every feature on (Redis and aiohttp included); the name exercises name conversions."""
    return _make_project(tmp_path_factory.mktemp("full"), "shop-api")


@pytest.fixture(scope="module")
def bare_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every `--skip-*` option given, and no database; installed as a fresh checkout is: by the
    first make target that needs the environment (here `make metrics`, which then passes)."""
    project = _render(tmp_path_factory.mktemp("bare"), "bare", *SKIP_EVERYTHING)
    output = _run(["make", "metrics"], cwd=project, timeout=900)
    assert output.index("pip install -e . --group dev") < output.index("black --check"), output
    return project


@pytest.fixture(params=["full_project", "bare_project"])
def project(request: pytest.FixtureRequest) -> Path:
    return request.getfixturevalue(request.param)


def _script(project: Path) -> Path:
    """The project's console script, as installed into its .venv."""
    return project / ".venv" / "bin" / project.name


def _get(url: str, timeout: float = 5) -> tuple[int, dict]:
    """GET url; (status, JSON body), error statuses included."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as reply:
            return reply.status, json.load(reply)
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.load(error)


def _wait_until_ready(url: str, died: Callable[[], str | None], deadline: float = 60) -> None:
    """Poll url until it answers 200 {"status": "ok"}; fail if `died()` says why, or on time."""
    end = time.monotonic() + deadline
    last: object = None
    while time.monotonic() < end:
        reason = died()
        assert reason is None, reason
        try:
            last = _get(url, timeout=2)
            if last == (200, {"status": "ok"}):
                return
        except OSError as error:  # not listening yet
            last = error
        time.sleep(0.2)
    pytest.fail(f"{url} not ready after {deadline}s (last: {last!r})")


@contextlib.contextmanager
def _serving(project: Path, tmp_path: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    """`<script> serve --bind 127.0.0.1:<port>` as a real process; yields the base URL.

    On leaving, the server must stop with exit code 0 within 30 s of SIGTERM.
    """
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [str(_script(project)), "serve", "--bind", f"127.0.0.1:{port}"],
            cwd=project,
            env={**os.environ, **(env or {})},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_until_ready(
            f"{base}/api/ready",
            lambda: None if server.poll() is None else f"serve exited:\n{log.read_text()}",
        )
        yield base
        os.kill(server.pid, signal.SIGTERM)
        try:
            code = server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pytest.fail(f"serve did not stop within 30s of SIGTERM:\n{log.read_text()}")
        assert code == 0, f"serve exited {code} after SIGTERM:\n{log.read_text()}"
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(timeout=10)


@contextlib.contextmanager
def _redis_server(tmp_path: Path) -> Iterator[tuple[int, subprocess.Popen]]:
    """A real, throw-away redis-server on a free loopback port; stopped by its PID."""
    port = free_port()
    redis = start_redis(port, tmp_path / "redis")
    try:
        yield port, redis
    finally:
        stop_process(redis)


def test_make_test_passes_with_full_coverage(project: Path) -> None:
    # A test that hangs prints every thread's stack after 5 minutes, so a timeout says where.
    hung = {"PYTEST_ADDOPTS": "-o faulthandler_timeout=300"}
    output = _run(["make", "test"], cwd=project, timeout=900, env=hung)
    assert "Required test coverage of 100.0% reached" in output, output


def test_black_and_ruff_accept_the_project(project: Path) -> None:
    _run([".venv/bin/black", "--check", "."], cwd=project, timeout=120)
    _run([".venv/bin/ruff", "check", "."], cwd=project, timeout=120)


def test_make_typecheck_passes(project: Path) -> None:
    output = _run(["make", "typecheck"], cwd=project, timeout=600)
    assert "Success: no issues found" in output, output


def test_make_help_lists_every_target(project: Path) -> None:
    output = _run(["make", "help"], cwd=project, timeout=30)
    targets = ["install", "run", "test", "unit-test", "integration-test", "coverage", "metrics"]
    targets += ["typecheck", "docs", "image", "clean", "help"]
    # The original fastapi-mvc's targets that users script against.
    targets += ["show-version", "build", "mypy"]
    package = project / project.name.replace("-", "_")
    if (package / "app" / "utils" / "redis.py").exists():
        targets.append("dev-env")
    if (package / "app" / "jobs").is_dir():
        targets.append("worker")
    listed = {line.split()[0] for line in output.splitlines()[1:] if line.startswith("  ")}
    # The database's own tasks (db-migrate, ...) come with a database.
    assert {target for target in listed if not target.startswith("db-")} == set(targets), output


def test_serve_answers_ready_and_stops_on_sigterm(project: Path, tmp_path: Path) -> None:
    with _serving(project, tmp_path) as base:
        assert _get(f"{base}/api/ready") == (200, {"status": "ok"})
        status, body = _get(f"{base}/api/nowhere")
        assert status == 404
        assert body["error"]["status"] == "NOT_FOUND"


def test_serve_daemon_writes_its_pid_and_stops_on_sigterm(project: Path, tmp_path: Path) -> None:
    port = free_port()
    pidfile = tmp_path / "serve.pid"
    errorlog = tmp_path / "error.log"
    args = [str(_script(project)), "serve", "-D", "--pid", str(pidfile)]
    args += ["--bind", f"127.0.0.1:{port}", "-w", "1", "-e", "FASTAPI_PROJECT_NAME=from-env"]
    # The command returns once the master has detached; its log goes to a file.
    _run(args, cwd=project, timeout=60, env={"FASTAPI_ERRORLOG": str(errorlog)})
    end = time.monotonic() + 60
    while not pidfile.exists() or not pidfile.read_text().strip():
        assert time.monotonic() < end, "the daemon wrote no pid file within 60s"
        time.sleep(0.1)
    pid = int(pidfile.read_text())
    try:
        _wait_until_ready(
            f"http://127.0.0.1:{port}/api/ready",
            lambda: None if alive(pid) else f"the daemon died:\n{errorlog.read_text()}",
        )
        status, schema = _get(f"http://127.0.0.1:{port}/openapi.json")
        assert status == 200
        assert schema["info"]["title"] == "from-env", "--env did not reach the application"
    finally:
        os.kill(pid, signal.SIGTERM)
        end = time.monotonic() + 30
        while alive(pid) and time.monotonic() < end:
            time.sleep(0.1)
        if alive(pid):
            os.kill(pid, signal.SIGKILL)
            pytest.fail(f"the daemon did not stop within 30s of SIGTERM:\n{errorlog.read_text()}")
    assert not pidfile.exists(), "gunicorn removes its pid file when it stops"


def test_serve_checks_a_real_redis(full_project: Path, tmp_path: Path) -> None:
    with _redis_server(tmp_path) as (redis_port, redis):
        env = {"FASTAPI_USE_REDIS": "true", "FASTAPI_REDIS_PORT": str(redis_port)}
        with _serving(full_project, tmp_path, env) as base:
            assert _get(f"{base}/api/ready") == (200, {"status": "ok"})
            redis.terminate()
            redis.wait(timeout=10)
            started = time.monotonic()
            status, body = _get(f"{base}/api/ready")
            elapsed = time.monotonic() - started
            assert status == 502
            # Liveness does not depend on Redis (the chart's livenessProbe).
            assert _get(f"{base}/api/live") == (200, {"status": "ok"})
            assert body == {
                "error": {
                    "code": 502,
                    "status": "BAD_GATEWAY",
                    "message": "Could not connect to Redis.",
                    "details": [],
                }
            }
            assert elapsed < 3, f"502 took {elapsed:.1f}s; FASTAPI_REDIS_TIMEOUT is 1s"
