"""Authentication on a real generated and installed project, served for real (SQLite, Redis).

One project is made, given `generate authentication --registration` and installed once. Then, as
a user would: its own `make test` at 100% coverage with black, ruff and mypy clean, and its docs
built with `sphinx-build -W`; the chart passes helm lint and kubernetes-validate with the secret
key from a Secret; the server refuses the development secret key in one line; served with a real
key, anonymous calls get 401, a normal user 403 on a staff endpoint and a staff user 200; tokens
signed with another key, expired or revoked by signing out are refused at once (one worker), a
deactivated account's once the worker's cached user is FASTAPI_USER_CACHE_SECONDS old; repeated
wrong passwords get 429 with Retry-After, even with the right one, counted in Redis so that a
second server refuses them too; sign-ups are limited per address; the password is in neither
the database, Redis nor the server's log (with every SQL statement logged); and `destroy
authentication` refuses while the users migration is applied.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import sqlite3
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from support import free_port, run_tool, sphinx_build, start_redis, stop_process
from test_artifacts import helm, validate_manifests

pytestmark = pytest.mark.integration

NAME = "shop"
SECRET = "an-integration-test-key-that-is-long-enough-0123456789"
CACHE_SECONDS = 2
PASSWORD = "correct horse battery staple"
WRONG = "tr0ub4dor-and-3"  # a wrong password, to look for in the log
# A staff-only endpoint, as a user writes one with the generated gates.
STAFF_CONTROLLER = '''"""Reports: for staff only."""

from fastapi import APIRouter

from shop.app.authentication.dependencies import StaffUser

router = APIRouter(prefix="/reports", tags=["reports"])


@router.get("")
async def index(user: StaffUser) -> dict[str, str]:
    """Who may read the reports."""
    return {"reader": user.email}
'''


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FASTAPI_")}
    return {**env, **extra}


def make(project: Path, target: str, timeout: float = 600) -> str:
    done = subprocess.run(
        ["make", target],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
        env=clean_env(),
    )
    assert done.returncode == 0, f"make {target} exited {done.returncode}:\n{done.stdout}"
    return done.stdout


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    parent = tmp_path_factory.mktemp("authentication")
    done = run_tool("new", "-n", "-I", NAME, cwd=parent, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    project = parent / NAME
    done = run_tool("generate", "authentication", "--registration", cwd=project, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "run `make install`" in done.stderr + done.stdout
    make(project, "install", timeout=900)
    return project


@pytest.fixture(scope="module")
def database(project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The server's database, migrated: a SQLite file outside the tree."""
    path = tmp_path_factory.mktemp("database") / "shop.sqlite3"
    script = project / ".venv" / "bin" / NAME
    migrated = subprocess.run(
        [script, "db", "migrate"],
        cwd=project,
        capture_output=True,
        text=True,
        env=clean_env(FASTAPI_DATABASE_URL=f"sqlite+aiosqlite:///{path}"),
        timeout=120,
    )
    assert "create_users" in migrated.stdout, migrated.stdout + migrated.stderr
    return path


def test_the_projects_own_tests_lint_and_types_pass(project: Path) -> None:
    tests = make(project, "test", timeout=1200)  # a busy machine makes it slow
    assert "Required test coverage of 100.0% reached" in tests, tests
    make(project, "metrics")
    make(project, "typecheck")


def test_the_docs_build_without_warnings(project: Path, tmp_path: Path) -> None:
    sphinx_build(project, project, "html", tmp_path / "html")
    page = (tmp_path / "html" / "clients.html").read_text()
    assert "FASTAPI_USER_CACHE_SECONDS" in page


def test_the_chart_gives_the_pods_the_secret_key_from_a_secret(
    project: Path, tmp_path: Path
) -> None:
    lint = helm("lint", "--strict", f"charts/{NAME}", cwd=project, home=tmp_path)
    assert "0 chart(s) failed" in lint.stdout

    own = rendered_chart(project, tmp_path)
    assert {"secretRef": {"name": "rel-shop-authentication"}} in web_container(own)["envFrom"]
    (secret,) = [
        doc for doc in own if doc["kind"] == "Secret" and "auth" in doc["metadata"]["name"]
    ]
    assert len(base64.b64decode(secret["data"]["FASTAPI_SECRET_KEY"])) >= 32  # random

    theirs = rendered_chart(project, tmp_path, "--set", "authentication.existingSecret=keys")
    assert {"secretRef": {"name": "keys"}} in web_container(theirs)["envFrom"]
    assert not [doc for doc in theirs if "auth" in doc["metadata"]["name"]]


def rendered_chart(project: Path, home: Path, *values: str) -> list[dict]:
    """`helm template` of the project's chart, validated by kubernetes-validate --strict."""
    rendered = helm("template", "rel", f"charts/{NAME}", *values, cwd=project, home=home)
    return validate_manifests(rendered.stdout, project)


def web_container(docs: list[dict]) -> dict:
    """The container of the web Deployment (not the workers')."""
    (deployment,) = [
        doc for doc in docs if doc["kind"] == "Deployment" and doc["metadata"]["name"] == "rel-shop"
    ]
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    return container


