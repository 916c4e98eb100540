"""Background jobs of the generated project, for real: its `<script> worker` processes, its web
server (`<script> serve`, gunicorn) and a real redis-server started here, all on loopback.

One installed project (the session's `installed_project`, every feature on, left unchanged):

- an endpoint enqueues a job, a worker runs it, the result comes back through HTTP; 200 requests
  in parallel all get their own result; the streaming endpoint sends every chunk in order;
- a worker process SIGKILLed mid-job is replaced, and the retryable job is run again, not lost;
  a job that kills its worker on every run is given up after its runs, its result an error;
- SIGTERM lets the running job finish before the worker exits 0;
- the chart's liveness probe (`python -m demo.app.jobs.heartbeat`) passes while every worker
  process beats, fails for one that stopped (SIGSTOP), and passes again when it goes on;
- Redis stopped: the endpoint and /api/ready answer 502 in the envelope, and 200 once Redis is
  back; more pending jobs than FASTAPI_JOBS_MAX_PENDING: 503 with Retry-After;
- without Redis (FASTAPI_USE_REDIS=false, the default) the jobs run inside the web process and
  /api/ready answers 200; `worker` refuses in one line, exit 2;
- `worker` with a broker that does not answer: one line with the password masked, exit 1;
- `generate job`, then the generated unit test passes through the in-memory broker.

The test jobs (a slow one that can be killed mid-run) live in a module of this test's own, which
a launcher adds to the worker's modules: the project is not changed.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from support import free_port, run_cli, run_ok, start_redis, stop_process

pytestmark = pytest.mark.integration

PROBE_JOBS = '''\
"""Jobs for the tests: each start and end is written to a file, with the process id."""

import asyncio
import os
import signal
from pathlib import Path

from demo.app.jobs.broker import broker


def note(marker: str, what: str) -> None:
    with Path(marker).open("a") as file:
        file.write(f"{what} {os.getpid()}\\n")


@broker.task(retry_on_error=True, max_retries=2, ack_type="when_saved")
async def slow_retryable(seconds: float, marker: str) -> str:
    note(marker, "start")
    await asyncio.sleep(seconds)
    note(marker, "done")
    return "finished"


@broker.task(retry_on_error=True, max_retries=2, ack_type="when_saved")
async def deadly(seconds: float, marker: str) -> str:
    note(marker, "start")
    os.kill(os.getpid(), signal.SIGKILL)
    return "never"
'''

# The project's worker command, with the test's job module added to the modules it imports.
WORKER_LAUNCHER = """\
import sys

from taskiq.cli.worker.run import run_worker

from demo.cli.worker import worker_args

args = worker_args(workers=int(sys.argv[1]), concurrency=10, grace=30)
args.modules.append("probe_jobs")
sys.exit(run_worker(args) or 0)
"""

# Enqueues a test job and prints its result as JSON: what an endpoint's result_of does.
ENQUEUE = """\
import asyncio
import json
import sys

import probe_jobs
from demo.app.jobs.broker import broker, running


async def main() -> None:
    job = getattr(probe_jobs, sys.argv[1])
    async with running(broker):
        task = await job.kiq(float(sys.argv[2]), sys.argv[3])
        result = await task.wait_result(timeout=60, check_interval=0.05)
    error = f"{type(result.error).__name__}: {result.error}" if result.is_err else None
    print(json.dumps({"error": error, "value": result.return_value}))


