"""The generated app served beside the original fastapi-mvc's generated app, with wrk, on loopback.

    python bench/serve_original.py --ours PROJECT --original PROJECT [--duration S] [--rounds N]

PROJECT folders are installed projects (a `.venv` inside): ours made by `fastapi-mvc new`
(say `--database none`, so that /api/ready checks what the original's checks), the original's by
the original `fastapi-mvc new --skip-install` and `pip install -e .` into its `.venv` (its own
install needs poetry and the network). Without an original project the comparison is skipped
with one line and our cases still run.

Every server has 2 workers and the same logging: no access log (`--access-log` turns it on in
all of them). Cases, alternated every round (order rotated and reversed), medians over rounds:

- ours `<script> serve` and the original's gunicorn + uvicorn workers (its own ApplicationLoader
  and gunicorn config: what its `serve` runs), GET /api/ready;
- ours under plain `uvicorn --workers 2` (is gunicorn's master a gain?);
- a minimal FastAPI app with the same route, under our project's server (its loader, config
  and worker class): what FastAPI itself costs;
- POST /api/orders in both apps: the same code (ORDERS below, added to each app's factory)
  validates a JSON body of ten fields, one of them a nested object, and answers a response model.

Prints requests/s, p50/p99, errors (non-2xx + socket errors), peak RSS per worker, the load
average, and the ratios with their targets. Not a test: it always exits 0. Every server is
stopped by its PID.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from serve import (
    WRK,
    Case,
    peak_rss_mib,
    start,
    stop,
    wait_ready,
    workers,
    wrk,
)

WORKERS = 2

ORDERS = '''\
"""The same endpoint in both apps: validate a body of ten fields (one nested), answer a model."""

from typing import List, Optional

from fastapi import APIRouter
from pydantic import BaseModel


class Address(BaseModel):
    street: str
    city: str
    postcode: str
    country: str


class Order(BaseModel):
    id: int
    customer: str
    email: str
    quantity: int
    unit_price: float
    express: bool
    tags: List[str]
    note: Optional[str] = None
    coupon: Optional[str] = None
    address: Address


class Receipt(BaseModel):
    id: int
    total: float
    city: str
    items: int


router = APIRouter()


@router.post("/api/orders", response_model=Receipt)
async def create_order(order: Order) -> Receipt:
    return Receipt(
        id=order.id,
        total=order.quantity * order.unit_price,
        city=order.address.city,
        items=len(order.tags),
    )
'''

BODY = {
    "id": 42,
    "customer": "Ada Lovelace",
    "email": "ada@example.com",
    "quantity": 3,
    "unit_price": 9.5,
    "express": True,
    "tags": ["gift", "fragile"],
    "note": "leave at the door",
    "coupon": None,
    "address": {"street": "1 Analytical Way", "city": "London", "postcode": "N1", "country": "UK"},
}

# Ours: the project's ApplicationLoader (config, worker class) serving one of three apps.
OURS = """\
import argparse

from fastapi import FastAPI

from PACKAGE.app.asgi import get_application
from PACKAGE.wsgi import ApplicationLoader

import orders

parser = argparse.ArgumentParser()
parser.add_argument("--bind", required=True)
parser.add_argument("--app", choices=["project", "minimal"], default="project")
parser.add_argument("--access-log", action="store_true")
args = parser.parse_args()


def project() -> FastAPI:
    app = get_application()
    app.include_router(orders.router)
    return app


def minimal() -> FastAPI:
    app = FastAPI()

    @app.get("/api/ready")
    async def ready() -> dict[str, str]:
        return {"status": "ok"}

    return app


class Loader(ApplicationLoader):
    def load(self) -> FastAPI:
        return {"project": project, "minimal": minimal}[args.app]()


Loader(
    {"bind": [args.bind], "workers": WORKERS, "accesslog": "-" if args.access_log else None}
).run()
"""

# The original: its own ApplicationLoader (its gunicorn config), as its `serve` builds it.
ORIGINAL = """\
import argparse

from PACKAGE.app.asgi import get_application
from PACKAGE.wsgi import ApplicationLoader

import orders

parser = argparse.ArgumentParser()
parser.add_argument("--bind", required=True)
parser.add_argument("--access-log", action="store_true")
args = parser.parse_args()
app = get_application()
app.include_router(orders.router)
overrides = {"bind": args.bind, "workers": WORKERS, "accesslog": "-" if args.access_log else None}
ApplicationLoader(application=app, overrides=overrides).run()
"""

POST = """\
wrk.method = "POST"
wrk.body = 'BODY'
wrk.headers["Content-Type"] = "application/json"
"""


def package(project: Path) -> str:
    """The project's package: the folder beside pyproject.toml holding app/asgi.py."""
    return next(path.parent.parent.name for path in project.glob("*/app/asgi.py"))


def launcher(folder: Path, name: str, text: str, pkg: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "orders.py").write_text(ORDERS)
    path = folder / name
    path.write_text(text.replace("PACKAGE", pkg).replace("WORKERS", str(WORKERS)))
    return path


