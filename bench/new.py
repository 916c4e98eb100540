"""`--help` and `new` beside the original fastapi-mvc and beside plain copier, in one run.

    python bench/new.py [--runs N]

Cases run alternated (the order reversed every other round), medians of N runs each:
- `fastapi-mvc --help`, ours and the original's;
- `new -n -I` (ours: render, git init and commit, no install) and the original's
  `new -n --skip-install --use-version 0.6.1` (render and git init), each into a fresh folder;
- copier's floor: a plain `copier copy` of our template at the same version with the same answers.
Ratios are ours / original, of wall time and of CPU time (user + system: less sensitive to a busy
machine). Peak RSS is the process's own (os.wait4). Our tool runs with a cache made fresh for
the run (bench/original.py: fresh_cache), warmed by one untimed `new`. Without the original (no
../shared/anchor or no PyPI to install it) the comparison is skipped with one line and our
numbers still print.
Not a test: it prints numbers and always exits 0.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from original import (
    TEMPLATE_VERSION,
    Case,
    alternate,
    find_original,
    fresh_cache,
    load,
    measure,
    table,
)

from fastapi_mvc import template_versions

BIN = Path(sys.executable).parent
COPIER = (str(BIN / "copier"), "copy", "--defaults", "--quiet")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    runs = parser.parse_args().runs
    original = find_original()
    ours = str(BIN / "fastapi-mvc")
    print(f"python {sys.version.split()[0]}; {os.cpu_count()} CPUs; load before: {load()}")
    with tempfile.TemporaryDirectory(prefix="fastapi-mvc-bench-new-") as scratch:
        work = Path(scratch)
        fresh_cache(work)
        source = template_versions.current_source()  # makes the cache repository once
        template = str(Path(source.src_path).expanduser())
        measure([ours, "new", "-n", "-I", "-q", "warm"], work)  # and the Jinja bytecode cache
        help_ours = Case("--help", lambda n: measure([ours, "--help"], work))
        new_ours = Case("new", lambda n: measure([ours, "new", "-n", "-I", "-q", f"o{n}"], work))
        floor = Case(
            "copier copy",
            lambda n: measure(
                [*COPIER, "-r", str(source.vcs_ref), "-d", "project_name=demo", template, f"c{n}"],
                work,
            ),
        )
        cases = [help_ours, new_ours, floor]
        help_original = new_original = None
        if original is not None:
            help_original = Case(
                "--help", lambda n: measure(original.command("--help"), work, original.env)
            )
            new_original = Case(
                "new",
                lambda n: measure(
                    original.command(
                        "new", "-n", "--skip-install", "--use-version", TEMPLATE_VERSION, f"x{n}"
                    ),
                    work,
                    original.env,
                ),
            )
            cases += [help_original, new_original]
        alternate(cases, runs)
        files = sum(
            1 for path in (work / "o0").rglob("*") if path.is_file() and ".git" not in path.parts
        )
    print(f"load after: {load()}; {runs} runs per case; ours renders {files} files")
    table(
        [
            ("fastapi-mvc --help", help_original, help_ours, 0.4),
            ("new -n -I (no install)", new_original, new_ours, 0.9),
            ("copier's floor: plain copier copy (ours)", new_original, floor, None),
        ]
    )
    print(
        f"new / plain copier copy of the same template: "
        f"{new_ours.median('wall') / floor.median('wall'):.2f} (wall), "
        f"{new_ours.median('cpu') / floor.median('cpu'):.2f} (CPU)"
    )


if __name__ == "__main__":
    main()
