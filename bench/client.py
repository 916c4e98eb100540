"""Time `fastapi-mvc generate client` as a user runs it: a new process each time, medians.

    python bench/client.py [--runs N] [--installed PROJECT]

On a project with two scaffolds (two controllers of five endpoints each where `generate
scaffold` is not there yet): `generate client --lang python`, `--lang typescript`, and
`--check` of both. The first run of each language installs its tools into the project
(.fastapi-mvc/tools: npm's openapi-typescript, a venv with openapi-python-client) and is shown
apart; later runs export the schema, regenerate and compare. An installed project is needed:
one is made (`make install`, a minute or two) unless --installed names one made by
`fastapi-mvc new`; its clients/ and code are left as they were.

Not a test: it prints the numbers and always exits 0.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RESOURCES = (("Post", "title:string", "body:text"), ("Comment", "body:text", "score:int"))
ENDPOINTS = ("index", "show", "create:post", "update:put", "remove:delete")


def command() -> list[str]:
    """The installed console script beside this Python, else `python -m fastapi_mvc`."""
    script = Path(sys.executable).parent / "fastapi-mvc"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "fastapi_mvc"]


def run(*args: str, cwd: Path, check: bool = True) -> float:
    """Wall-clock seconds of one `fastapi-mvc ARGS` (which must succeed when `check`)."""
    start = time.perf_counter()
    done = subprocess.run([*command(), *args], cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if check and done.returncode:
        raise SystemExit(f"fastapi-mvc {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return elapsed


def summary(label: str, times: list[float]) -> str:
    return (
        f"{label}: median {statistics.median(times) * 1000:.0f} ms over {len(times)} runs "
        f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f})"
    )


def add_resources(project: Path) -> list[tuple[str, str]]:
    """Two scaffolds, or two controllers while `generate scaffold` does not exist; returns
    what destroys them."""
    probe = [*command(), "generate", "scaffold", "--help"]
    scaffold = subprocess.run(probe, cwd=project, capture_output=True).returncode == 0
    made = []
    for name, *fields in RESOURCES:
        if scaffold:
            run("generate", "scaffold", name, *fields, "-q", cwd=project)
            made.append(("scaffold", name))
        else:
            run("generate", "controller", f"{name.lower()}s", *ENDPOINTS, "-q", cwd=project)
            made.append(("controller", f"{name.lower()}s"))
    print(f"resources: {', '.join(f'{kind} {name}' for kind, name in made)}")
    return made


def measure(project: Path, runs: int, fresh_tools: bool) -> None:
    tools = project / ".fastapi-mvc" / "tools"
    for language in ("python", "typescript"):
        if fresh_tools:
            shutil.rmtree(tools / ("node" if language == "typescript" else language), True)
            first = run("generate", "client", "--lang", language, "-q", cwd=project)
            print(f"generate client --lang {language}, first (installs its tools): {first:.1f} s")
        times = [
            run("generate", "client", "--lang", language, "-q", cwd=project) for _ in range(runs)
        ]
        print(summary(f"generate client --lang {language}", times))
    checks = [run("generate", "client", "--check", "-q", cwd=project) for _ in range(runs)]
    print(summary("generate client --check (both)", checks))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement")
    parser.add_argument("--installed", type=Path, help="an installed project to use")
    options = parser.parse_args()
    print(f"command: {' '.join(command())}; python {sys.version.split()[0]}; {os.cpu_count()} CPUs")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory(prefix="fastapi-mvc-bench-") as folder:
        if options.installed is None:
            project = Path(folder) / "bench"
            run("new", "-n", "-q", "--skip-git", str(project), cwd=Path(folder))
        else:
            project = options.installed.resolve()
        clients, kept = project / "clients", Path(folder) / "clients"
        if clients.exists():
            shutil.copytree(clients, kept, symlinks=True)
        made = add_resources(project)
        try:
            measure(project, options.runs, fresh_tools=options.installed is None)
        finally:
            for kind, name in reversed(made):
                run("destroy", kind, name, "-q", cwd=project, check=False)
            shutil.rmtree(clients, ignore_errors=True)
            if kept.exists():
                shutil.copytree(kept, clients, symlinks=True)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