def test_the_server_refuses_the_development_key_in_one_line(project: Path) -> None:
    done = subprocess.run(
        [project / ".venv" / "bin" / NAME, "serve"],
        cwd=project,
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith("Error: FASTAPI_SECRET_KEY=(hidden, a secret) is not valid:")


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: object


@dataclass
class Server:
    port: int
    log: Path

    def call(
        self,
        method: str,
        path: str,
        token: str | None = None,
        form: dict[str, str] | None = None,
        body: dict[str, str] | None = None,
    ) -> Answer:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        data = None
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}", data=data, headers=headers, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                raw, status, answer_headers = response.read(), response.status, response.headers
        except urllib.error.HTTPError as error:
            raw, status, answer_headers = error.read(), error.code, error.headers
        return Answer(status, dict(answer_headers), json.loads(raw) if raw else None)

    def sign_in(self, email: str, password: str = PASSWORD) -> Answer:
        return self.call("POST", "/api/session", form={"username": email, "password": password})

    def token(self, email: str) -> str:
        answer = self.sign_in(email)
        assert answer.status == 200, answer
        assert isinstance(answer.body, dict)
        return str(answer.body["access_token"])


@pytest.fixture(scope="module")
def redis_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    port = free_port()
    redis = start_redis(port, tmp_path_factory.mktemp("redis"))
    try:
        yield port
    finally:
        stop_process(redis)


