"""Measure the generated project's production server side by side with wrk, on loopback.

    python bench/serve.py [--duration S] [--connections N] [--rounds N] [--levers]

It renders a fresh default project into a temporary directory, installs it with its own
`make install`, adds a controller with `fastapi-mvc generate controller items index show`, and
starts every server once, each with 2 workers, on 127.0.0.1:

1. `<script> serve` (gunicorn master, uvicorn workers): GET /api/ready
2. the same application under plain `uvicorn --workers 2` (same settings: no access log)
3. a bare Starlette hello-world app (one route answering {"status": "ok"}) served by the
   project's own gunicorn configuration and worker class: the floor of framework overhead
4. `<script> serve`: GET /api/items/index, the JSON endpoint of a generated controller

After a warm-up, it runs wrk against each case in turn, alternating the order every round and
repeating the rounds; the table shows medians: requests/s, p50/p99 latency, errors (non-2xx
answers plus socket errors, summed over the rounds) and the peak RSS (VmHWM) of each worker.
Ratios compare medians of the same run, so a noisy machine slows every case alike.

`--levers` measures the serving options instead, each as a variant of case 1 through the same
`ApplicationLoader` with one thing changed: the asyncio event loop instead of uvloop, the h11
HTTP parser instead of httptools, the access log on, orjson (ORJSONResponse) as the JSON
response class, FastAPI's native telemetry on, and clients that do not keep connections alive.

Not a test: it prints numbers and the verdict on each target, and always exits 0. Every server
is stopped by its PID; the whole run is bounded (about 4 minutes with the defaults).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

WRK = shutil.which("wrk") or "/usr/bin/wrk"
WORKERS = 2

# A launcher for the bare app and the lever variants: the project's own ApplicationLoader
# (its gunicorn config module, its worker class) with one thing changed.
LAUNCHER = '''\
"""Serve an app through PACKAGE.wsgi.ApplicationLoader with one option changed."""

import argparse
import json

from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route
from uvicorn_worker import UvicornWorker

from PACKAGE.app.asgi import get_application
from PACKAGE.wsgi import ApplicationLoader


async def ready(request):
    return JSONResponse({"status": "ok"})


def bare_app():
    return Starlette(routes=[Route("/api/ready", ready)])


def orjson_app():
    from fastapi.responses import ORJSONResponse
    from fastapi.routing import APIRoute, request_response

    app = get_application()
    for route in app.router.routes:
        if isinstance(route, APIRoute):
            route.response_class = ORJSONResponse
            route.app = request_response(route.get_route_handler())
    return app


parser = argparse.ArgumentParser()
parser.add_argument("--bind", required=True)
parser.add_argument("--app", choices=["project", "bare", "orjson"], default="project")
parser.add_argument("--worker", default="{}", help="uvicorn Config options, as JSON")
parser.add_argument("--gunicorn", default="{}", help="gunicorn settings, as JSON")
args = parser.parse_args()


class Worker(UvicornWorker):
    CONFIG_KWARGS = {**UvicornWorker.CONFIG_KWARGS, **json.loads(args.worker)}


class Loader(ApplicationLoader):
    def load(self):
        return {"project": get_application, "bare": bare_app, "orjson": orjson_app}[args.app]()


overrides = {"bind": [args.bind], "workers": WORKERS, **json.loads(args.gunicorn)}
if args.worker != "{}":
    overrides["worker_class"] = Worker
Loader(overrides).run()
'''


@dataclass
class Case:
    label: str
    path: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    headers: tuple[str, ...] = ()
    port: int = 0
    process: subprocess.Popen | None = None
    rps: list[float] = field(default_factory=list)
    p50: list[float] = field(default_factory=list)
    p99: list[float] = field(default_factory=list)
    errors: int = 0
    requests: int = 0
    rss_mib: list[float] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.path}"


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sh(*args: str | Path, cwd: Path | None = None, timeout: float = 600) -> str:
    done = subprocess.run(
        [str(arg) for arg in args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
    )
    if done.returncode:
        raise SystemExit(f"{' '.join(map(str, args))} failed:\n{done.stdout[-4000:]}")
    return done.stdout


def children(pid: int) -> list[int]:
    """Direct children of pid (the workers of a gunicorn master or a uvicorn supervisor)."""
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def workers(pid: int) -> list[int]:
    """The worker processes: children that are not multiprocessing's helpers."""
    found = []
    for child in children(pid):
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"resource_tracker" not in cmdline:
            found.append(child)
    return found


