"""The served scaffold against a hand-written FastAPI + SQLAlchemy app, on a real PostgreSQL.

    python bench/serve_scaffold.py [--duration S] [--connections N] [--rounds N] [--rows N]
                                   [--project DIR]

It renders a PostgreSQL project (`new -D postgresql`), adds `generate scaffold Article` with
bench/scaffold.py's six fields, installs it with its own `make install` (or takes `--project`,
an installed project made so), starts a throw-away PostgreSQL on loopback (tests/support.py's
`start_postgres`), creates and migrates the database with the project's `db create` and
`db migrate`, and fills the table with `--rows` articles. Then it serves, each with 2 workers:

1. the project's `<script> serve` (gunicorn master, uvicorn workers);
2. BASELINE below, a minimal FastAPI + SQLAlchemy async app as its documentation writes one
   (the same table mapped, a session per request, the same queries: the row by its primary key;
   a count and a page ordered by id), under the same server: the project's own
   `ApplicationLoader` (its gunicorn settings and worker class), the same pool size;

and runs wrk (bench/serve.py's helpers) on `GET /api/articles/{id}` (a random id of the table
per request) and `GET /api/articles?limit=20` of each, in alternated order over the rounds. Both
apps must answer the same JSON, checked first. The table shows medians of requests/s, p50/p99
latency, errors (non-2xx plus socket errors) and each worker's peak RSS; the ratio scaffold /
baseline has the target >= 0.85 (issue 11). It also prints the CPU time the workers spend per
request (from /proc, around each wrk run): on a machine other work keeps busy, throughput says
more about the neighbours than about the apps, and that ratio holds still.

Not a test: it prints numbers and the verdicts, and always exits 0. Every server is stopped by
its PID; the run is bounded (about 5 minutes with the defaults, plus the install).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH), str(BENCH.parent / "tests")]

from model import FIELDS  # noqa: E402  (bench/scaffold.py's six fields)
from serve import (  # noqa: E402
    WORKERS,
    Case,
    describe,
    free_port,
    peak_rss_mib,
    ratio,
    sh,
    start,
    stop,
    table,
    wait_ready,
    workers,
    wrk,
)
from support import postgres_bin, start_postgres, stop_process  # noqa: E402

TARGET = 0.85

BASELINE = '''\
"""A minimal FastAPI + SQLAlchemy async app: the articles table, by id and a page of it."""

import os
from contextlib import asynccontextmanager
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from pydantic import BaseModel, ConfigDict
from sqlalchemy import JSON, DateTime, Numeric, String, Text, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Article(Base):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    price: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    meta: Mapped[dict[str, Any]] = mapped_column(JSON)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    slug: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ArticleRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    title: str
    body: str
    price: Decimal
    meta: dict[str, Any]
    published_at: datetime | None
    slug: str
    id: int
    created_at: datetime
    updated_at: datetime


class ArticlePage(BaseModel):
    items: list[ArticleRead]
    total: int
    limit: int
    offset: int


@asynccontextmanager
async def lifespan(app: FastAPI):
    engine = create_async_engine(os.environ["FASTAPI_DATABASE_URL"], pool_size=POOL_SIZE)
    app.state.sessions = async_sessionmaker(engine, expire_on_commit=False)
    yield
    await engine.dispose()


async def get_session(request: Request):
    async with request.app.state.sessions() as session:
        yield session


Session = Annotated[AsyncSession, Depends(get_session)]
app = FastAPI(lifespan=lifespan)


@app.get("/api/articles/{id}")
async def show(id: int, session: Session) -> ArticleRead:
    article = await session.get(Article, id)
    if article is None:
        raise HTTPException(404, "not found")
    return ArticleRead.model_validate(article)


@app.get("/api/articles")
async def index(
    session: Session,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> ArticlePage:
    total = await session.scalar(select(func.count()).select_from(Article))
    articles = await session.scalars(
        select(Article).order_by(Article.id).limit(limit).offset(offset)
    )
    items = [ArticleRead.model_validate(article) for article in articles]
    return ArticlePage(items=items, total=total or 0, limit=limit, offset=offset)
'''

# Serves the baseline through the project's own gunicorn setup (as bench/serve.py's launcher).
LAUNCHER = """\
import sys

