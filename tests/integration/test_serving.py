"""The generated production server under load and faults: real gunicorn, real HTTP, loopback.

Every test serves the installed default project (the session's `installed_project`, left as it
is) with gunicorn and 2 uvicorn workers, either through its own `<script> serve` or, where a test
needs an endpoint the template does not have (a slow one, one that reads a JSON body), through
a launcher that runs the project's own `ApplicationLoader` (its gunicorn config, its worker class,
its `get_application()`) with a few test routes added to the application.

- load: wrk, 256 connections for 20 s: no failed request, no worker restarted, worker RSS grows
  by at most 20% between the first and the last quarter of the run;
- graceful shutdown: requests in flight when the master gets SIGTERM all complete with 200, and
  the master exits 0 within the configured graceful timeout;
- a worker killed with SIGKILL: the other one keeps answering, gunicorn starts a replacement, and
  the replacement answers alone;
- Redis frozen (SIGSTOP), then stopped, then started again under a steady stream of requests:
  /api/ready answers 502 with the envelope within the Redis timeout, and 200 again after;
- schemathesis against /openapi.json: no 500, every response as its schema declares;
- bad input (malformed JSON, wrong content types, oversized bodies, unknown routes and methods),
  with FASTAPI_DEBUG off and on: the documented status and the error envelope, never a 500 or a
  stack trace.

Servers and Redis are stopped by their PIDs. Missing tools (wrk, redis-server, schemathesis)
fail the tests.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from support import free_port, start_redis, stop_process, tool

pytestmark = pytest.mark.integration

WORKERS = 2

# Serves the project's application, plus the routes below, through its own ApplicationLoader.
LAUNCHER = '''\
import asyncio
import os
from pathlib import Path

from fastapi import APIRouter, Query
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, Field

from demo.app.asgi import get_application
from demo.wsgi import ApplicationLoader


def json_integer(value: object) -> object:
    """JSON Schema's integer: 105.0 is one; false and "105" are not (lax pydantic takes them)."""
    if isinstance(value, (bool, str)):
        raise ValueError("Input should be an integer")
    return value


class Item(BaseModel):
    name: str = Field(max_length=50)
    quantity: Annotated[int, Field(ge=0, le=1000), BeforeValidator(json_integer)]


router = APIRouter(prefix="/test", tags=["test"])


@router.post("/items", status_code=201)
async def create_item(item: Item) -> Item:
    return item


@router.get("/items/{item_id}")
async def show_item(item_id: int, q: str | None = Query(default=None, max_length=20)) -> Item:
    return Item(name=q or "item", quantity=abs(item_id) % 1000)


@router.get("/slow", include_in_schema=False)
async def slow(seconds: float) -> dict[str, float]:
    marker = Path(os.environ["TEST_MARKERS"]) / f"{os.getpid()}-{id(asyncio.current_task())}"
    marker.touch()
    await asyncio.sleep(seconds)
    return {"slept": seconds}


class Loader(ApplicationLoader):
    def load(self):
        app = get_application()
        app.include_router(router)
        return app


