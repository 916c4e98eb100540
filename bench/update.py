"""`update` across one template version, beside the original fastapi-mvc's, in one run.

    python bench/update.py [--runs N]

Ours: a project made at the second newest released template version (`new -n -I
--use-version`), committed, then updated to the newest (`update -n -q --use-version`): one real
version step, whether or not the working tree's template has changed since the last release.
The original: a project made at its template 0.6.0, committed, then `update -n --use-version
0.6.1`. Each run gets fresh
projects (made untimed); only the update is timed. Runs alternate (the order reversed every other
round); medians of wall and CPU time, peak RSS, ratio ours / original (target <= 1.0).
Without the original (no ../shared/anchor, no PyPI) its side is skipped with one line. Our tool
runs with a cache made fresh for the run (bench/original.py: fresh_cache).
Not a test: it prints numbers and always exits 0.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from original import Case, alternate, find_original, fresh_cache, load, measure, table

from fastapi_mvc import template_versions

FASTAPI_MVC = str(Path(sys.executable).parent / "fastapi-mvc")
IDENTITY = ["-c", "user.name=Bench", "-c", "user.email=bench@example.com"]


def committed(project: Path) -> None:
    subprocess.run(["git", "add", "-A"], cwd=project, check=True, capture_output=True)
    subprocess.run(
        ["git", *IDENTITY, "commit", "-q", "-m", "made"],
        cwd=project,
        check=True,
        capture_output=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    runs = parser.parse_args().runs
    original = find_original()
    print(f"python {sys.version.split()[0]}; {os.cpu_count()} CPUs; load before: {load()}")
    with tempfile.TemporaryDirectory(prefix="fastapi-mvc-bench-update-") as scratch:
        work = Path(scratch)
        fresh_cache(work)
        versions = template_versions.released_versions()
        if len(versions) < 2:
            sys.exit("fewer than two released template versions: nothing to update across")
        older, newest = versions[-2:]

        def ours(n: int) -> object:
            project = work / f"ours{n}" / "demo"
            new = [FASTAPI_MVC, "new", "-n", "-I", "-q", "--use-version", older, str(project)]
            subprocess.run(new, check=True, capture_output=True)
            return measure([FASTAPI_MVC, "update", "-n", "-q", "--use-version", newest], project)

        cases = [Case(f"update {older} -> {newest}", ours)]  # type: ignore[arg-type]
        if original is not None:

            def theirs(n: int) -> object:
                assert original is not None
                project = work / f"original{n}" / "demo"
                project.parent.mkdir()  # the original wants the parent folder to exist
                subprocess.run(
                    original.command(
                        "new", "-n", "--skip-install", "--use-version", "0.6.0", str(project)
                    ),
                    check=True,
                    capture_output=True,
                    env=original.env,
                )
                committed(project)
                update = original.command("update", "-n", "--use-version", "0.6.1")
                return measure(update, project, original.env)

            cases.append(Case("update 0.6.0 -> 0.6.1", theirs))  # type: ignore[arg-type]
        alternate(cases, runs)
    print(f"load after: {load()}; {runs} runs per case")
    table(
        [
            (
                f"update across one version ({older} -> {newest})",
                cases[1] if len(cases) > 1 else None,
                cases[0],
                1.0,
            )
        ]
    )


if __name__ == "__main__":
    main()