from PACKAGE.wsgi import ApplicationLoader


class Loader(ApplicationLoader):
    def load(self):
        from baseline import app

        return app


Loader({"bind": [sys.argv[1]], "workers": WORKERS}).run()
"""

# A random article per request: the ids 1..ROWS the table is filled with.
RANDOM_ID = """\
math.randomseed(os.time())
request = function()
  return wrk.format(nil, "/api/articles/" .. math.random(1, ROWS))
end
"""

FILL = """\
INSERT INTO articles (title, body, price, meta, published_at, slug)
SELECT 'Article number ' || i, repeat('Some words of the body. ', 20), i * 1.25,
       json_build_object('number', i, 'tags', json_build_array('a', 'b')),
       now() - i * interval '1 hour', 'article-' || i
FROM generate_series(1, {rows}) AS i;
ANALYZE articles;
"""


def make_project(scratch: Path) -> Path:
    project = scratch / "demo"
    tool = [sys.executable, "-m", "fastapi_mvc"]
    sh(*tool, "new", "-n", "-I", "-q", "--skip-git", "-D", "postgresql", project, cwd=scratch)
    sh(*tool, "generate", "scaffold", "-q", "Article", *FIELDS, cwd=project)
    sh("make", "install", cwd=project, timeout=1200)
    return project


def answers(project: Path) -> dict[str, str]:
    """The project's answers (its package and script names)."""
    import yaml

    return yaml.safe_load((project / ".fastapi-mvc.yml").read_text())


def database(project: Path, port: int, rows: int) -> str:
    """Create, migrate and fill the project's database; its URL."""
    url = f"postgresql+asyncpg://postgres@127.0.0.1:{port}/bench"
    env = {**os.environ, "FASTAPI_DATABASE_URL": url}
    script = str(project / ".venv" / "bin" / answers(project)["script_name"])
    for command in (("db", "create"), ("db", "migrate")):
        done = subprocess.run(
            [script, *command], cwd=project, env=env, capture_output=True, text=True
        )
        if done.returncode:
            raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")
    psql = [str(postgres_bin("psql")), "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1"]
    sh(*psql, "-p", str(port), "-U", "postgres", "-d", "bench", "-c", FILL.format(rows=rows))
    return url


