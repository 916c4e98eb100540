"""`generate controller` beside the original fastapi-mvc's, as a user runs it, in one run.

    python bench/generate.py [--runs N]

Each side gets a project made untimed (ours: `new -n -I`, committed; the original's: its
`new -n --skip-install --use-version 0.6.1`, committed), then N runs of
`generate controller foobar a b create:post`, alternated with the other side (the order reversed
every other round); after each run the project is put back with `git checkout . && git clean`
(untimed), so every run writes the same files into the same project. Medians of wall and CPU
time, peak RSS; ratio ours / original (target <= 0.6). For scale, ours `generate --help` and
`--version` too. Without the original its side is skipped with one line.
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

from original import (
    TEMPLATE_VERSION,
    Case,
    alternate,
    find_original,
    load,
    measure,
    table,
)

FASTAPI_MVC = str(Path(sys.executable).parent / "fastapi-mvc")
CONTROLLER = ("generate", "controller", "foobar", "a", "b", "create:post")
NEW_ORIGINAL = ("new", "-n", "--skip-install", "--use-version", TEMPLATE_VERSION)
IDENTITY = ["-c", "user.name=Bench", "-c", "user.email=bench@example.com"]


def committed(project: Path) -> None:
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    subprocess.run(["git", "add", "-A"], cwd=project, check=True)
    subprocess.run(["git", *IDENTITY, "commit", "-q", "-m", "made"], cwd=project, check=True)


def restore(project: Path) -> None:
    subprocess.run(["git", "checkout", "-q", "."], cwd=project, check=True)
    subprocess.run(["git", "clean", "-fdq"], cwd=project, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    runs = parser.parse_args().runs
    original = find_original()
    print(f"python {sys.version.split()[0]}; {os.cpu_count()} CPUs; load before: {load()}")
    with tempfile.TemporaryDirectory(prefix="fastapi-mvc-bench-generate-") as scratch:
        ours_project = Path(scratch) / "ours"
        subprocess.run(
            [FASTAPI_MVC, "new", "-n", "-I", "-q", "--skip-git", str(ours_project)], check=True
        )
        committed(ours_project)

        def ours(n: int) -> object:
            sample = measure([FASTAPI_MVC, *CONTROLLER], ours_project)
            restore(ours_project)
            return sample

        cases = [Case("generate controller", ours)]  # type: ignore[arg-type]
        if original is not None:
            theirs_project = Path(scratch) / "original"
            subprocess.run(
                original.command(*NEW_ORIGINAL, str(theirs_project)),
                check=True,
                capture_output=True,
                env=original.env,
            )
            committed(theirs_project)

            def theirs(n: int) -> object:
                assert original is not None
                sample = measure(original.command(*CONTROLLER), theirs_project, original.env)
                restore(theirs_project)
                return sample

            cases.append(Case("generate controller", theirs))  # type: ignore[arg-type]
        alternate(cases, runs)
        listing = Case(
            "generate --help", lambda n: measure([FASTAPI_MVC, "generate", "--help"], ours_project)
        )
        version = Case("--version", lambda n: measure([FASTAPI_MVC, "--version"], ours_project))
        alternate([listing, version], runs)
    print(f"load after: {load()}; {runs} runs per case")
    table(
        [
            (
                "generate controller foobar a b create:post",
                cases[1] if len(cases) > 1 else None,
                cases[0],
                0.6,
            ),
            ("for scale: generate --help (ours)", None, listing, None),
            ("for scale: --version (ours)", None, version, None),
        ]
    )


if __name__ == "__main__":
    main()
