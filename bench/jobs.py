"""Measure the generated project's background jobs: HTTP, Redis and `<script> worker`, on loopback.

    python bench/jobs.py [--project PATH] [--requests N] [--seconds S] [--pin]

It uses an installed project with jobs (PATH, or a fresh `fastapi-mvc new -n --database none`
in a temporary directory, installed by its own `make install`), starts a throw-away
redis-server, `<script> worker -w 2` and the project's server (its gunicorn ApplicationLoader, 2
web workers) with one route added: the example's 50 ms prime count run *inside* the endpoint.
Then:

1. round trip of a trivial job (GET /api/primes/count?limit=2: enqueue, a worker runs it, the
   result comes back through HTTP): p50/p99 of N sequential requests, and jobs/s with 16
   clients in parallel (2 worker processes);
2. /api/ready p99 with nothing else running, then while 4 clients ask for the 50 ms job through
   the worker (/api/primes/count), then while 4 clients ask for the same loop run inside the
   endpoint (/bench/primes-inline); each p99 also as a ratio to the idle one.

Not a test: it prints numbers and always exits 0. Every process is stopped by its PID; the run is
bounded (about a minute with the defaults, plus the install when no project is given).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"

LAUNCHER = '''\
"""The project's server, plus the example's prime count run inside an endpoint."""

import sys

from fastapi import APIRouter

from PACKAGE.app.asgi import get_application
from PACKAGE.app.jobs.primes import primes_below
from PACKAGE.wsgi import ApplicationLoader

router = APIRouter()


@router.get("/bench/primes-inline")
async def primes_inline(limit: int = 15_000) -> dict[str, int]:
    return {"limit": limit, "count": primes_below(limit)}


class Loader(ApplicationLoader):
    def load(self):
        app = get_application()
        app.include_router(router)
        return app


Loader({"bind": [sys.argv[1]], "workers": 2}).run()
'''


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def install(scratch: Path) -> Path:
    project = scratch / "demo"
    tool = [sys.executable, "-m", "fastapi_mvc", "new", "-n", "-q", "--database", "none"]
    subprocess.run([*tool, str(project)], check=True, timeout=1200)
    return project


def get(url: str) -> float:
    """Seconds one GET took; a failed request is an error."""
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{url}: {response.status}")
    return time.perf_counter() - started


def wait_for(url: str, process: subprocess.Popen, seconds: float = 240) -> None:
    end = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args} exited {process.returncode}")
        try:
            get(url)
            return
        except OSError:
            if time.monotonic() > end:
                raise
            time.sleep(0.2)


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def ready_under(base: str, path: str | None, seconds: float, clients: int = 4) -> list[float]:
    """/api/ready latencies (one request at a time) while `clients` threads GET `path`."""
    stop = threading.Event()

    def load() -> None:
        while not stop.is_set():
            get(base + path)

    threads = [threading.Thread(target=load) for _ in range(clients if path else 0)]
    for thread in threads:
        thread.start()
    time.sleep(0.5 if path else 0)
    samples = []
    end = time.monotonic() + seconds
    try:
        while time.monotonic() < end:
            samples.append(get(base + "/api/ready"))
            time.sleep(0.005)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", type=Path, help="an installed project with jobs")
    parser.add_argument("--requests", type=int, default=300, help="sequential round trips")
    parser.add_argument("--seconds", type=float, default=8, help="each /api/ready measurement")
    parser.add_argument(
        "--pin",
        action="store_true",
        help="the worker on CPU 1, the web server and Redis on CPU 0 (taskset): as when the"
        " chart runs the workers in pods of their own",
    )
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="bench-jobs-"))
    processes: list[subprocess.Popen] = []
    try:
        project = args.project.resolve() if args.project else install(scratch)
        answers = dict(
            line.split(": ", 1)
            for line in (project / ".fastapi-mvc.yml").read_text().splitlines()
            if ": " in line and not line.startswith("#")
        )
        package, script = answers["package_name"], project / ".venv/bin" / answers["script_name"]
        launcher = scratch / "launch.py"
        launcher.write_text(LAUNCHER.replace("PACKAGE", package))
        redis_port, web_port = free_port(), free_port()
        env = {
            **os.environ,
            # Without it the jobs would run inside the web processes, with no worker.
            "FASTAPI_USE_REDIS": "true",
            "FASTAPI_REDIS_PORT": str(redis_port),
            "FASTAPI_JOBS_TIMEOUT": "60",
        }
        logs = (scratch / "log").open("wb")
        common = {"env": env, "cwd": scratch, "stdout": logs, "stderr": subprocess.STDOUT}
        web_cpu, worker_cpu = (
            (["taskset", "-c", "0"], ["taskset", "-c", "1"]) if args.pin else ([], [])
        )
        redis = [REDIS, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", ""]
        processes.append(subprocess.Popen([*web_cpu, *redis, "--appendonly", "no"], **common))
        time.sleep(0.3)
        worker = subprocess.Popen([*worker_cpu, str(script), "worker", "-w", "2"], **common)
        processes.append(worker)
        python = str(project / ".venv" / "bin" / "python")
        serve = [*web_cpu, python, str(launcher), f"127.0.0.1:{web_port}"]
        web = subprocess.Popen(serve, **common)
        processes.append(web)
        base = f"http://127.0.0.1:{web_port}"
        wait_for(base + "/api/primes/count?limit=2", web)
        for _ in range(50):  # warm up both web workers and both job workers
            get(base + "/api/primes/count?limit=2")
        if worker.poll() is not None:
            raise RuntimeError(f"the worker exited {worker.returncode}: see {scratch / 'log'}")

        trips = [get(base + "/api/primes/count?limit=2") for _ in range(args.requests)]
        parallel = 16 * 25
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=16) as pool:
            list(pool.map(lambda _: get(base + "/api/primes/count?limit=2"), range(parallel)))
        rate = parallel / (time.perf_counter() - started)
        # The CPU-heavy runs compete for the same cores: other work on the machine shows here.
        pinned = ", the worker pinned apart from the web server" if args.pin else ""
        print(f"Load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores{pinned}")
        print("Trivial job through HTTP, Redis and a worker (2 worker processes):")
        print(f"  p50 {ms(statistics.median(trips))}, p99 {ms(percentile(trips, 0.99))}")
        print(f"  {rate:.0f} jobs/s with 16 clients in parallel")

        runs = {
            "idle": ready_under(base, None, args.seconds),
            "the count run by the worker": ready_under(base, "/api/primes/count", args.seconds),
            "the count inside the endpoint": ready_under(
                base, "/bench/primes-inline", args.seconds
            ),
        }
        idle, offloaded, inline = (percentile(samples, 0.99) for samples in runs.values())
        print("/api/ready while 4 clients ask for the 50 ms prime count (p99, ratio, p50):")
        for (what, samples), p99 in zip(runs.items(), (idle, offloaded, inline), strict=True):
            print(
                f"  {what:<30} p99 {ms(p99):>10} ({p99 / idle:4.1f}x idle),"
                f" p50 {ms(statistics.median(samples))}"
            )
        verdict = "met" if offloaded < 5 * idle <= inline else "NOT met"
        print(f"Target (worker under 5x idle, inside the endpoint not): {verdict}")
    finally:
        for process in reversed(processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