def same_answers(cases: list[Case]) -> None:
    """The scaffold and the baseline answer the same JSON to the same requests."""
    for path in ("/api/articles/7", "/api/articles?limit=20"):
        answers = []
        for case in cases[:2]:
            with urllib.request.urlopen(f"http://127.0.0.1:{case.port}{path}") as reply:
                answers.append(json.loads(reply.read()))
        verdict = "same JSON" if answers[0] == answers[1] else f"DIFFER: {answers}"
        print(f"  GET {path}: {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=64, help="wrk connections")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--rounds", type=int, default=5, help="alternated rounds")
    parser.add_argument("--rows", type=int, default=1000, help="articles in the table")
    parser.add_argument("--project", type=Path, help="reuse this installed project")
    args = parser.parse_args()
    print(
        f"python {sys.version.split()[0]}; {os.cpu_count()} CPUs; wrk -t{args.threads} "
        f"-c{args.connections} -d{args.duration}s; {WORKERS} workers; {args.rounds} rounds; "
        f"{args.rows} rows"
    )
    with tempfile.TemporaryDirectory(prefix="fastapi-mvc-bench-serve-scaffold-") as tmp:
        scratch = Path(tmp)
        started = time.monotonic()
        project = args.project.resolve() if args.project else make_project(scratch)
        pool_size = 5  # the project's FASTAPI_DATABASE_POOL_SIZE default, for both
        (scratch / "baseline.py").write_text(BASELINE.replace("POOL_SIZE", str(pool_size)))
        launcher = scratch / "launch.py"
        answered = answers(project)
        package, script = answered["package_name"], answered["script_name"]
        launcher.write_text(LAUNCHER.replace("PACKAGE", package).replace("WORKERS", str(WORKERS)))
        random_id = scratch / "random_id.lua"
        random_id.write_text(RANDOM_ID.replace("ROWS", str(args.rows)))
        port = free_port()
        server = start_postgres(port, scratch / "postgres")
        cases: list[Case] = []
        try:
            url = database(project, port, args.rows)
            print(f"project and database ready in {time.monotonic() - started:.0f}s")
            bin_ = project / ".venv" / "bin"
            serve = [str(bin_ / script), "serve", "--bind", "127.0.0.1:{port}"]
            serve += ["-w", str(WORKERS)]
            baseline = [str(bin_ / "python"), str(launcher), "127.0.0.1:{port}"]
            env = {"FASTAPI_DATABASE_URL": url, "PYTHONPATH": str(scratch)}
            cases = [
                Case("scaffold GET /{id}", "/api/articles/1", serve, env),
                Case("baseline GET /{id}", "/api/articles/1", baseline, env),
                Case("scaffold GET ?limit=20", "/api/articles?limit=20", serve, env),
                Case("baseline GET ?limit=20", "/api/articles?limit=20", baseline, env),
            ]
            scripts = {case.label: random_id if "{id}" in case.label else None for case in cases}
            for case in cases[:2]:
                start(case, project, scratch)
            for case in cases[:2]:
                wait_ready(case)
            for later, first in zip(cases[2:], cases[:2], strict=True):
                later.port, later.process = first.port, first.process  # the same two servers
            same_answers(cases)
            print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
            for case in cases:  # warm-up: imports, first requests, the pools' connections
                wrk(case.url, 2, args.connections, args.threads, script=scripts[case.label])
            cpu: dict[str, list[float]] = {case.label: [] for case in cases}
            for round_ in range(args.rounds):
                order = cases if round_ % 2 == 0 else cases[::-1]
                for case in order:
                    assert case.process is not None
                    pids = workers(case.process.pid)
                    before = cpu_seconds(pids)
                    result = wrk(
                        case.url,
                        args.duration,
                        args.connections,
                        args.threads,
                        script=scripts[case.label],
                    )
                    spent = cpu_seconds(pids) - before
                    cpu[case.label].append(spent / max(result["requests"], 1) * 1e6)
                    case.rps.append(result["rps"])
                    case.p50.append(result["p50"])
                    case.p99.append(result["p99"])
                    case.errors += int(result["errors"])
                    case.requests += int(result["requests"])
                print(f"  round {round_ + 1}: " + ", ".join(f"{c.rps[-1]:.0f}" for c in cases))
            for case in cases:
                assert case.process is not None
                case.rss_mib = [peak_rss_mib(pid) for pid in workers(case.process.pid)]
        finally:
            for case in cases[:2]:
                stop(case)
            stop_process(server)
        table(cases, args.rounds)
        verdict = {True: "ok", False: "MISSED"}
        for scaffold, hand_written in ((0, 1), (2, 3)):
            measured = ratio(cases, scaffold, hand_written)
            what = cases[scaffold].label.removeprefix("scaffold ")
            print(
                f"scaffold / baseline, {what}: {describe(measured)}; target >= {TARGET}: "
                f"{verdict[measured[0] >= TARGET]}"
            )
        for scaffold, hand_written in ((0, 1), (2, 3)):
            ours, theirs = (
                statistics.median(cpu[cases[i].label]) for i in (scaffold, hand_written)
            )
            what = cases[scaffold].label.removeprefix("scaffold ")
            print(
                f"workers' CPU per request, {what}: scaffold {ours:.0f} us, baseline "
                f"{theirs:.0f} us; baseline / scaffold {theirs / ours:.3f} (the throughput "
                "ratio on an idle machine)"
            )
        errors = sum(case.errors for case in cases)
        print(f"errors: {errors}; target 0: {verdict[errors == 0]}")
        print(f"p50 scaffold/baseline: {p50_ratios(cases)}")
        print(f"total {time.monotonic() - started:.0f}s")


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds the processes have used (/proc/PID/stat), those alive."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def p50_ratios(cases: list[Case]) -> str:
    return ", ".join(
        f"{cases[a].label.removeprefix('scaffold ')} "
        f"{statistics.median(cases[a].p50) / statistics.median(cases[b].p50):.2f}"
        for a, b in ((0, 1), (2, 3))
    )


if __name__ == "__main__":
    main()
