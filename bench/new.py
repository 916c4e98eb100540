"""Speed of the CLI's start-up and of `new`, beside plain copier on the same template.

Prints medians over repeated, alternated runs (this machine is noisy: compare ratios measured in
one run, not absolute numbers across runs). Targets: `--help` under 150 ms; `new -n -I` within
1.1x of `copier copy` of the same template at the same commit.

    python bench/new.py [--runs N]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from fastapi_mvc import template_versions

BIN = Path(sys.executable).parent


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    source = template_versions.current_source()  # warms the cache repository once
    fastapi_mvc = str(BIN / "fastapi-mvc")
    copier = str(BIN / "copier")
    cases = {
        "fastapi-mvc --help": lambda n, work: [fastapi_mvc, "--help"],
        "fastapi-mvc new -n -I --skip-git": lambda n, work: [
            fastapi_mvc,
            "new",
            "-n",
            "-I",
            "--skip-git",
            "-q",
            str(work / f"new{n}" / "demo"),
        ],
        "copier copy (floor)": lambda n, work: [
            copier,
            "copy",
            "--defaults",
            "--quiet",
            "-r",
            str(source.vcs_ref),
            "-d",
            "project_name=demo",
            "-d",
            "package_name=demo",
            str(Path(source.src_path).expanduser()),
            str(work / f"copier{n}" / "demo"),
        ],
    }
    samples: dict[str, list[float]] = {name: [] for name in cases}
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        for n in range(runs):
            for name, command in cases.items():
                samples[name].append(timed(command(n, work), work))
        files = sum(1 for p in (work / "new0" / "demo").rglob("*") if p.is_file())
        shutil.rmtree(work, ignore_errors=True)
    medians = {name: statistics.median(values) for name, values in samples.items()}
    print(f"{'case':<36} {'median':>9} {'min':>9}   ({runs} runs, {files} files rendered)")
    for name, values in samples.items():
        print(f"{name:<36} {medians[name] * 1000:>7.0f}ms {min(values) * 1000:>7.0f}ms")
    ratio = medians["fastapi-mvc new -n -I --skip-git"] / medians["copier copy (floor)"]
    print(f"new / plain copier: {ratio:.2f}x (target <= 1.10)")
    print(f"--help: {medians['fastapi-mvc --help'] * 1000:.0f} ms (target < 150)")


if __name__ == "__main__":
    main()