asyncio.run(main())
"""


class Stack:
    """Redis, the worker and the web server of one project, with the environment they share."""

    def __init__(self, project: Path, scratch: Path) -> None:
        self.project = project
        self.scratch = scratch
        self.redis_port = free_port()
        self.redis: subprocess.Popen | None = None
        self.worker_log = scratch / "worker.log"
        (scratch / "probe_jobs.py").write_text(PROBE_JOBS)
        (scratch / "launch_worker.py").write_text(WORKER_LAUNCHER)
        (scratch / "enqueue.py").write_text(ENQUEUE)
        self.env = {
            **os.environ,
            "PYTHONPATH": str(scratch),
            # Without it the jobs would run inside the web process, with no worker.
            "FASTAPI_USE_REDIS": "true",
            "FASTAPI_REDIS_PORT": str(self.redis_port),
            "FASTAPI_REDIS_TIMEOUT": "1",
            # A killed worker's retryable job is taken up again after 3 s (it runs for 1.5 s).
            "FASTAPI_JOBS_REDELIVER_AFTER": "3",
        }

    @property
    def python(self) -> str:
        return str(self.project / ".venv" / "bin" / "python")

    def start_redis(self) -> None:
        self.redis = start_redis(self.redis_port, self.scratch / "redis")

    def stop_redis(self) -> None:
        assert self.redis is not None
        stop_process(self.redis)

    def worker(self, workers: int = 2, **env: str) -> subprocess.Popen:
        """The project's worker, its output in `self.worker_log` (this worker's own file)."""
        self.worker_log = self.scratch / f"worker-{time.monotonic_ns()}.log"
        log = self.worker_log.open("wb")
        return subprocess.Popen(
            [self.python, str(self.scratch / "launch_worker.py"), str(workers)],
            cwd=self.scratch,
            env={**self.env, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a group of its own: stop_worker stops its processes too
        )

    def serve(self, workers: int = 2, **env: str) -> tuple[subprocess.Popen, str]:
        port = free_port()
        script = self.project / ".venv" / "bin" / "demo"
        server = subprocess.Popen(
            [str(script), "serve", "--bind", f"127.0.0.1:{port}", "-w", str(workers)],
            cwd=self.scratch,
            env={**self.env, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        wait_until(lambda: get(base + "/api/live")[0] == 200, 60, server)
        return server, base

    def enqueue(self, job: str, seconds: float, marker: Path, **env: str) -> subprocess.Popen:
        """A client that enqueues `job` of probe_jobs and prints its result."""
        return subprocess.Popen(
            [self.python, str(self.scratch / "enqueue.py"), job, str(seconds), str(marker)],
            cwd=self.scratch,
            env={**self.env, **env},
            stdout=subprocess.PIPE,
            text=True,
        )


def stop_worker(worker: subprocess.Popen) -> None:
    """Stop a worker and every process it started. Stopping its main process alone (SIGKILL
    after 10 s, within the worker's 30 s of grace) once left a worker process running, orphaned,
    after the suite had ended."""
    stop_process(worker)
    with contextlib.suppress(ProcessLookupError):  # none of its group is left
        os.killpg(worker.pid, signal.SIGKILL)


def get(url: str, timeout: float = 30) -> tuple[int, dict[str, str], str]:
    """Status, headers and body of a GET; connection failures are status 0."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()
    except OSError:
        return 0, {}, ""


def wait_until(
    condition, seconds: float, process: subprocess.Popen | None = None, what: str = ""
) -> None:
    end = time.monotonic() + seconds
    while not condition():
        if process is not None:
            assert process.poll() is None, f"{process.args} exited {process.returncode}"
        assert time.monotonic() < end, f"not within {seconds}s: {what or condition}"
        time.sleep(0.1)


def children(pid: int) -> set[int]:
    """The process ids whose parent is `pid` (the worker processes of taskiq's manager)."""
    found = set()
    for status in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = status.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(status.parent.name))
    return found


def lines(marker: Path) -> list[str]:
    return marker.read_text().splitlines() if marker.exists() else []


@pytest.fixture(scope="module")
def stack(installed_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    stack = Stack(installed_project, tmp_path_factory.mktemp("jobs"))
    stack.start_redis()
    yield stack
    if stack.redis is not None:
        stop_process(stack.redis)


@pytest.fixture(scope="module")
def web(stack: Stack) -> Iterator[str]:
    """The project's server (2 web workers) and its job worker (2 processes)."""
    worker = stack.worker()
    server, base = stack.serve()
    yield base
    stop_process(server)
    stop_worker(worker)


def test_an_endpoint_gets_its_result_from_a_worker(web: str) -> None:
    status, _, body = get(web + "/api/primes/count?limit=100")
    assert (status, json.loads(body)) == (200, {"limit": 100, "count": 25})


def test_200_jobs_in_parallel_all_complete(web: str) -> None:
    limits = [100 + n for n in range(200)]
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=40) as pool:
        answers = list(pool.map(lambda n: get(f"{web}/api/primes/count?limit={n}"), limits))
    print(f"200 jobs through HTTP, Redis and 2 workers in {time.monotonic() - started:.1f}s")
    assert [status for status, _, _ in answers] == [200] * 200
    assert [json.loads(body)["limit"] for _, _, body in answers] == limits


def test_the_stream_sends_every_chunk_in_order(web: str) -> None:
    status, headers, body = get(web + "/api/primes/stream?limit=30000&step=5000")
    assert status == 200
    assert headers["content-type"].startswith("text/event-stream")
    events = [
        dict(line.split(": ", 1) for line in event.splitlines())
        for event in body.split("\n\n")
        if event
    ]
    assert [event["event"] for event in events] == ["chunk"] * 6 + ["result"]
    assert [event.get("id") for event in events[:6]] == [str(n) for n in range(6)]
    starts = [json.loads(event["data"])["start"] for event in events[:6]]
    assert starts == list(range(0, 30000, 5000))
    assert int(events[-1]["data"]) == sum(
        json.loads(event["data"])["count"] for event in events[:6]
    )


