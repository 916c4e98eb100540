"""What a generated application costs per request, in-process: no server, no wrk, no sockets.

    python bench/serve_inproc.py --ours PROJECT [--before PROJECT] [--rounds N]

PROJECT folders are installed projects (a `.venv` inside), made by `fastapi-mvc new`; `--before`
is the same kind of project from an older template (its package name must differ), measured in
the same process. The script runs itself again with the Python of `--ours`.

Every application is built in ONE process and driven by a plain ASGI call loop; the cases are
timed in alternated batches of 200 requests (CPU time of the process), and the table shows the
fastest batch of each and the lower quartile, as a ratio to a minimal FastAPI application with
the same routes. Alternating batches in one process makes a loaded machine slow every case alike,
which wrk against servers (bench/serve.py) cannot; use both.

Cases, each on `GET /api/ready` and on the `POST /api/orders` of bench/serve_original.py (a body
of ten fields, one nested, validated, answered with a response model):

- minimal: `FastAPI()` with the two routes;
- ours: `get_application()` as generated, plus the orders router;
- ours without the body-limit middleware (the lever "drop BodyLimitMiddleware");
- before: `--before`'s application, as generated.

Not a test: it prints numbers and always exits 0.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import os
import statistics
import subprocess
import sys
import time
import types
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from serve_original import BODY, ORDERS, package

BATCH = 200
# The lifespans running, each with the queue that tells it to shut down.
LIFESPANS: list[tuple[asyncio.Task[None], asyncio.Queue[dict[str, Any]]]] = []


def orders_router() -> Any:
    module = sys.modules.get("bench_orders")
    if module is not None:
        return module.router
    module = sys.modules["bench_orders"] = types.ModuleType("bench_orders")
    exec(compile(ORDERS, "bench_orders", "exec"), module.__dict__)
    return module.router


def minimal() -> Any:
    from fastapi import FastAPI

    app = FastAPI()

    @app.get("/api/ready")
    async def ready() -> dict[str, str]:
        return {"status": "ok"}

    app.include_router(orders_router())
    return app


def ours(pkg: str, lever: str = "") -> Any:
    app = importlib.import_module(f"{pkg}.app.asgi").get_application()
    if lever == "no body limit":
        app.user_middleware = [
            middleware
            for middleware in app.user_middleware
            if middleware.cls.__name__ != "BodyLimitMiddleware"
        ]
    app.include_router(orders_router())
    return app


async def start(app: Any) -> dict[str, Any]:
    """Run the application's lifespan startup; the state it yields, for every request."""
    state: dict[str, Any] = {}
    queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    await queue.put({"type": "lifespan.startup"})
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": state}
    task = asyncio.get_running_loop().create_task(app(scope, queue.get, send))
    LIFESPANS.append((task, queue))
    while not sent:
        await asyncio.sleep(0.01)
    if sent[0]["type"] != "lifespan.startup.complete":
        raise SystemExit(f"lifespan failed: {sent[0]}")
    return state


def http_scope(method: str, path: str, body: bytes) -> dict[str, Any]:
    headers = [(b"host", b"bench"), (b"user-agent", b"bench")]
    if body:
        headers += [(b"content-type", b"application/json")]
        headers += [(b"content-length", str(len(body)).encode())]
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "server": ("127.0.0.1", 80),
        "client": ("127.0.0.1", 1),
    }


async def measure(
    cases: dict[str, tuple[Any, dict[str, Any]]], method: str, path: str, rounds: int
) -> None:
    body = json.dumps(BODY).encode() if method == "POST" else b""
    scope = http_scope(method, path, body)

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    statuses: dict[str, set[int]] = {label: set() for label in cases}
    times: dict[str, list[float]] = {label: [] for label in cases}
    for round_ in range(rounds + 3):  # 3 rounds of warm-up
        for label, (app, state) in cases.items():
            seen = statuses[label]

            async def send(message: dict[str, Any], seen: set[int] = seen) -> None:
                if message["type"] == "http.response.start":
                    seen.add(message["status"])

            started = time.process_time()
            for _ in range(BATCH):
                await app(dict(scope, state=dict(state)), receive, send)
            if round_ >= 3:
                times[label].append((time.process_time() - started) / BATCH * 1e6)
    floor = min(times["minimal"])
    print(f"\n{method} {path}: µs per request (CPU), {rounds} rounds of {BATCH}")
    print(f"{'case':<28} {'fastest':>8} {'q1':>8} {'/ minimal':>10}  statuses")
    for label, found in times.items():
        fastest, q1 = min(found), statistics.quantiles(found, n=4)[0]
        print(
            f"{label:<28} {fastest:>8.1f} {q1:>8.1f} {fastest / floor:>10.2f}  "
            f"{sorted(statuses[label])}"
        )


async def child(ours_pkg: str, before_pkg: str | None, rounds: int) -> None:
    cases: dict[str, tuple[Any, dict[str, Any]]] = {}
    app = minimal()
    cases["minimal"] = (app, await start(app))
    app = ours(ours_pkg)
    state = await start(app)  # one lifespan per package: its clients serve every variant
    cases["ours"] = (app, state)
    cases["ours, no body limit"] = (ours(ours_pkg, "no body limit"), state)
    if before_pkg:
        app = ours(before_pkg)
        cases["before"] = (app, await start(app))
    await measure(cases, "GET", "/api/ready", rounds)
    await measure(cases, "POST", "/api/orders", rounds)
    for task, queue in LIFESPANS:
        await queue.put({"type": "lifespan.shutdown"})
        await task


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ours", type=Path, required=True, help="our installed project")
    parser.add_argument("--before", type=Path, help="a project of an older template")
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        before = args.child[1] or None
        asyncio.run(child(args.child[0], before, args.rounds))
        return
    ours_project = args.ours.resolve()
    paths = [str(ours_project)]
    before = ""
    if args.before:
        paths.append(str(args.before.resolve()))
        before = package(args.before.resolve())
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    subprocess.run(
        [
            str(ours_project / ".venv" / "bin" / "python"),
            __file__,
            "--ours",
            str(ours_project),
            "--rounds",
            str(args.rounds),
            "--child",
            package(ours_project),
            before,
        ],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(paths)},
        check=False,
    )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
