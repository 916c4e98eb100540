"""Typed API clients of a real installed project, used as a front end and a second service would.

One project is made and installed once (SQLite; Redis off, so background jobs run in the web
process), with an `Article` scaffold, migrated. Then, as a session: `generate client` makes both
clients with the tools it installs inside the project, and the project's lint stays clean; the
TypeScript client compiles under `tsc --strict` (a caller getting a type wrong does not) and a
small program run with node calls the real server: the ready probe, a validation failure read
from the typed error envelope, and a CRUD cycle on the scaffold ending in a typed 404; the
Python client, installed in a fresh venv, does the same; `--check` passes right after
generation and fails naming the stale files once an endpoint is added (a new generation then
writes them); an application that does not import is named in one line. npm's downloads are
cached in the session's HOME (conftest), pip's in its cache.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import USER_IDENTITY, free_port, run_ok, run_tool, source_checksum, stop_process

pytestmark = pytest.mark.integration

BOTH = ("--lang", "typescript", "--lang", "python")

SMOKE_TS = """\
import { ApiError, createApiClient, unwrap } from "./index.js";

const api = createApiClient({ baseUrl: "%(url)s" });

async function failure(pending: Promise<unknown>): Promise<number> {
  try {
    await pending;
  } catch (error) {
    if (error instanceof ApiError) {
      const code: number = error.envelope.error.code;
      return code;
    }
    throw error;
  }
  throw new Error("the call succeeded");
}

const ready = await unwrap(api.GET("/api/ready"));
const status: string = ready.status;
const invalid = await failure(
  unwrap(api.GET("/api/primes/count", { params: { query: { limit: 1 } } })),
);

const created = await unwrap(api.POST("/api/articles", { body: { title: "First" } }));
const path = { params: { path: { id: created.id } } };
const shown = await unwrap(api.GET("/api/articles/{id}", path));
const changes = { ...path, body: { title: "Second" } };
const updated = await unwrap(api.PATCH("/api/articles/{id}", changes));
const page = await unwrap(api.GET("/api/articles"));
await unwrap(api.DELETE("/api/articles/{id}", path));
const missing = await failure(unwrap(api.GET("/api/articles/{id}", path)));

console.log(
  JSON.stringify({
    ready: status,
    invalid,
    titles: [created.title, shown.title, updated.title],
    total: page.total,
    missing,
  }),
);
"""

# A caller that gets the envelope's type wrong: `tsc --strict` must refuse it.
WRONG_TS = """\
import type { ErrorEnvelope } from "./index.js";

export function code(envelope: ErrorEnvelope): string {
  return envelope.error.code;
}
"""

SMOKE_PY = """\
import json
import sys

from demo_client import Client
from demo_client.api.articles import (
    articles_create,
    articles_destroy,
    articles_index,
    articles_show,
    articles_update,
)
from demo_client.api.primes import primes_count
from demo_client.api.ready import ready_readiness_check
from demo_client.envelope import ApiError, unwrap
from demo_client.models import ArticleCreate, ArticleUpdate

client = Client(base_url=sys.argv[1])


def failure(call, *args, **kwargs):
    try:
        unwrap(call(*args, client=client, **kwargs))
    except ApiError as error:
        return error.envelope.error.code
    raise AssertionError("the call succeeded")