def test_a_killed_worker_is_replaced_and_its_retryable_job_run_again(
    stack: Stack, tmp_path: Path
) -> None:
    queue = {"FASTAPI_JOBS_QUEUE": "demo:kill"}
    worker = stack.worker(**queue)
    try:
        wait_until(lambda: len(children(worker.pid)) == 2, 30, worker, "2 worker processes")
        marker = tmp_path / "marker"
        client = stack.enqueue("slow_retryable", 1.5, marker, **queue)
        wait_until(lambda: lines(marker), 30, client, "the job started")
        victim = int(lines(marker)[0].split()[1])
        os.kill(victim, signal.SIGKILL)

        output, _ = client.communicate(timeout=60)

        assert json.loads(output) == {"error": None, "value": "finished"}
        started = [line.split()[1] for line in lines(marker) if line.startswith("start")]
        done = [line.split()[1] for line in lines(marker) if line.startswith("done")]
        assert started[0] == str(victim) and len(started) == 2 and done == started[1:]
        wait_until(lambda: len(children(worker.pid)) == 2, 30, worker, "a replacement")
        assert victim not in children(worker.pid)
    finally:
        stop_worker(worker)


def test_a_job_that_kills_its_worker_each_time_is_given_up_after_its_runs(
    stack: Stack, tmp_path: Path
) -> None:
    queue = {"FASTAPI_JOBS_QUEUE": "demo:poison"}
    worker = stack.worker(**queue)
    log = stack.worker_log
    try:
        wait_until(lambda: len(children(worker.pid)) == 2, 30, worker, "2 worker processes")
        marker = tmp_path / "marker"
        client = stack.enqueue("deadly", 0, marker, **queue)

        output, _ = client.communicate(timeout=60)

        died = "WorkerDiedError: its worker died during each of its 2 run(s)"
        assert json.loads(output) == {"error": died, "value": None}
        victims = [line.split()[1] for line in lines(marker)]
        assert len(victims) == 2 and victims[0] != victims[1]
        # No third run: the job is off the queue, and the workers are whole again.
        time.sleep(4)
        assert len(lines(marker)) == 2
        wait_until(lambda: len(children(worker.pid)) == 2, 30, worker, "replacements")
    finally:
        stop_worker(worker)
    assert "given up: its worker died during each of its 2 run(s)" in log.read_text()


def test_sigterm_lets_the_running_job_finish(stack: Stack, tmp_path: Path) -> None:
    queue = {"FASTAPI_JOBS_QUEUE": "demo:term"}
    worker = stack.worker(workers=1, **queue)
    marker = tmp_path / "marker"
    try:
        wait_until(lambda: children(worker.pid), 30, worker, "a worker process")
        client = stack.enqueue("slow_retryable", 2, marker, **queue)
        wait_until(lambda: lines(marker), 30, client, "the job started")
        worker.send_signal(signal.SIGTERM)

        output, _ = client.communicate(timeout=60)
        assert worker.wait(timeout=30) == 0
    finally:
        stop_worker(worker)
    assert json.loads(output) == {"error": None, "value": "finished"}
    assert [line.split()[0] for line in lines(marker)] == ["start", "done"]


def test_the_liveness_probe_follows_the_worker_processes_heartbeats(
    stack: Stack, tmp_path: Path
) -> None:
    beats = {"FASTAPI_JOBS_HEARTBEAT_DIR": str(tmp_path), "FASTAPI_JOBS_HEARTBEAT_INTERVAL": "0.5"}
    probe = [stack.python, "-m", "demo.app.jobs.heartbeat", "3"]

    def alive() -> subprocess.CompletedProcess:
        return subprocess.run(
            probe, env={**stack.env, **beats}, capture_output=True, text=True, timeout=60
        )

    worker = stack.worker(FASTAPI_JOBS_QUEUE="demo:beats", **beats)
    stopped = None
    try:
        wait_until(lambda: len(list(tmp_path.iterdir())) == 2, 30, worker, "2 heartbeats")
        assert alive().returncode == 0
        stopped = min(children(worker.pid))
        os.kill(stopped, signal.SIGSTOP)
        time.sleep(4)
        failed = alive()
        assert failed.returncode == 1
        assert failed.stderr.startswith(f"Not alive: worker process {stopped} last beat ")
        os.kill(stopped, signal.SIGCONT)
        stopped = None
        wait_until(lambda: alive().returncode == 0, 30, worker, "beating again")
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=60) == 0
    finally:
        if stopped is not None:
            os.kill(stopped, signal.SIGCONT)
        stop_worker(worker)
    # Stopped workers leave no heartbeat behind.
    assert list(tmp_path.iterdir()) == []
    assert alive().stderr == f"Not alive: no worker process beats in {tmp_path}\n"


