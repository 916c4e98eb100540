"""Measure what authentication costs a request, in-process: the same GET of one row by id,
open and behind `CurrentUser` (token verification: the JWT's signature and claims, then the
user's gate columns - token version, is_active, flags - read with one small query or kept by the
per-process cache for FASTAPI_USER_CACHE_SECONDS).

    python bench/auth.py [--project PATH] [--requests N]

It uses an installed project with authentication (PATH, or a fresh `fastapi-mvc new -n` given
`generate authentication` and installed by its own `make install`, in a temporary directory).
Inside the project's own Python, on a migrated SQLite file: two users, and two routes added to
the application that answer the second user's row (`session.get` and its view, as a scaffold's
`GET /{id}` does), `/bench/open/{id}` and `/bench/gated/{id}` (with `user: CurrentUser`, signed
in as the first user). Requests are ASGI calls straight into the application (its lifespan
running, no server, no socket), alternated in rounds; the figures are medians per request of the
process's CPU time (its threads' too, where aiosqlite runs the queries): on a shared machine,
wall time would count the other programs' turns.
Also `read_token` alone: a token read before (kept until it expires) and a first read (the
JWT's signature and claims verified). Measured twice: with the cache as generated (5 s) and
without it (FASTAPI_USER_CACHE_SECONDS=0, the columns read on every request).

Not a test: it prints numbers and always exits 0. Target: gated at most 15% above open.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

MEASURE = """\
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

from fastapi import APIRouter

from PACKAGE.app.asgi import get_application
from PACKAGE.app.authentication.accounts import register
from PACKAGE.app.authentication.dependencies import CurrentUser
from PACKAGE.app.authentication import tokens
from PACKAGE.app.authentication.tokens import issue_token, read_token
from PACKAGE.app.database import SessionDep, create_engine, create_sessionmaker
from PACKAGE.app.models.user import User
from PACKAGE.app.views.user import UserRead
from PACKAGE.config import database_settings
from PACKAGE.config.authentication import authentication_settings

REQUESTS = int(sys.argv[1])
router = APIRouter()


@router.get("/bench/open/{id}")
async def open_(id: int, session: SessionDep) -> UserRead:
    return UserRead.model_validate(await session.get(User, id))


@router.get("/bench/gated/{id}")
async def gated(id: int, session: SessionDep, user: CurrentUser) -> UserRead:
    return UserRead.model_validate(await session.get(User, id))


async def call(app, state, path, headers):
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "",
        "query_string": b"", "headers": headers, "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80), "state": dict(state),
    }
    status = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        if message["type"] == "http.response.start":
            status.append(message["status"])

    await app(scope, receive, send)
    assert status == [200], (path, status)


async def main():
    engine = create_engine(database_settings)
    async with engine.begin() as connection:
        from PACKAGE.app.models import Base

        await connection.run_sync(Base.metadata.create_all)
    async with create_sessionmaker(engine)() as session:
        first = await register(session, "ada@example.com", "correct horse battery staple")
        other = await register(session, "bob@example.com", "correct horse battery staple")
        await session.commit()
    await engine.dispose()
    token, _ = issue_token(first.id, first.token_version, authentication_settings)
    auth = [(b"authorization", f"Bearer {token}".encode())]
    app = get_application()
    app.include_router(router)
    async with app.router.lifespan_context(app) as state:
        for path, headers in (("open", []), ("gated", auth)):
            for _ in range(200):  # warm up
                await call(app, state, f"/bench/{path}/{other.id}", headers)
        # Short batches in ABBA order, each round's ratio from its own four batches: a machine
        # whose speed drifts slows both kinds alike within a round.
        batch = 50
        times = {"open": [], "gated": []}
        ratios = []
        for _ in range(max(REQUESTS // (2 * batch), 4)):
            spent = {"open": 0.0, "gated": 0.0}
            for name, headers in (("open", []), ("gated", auth), ("gated", auth), ("open", [])):
                start = time.process_time()
                for _ in range(batch):
                    await call(app, state, f"/bench/{name}/{other.id}", headers)
                elapsed = (time.process_time() - start) / batch
                times[name].append(elapsed)
                spent[name] += elapsed
            ratios.append(spent["gated"] / spent["open"])
    open_us = statistics.median(times["open"]) * 1e6
    gated_us = statistics.median(times["gated"]) * 1e6
    extra = statistics.median(ratios) - 1
    fastest = min(times["gated"]) / min(times["open"]) - 1
    start = time.process_time()
    for _ in range(REQUESTS):
        read_token(token, authentication_settings)
    kept_us = (time.process_time() - start) / REQUESTS * 1e6
    tokens.read_tokens = tokens.ReadTokens(max_tokens=0)  # keeps nothing: each read verifies
    start = time.process_time()
    for _ in range(REQUESTS):
        read_token(token, authentication_settings)
    jwt_us = (time.process_time() - start) / REQUESTS * 1e6
    print(f"GET one row, open:               {open_us:8.1f} us/request (median batch)")
    print(f"GET one row, behind CurrentUser: {gated_us:8.1f} us/request (median batch)")
    print(f"  token verification costs {extra:.1%} of the open GET (median of {len(ratios)} "
          f"rounds' ratios; fastest batches: {fastest:.1%}); target under 15%: "
          f"{'ok' if extra < 0.15 else 'MISSED'}")
    print(f"  verifying a JWT (its first read) {jwt_us:8.1f} us ({jwt_us / open_us:.1%} of the "
          f"open GET); a token read before: {kept_us:.1f} us")


asyncio.run(main())
"""


def project_package(project: Path) -> str:
    for line in (project / ".fastapi-mvc.yml").read_text().splitlines():
        if line.startswith("package_name:"):
            return line.split(":", 1)[1].strip()
    raise SystemExit(f"{project} has no package_name in .fastapi-mvc.yml")


def install(scratch: Path) -> Path:
    project = scratch / "demo"
    tool = [sys.executable, "-m", "fastapi_mvc"]
    subprocess.run([*tool, "new", "-n", "-q", "-I", str(project)], check=True, timeout=600)
    subprocess.run([*tool, "generate", "authentication"], cwd=project, check=True, timeout=600)
    subprocess.run(["make", "install"], cwd=project, check=True, timeout=1200)
    return project


def measure(project: Path, requests: int, scratch: Path, cache_seconds: str) -> None:
    script = scratch / "measure_auth.py"
    script.write_text(MEASURE.replace("PACKAGE", project_package(project)))
    database = scratch / "bench.sqlite3"
    database.unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("FASTAPI_")}
    env["FASTAPI_SECRET_KEY"] = "a-bench-key-that-is-long-enough-0123456789"
    env["FASTAPI_DATABASE_URL"] = f"sqlite+aiosqlite:///{database}"
    env["FASTAPI_USER_CACHE_SECONDS"] = cache_seconds
    python = project / ".venv" / "bin" / "python"
    print(f"FASTAPI_USER_CACHE_SECONDS={cache_seconds}", flush=True)
    subprocess.run([python, script, str(requests)], cwd=project, env=env, check=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, help="an installed project with authentication")
    parser.add_argument("--requests", type=int, default=4000, help="requests of each kind")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-auth-") as scratch:
        project = args.project.resolve() if args.project else install(Path(scratch))
        for cache_seconds in ("5", "0"):
            measure(project, args.requests, Path(scratch), cache_seconds)


if __name__ == "__main__":
    main()
