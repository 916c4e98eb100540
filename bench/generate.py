"""Time the generators as a user runs them: a new process each time, medians of repeated runs.

    python bench/generate.py [--runs N]

1. `fastapi-mvc generate controller` with five endpoints (each run on a clean project: the
   controller is destroyed again between runs, untimed). Target: median under 0.5 s.
2. `fastapi-mvc generate --help` with three project generators present. Target: under 200 ms.

Not a test: it prints the numbers (and whether each target is met) and always exits 0.
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

ENDPOINTS = ("index", "show", "create:post", "update:put", "remove:delete")


def command() -> list[str]:
    """The installed console script beside this Python, else `python -m fastapi_mvc`."""
    script = Path(sys.executable).parent / "fastapi-mvc"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "fastapi_mvc"]


CPU: list[float] = []  # CPU seconds (user + system) of each timed run, in order


def run(*args: str, cwd: Path) -> float:
    """Wall-clock seconds of one `fastapi-mvc ARGS`; its CPU seconds go to CPU."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([*command(), *args], cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    if done.returncode:
        raise SystemExit(f"fastapi-mvc {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return elapsed


def timed(runs: int, *args: str, cwd: Path, between: tuple[str, ...] = ()) -> tuple[list, list]:
    """(wall times, CPU times) of `runs` runs, running `between` (untimed) after each."""
    wall, cpu = [], []
    for _ in range(runs):
        wall.append(run(*args, cwd=cwd))
        cpu.append(CPU[-1])
        if between:
            run(*between, cwd=cwd)
    return wall, cpu


def report(label: str, times: tuple[list, list], target: float) -> None:
    wall, cpu = times
    median = statistics.median(wall)
    verdict = "ok" if median < target else "OVER TARGET"
    print(
        f"{label}: median {median * 1000:.0f} ms wall over {len(wall)} runs "
        f"(min {min(wall) * 1000:.0f}, max {max(wall) * 1000:.0f}), "
        f"median {statistics.median(cpu) * 1000:.0f} ms CPU; "
        f"target < {target * 1000:.0f} ms: {verdict}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11, help="runs per measurement")
    runs = parser.parse_args().runs
    print(f"command: {' '.join(command())}; python {sys.version.split()[0]}; {os.cpu_count()} CPUs")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory(prefix="fastapi-mvc-bench-") as scratch:
        project = Path(scratch) / "bench"
        run("new", "-n", "-I", "-q", "--skip-git", str(project), cwd=Path(scratch))

        run("generate", "controller", "warmup", *ENDPOINTS, "-q", cwd=project)  # warm the caches
        run("destroy", "controller", "warmup", *ENDPOINTS, "-q", cwd=project)
        controller = timed(
            runs,
            *("generate", "controller", "articles", *ENDPOINTS),
            cwd=project,
            between=("destroy", "controller", "articles", *ENDPOINTS, "-q"),
        )
        report("generate controller (5 endpoints)", controller, 0.5)

        for name in ("service", "policy", "report"):
            run("generate", "generator", name, "-q", cwd=project)
        run("generate", "--help", cwd=project)
        report(
            "generate --help (3 project generators)",
            timed(runs, "generate", "--help", cwd=project),
            0.2,
        )
        report(
            "generate, the listing (3 project generators)",
            timed(runs, "generate", cwd=project),
            0.2,
        )
        report("for scale: fastapi-mvc --version", timed(runs, "--version", cwd=project), 0.2)
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
