"""Time `<script> db migrate` of ten migrations on SQLite, as a user runs it: a new process each
time, medians of repeated runs.

    python bench/migrate.py [--runs N] [--installed PROJECT]

Ten models (six fields each) are generated, so ten migrations; each run migrates an empty
database to the head and is rolled back to the base again (untimed). Measured: the project's own
`<script> db migrate` (target: under 2 s), and for scale `fastapi-mvc db migrate` (the same, run
through the tool) and `<script> db current` (a `db` command's start-up, no migration).
Wall-clock and CPU (user + system) seconds are both printed: on a busy machine the CPU time is
what the run itself costs.

It needs an installed project: one is made (`make install`, a minute or two) unless --installed
names one made by `fastapi-mvc new` whose database is SQLite; the models are destroyed again
afterwards, so its tree is left as it was. Not a test: it prints the numbers (and whether the
target is met) and always exits 0.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

FIELDS = (
    "title:string{120}:index",
    "body:text",
    "price:decimal{10,2}",
    "meta:json",
    "published_at:datetime?",
    "slug:string{80}:uniq",
)
TEN = [f"Model{chr(ord('A') + i)}" for i in range(10)]
TARGET = 2.0


def tool() -> list[str]:
    """The installed console script beside this Python, else `python -m fastapi_mvc`."""
    script = Path(sys.executable).parent / "fastapi-mvc"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "fastapi_mvc"]


def run(argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one command, which must succeed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    if done.returncode:
        raise SystemExit(f"{' '.join(argv)} failed:\n{done.stdout}{done.stderr}")
    return wall, cpu


def summary(label: str, times: list[tuple[float, float]]) -> str:
    wall = [w for w, _ in times]
    cpu = [c for _, c in times]
    return (
        f"{label}: median {statistics.median(wall) * 1000:.0f} ms wall "
        f"(min {min(wall) * 1000:.0f}, max {max(wall) * 1000:.0f}), "
        f"{statistics.median(cpu) * 1000:.0f} ms CPU, {len(times)} runs"
    )


def measure(runs: int, project: Path, database: Path) -> None:
    # Bytecode is written as for a user: without it (PYTHONDONTWRITEBYTECODE, set by some CI
    # setups) the project's modules and its migrations are compiled again on every run.
    user = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env = {**user, "FASTAPI_DATABASE_URL": f"sqlite+aiosqlite:///{database}"}
    script = str(
        project
        / ".venv"
        / "bin"
        / yaml.safe_load((project / ".fastapi-mvc.yml").read_text())["script_name"]
    )
    rollback = [script, "db", "rollback", "--step", str(len(TEN))]
    for name in TEN:
        run([*tool(), "generate", "model", name, *FIELDS, "-q"], project, env)
    try:
        run([script, "db", "migrate"], project, env)  # warm the caches (bytecode, page cache)
        run(rollback, project, env)
        own, through_tool = [], []
        for _ in range(runs):  # interleaved, so that both see the same machine load
            own.append(run([script, "db", "migrate"], project, env))
            run(rollback, project, env)
            through_tool.append(run([*tool(), "db", "migrate"], project, env))
            run(rollback, project, env)
        startup = [run([script, "db", "current"], project, env) for _ in range(runs)]
        median = statistics.median(wall for wall, _ in own)
        print(summary(f"{Path(script).name} db migrate (10 migrations, SQLite)", own))
        print(f"target < {TARGET * 1000:.0f} ms wall: {'ok' if median < TARGET else 'OVER'}")
        print(
            summary("for scale: fastapi-mvc db migrate (the same, through the tool)", through_tool)
        )
        print(summary(f"for scale: {Path(script).name} db current (start-up only)", startup))
    finally:
        for name in reversed(TEN):
            run([*tool(), "destroy", "model", name, "-q"], project, env)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per measurement")
    parser.add_argument("--installed", type=Path, help="an installed SQLite project to use")
    options = parser.parse_args()
    print(f"tool: {' '.join(tool())}; python {sys.version.split()[0]}; {os.cpu_count()} CPUs")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory(prefix="fastapi-mvc-bench-") as folder:
        scratch = Path(folder)
        project = options.installed
        if project is None:
            project = scratch / "installed"
            run([*tool(), "new", "-n", "-q", "--skip-git", str(project)], scratch, dict(os.environ))
        measure(options.runs, project.resolve(), scratch / "bench.sqlite3")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