def cases(ours: Path, original: Path | None, scratch: Path, access_log: bool) -> list[Case]:
    pkg = package(ours)
    bin_ = ours / ".venv" / "bin"
    log_flag = ["--access-log"] if access_log else []
    via = [str(bin_ / "python"), str(launcher(scratch / "ours", "launch.py", OURS, pkg))]
    via += ["--bind", "127.0.0.1:{port}", *log_flag]
    script = pkg.replace("_", "-") if (bin_ / pkg.replace("_", "-")).exists() else pkg
    serve = [str(bin_ / script), "serve", "--bind", "127.0.0.1:{port}", "-w", str(WORKERS)]
    env = {"FASTAPI_ACCESSLOG": "-"} if access_log else {}
    uvicorn = [str(bin_ / "uvicorn"), "--factory", f"{pkg}.app.asgi:get_application"]
    uvicorn += ["--host", "127.0.0.1", "--port", "{port}", "--workers", str(WORKERS)]
    uvicorn += [] if access_log else ["--no-access-log"]
    found = [
        Case("ours serve /api/ready", "/api/ready", serve, env),
        Case("ours uvicorn /api/ready", "/api/ready", uvicorn),
        Case("minimal FastAPI /api/ready", "/api/ready", [*via, "--app", "minimal"]),
        Case("ours POST /api/orders", "/api/orders", via),
    ]
    if original is not None:
        opkg = package(original)
        oscript = launcher(scratch / "original", "launch.py", ORIGINAL, opkg)
        argv = [str(original / ".venv" / "bin" / "python"), str(oscript)]
        argv += ["--bind", "127.0.0.1:{port}", *log_flag]
        found += [
            Case("original /api/ready", "/api/ready", argv),
            Case("original POST /api/orders", "/api/orders", argv),
        ]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ours", type=Path, required=True, help="our installed project")
    parser.add_argument("--original", type=Path, help="the original's installed project")
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--access-log", action="store_true", help="access log on in all")
    args = parser.parse_args()
    if not os.access(WRK, os.X_OK):
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    original = args.original.resolve() if args.original else None
    if original is None or not (original / ".venv" / "bin" / "python").exists():
        print("SKIP the original: no installed original project given (--original PROJECT)")
        original = None
    print(
        f"python {sys.version.split()[0]}; {os.cpu_count()} CPUs; wrk -t1 "
        f"-c{args.connections} -d{args.duration}s; {WORKERS} workers per server; "
        f"{args.rounds} rounds; access log {'on' if args.access_log else 'off'} in all"
    )
    with tempfile.TemporaryDirectory(prefix="fastapi-mvc-bench-versus-") as tmp:
        scratch = Path(tmp)
        post = scratch / "post.lua"
        post.write_text(POST.replace("BODY", json.dumps(BODY)))
        found = cases(args.ours.resolve(), original, scratch, args.access_log)
        scripts = {case.label: (post if "POST" in case.label else None) for case in found}
        started = time.monotonic()
        try:
            for case in found:
                start(case, args.ours.resolve(), scratch)
            for case in found:
                if "POST" in case.label:
                    case.path = "/api/ready"  # readiness first; POST works only with a body
                wait_ready(case)
                if "POST" in case.label:
                    case.path = "/api/orders"
            print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
            for case in found:
                wrk(case.url, 2, args.connections, 1, script=scripts[case.label])
            for round_ in range(args.rounds):
                shift = round_ % len(found)
                order = found[shift:] + found[:shift]
                if round_ % 2:
                    order.reverse()
                for case in order:
                    result = wrk(
                        case.url, args.duration, args.connections, 1, script=scripts[case.label]
                    )
                    case.rps.append(result["rps"])
                    case.p50.append(result["p50"])
                    case.p99.append(result["p99"])
                    case.errors += int(result["errors"])
                    case.requests += int(result["requests"])
                print(f"  round {round_ + 1}: " + ", ".join(f"{c.rps[-1]:.0f}" for c in found))
            for case in found:
                assert case.process is not None
                case.rss_mib = [peak_rss_mib(pid) for pid in workers(case.process.pid)]
        finally:
            for case in found:
                stop(case)
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        report(found, args.rounds)
        print(f"total {time.monotonic() - started:.0f}s")


def report(found: list[Case], rounds: int) -> None:
    print(
        f"\n{'case':<30} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'errors':>7} "
        f"{'requests':>9} {'peak RSS/worker MiB':>20}"
    )
    for case in found:
        print(
            f"{case.label:<30} {statistics.median(case.rps):>8.0f} "
            f"{statistics.median(case.p50):>7.2f} {statistics.median(case.p99):>7.2f} "
            f"{case.errors:>7} {case.requests:>9} "
            f"{' '.join(f'{rss:.1f}' for rss in case.rss_mib):>20}"
        )
    print(f"(medians of {rounds} rounds; errors and requests summed over them)")
    by = {case.label: case for case in found}

    def ratio(a: str, b: str, target: float | None) -> None:
        if a not in by or b not in by:
            print(f"{a} / {b}: SKIP (no original)")
            return
        value = statistics.median(by[a].rps) / statistics.median(by[b].rps)
        paired = [x / y for x, y in zip(by[a].rps, by[b].rps, strict=True)]
        verdict = (
            ""
            if target is None
            else f"; target >= {target}: " + ("met" if value >= target else "MISSED")
        )
        print(f"{a} / {b}: {value:.2f} (per round {min(paired):.2f}-{max(paired):.2f}){verdict}")

    ratio("ours serve /api/ready", "original /api/ready", 1.0)
    ratio("ours serve /api/ready", "minimal FastAPI /api/ready", 0.95)
    ratio("ours POST /api/orders", "original POST /api/orders", 1.3)
    ratio("ours serve /api/ready", "ours uvicorn /api/ready", 1.0)
    print(f"errors: {sum(case.errors for case in found)} (target 0)")


if __name__ == "__main__":
    main()
