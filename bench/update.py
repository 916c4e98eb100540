"""Speed of `fastapi-mvc update` of the default project from the oldest carried version.

Each run makes a fresh project at the oldest released template version, commits it, and times
only the update to the installed template. Target: median under 3 s on this machine.

    python bench/update.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from fastapi_mvc import template_versions

FASTAPI_MVC = str(Path(sys.executable).parent / "fastapi-mvc")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    versions = template_versions.released_versions()
    if not versions:
        sys.exit("no released template version to update from")
    oldest = versions[0]
    samples = []
    with tempfile.TemporaryDirectory() as scratch:
        for n in range(runs):
            project = Path(scratch) / str(n) / "demo"
            subprocess.run(
                [FASTAPI_MVC, "new", "-n", "-I", "-q", "--use-version", oldest, str(project)],
                check=True,
                capture_output=True,
            )
            start = time.perf_counter()
            subprocess.run(
                [FASTAPI_MVC, "update", "-n", "-q"], cwd=project, check=True, capture_output=True
            )
            samples.append(time.perf_counter() - start)
    print(
        f"update {oldest} -> installed template: median {statistics.median(samples):.2f} s, "
        f"min {min(samples):.2f} s over {runs} runs (target < 3 s)"
    )


if __name__ == "__main__":
    main()
