"""Scaffolds on a real generated and installed project (SQLite), used the way a Rails user would.

One project is made and installed once. Then, as a session: two scaffolds, an article that
`references` its author; `fastapi-mvc db migrate`; the project's own `make test` at 100% line
and branch coverage, with black, ruff and mypy clean; the real server (gunicorn, 2 workers)
answers the whole CRUD cycle through HTTP, paging, sorting and filtering included, and
schemathesis finds no 500 and no answer that breaks the live OpenAPI schema; rolled back and
destroyed, the tree is as it was before.

The models have no timestamps: SQLite gives `created_at` back without its zone, which the
schema's `date-time` does not allow (a data-layer finding, see the session's report).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support import free_port, run_tool, source_checksum, stop_process, tool

pytestmark = pytest.mark.integration

SCAFFOLDS = [
    ("Author", "name:string{80}:uniq", "bio:text?", "--no-timestamps"),
    (
        "Article",
        "title:string{120}:index",
        "body:text",
        "published:boolean",
        "author:references",
        "--no-timestamps",
    ),
]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    parent = tmp_path_factory.mktemp("scaffold")
    done = run_tool("new", "-n", "-I", "blog", cwd=parent, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    project = parent / "blog"
    make(project, "install", timeout=900)
    return project


def make(project: Path, target: str, timeout: float = 600) -> str:
    done = subprocess.run(
        ["make", target],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
        env={k: v for k, v in os.environ.items() if not k.startswith("FASTAPI_")},
    )
    assert done.returncode == 0, f"make {target} exited {done.returncode}:\n{done.stdout}"
    return done.stdout


def fastapi_mvc(*args: str, cwd: Path, env: dict[str, str]) -> str:
    done = run_tool(*args, cwd=cwd, env=env, timeout=300)
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"fastapi-mvc {' '.join(args)} exited {done.returncode}:\n{output}"
    return output


class Client:
    """JSON over one new loopback connection per request."""

    def __init__(self, port: int) -> None:
        self.port = port

    def __call__(self, method: str, path: str, body: Any = None) -> tuple[int, Any, dict[str, str]]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            data = None if body is None else json.dumps(body)
            headers = {} if body is None else {"Content-Type": "application/json"}
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            raw = response.read()
            answer = json.loads(raw) if raw else None
            return response.status, answer, {k.lower(): v for k, v in response.getheaders()}
        finally:
            connection.close()


@contextlib.contextmanager
def serving(project: Path, env: dict[str, str], log: Path) -> Iterator[Client]:
    """The project's own server (gunicorn with 2 uvicorn workers) on a free loopback port."""
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("FASTAPI_")}
    environment |= env | {
        "FASTAPI_BIND": f"127.0.0.1:{port}",
        "FASTAPI_WORKERS": "2",
        "FASTAPI_USE_REDIS": "false",
    }
    with log.open("w") as output:
        process = subprocess.Popen(
            [project / ".venv" / "bin" / project.name, "serve"],
            cwd=project,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    client = Client(port)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text()
            with contextlib.suppress(OSError):
                if client("GET", "/api/ready")[0] == 200:
                    break
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield client
    finally:
        stop_process(process)


def crud_cycle(api: Client) -> None:
    """Everything a client of the two resources does, as the OpenAPI schema promises it."""
    status, author, headers = api("POST", "/api/authors", {"name": "Ada", "bio": None})
    assert status == 201, author
    assert headers["location"] == f"/api/authors/{author['id']}"
    assert api("POST", "/api/authors", {"name": "Ada"})[0] == 409  # name is unique
    status, other, _ = api("POST", "/api/authors", {"name": "Grace"})
    assert status == 201

    articles = []
    for n, writer in enumerate([author, other, author, author, other]):
        body = {"title": f"t{n}", "body": "text", "published": n % 2 == 0}
        status, article, _ = api("POST", "/api/articles", body | {"author_id": writer["id"]})
        assert status == 201, article
        articles.append(article)
    ids = [article["id"] for article in articles]

    status, page, _ = api("GET", "/api/articles?limit=2&offset=1")
    assert status == 200
    assert [item["id"] for item in page["items"]] == ids[1:3]
    assert (page["total"], page["limit"], page["offset"]) == (5, 2, 1)
    _, page, _ = api("GET", "/api/articles?sort=-title")
    assert [item["id"] for item in page["items"]] == ids[::-1]
    _, page, _ = api("GET", f"/api/articles?author_id={other['id']}")
    assert [item["id"] for item in page["items"]] == [ids[1], ids[4]]
    _, page, _ = api("GET", "/api/articles?title=t3")
    assert [item["id"] for item in page["items"]] == [ids[3]]
    for bad in ("limit=101", "offset=-1", "body=text", "sort=nope"):
        status, error, _ = api("GET", f"/api/articles?{bad}")
        assert status == 422, (bad, error)
        assert error["error"]["code"] == 422

    url = f"/api/articles/{ids[0]}"
    status, shown, _ = api("GET", url)
    assert (status, shown) == (200, articles[0])
    status, patched, _ = api("PATCH", url, {"title": "changed"})
    assert status == 200
    assert patched == articles[0] | {"title": "changed"}
    replacement = {"title": "new", "body": "b", "published": False, "author_id": other["id"]}
    status, replaced, _ = api("PUT", url, replacement)
    assert (status, replaced) == (200, replacement | {"id": ids[0]})
    assert api("PUT", url, {"title": "incomplete"})[0] == 422
    status, nothing, _ = api("DELETE", url)
    assert (status, nothing) == (204, None)
    status, error, _ = api("GET", url)
    assert status == 404
    assert error == {
        "error": {
            "code": 404,
            "status": "NOT_FOUND",
            "message": f"There is no article {ids[0]}.",
            "details": [],
        }
    }
    assert api("DELETE", url)[0] == 404


def schemathesis(api: Client, folder: Path) -> None:
    """schemathesis, every check, against the live schema: no 500, no answer off its schema."""
    status, schema, _ = api("GET", "/openapi.json")
    assert status == 200
    resources = {path: methods for path, methods in schema["paths"].items() if "/api/a" in path}
    assert set(resources) == {"/api/authors", "/api/authors/{id}"} | {
        "/api/articles",
        "/api/articles/{id}",
    }
    done = subprocess.run(
        [
            tool("st"),
            "run",
            f"http://127.0.0.1:{api.port}/openapi.json",
            "--include-path-regex",
            "^/api/(authors|articles)",
            "--checks",
            "all",
            # Starlette's 405 names only the first route of a path in `Allow` (every REST
            # resource has one route per method), and the model's views parse bodies in
            # pydantic's lax mode ("1" is taken for an integer): findings/scaffold.md SC5, SC7.
            "--exclude-checks",
            "allow_header_conformance,negative_data_rejection",
            "--max-examples",
            "40",
            "--workers",
            "2",
            "--seed",
            "1",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=folder,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    tested = re.search(r"Tested:\s+(\d+)", output)
    operations = sum(len(methods) for methods in resources.values())
    assert tested and int(tested.group(1)) == operations, output


def test_scaffold_migrate_test_serve_and_destroy(project: Path, tmp_path: Path) -> None:
    database = {"FASTAPI_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'blog.sqlite3'}"}
    before = source_checksum(project)
    for name, *fields in SCAFFOLDS:
        output = fastapi_mvc("generate", "scaffold", name, *fields, cwd=project, env=database)
        assert f"create  blog/app/controllers/{name.lower()}s.py" in output
    migrated = fastapi_mvc("db", "migrate", cwd=project, env=database)
    assert "create_articles" in migrated, migrated

    tests = make(project, "test")
    assert "Required test coverage of 100.0% reached" in tests, tests
    make(project, "metrics")
    make(project, "typecheck")

    with serving(project, database, tmp_path / "server.log") as api:
        crud_cycle(api)
        schemathesis(api, tmp_path)

    fastapi_mvc("db", "rollback", "--step", "2", cwd=project, env=database)
    for name in ("Article", "Author"):
        output = fastapi_mvc("destroy", "scaffold", name, cwd=project, env=database)
        assert "keep" not in output, output
    assert source_checksum(project) == before
