"""Time `generate model` as a user runs it: a new process each time, medians of repeated runs.

    python bench/model.py [--runs N]

`fastapi-mvc generate model` with six fields against `generate controller` with five endpoints,
runs interleaved in one session so both see the same machine load; each run on a clean project
(destroyed again between runs, untimed). Target: ratio at most 1.2. (`db migrate` of ten
migrations is timed by bench/migrate.py.)

Not a test: it prints the numbers (and whether the target is met) and always exits 0.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ENDPOINTS = ("index", "show", "create:post", "update:put", "remove:delete")
FIELDS = (
    "title:string{120}:index",
    "body:text",
    "price:decimal{10,2}",
    "meta:json",
    "published_at:datetime?",
    "slug:string{80}:uniq",
)


def command() -> list[str]:
    """The installed console script beside this Python, else `python -m fastapi_mvc`."""
    script = Path(sys.executable).parent / "fastapi-mvc"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "fastapi_mvc"]


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> float:
    """Wall-clock seconds of one `fastapi-mvc ARGS`, which must succeed."""
    start = time.perf_counter()
    done = subprocess.run(
        [*command(), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )
    elapsed = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"fastapi-mvc {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return elapsed


def summary(label: str, times: list[float]) -> str:
    return (
        f"{label}: median {statistics.median(times) * 1000:.0f} ms over {len(times)} runs "
        f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f})"
    )


def against_controller(generator: str, target: float, runs: int, scratch: Path) -> None:
    """`generate GENERATOR Article FIELDS` against `generate controller` with five endpoints."""
    project = scratch / "bench"
    run("new", "-n", "-I", "-q", "--skip-git", str(project), cwd=scratch)
    measured = (generator, "Article", *FIELDS)
    controller = ("controller", "articles", *ENDPOINTS)
    for args in (measured, controller):  # warm the caches
        run("generate", *args, "-q", cwd=project)
        run("destroy", args[0], args[1], "-q", cwd=project)
    measured_times, controller_times = [], []
    for _ in range(runs):
        measured_times.append(run("generate", *measured, cwd=project))
        run("destroy", generator, "Article", "-q", cwd=project)
        controller_times.append(run("generate", *controller, cwd=project))
        run("destroy", "controller", "articles", "-q", cwd=project)
    ratio = statistics.median(measured_times) / statistics.median(controller_times)
    print(summary(f"generate {generator} (6 fields)", measured_times))
    print(summary("generate controller (5 endpoints)", controller_times))
    verdict = "ok" if ratio <= target else "OVER"
    print(f"ratio {generator}/controller: {ratio:.2f}; target <= {target}: {verdict}")


def bench(generator: str, target: float, description: str) -> None:
    """The command line of bench/model.py and bench/scaffold.py."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--runs", type=int, default=7, help="runs per measurement")
    options = parser.parse_args()
    print(f"command: {' '.join(command())}; python {sys.version.split()[0]}; {os.cpu_count()} CPUs")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory(prefix="fastapi-mvc-bench-") as folder:
        against_controller(generator, target, options.runs, Path(folder))
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    bench("model", 1.2, __doc__.splitlines()[0])