def peak_rss_mib(pid: int) -> float:
    """VmHWM: the most resident memory the process has ever had, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def start(case: Case, cwd: Path, log_dir: Path) -> None:
    case.port = free_port()
    argv = [arg.replace("{port}", str(case.port)) for arg in case.argv]
    env = {k: v for k, v in os.environ.items() if not k.startswith("FASTAPI_")}
    env.update(case.env)
    log = (log_dir / f"{re.sub(r'[^a-z0-9]+', '-', case.label.lower())}.log").open("w")
    case.process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_ready(case: Case, deadline: float = 60) -> None:
    end = time.monotonic() + deadline
    while True:
        assert case.process is not None
        if case.process.poll() is not None:
            raise SystemExit(f"{case.label}: the server exited {case.process.returncode}")
        try:
            with urllib.request.urlopen(case.url, timeout=2) as reply:
                body = reply.read()
            if reply.status == 200 and len(workers(case.process.pid)) == WORKERS:
                print(f"  {case.label}: {case.url} -> {body.decode()}")
                return
        except OSError:
            pass
        if time.monotonic() > end:
            raise SystemExit(f"{case.label}: not ready after {deadline}s")
        time.sleep(0.2)


def stop(case: Case) -> None:
    """SIGTERM the master (it stops its workers); SIGKILL whatever is left, each by its PID."""
    if case.process is None or case.process.poll() is not None:
        return
    left = workers(case.process.pid)
    case.process.send_signal(signal.SIGTERM)
    try:
        case.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        case.process.kill()
        case.process.wait(timeout=10)
    for pid in left:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def millis(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)([a-z]+)", text).groups()
    return float(number) * UNITS[unit]


def wrk(
    url: str,
    duration: int,
    connections: int,
    threads: int,
    headers: tuple[str, ...] = (),
    script: Path | None = None,
) -> dict[str, float]:
    """One wrk run; requests/s, p50/p99 in ms, requests and errors (non-2xx + socket errors).
    `script` is a wrk Lua script (e.g. one that makes the requests POSTs with a body)."""
    out = sh(
        WRK,
        *(arg for header in headers for arg in ("-H", header)),
        *(("-s", str(script)) if script else ()),
        f"-t{threads}",
        f"-c{connections}",
        f"-d{int(duration)}s",
        "--timeout",
        "5s",
        "--latency",
        url,
        timeout=duration + 60,
    )
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": millis(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)),
        "p99": millis(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "errors": (sum(map(int, socket_errors.groups())) if socket_errors else 0)
        + (int(non_2xx.group(1)) if non_2xx else 0),
    }


def render_project(scratch: Path) -> Path:
    project = scratch / "demo"
    tool = [sys.executable, "-m", "fastapi_mvc"]
    sh(*tool, "new", "-n", "-I", "-q", "--skip-git", project, cwd=scratch)
    sh("make", "install", cwd=project, timeout=900)
    sh(*tool, "generate", "controller", "items", "index", "show", cwd=project)
    return project


def baseline_cases(baseline: Path) -> list[Case]:
    """Cases 1 and 4 on another installed project (with an `items` controller), for before/after."""
    script = str(baseline / ".venv" / "bin" / "demo")
    serve = [script, "serve", "--bind", "127.0.0.1:{port}", "-w", str(WORKERS)]
    return [
        Case("B1 baseline /api/ready", "/api/ready", serve),
        Case("B4 baseline controller", "/api/items/index", serve),
    ]


def main_cases(project: Path, launcher: Path) -> list[Case]:
    bin_ = project / ".venv" / "bin"
    serve = [str(bin_ / "demo"), "serve", "--bind", "127.0.0.1:{port}", "-w", str(WORKERS)]
    uvicorn = [str(bin_ / "uvicorn"), "--factory", "demo.app.asgi:get_application"]
    uvicorn += ["--host", "127.0.0.1", "--port", "{port}", "--workers", str(WORKERS)]
    uvicorn += ["--no-access-log"]
    python = str(bin_ / "python")
    bare = [python, str(launcher), "--bind", "127.0.0.1:{port}", "--app", "bare"]
    return [
        Case("1 serve /api/ready", "/api/ready", serve),
        Case("2 uvicorn /api/ready", "/api/ready", uvicorn),
        Case("3 bare Starlette", "/api/ready", bare),
        Case("4 serve controller", "/api/items/index", serve),
    ]


def lever_cases(project: Path, launcher: Path) -> list[Case]:
    bin_ = project / ".venv" / "bin"
    serve = [str(bin_ / "demo"), "serve", "--bind", "127.0.0.1:{port}", "-w", str(WORKERS)]
    via = [str(bin_ / "python"), str(launcher), "--bind", "127.0.0.1:{port}"]
    return [
        Case("serve (as generated)", "/api/ready", serve),
        Case("loop=asyncio", "/api/ready", [*via, "--worker", '{"loop": "asyncio"}']),
        Case("http=h11", "/api/ready", [*via, "--worker", '{"http": "h11"}']),
        Case("access log on", "/api/ready", serve, {"FASTAPI_ACCESSLOG": "-"}),
        Case("ORJSONResponse", "/api/ready", [*via, "--app", "orjson"]),
        Case("telemetry on", "/api/ready", serve, {"FASTAPI_TELEMETRY": "true"}),
        Case("no keep-alive", "/api/ready", serve, headers=("Connection: close",)),
    ]


def table(cases: list[Case], rounds: int) -> None:
    print(
        f"\n{'case':<24} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'errors':>7} "
        f"{'requests':>9} {'peak RSS/worker MiB':>20}"
    )
    for case in cases:
        print(
            f"{case.label:<24} {statistics.median(case.rps):>8.0f} "
            f"{statistics.median(case.p50):>7.2f} {statistics.median(case.p99):>7.2f} "
            f"{case.errors:>7} {case.requests:>9} "
            f"{' '.join(f'{rss:.1f}' for rss in case.rss_mib):>20}"
        )
    print(f"(medians of {rounds} rounds; errors and requests summed over them)")


def ratio(cases: list[Case], a: int, b: int) -> tuple[float, float, float, float]:
    """Ratio of the medians; then the median, min and max of the per-round ratios (paired runs)."""
    paired = [x / y for x, y in zip(cases[a].rps, cases[b].rps, strict=True)]
    median = statistics.median(cases[a].rps) / statistics.median(cases[b].rps)
    return median, statistics.median(paired), min(paired), max(paired)


def describe(r: tuple[float, float, float, float]) -> str:
    return f"{r[0]:.3f} (per round: median {r[1]:.3f}, {r[2]:.3f}-{r[3]:.3f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=64, help="wrk connections")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--rounds", type=int, default=5, help="alternated rounds")
    parser.add_argument("--levers", action="store_true", help="measure the serving options")
    parser.add_argument("--project", type=Path, help="reuse this installed project")
    parser.add_argument(
        "--baseline",
        type=Path,
        help="also serve cases 1 and 4 from this installed project (made by an older template, "
        "with `generate controller items index show`), alternated with the others",
    )
    args = parser.parse_args()
    if not os.access(WRK, os.X_OK):
        raise SystemExit("wrk is not installed (apt-get install wrk)")

    print(
        f"python {sys.version.split()[0]}; {os.cpu_count()} CPUs; wrk -t{args.threads} "
        f"-c{args.connections} -d{args.duration:g}s; {WORKERS} workers; {args.rounds} rounds"
    )
    with tempfile.TemporaryDirectory(prefix="fastapi-mvc-bench-serve-") as tmp:
        scratch = Path(tmp)
        started = time.monotonic()
        project = args.project.resolve() if args.project else render_project(scratch)
        versions = sh(project / ".venv/bin/python", "-m", "pip", "list", "--format=freeze")
        wanted = ("fastapi", "starlette", "uvicorn", "gunicorn", "uvicorn-worker", "uvloop")
        wanted += ("httptools", "pydantic", "orjson")
        print(
            "versions:",
            ", ".join(
                line for line in versions.splitlines() if line.split("==")[0].lower() in wanted
            ),
        )
        if args.levers:
            sh(project / ".venv/bin/python", "-m", "pip", "install", "-q", "orjson")
        launcher = scratch / "launch.py"
        launcher.write_text(LAUNCHER.replace("PACKAGE", "demo").replace("WORKERS", str(WORKERS)))
        cases = (lever_cases if args.levers else main_cases)(project, launcher)
        if args.baseline:
            cases += baseline_cases(args.baseline.resolve())
        print(f"project ready in {time.monotonic() - started:.0f}s; starting the servers")
        try:
            for case in cases:
                start(case, project, scratch)
            for case in cases:
                wait_ready(case)
            print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
            for case in cases:  # warm-up: imports, first requests, CPU caches
                wrk(case.url, 2, args.connections, args.threads, case.headers)
            for round_ in range(args.rounds):
                shift = round_ % len(cases)
                order = cases[shift:] + cases[:shift]
                if round_ % 2:
                    order.reverse()
                for case in order:
                    result = wrk(
                        case.url, args.duration, args.connections, args.threads, case.headers
                    )
                    case.rps.append(result["rps"])
                    case.p50.append(result["p50"])
                    case.p99.append(result["p99"])
                    case.errors += int(result["errors"])
                    case.requests += int(result["requests"])
                print(
                    f"  round {round_ + 1}: "
                    + ", ".join(f"{case.label.split()[0]} {case.rps[-1]:.0f}" for case in cases)
                )
            for case in cases:
                assert case.process is not None
                case.rss_mib = [peak_rss_mib(pid) for pid in workers(case.process.pid)]
        finally:
            for case in cases:
                stop(case)
        table(cases, args.rounds)
        if args.levers:
            for index in range(1, len(cases)):
                print(f"{cases[index].label} / as generated: {describe(ratio(cases, index, 0))}")
        else:
            r12, r13, r43 = ratio(cases, 0, 1), ratio(cases, 0, 2), ratio(cases, 3, 2)
            errors = sum(case.errors for case in cases)
            verdict = {True: "ok", False: "MISSED"}
            print(f"ratio 1/2 (serve / plain uvicorn): {describe(r12)}; target >= 0.95: ", end="")
            print(verdict[r12[0] >= 0.95])
            print(f"ratio 1/3 (serve / bare Starlette): {describe(r13)}; target >= 0.85: ", end="")
            print(verdict[r13[0] >= 0.85])
            print(f"ratio 4/3 (controller / bare Starlette): {describe(r43)}")
            print(f"errors: {errors}; target 0: {verdict[errors == 0]}")
            if args.baseline:
                print(f"1 / baseline 1: {describe(ratio(cases, 0, 4))}")
                print(f"4 / baseline 4: {describe(ratio(cases, 3, 5))}")
                print(f"baseline 1 / 3: {describe(ratio(cases, 4, 2))}")
        print(f"total {time.monotonic() - started:.0f}s")


if __name__ == "__main__":
    main()