def test_redis_stopped_answers_502_and_recovers(stack: Stack, web: str) -> None:
    stack.stop_redis()
    try:
        for path in ("/api/primes/count?limit=100", "/api/ready"):
            status, _, body = get(web + path)
            assert status == 502, body
            assert json.loads(body)["error"]["status"] == "BAD_GATEWAY"
    finally:
        stack.start_redis()
    wait_until(lambda: get(web + "/api/ready")[0] == 200, 30, what="ready again")
    wait_until(
        lambda: get(web + "/api/primes/count?limit=100", timeout=5)[0] == 200, 60, what="jobs again"
    )


def test_more_pending_jobs_than_the_cap_answer_503(stack: Stack) -> None:
    # No worker reads this queue: every job stays pending until its 3 s run out.
    settings = {"FASTAPI_JOBS_QUEUE": "demo:nobody", "FASTAPI_JOBS_MAX_PENDING": "2"}
    # One web process: the cap is each process's.
    server, base = stack.serve(workers=1, **settings, FASTAPI_JOBS_TIMEOUT="3")
    try:
        with ThreadPoolExecutor(max_workers=3) as pool:
            first = [pool.submit(get, base + "/api/primes/count") for _ in range(2)]
            time.sleep(1)
            status, headers, body = get(base + "/api/primes/count")
            waited = [future.result()[0] for future in first]
    finally:
        stop_process(server)
    assert status == 503
    assert headers["retry-after"] == "1"
    assert json.loads(body)["error"]["message"] == "Too many jobs are pending; try again later."
    assert waited == [504, 504]


def test_a_worker_without_its_broker_says_so_in_one_line(stack: Stack) -> None:
    script = stack.project / ".venv" / "bin" / "demo"
    env = {**stack.env, "FASTAPI_REDIS_PORT": str(free_port()), "FASTAPI_REDIS_PASSWORD": "hunter2"}
    done = subprocess.run(
        [str(script), "worker"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    [line] = (done.stdout + done.stderr).splitlines()
    assert line.startswith("Error: the job broker at redis://:***@127.0.0.1:")
    assert "hunter2" not in line


def test_without_redis_the_jobs_run_in_the_web_process(stack: Stack) -> None:
    # No worker here, and FASTAPI_REDIS_PORT names a port nothing listens on.
    server, base = stack.serve(
        workers=1, FASTAPI_USE_REDIS="false", FASTAPI_REDIS_PORT=str(free_port())
    )
    try:
        ready = get(base + "/api/ready")
        counted = get(base + "/api/primes/count?limit=100")
    finally:
        stop_process(server)
    assert ready[0] == 200, ready[2]
    assert counted[0] == 200, counted[2]
    assert json.loads(counted[2])["count"] == 25


def test_without_redis_a_worker_refuses_in_one_line(stack: Stack) -> None:
    script = stack.project / ".venv" / "bin" / "demo"
    env = {**stack.env, "FASTAPI_USE_REDIS": "false"}
    done = subprocess.run(
        [str(script), "worker"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    [line] = (done.stdout + done.stderr).splitlines()
    assert "FASTAPI_USE_REDIS=true" in line and "FASTAPI_JOBS_BROKER_URL" in line


def test_a_generated_job_passes_its_own_unit_test(stack: Stack, tmp_path: Path) -> None:
    copy = Path(
        shutil.copytree(stack.project, tmp_path / "demo", ignore=shutil.ignore_patterns(".venv"))
    )
    result = run_cli("generate", "job", "resize_image", "width:int", "--retries", "1", cwd=copy)
    assert result.exit_code == 0, result.output
    env = {"PYTHONPATH": str(copy)}
    test = "tests/unit/app/jobs/test_resize_image.py"
    run_ok(stack.python, "-m", "pytest", "-q", "-p", "no:cacheprovider", test, cwd=copy, env=env)
    run_ok(stack.python, "-m", "mypy", "demo/app/jobs/resize_image.py", test, cwd=copy, env=env)