def serve(project: Path, env: dict[str, str], log: Path) -> tuple[subprocess.Popen, Server]:
    """`<script> serve` with one worker, once it answers."""
    port = free_port()
    with log.open("wb") as output:
        process = subprocess.Popen(
            [project / ".venv" / "bin" / NAME, "serve", "--bind", f"127.0.0.1:{port}", "-w", "1"],
            cwd=project,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    server = Server(port, log)
    try:
        end = time.monotonic() + 60
        while True:
            assert process.poll() is None, f"the server exited:\n{log.read_text()}"
            try:
                if server.call("GET", "/api/live").status == 200:
                    return process, server
            except OSError:
                pass
            assert time.monotonic() < end, f"the server was not ready in 60s:\n{log.read_text()}"
            time.sleep(0.2)
    except BaseException:
        stop_process(process)
        raise


@pytest.fixture(scope="module")
def server_env(database: Path, redis_port: int) -> dict[str, str]:
    """Every SQL statement logged; sign-ins limited to 3 failures per account and 6 per address
    and sign-ups to 6 per address, counted in Redis; users kept 2 s by each worker."""
    return clean_env(
        FASTAPI_SECRET_KEY=SECRET,
        FASTAPI_DATABASE_URL=f"sqlite+aiosqlite:///{database}",
        FASTAPI_DATABASE_ECHO="true",
        FASTAPI_LOGIN_ATTEMPTS_PER_ACCOUNT="3",
        FASTAPI_LOGIN_ATTEMPTS_PER_ADDRESS="6",
        FASTAPI_REGISTRATIONS_PER_ADDRESS="6",
        FASTAPI_USER_CACHE_SECONDS=str(CACHE_SECONDS),
        FASTAPI_USE_REDIS="true",
        FASTAPI_REDIS_HOST="127.0.0.1",
        FASTAPI_REDIS_PORT=str(redis_port),
    )


@pytest.fixture(scope="module")
def server(
    project: Path, server_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """The project's production server (`<script> serve`, one worker), with a staff-only
    endpoint of the user's own."""
    controller = project / NAME / "app" / "controllers" / "reports.py"
    controller.write_text(STAFF_CONTROLLER)
    router = project / NAME / "app" / "router.py"
    router.write_text(
        router.read_text().replace(
            "# fastapi-mvc: generated",
            "from shop.app.controllers import reports  # noqa: E402\n\n"
            "root_api_router.include_router(reports.router)\n# fastapi-mvc: generated",
        )
    )
    process, server = serve(project, server_env, tmp_path_factory.mktemp("server") / "server.log")
    try:
        yield server
    finally:
        stop_process(process)


def change_user(database: Path, email: str, column: str, value: int) -> None:
    assert column in ("is_staff", "is_active")
    with sqlite3.connect(database) as connection:
        connection.execute(f"UPDATE users SET {column} = ? WHERE email = ?", (value, email))


def hs256(claims: dict[str, object], key: str) -> str:
    """A JWT signed with `key`, written by hand (the test's own signer, not the project's)."""

    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = part(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = part(json.dumps(claims).encode())
    signature = hmac.new(key.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{part(signature)}"


def test_gates_tokens_sign_out_and_deactivation(server: Server, database: Path) -> None:
    for email in ("ada@example.com", "bob@example.com"):
        created = server.call("POST", "/api/users", body={"email": email, "password": PASSWORD})
        assert created.status == 201, created
    change_user(database, "ada@example.com", "is_staff", 1)

    anonymous = server.call("GET", "/api/reports")
    assert anonymous.status == 401
    assert anonymous.headers["www-authenticate"] == "Bearer"
    assert server.call("GET", "/api/reports", server.token("bob@example.com")).status == 403
    staff = server.call("GET", "/api/reports", server.token("ada@example.com"))
    assert (staff.status, staff.body) == (200, {"reader": "ada@example.com"})

    me = server.call("GET", "/api/me", server.token("bob@example.com"))
    assert isinstance(me.body, dict)
    now = int(time.time())
    claims = {"sub": str(me.body["id"]), "ver": 0, "iat": now - 60, "exp": now + 600}
    assert server.call("GET", "/api/me", hs256(claims, SECRET)).status == 200  # the signer works
    forged = hs256(claims, "another-key-that-is-long-enough-0123456789")
    expired = hs256(claims | {"iat": now - 7200, "exp": now - 3600}, SECRET)
    for token in (forged, expired):
        assert server.call("GET", "/api/me", token).status == 401

    token = server.token("bob@example.com")
    assert server.call("DELETE", "/api/session", token).status == 204
    assert server.call("GET", "/api/me", token).status == 401
    token = server.token("bob@example.com")
    assert server.call("GET", "/api/me", token).status == 200  # the worker keeps bob now
    change_user(database, "bob@example.com", "is_active", 0)
    assert server.sign_in("bob@example.com").status == 401  # signing in reads the row: at once
    # Deactivated behind the application's back: the worker refuses the token once the user it
    # keeps is FASTAPI_USER_CACHE_SECONDS old (plus the time of a request on a busy machine).
    deactivated = time.monotonic()
    while (status := server.call("GET", "/api/me", token).status) == 200:
        assert time.monotonic() - deactivated < CACHE_SECONDS + 5, "still accepted"
        time.sleep(0.2)
    assert status == 401


def test_brute_force_is_limited_and_passwords_stay_secret(
    server: Server,
    database: Path,
    project: Path,
    server_env: dict[str, str],
    redis_port: int,
    tmp_path: Path,
) -> None:
    created = server.call(
        "POST", "/api/users", body={"email": "eve@example.com", "password": PASSWORD}
    )
    assert created.status == 201, created
    unknown = server.sign_in("nobody@example.com", WRONG)
    wrong = server.sign_in("eve@example.com", WRONG)
    assert unknown.status == wrong.status == 401
    assert unknown.body == wrong.body
    for _ in range(2):
        assert server.sign_in("eve@example.com", WRONG).status == 401

    refused = server.sign_in("eve@example.com")  # the right password, too late

    assert refused.status == 429
    assert 0 < int(refused.headers["retry-after"]) <= 900
    # Other accounts from the same address, one failure each, until the address waits.
    for attempt in range(1, 7):
        answer = server.sign_in(f"attacker{attempt}@example.com", WRONG)
        if answer.status == 429:
            break
        assert answer.status == 401
    assert answer.status == 429, "the address was never limited"
    assert int(answer.headers["retry-after"]) > 0
    # The counts are in Redis: another server (another pod) refuses eve too.
    process, other = serve(project, server_env, tmp_path / "other.log")
    try:
        assert other.sign_in("eve@example.com").status == 429
    finally:
        stop_process(process)
    keys = redis_keys(project, redis_port)
    counted = {key.rsplit(":", 1)[0] for key in keys if key.startswith(f"{NAME}:sign-")}
    assert counted == {
        f"{NAME}:sign-in:account",
        f"{NAME}:sign-in:address",
        f"{NAME}:sign-up:address",
    }
    assert not any("@" in key for key in keys)  # hashed: no email address in Redis

    assert PASSWORD.encode() not in database.read_bytes()
    log = server.log.read_bytes()
    assert b"INSERT INTO users" in log  # the statements are logged, with their parameters
    assert PASSWORD.encode() not in log
    assert WRONG.encode() not in log


def redis_keys(project: Path, port: int) -> list[str]:
    """The keys in Redis, read with the project's own Redis client."""
    script = f"import redis; print(*redis.Redis(port={port}, decode_responses=True).keys())"
    done = subprocess.run(
        [project / ".venv" / "bin" / "python", "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_sign_ups_are_limited_per_address(server: Server) -> None:
    for attempt in range(1, 8):
        body = {"email": f"new{attempt}@example.com", "password": PASSWORD}
        answer = server.call("POST", "/api/users", body=body)
        if answer.status == 429:
            break
        assert answer.status == 201, answer
    assert answer.status == 429, "sign-ups were never limited"
    assert 0 < int(answer.headers["retry-after"]) <= 3600


def test_destroy_refuses_while_the_users_migration_is_applied(
    project: Path, database: Path
) -> None:
    done = run_tool(
        "destroy",
        "authentication",
        cwd=project,
        env={"FASTAPI_DATABASE_URL": f"sqlite+aiosqlite:///{database}"},
        timeout=120,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 2, output
    assert "create_users is applied to the database; roll it back first" in output
    assert (project / NAME / "app" / "authentication" / "tokens.py").is_file()
