"""Generators on a real generated and installed project, used the way its README says.

One project is made and installed once (`make install`). Then, as a session: a controller with
six endpoints across methods (one named like a Python builtin, `list`), one with the remaining
methods, a class-based one (`--class`), a project generator, and a use of it; the project's own
tests pass at 100% coverage, black, ruff and mypy accept it, the generator's own tests pass, and
the production server started for real answers every new endpoint with its method (and 405 with
another), its OpenAPI naming each endpoint's view. Then everything is destroyed, and the tree is
as it was before.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from support import REPO_ROOT, free_port, run_tool, source_checksum

pytestmark = pytest.mark.integration

# `list` is named like a Python builtin: its function is `list_`, its path `/list`.
ARTICLES = (
    "articles",
    "index",
    "list",
    "create:post",
    "update:put",
    "tweak:patch",
    "remove:delete",
)
PROBES = ("probes", "check:head", "allowed:options")
COMMENTS = ("--class", "comments", "index", "show", "create:post", "check:head")
# (method, path, expected status, a wrong method for it)
CALLS = [
    ("GET", "/api/articles/index", 200, "POST"),
    ("GET", "/api/articles/list", 200, "DELETE"),
    ("POST", "/api/articles/create", 201, "GET"),
    ("PUT", "/api/articles/update", 200, "DELETE"),
    ("PATCH", "/api/articles/tweak", 200, "PUT"),
    ("DELETE", "/api/articles/remove", 204, "PATCH"),
    ("HEAD", "/api/probes/check", 200, "POST"),
    ("OPTIONS", "/api/probes/allowed", 200, "GET"),
    ("GET", "/api/comments/show", 200, "POST"),
    ("POST", "/api/comments/create", 201, "GET"),
    ("HEAD", "/api/comments/check", 200, "POST"),
]


def sh(*args: str | Path, cwd: Path, timeout: float = 600) -> str:
    """Run a command that must succeed; its output (stdout and stderr together)."""
    environment = {
        **os.environ,
        # The generator's own tests run `fastapi-mvc`: the one of this checkout.
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(REPO_ROOT),
    }
    done = subprocess.run(
        [str(arg) for arg in args],
        cwd=cwd,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
    )
    assert (
        done.returncode == 0
    ), f"{' '.join(map(str, args))} exited {done.returncode}:\n{done.stdout}"
    return done.stdout


def fastapi_mvc(*args: str, cwd: Path) -> str:
    done = run_tool(*args, cwd=cwd, timeout=120)
    assert done.returncode == 0, f"fastapi-mvc {' '.join(args)}:\n{done.stdout}{done.stderr}"
    return done.stderr


def call(method: str, url: str) -> int:
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=5) as reply:
            return reply.status
    except urllib.error.HTTPError as error:
        with error:
            return error.code


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    parent = tmp_path_factory.mktemp("generators")
    done = run_tool("new", "-n", "-I", "blog", cwd=parent, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    project = parent / "blog"
    sh("make", "install", cwd=project, timeout=900)
    return project


def serve_and_call(project: Path, log: Path) -> tuple[dict[tuple[str, str], int], dict[str, Any]]:
    """Start `blog serve` for real, call every endpoint with its method and a wrong one, read its
    OpenAPI schema, stop it."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with log.open("w") as output:
        server = subprocess.Popen(
            [str(project / ".venv" / "bin" / "blog"), "serve", "--bind", f"127.0.0.1:{port}"],
            cwd=project,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, f"serve exited:\n{log.read_text()}"
            try:
                if call("GET", f"{base}/api/ready") == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, f"not ready after 60 s:\n{log.read_text()}"
            time.sleep(0.2)
        answers = {}
        for method, path, _, wrong in CALLS:
            answers[(method, path)] = call(method, base + path)
            answers[(wrong, path)] = call(wrong, base + path)
        with urllib.request.urlopen(f"{base}/openapi.json", timeout=5) as reply:
            return answers, json.load(reply)
    finally:
        os.kill(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
            pytest.fail(f"serve did not stop within 30 s of SIGTERM:\n{log.read_text()}")


def test_generate_use_serve_then_destroy_everything(project: Path, tmp_path: Path) -> None:
    before = source_checksum(project)

    output = fastapi_mvc("generate", "controller", *ARTICLES, cwd=project)
    assert "create  blog/app/controllers/articles.py" in output
    assert "insert  blog/app/router.py" in output
    fastapi_mvc("g", "ctl", *PROBES, cwd=project)
    output = fastapi_mvc("generate", "controller", *COMMENTS, cwd=project)
    assert "create  blog/app/views/comments.py" in output
    fastapi_mvc("generate", "generator", "notifier", cwd=project)
    output = fastapi_mvc("generate", "notifier", "billing", cwd=project)
    assert "create  blog/app/notifiers/billing.py" in output
    assert "identical" in fastapi_mvc("generate", "controller", *ARTICLES, cwd=project)

    tests = sh("make", "test", cwd=project)
    assert "Required test coverage of 100.0% reached" in tests, tests
    generated = sh(
        project / ".venv" / "bin" / "pytest",
        "-q",
        "tests/unit/app/controllers/test_articles.py",
        "tests/unit/app/controllers/test_probes.py",
        "tests/unit/app/controllers/test_comments.py",
        "tests/unit/app/notifiers/test_billing.py",
        cwd=project,
    )
    assert "16 passed" in generated, generated  # 6 + 2 + 4 endpoints, 3 routers, 1 notifier
    sh("make", "metrics", cwd=project)
    sh("make", "typecheck", cwd=project)
    generator_tests = sh(
        sys.executable, "-m", "pytest", "-q", "lib/generators/notifier", cwd=project
    )
    assert "4 passed" in generator_tests, generator_tests

    answers, openapi = serve_and_call(project, tmp_path / "serve.log")
    for method, path, status, wrong in CALLS:
        assert answers[(method, path)] == status, (method, path, answers)
        assert answers[(wrong, path)] == 405, (wrong, path, answers)
    for path, method, status, view in (
        ("/api/articles/list", "get", "200", "ArticlesListResponse"),
        ("/api/probes/allowed", "options", "200", "ProbesAllowedResponse"),
        ("/api/comments/create", "post", "201", "CommentsCreateResponse"),
    ):
        answer = openapi["paths"][path][method]["responses"][status]["content"]
        assert answer["application/json"]["schema"] == {"$ref": f"#/components/schemas/{view}"}

    fastapi_mvc("destroy", "notifier", "billing", cwd=project)
    fastapi_mvc("destroy", "generator", "notifier", cwd=project)
    fastapi_mvc("d", "ctl", *PROBES, cwd=project)
    fastapi_mvc("destroy", "controller", "comments", cwd=project)
    output = fastapi_mvc("destroy", "controller", "articles", cwd=project)  # the name is enough
    assert "revoke  blog/app/router.py" in output
    assert source_checksum(project) == before