ready = unwrap(ready_readiness_check.sync_detailed(client=client))
invalid = failure(primes_count.sync_detailed, limit=1)
created = unwrap(articles_create.sync_detailed(client=client, body=ArticleCreate(title="First")))
shown = unwrap(articles_show.sync_detailed(created.id, client=client))
body = ArticleUpdate(title="Second")
updated = unwrap(articles_update.sync_detailed(created.id, client=client, body=body))
page = unwrap(articles_index.sync_detailed(client=client))
unwrap(articles_destroy.sync_detailed(created.id, client=client))
missing = failure(articles_show.sync_detailed, created.id)
print(
    json.dumps(
        {
            "ready": ready.status,
            "invalid": invalid,
            "titles": [created.title, shown.title, updated.title],
            "total": page.total,
            "missing": missing,
        }
    )
)
"""


# What both programs print: the ready probe, a validation failure read from the envelope, and a
# create, show, update, list, delete cycle on the scaffold ending in a typed 404.
CYCLE = {
    "ready": "ok",
    "invalid": 422,
    "titles": ["First", "First", "Second"],
    "total": 1,
    "missing": 404,
}


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The database of the commands and the server: a SQLite file outside the tree."""
    path = tmp_path_factory.mktemp("database") / "demo.sqlite3"
    return {"FASTAPI_DATABASE_URL": f"sqlite+aiosqlite:///{path}"}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, database: dict[str, str]) -> Path:
    """An installed project with an `Article` scaffold, migrated."""
    parent = tmp_path_factory.mktemp("clients")
    done = run_tool("new", "-n", "-I", "--skip-aiohttp", "demo", cwd=parent, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    project = parent / "demo"
    run_ok("make", "install", cwd=project, timeout=900)
    fastapi_mvc("generate", "scaffold", "Article", "title:string", cwd=project)
    fastapi_mvc("db", "migrate", cwd=project, env=database)
    run_ok("git", "add", "-A", cwd=project)
    run_ok("git", *USER_IDENTITY, "commit", "-q", "-m", "Article scaffold", cwd=project)
    return project


def fastapi_mvc(*args: str, cwd: Path, code: int = 0, env: dict[str, str] | None = None) -> str:
    """`fastapi-mvc ARGS` as a separate process; its stdout and stderr together."""
    done = run_tool(*args, cwd=cwd, env=env, timeout=600)
    output = done.stdout + done.stderr
    assert (
        done.returncode == code
    ), f"fastapi-mvc {' '.join(args)} exited {done.returncode}:\n{output}"
    return output


@pytest.fixture(scope="module")
def generated(project: Path) -> str:
    """The output of the first `generate client` for both languages."""
    return fastapi_mvc("generate", "client", *BOTH, cwd=project)


@pytest.fixture(scope="module")
def server(
    project: Path, database: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The project's app under uvicorn on a free loopback port; its base URL."""
    port = free_port()
    folder = tmp_path_factory.mktemp("server")
    env = {k: v for k, v in os.environ.items() if not k.startswith("FASTAPI_")} | database
    log = (folder / "server.log").open("w")
    process = subprocess.Popen(
        [
            str(project / ".venv" / "bin" / "python"),
            "-m",
            "uvicorn",
            "--factory",
            "demo.app.asgi:get_application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        cwd=project,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, (folder / "server.log").read_text()
            try:
                with urllib.request.urlopen(f"{url}/api/ready", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, (folder / "server.log").read_text()
            time.sleep(0.2)
        yield url
    finally:
        stop_process(process)
        log.close()


def test_generate_client_makes_both_clients_with_tools_inside_the_project(
    project: Path, generated: str
) -> None:
    for path in (
        "clients/typescript/package.json",
        "clients/typescript/src/schema.ts",
        "clients/typescript/src/index.ts",
        "clients/python/pyproject.toml",
        "clients/python/demo_client/envelope.py",
        "clients/python/demo_client/api/ready/ready_readiness_check.py",
    ):
        assert f"create  {path}\n" in generated
    # Operation ids are `<tag>-<route name>`: the clients' names read like the controllers.
    schema = (project / "clients" / "typescript" / "src" / "schema.ts").read_text()
    assert 'get: operations["ready-readiness_check"];' in schema
    assert 'post: operations["articles-create"];' in schema
    manifest = json.loads((project / "clients" / "typescript" / "package.json").read_text())
    assert manifest["dependencies"] == {"openapi-fetch": "0.17.0"}
    assert manifest["devDependencies"] == {"typescript": "5.9.3"}
    # The generators' tools are in the project, ignored by git; the clients are to commit.
    assert (project / ".fastapi-mvc" / "tools" / "node" / "node_modules").is_dir()
    assert (project / ".fastapi-mvc" / "tools" / "python" / "bin" / "ruff").is_file()
    status = run_ok("git", "status", "--porcelain", cwd=project).stdout
    assert status.splitlines() == ["?? clients/"]
    # The project's own formatting and lint stay clean with the clients in it.
    run_ok("make", "metrics", cwd=project)
    # The project's own test of its operation ids passes (the template's suite covers it whole).
    run_ok(
        project / ".venv" / "bin" / "python",
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "tests/unit/app/test_operation_ids.py",
        cwd=project,
    )


def test_the_typescript_client_compiles_strict_and_calls_the_server(
    project: Path, generated: str, server: str, tmp_path: Path
) -> None:
    client = Path(shutil.copytree(project / "clients" / "typescript", tmp_path / "typescript"))
    run_ok("npm", "install", "--no-audit", "--no-fund", cwd=client, timeout=300)
    (client / "src" / "smoke.ts").write_text(SMOKE_TS % {"url": server})
    (client / "src" / "wrong.ts").write_text(WRONG_TS)
    tsc = client / "node_modules" / ".bin" / "tsc"

    # One compilation: the client and the program type-check, the wrong caller does not (tsc
    # still writes the JavaScript of every file).
    compiled = subprocess.run([tsc, "--strict"], cwd=client, capture_output=True, text=True)

    assert (compiled.returncode, compiled.stdout.splitlines()) == (
        2,
        ["src/wrong.ts(4,3): error TS2322: Type 'number' is not assignable to type 'string'."],
    ), (
        compiled.stdout + compiled.stderr
    )

    output = run_ok("node", "dist/smoke.js", cwd=client).stdout

    assert json.loads(output) == CYCLE


def test_the_python_client_installed_in_a_fresh_venv_calls_the_server(
    project: Path, generated: str, server: str, tmp_path: Path
) -> None:
    venv = tmp_path / "venv"
    run_ok(sys.executable, "-m", "venv", venv)
    run_ok(venv / "bin" / "python", "-m", "pip", "install", "-q", project / "clients" / "python")
    (tmp_path / "smoke.py").write_text(SMOKE_PY)

    output = run_ok(venv / "bin" / "python", tmp_path / "smoke.py", server, cwd=tmp_path).stdout

    assert json.loads(output) == CYCLE


def test_check_passes_after_generation_and_names_stale_files_after_an_endpoint_is_added(
    project: Path, generated: str
) -> None:
    before = source_checksum(project)
    assert "identical  clients/typescript/src/schema.ts" in fastapi_mvc(
        "generate", "client", "--check", cwd=project
    )
    assert source_checksum(project) == before

    fastapi_mvc("generate", "controller", "reports", "index", cwd=project)
    output = fastapi_mvc("generate", "client", "--check", cwd=project, code=1)

    last = output.strip().splitlines()[-1]
    assert last.startswith("Error: the client is stale, ")
    assert "clients/typescript/src/schema.ts (changed)" in last
    assert "clients/python/demo_client/api/reports/reports_index.py (new)" in last
    assert last.endswith("; run `fastapi-mvc generate client` and commit the result")

    output = fastapi_mvc("generate", "client", cwd=project)
    assert "create  clients/python/demo_client/api/reports/reports_index.py" in output
    assert "force  clients/typescript/src/schema.ts" in output


def test_an_application_that_does_not_import_is_named_in_one_line(
    project: Path, generated: str
) -> None:
    router = project / "demo" / "app" / "router.py"
    original = router.read_text()
    router.write_text(original + "import a_module_that_is_missing\n")
    before = source_checksum(project)
    try:
        output = fastapi_mvc("generate", "client", "--lang", "python", cwd=project, code=1)
    finally:
        after = source_checksum(project)
        router.write_text(original)
    assert output.strip().splitlines() == [
        "Error: the application could not be imported to export its OpenAPI schema: "
        "ModuleNotFoundError: No module named 'a_module_that_is_missing'; fix it, then run "
        f"again (`{project / '.venv' / 'bin' / 'python'} -c 'import demo.app.asgi'` shows the "
        "traceback)"
    ]
    assert after == before