Loader().run()
'''


def _script(project: Path) -> Path:
    return project / ".venv" / "bin" / project.name


def _children(pid: int) -> list[int]:
    try:
        return [
            int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        ]
    except OSError:
        return []


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmRSS for {pid}")


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes
    elapsed: float = 0.0

    def json(self) -> dict:
        return json.loads(self.body)


def request(
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 10,
    chunked: bool = False,
) -> Reply:
    """One request on a new connection; the whole answer, error statuses included."""
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        if chunked:
            connection.putrequest(method, path)
            for name, value in (headers or {}).items():
                connection.putheader(name, value)
            connection.putheader("Transfer-Encoding", "chunked")
            connection.endheaders()
            assert body is not None
            for start in range(0, len(body), 1024):
                piece = body[start : start + 1024]
                connection.send(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            connection.send(b"0\r\n\r\n")
        else:
            connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
        return Reply(
            response.status,
            {name.lower(): value for name, value in response.getheaders()},
            data,
            time.monotonic() - started,
        )
    finally:
        connection.close()


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log: Path
    started: list[int] = field(default_factory=list)

    @property
    def pid(self) -> int:
        return self.process.pid

    def workers(self) -> list[int]:
        return _children(self.pid)

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-5000:]

    def get(self, path: str, timeout: float = 10) -> Reply:
        return request(self.port, "GET", path, timeout=timeout)


@contextlib.contextmanager
def serving(
    project: Path,
    tmp_path: Path,
    env: dict[str, str] | None = None,
    launcher: bool = False,
    graceful_timeout: int = 10,
    stop_check: bool = True,
    command: list[str] | None = None,
) -> Iterator[Server]:
    """The project's server with 2 workers on a free loopback port, ready to answer.

    With `launcher`, the test routes are added (see LAUNCHER); `command` replaces `serve` with
    other arguments of the project's script (`{port}` in them is the port). On leaving, the
    master gets SIGTERM and must exit 0 within the graceful timeout (unless `stop_check` is
    false, for a test that stops it itself); whatever is left is killed by PID.
    """
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("FASTAPI_")}
    environment.update(
        FASTAPI_BIND=f"127.0.0.1:{port}",
        FASTAPI_WORKERS=str(WORKERS),
        FASTAPI_GRACEFUL_TIMEOUT=str(graceful_timeout),
        TEST_MARKERS=str(tmp_path),
    )
    environment.update(env or {})
    if launcher:
        script = tmp_path / "launch.py"
        script.write_text(LAUNCHER.replace("demo.", f"{project.name}."))
        argv = [str(project / ".venv" / "bin" / "python"), str(script)]
    else:
        argv = [str(_script(project)), *(command or ["serve"])]
        argv = [arg.replace("{port}", str(port)) for arg in argv]
    log = tmp_path / f"server-{port}.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            argv, cwd=project, env=environment, stdout=output, stderr=subprocess.STDOUT
        )
    server = Server(process, port, log)
    try:
        end = time.monotonic() + 60
        while True:
            assert (
                process.poll() is None
            ), f"the server exited {process.returncode}:\n{server.output()}"
            with contextlib.suppress(OSError):
                if (
                    server.get("/api/ready", timeout=2).status == 200
                    and len(server.workers()) == WORKERS
                ):
                    break
            assert time.monotonic() < end, f"the server was not ready in 60s:\n{server.output()}"
            time.sleep(0.2)
        server.started = server.workers()
        yield server
        if stop_check and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                code = process.wait(timeout=graceful_timeout + 5)
            except subprocess.TimeoutExpired:
                pytest.fail(f"the master did not stop after SIGTERM:\n{server.output()}")
            assert code == 0, f"the master exited {code} after SIGTERM:\n{server.output()}"
    finally:
        leftovers = server.workers()
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        for pid in leftovers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def assert_envelope(reply: Reply, status: int) -> dict:
    """The answer has `status`, is JSON, and is the error envelope with no stack trace."""
    text = reply.body.decode(errors="replace")
    assert reply.status == status, f"expected {status}, got {reply.status}: {text}"
    assert reply.headers["content-type"] == "application/json", reply.headers
    assert "Traceback" not in text and 'File "' not in text, text
    body = reply.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"code", "status", "message", "details"}, error
    assert error["code"] == status
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["details"], list)
    return error


# -- load ----------------------------------------------------------------------------------------


def _wrk(url: str, seconds: int, connections: int) -> dict[str, int]:
    done = subprocess.run(
        [tool("wrk"), "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", url],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    requests = re.search(r"(\d+) requests in", out)
    assert requests, out
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "requests": int(requests.group(1)),
        "socket errors": sum(map(int, socket_errors.groups())) if socket_errors else 0,
        "non-2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "output": out,  # type: ignore[dict-item]
    }


def test_256_connections_for_20_seconds(installed_project: Path, tmp_path: Path) -> None:
    with serving(installed_project, tmp_path) as server:
        url = f"http://127.0.0.1:{server.port}/api/ready"
        _wrk(url, 2, 256)  # warm-up: imports, first allocations
        samples: dict[int, list[tuple[float, int]]] = {pid: [] for pid in server.workers()}
        running = threading.Event()
        running.set()

        def sample() -> None:
            while running.is_set():
                for pid, series in samples.items():
                    with contextlib.suppress(OSError):
                        series.append((time.monotonic(), _rss_kib(pid)))
                time.sleep(0.25)

        sampler = threading.Thread(target=sample)
        started = time.monotonic()
        sampler.start()
        try:
            result = _wrk(url, 20, 256)
        finally:
            running.clear()
            sampler.join()
        ended = time.monotonic()
        assert sorted(server.workers()) == sorted(samples), "a worker was restarted under load"

    # Throughput is bench/serve.py's job (a noisy machine makes any floor here flaky); this
    # test holds the server to correctness under the load: every request answered, no restart.
    assert result["requests"] > 0, result["output"]
    assert (result["socket errors"], result["non-2xx"]) == (0, 0), result["output"]
    quarter = (ended - started) / 4
    for pid, series in samples.items():
        first = [rss for at, rss in series if at < started + quarter]
        last = [rss for at, rss in series if at > ended - quarter]
        assert len(first) >= 5 and len(last) >= 5, series
        growth = (sum(last) / len(last)) / (sum(first) / len(first)) - 1
        assert growth <= 0.20, f"worker {pid} RSS grew {growth:.0%}: {first} -> {last}"


# -- graceful shutdown ---------------------------------------------------------------------------


def test_requests_in_flight_complete_when_the_master_gets_sigterm(
    installed_project: Path, tmp_path: Path
) -> None:
    graceful_timeout = 10
    in_flight = 8
    markers = tmp_path / "markers"
    markers.mkdir()
    env = {"TEST_MARKERS": str(markers)}
    with serving(
        installed_project,
        tmp_path,
        env,
        launcher=True,
        graceful_timeout=graceful_timeout,
        stop_check=False,
    ) as server:
        replies: list[Reply | BaseException] = []

        def call() -> None:
            try:
                replies.append(request(server.port, "GET", "/test/slow?seconds=3", timeout=30))
            except BaseException as error:  # reported by the assertion below
                replies.append(error)

        threads = [threading.Thread(target=call) for _ in range(in_flight)]
        for thread in threads:
            thread.start()
        end = time.monotonic() + 10
        while len(list(markers.iterdir())) < in_flight:
            assert time.monotonic() < end, "the slow requests did not all arrive"
            time.sleep(0.05)
        stopped = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        try:
            code = server.process.wait(timeout=graceful_timeout + 5)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the master did not stop after SIGTERM:\n{server.output()}")
        took = time.monotonic() - stopped
        for thread in threads:
            thread.join(timeout=30)

    assert code == 0, server.output()
    assert took < graceful_timeout, f"the master took {took:.1f}s, more than the graceful timeout"
    assert took > 1.5, f"the master stopped after {took:.1f}s: it cannot have waited for requests"
    assert len(replies) == in_flight
    for reply in replies:
        assert isinstance(reply, Reply), f"an in-flight request failed: {reply!r}"
        assert (reply.status, reply.json()) == (200, {"slept": 3.0})


# -- a worker killed -----------------------------------------------------------------------------


def test_a_killed_worker_is_replaced_and_the_service_keeps_answering(
    installed_project: Path, tmp_path: Path
) -> None:
    with serving(installed_project, tmp_path) as server:
        victim, survivor = server.workers()
        os.kill(victim, signal.SIGKILL)
        # The surviving worker answers while the master replaces the dead one.
        for _ in range(20):
            assert server.get("/api/ready").status == 200
        end = time.monotonic() + 30
        while True:
            current = server.workers()
            if len(current) == WORKERS and victim not in current:
                break
            assert time.monotonic() < end, f"no replacement after 30s:\n{server.output()}"
            time.sleep(0.1)
        [replacement] = set(current) - {survivor}
        # The replacement answers alone: the survivor is frozen meanwhile.
        end = time.monotonic() + 30
        while True:  # booted: the master logs its pid once it is listening
            if f"Booting worker with pid: {replacement}" in server.output():
                break
            assert time.monotonic() < end, server.output()
            time.sleep(0.1)
        os.kill(survivor, signal.SIGSTOP)
        try:
            replies = [server.get("/api/ready", timeout=15) for _ in range(20)]
        finally:
            os.kill(survivor, signal.SIGCONT)
        assert all(reply.status == 200 for reply in replies), replies
        assert server.process.poll() is None, "the master died"


# -- Redis down and back -------------------------------------------------------------------------


def test_redis_stopped_mid_run_answers_502_fast_and_recovers(
    installed_project: Path, tmp_path: Path
) -> None:
    redis_port = free_port()
    redis_timeout = 1.0
    redis = start_redis(redis_port, tmp_path / "redis")
    env = {
        "FASTAPI_USE_REDIS": "true",
        "FASTAPI_REDIS_PORT": str(redis_port),
        "FASTAPI_REDIS_TIMEOUT": str(redis_timeout),
    }
    replies: list[tuple[float, Reply]] = []  # (when the request started, its answer)
    try:
        with serving(installed_project, tmp_path, env) as server:
            running = threading.Event()
            running.set()
            failures: list[BaseException] = []

            def poll() -> None:  # a steady stream of readiness checks, one connection each
                while running.is_set():
                    started = time.monotonic()
                    try:
                        replies.append((started, server.get("/api/ready", timeout=30)))
                    except BaseException as error:  # checked below
                        failures.append(error)
                    time.sleep(0.02)

            threads = [threading.Thread(target=poll) for _ in range(4)]
            for thread in threads:
                thread.start()
            try:
                time.sleep(1.5)
                frozen = time.monotonic()
                os.kill(redis.pid, signal.SIGSTOP)  # a Redis that hangs: the timeout must hold
                time.sleep(3)
                os.kill(redis.pid, signal.SIGCONT)
                thawed = time.monotonic()
                time.sleep(4)
                stopped = time.monotonic()
                stop_process(redis)  # a Redis that is gone
                time.sleep(2)
                restarted_at = time.monotonic()
                redis = start_redis(redis_port, tmp_path / "redis")
                time.sleep(4)
            finally:
                running.clear()
                for thread in threads:
                    thread.join(timeout=60)
    finally:
        stop_process(redis)

    assert not failures, failures
    # The job broker has its own connections to the same Redis: around a fault, either check
    # may be the first to meet it.
    down_envelopes = [
        {
            "error": {
                "code": 502,
                "status": "BAD_GATEWAY",
                "message": f"Could not connect to {what}.",
                "details": [],
            }
        }
        for what in ("Redis", "the job broker")
    ]
    for _, reply in replies:
        assert reply.status in (200, 502), (reply.status, reply.body)
        if reply.status == 502:
            assert_envelope(reply, 502)
            assert reply.json() in down_envelopes
        assert reply.elapsed < redis_timeout + 1.5, f"a request took {reply.elapsed:.1f}s"

    def statuses(begin: float, end: float) -> list[int]:
        return [reply.status for started, reply in replies if begin <= started < end]

    # A request sent just before a fault may meet it: 0.2 s of margin around each change.
    assert set(statuses(0, frozen - 0.2)) == {200}, "not ready before the fault"
    assert set(statuses(frozen + 0.1, thawed - redis_timeout)) == {502}, "while Redis hung"
    assert set(statuses(stopped + 0.2, restarted_at)) == {502}, "while Redis was stopped"
    # Back: every answer 200 from 2 seconds after each return on.
    assert set(statuses(thawed + 2, stopped)) == {200}, "no recovery after Redis resumed"
    assert set(statuses(restarted_at + 2, float("inf"))) == {200}, "no recovery after restart"


# -- schemathesis --------------------------------------------------------------------------------


def test_schemathesis_finds_no_500_and_no_schema_violation(
    installed_project: Path, tmp_path: Path
) -> None:
    with serving(installed_project, tmp_path, launcher=True) as server:
        schema = json.loads(server.get("/openapi.json").body)
        expected = {"/api/ready", "/api/live", "/test/items", "/test/items/{item_id}"}
        assert expected <= set(schema["paths"])
        done = subprocess.run(
            [
                tool("st"),
                "run",
                f"http://127.0.0.1:{server.port}/openapi.json",
                "--checks",
                "all",
                "--max-examples",
                "200",
                "--workers",
                "2",
                "--seed",
                "1",
                "--no-color",
            ],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=tmp_path,
        )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    operations = sum(len(methods) for methods in schema["paths"].values())
    tested = re.search(r"Tested:\s+(\d+)", output)
    assert tested and int(tested.group(1)) == operations, output  # every operation tested


# -- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize("debug", ["false", "true"])
def test_bad_input_gets_its_status_and_the_envelope(
    installed_project: Path, tmp_path: Path, debug: str
) -> None:
    env = {"FASTAPI_DEBUG": debug, "FASTAPI_MAX_BODY_SIZE": "1024"}
    json_type = {"Content-Type": "application/json"}
    item = json.dumps({"name": "tea", "quantity": 2}).encode()
    with serving(installed_project, tmp_path, env, launcher=True) as server:
        port = server.port
        created = request(port, "POST", "/test/items", item, json_type)
        assert (created.status, created.json()) == (201, {"name": "tea", "quantity": 2})

        error = assert_envelope(
            request(port, "POST", "/test/items", b'{"name": "te', json_type), 400
        )
        assert error["status"] == "BAD_REQUEST"
        for content_type in ("text/plain", "application/xml", "multipart/form-data; boundary=x"):
            reply = request(port, "POST", "/test/items", item, {"Content-Type": content_type})
            assert assert_envelope(reply, 415)["status"] == "UNSUPPORTED_MEDIA_TYPE"
        assert_envelope(request(port, "POST", "/test/items", item), 415)  # no Content-Type
        big = json.dumps({"name": "x" * 4000, "quantity": 1}).encode()
        for chunked in (False, True):
            reply = request(port, "POST", "/test/items", big, json_type, chunked=chunked)
            assert assert_envelope(reply, 413)["details"] == [{"max_body_size": 1024}]
        assert_envelope(request(port, "GET", "/api/nowhere"), 404)
        assert_envelope(request(port, "GET", "/"), 404)
        reply = request(port, "DELETE", "/api/ready")
        assert assert_envelope(reply, 405)["status"] == "METHOD_NOT_ALLOWED"
        assert reply.headers["allow"] == "GET"
        assert_envelope(request(port, "PUT", "/test/items", item, json_type), 405)
        wrong = json.dumps({"name": 5, "quantity": -1}).encode()
        error = assert_envelope(request(port, "POST", "/test/items", wrong, json_type), 422)
        assert [detail["loc"] for detail in error["details"]] == [
            ["body", "name"],
            ["body", "quantity"],
        ]
        assert_envelope(request(port, "POST", "/test/items", b"", json_type), 422)
        assert_envelope(request(port, "GET", "/test/items/not-a-number"), 422)
        # The server is still well after all of it.
        assert server.get("/api/ready").status == 200
    assert "Traceback" not in server.output()


# -- probes, documentation, the original fastapi-mvc's settings ----------------------------------


def test_liveness_does_not_depend_on_redis(installed_project: Path, tmp_path: Path) -> None:
    """The chart's livenessProbe is /api/live: a Redis outage must not get the pods restarted."""
    redis_port = free_port()
    redis = start_redis(redis_port, tmp_path / "redis")
    env = {"FASTAPI_USE_REDIS": "true", "FASTAPI_REDIS_PORT": str(redis_port)}
    try:
        with serving(installed_project, tmp_path, env) as server:
            assert server.get("/api/live").json() == {"status": "ok"}
            stop_process(redis)
            assert_envelope(server.get("/api/ready"), 502)
            for _ in range(10):
                reply = server.get("/api/live", timeout=5)
                assert (reply.status, reply.json()) == (200, {"status": "ok"})
    finally:
        stop_process(redis)


DOCUMENTATION = ("/docs", "/redoc", "/openapi.json")


def test_an_empty_docs_url_turns_off_docs_redoc_and_the_schema(
    installed_project: Path, tmp_path: Path
) -> None:
    with serving(installed_project, tmp_path, {"FASTAPI_DOCS_URL": ""}) as server:
        for path in DOCUMENTATION:
            assert assert_envelope(server.get(path), 404)["status"] == "NOT_FOUND"
            assert_envelope(server.get(f"{path}/oauth2-redirect"), 404)
        assert server.get("/api/ready").status == 200


def test_the_original_chart_args_and_log_level_are_taken(
    installed_project: Path, tmp_path: Path
) -> None:
    """The original image's `CMD ["serve", "--bind", ...]`, overridden by a pod's `args:`, and
    the original's FASTAPI_GUNICORN_LOG_LEVEL."""
    dockerfile = (installed_project / "Dockerfile").read_text()
    entrypoint = json.loads(re.search(r"^ENTRYPOINT (.+)$", dockerfile, re.MULTILINE).group(1))
    assert entrypoint == [f"/venv/bin/{installed_project.name}"]  # the command alone is replaced
    env = {
        "FASTAPI_BIND": "127.0.0.1:1",  # the args win
        "FASTAPI_GUNICORN_LOG_LEVEL": "debug",
    }
    args = ["serve", "--bind", "127.0.0.1:{port}"]
    with serving(installed_project, tmp_path, env, command=args) as server:
        assert server.get("/api/live").status == 200
        for path in DOCUMENTATION:  # public by default, outside the chart
            assert server.get(path).status == 200, path
    assert "[DEBUG] Arbiter booted" in server.output()
