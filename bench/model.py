"""Time `generate model` as a user runs it: a new process each time, medians of repeated runs.

    python bench/model.py [--runs N]

`fastapi-mvc generate model` with six fields against `generate controller` with five endpoints,
alternated in one session (the order reversed every other round) so both see the same machine
load; each run on a clean project (destroyed again between runs, untimed). Medians of wall and
CPU time (user + system, the process and its children: bench/original.py's `measure`).
Target: ratio at most 1.2. (`db migrate` of ten migrations is timed by bench/migrate.py.)

Not a test: it prints the numbers (and whether the target is met) and always exits 0.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from original import Case, Sample, alternate, load, measure

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


def quietly(*args: str, cwd: Path) -> None:
    """`fastapi-mvc ARGS -q`, untimed; it must succeed."""
    subprocess.run([*command(), *args, "-q"], cwd=cwd, check=True, capture_output=True)


def summary(case: Case) -> str:
    walls = sorted(sample.wall * 1000 for sample in case.samples)
    return (
        f"{case.label}: median {case.median('wall') * 1000:.0f} ms wall "
        f"(min {walls[0]:.0f}, max {walls[-1]:.0f}), {case.median('cpu') * 1000:.0f} ms CPU, "
        f"peak RSS {case.median('rss_mib'):.0f} MiB, {len(case.samples)} runs"
    )


def against_controller(generator: str, target: float, runs: int, scratch: Path) -> None:
    """`generate GENERATOR Article FIELDS` against `generate controller` with five endpoints."""
    project = scratch / "bench"
    subprocess.run(
        [*command(), "new", "-n", "-I", "-q", "--skip-git", str(project)],
        cwd=scratch,
        check=True,
        capture_output=True,
    )

    def generating(*args: str) -> Case:
        def run(n: int) -> Sample:
            sample = measure([*command(), "generate", *args], project)
            quietly("destroy", *args[:2], cwd=project)
            return sample

        for _ in range(2):  # warm the caches (bytecode, the file system)
            run(-1)
        return Case(f"generate {args[0]}", run)

    measured = generating(generator, "Article", *FIELDS)
    controller = generating("controller", "articles", *ENDPOINTS)
    alternate([measured, controller], runs)
    print(summary(measured).replace(f"{generator}:", f"{generator} (6 fields):"))
    print(summary(controller).replace("controller:", "controller (5 endpoints):"))
    wall = measured.median("wall") / controller.median("wall")
    cpu = measured.median("cpu") / controller.median("cpu")
    verdict = "ok" if wall <= target else "OVER"
    print(
        f"ratio {generator}/controller: wall {wall:.2f}, CPU {cpu:.2f}; "
        f"target (wall) <= {target}: {verdict}"
    )


def bench(generator: str, target: float, description: str) -> None:
    """The command line of bench/model.py and bench/scaffold.py."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--runs", type=int, default=11, help="runs per measurement")
    options = parser.parse_args()
    print(f"command: {' '.join(command())}; python {sys.version.split()[0]}; {os.cpu_count()} CPUs")
    print(f"load average before: {load()}")
    with tempfile.TemporaryDirectory(prefix="fastapi-mvc-bench-") as folder:
        against_controller(generator, target, options.runs, Path(folder))
    print(f"load average after: {load()}")


if __name__ == "__main__":
    bench("model", 1.2, __doc__.splitlines()[0])
