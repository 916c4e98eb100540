"""Side-by-side runs against the original fastapi-mvc (PyPI 0.28.1, template 0.6.1), offline.

`find_original()` gives the original's console script and the environment that makes it clone
its templates from the git bundles in ../shared/anchor/ instead of GitHub (it installs it once
into a cache folder with pip, which needs PyPI); None, with the reason printed, when it cannot
be had, so every benchmark can skip the comparison with one clear line.

`measure()` runs one command and returns its wall time, CPU time (user + system, children
included) and peak RSS; `alternate()` runs pairs of cases in alternating order, so a busy
machine slows both sides alike; `table()` prints medians and the ratio ours / original.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ANCHOR = Path(os.environ.get("FASTAPI_MVC_ANCHOR", REPO.parent / "shared" / "anchor"))
CACHE = Path(
    os.environ.get(
        "FASTAPI_MVC_BENCH_CACHE", Path.home() / ".cache" / "fastapi-mvc-bench" / "original"
    )
)
VERSION = "0.28.1"
TEMPLATE_VERSION = "0.6.1"
TEMPLATES = ("copier-project", "copier-controller", "copier-generator", "copier-script")
PIP = (f"fastapi-mvc=={VERSION}", "pydantic<2", "pyyaml-include<2")


def github(name: str) -> str:
    return f"https://github.com/fastapi-mvc/{name}.git"


@dataclass(frozen=True)
class Original:
    script: Path
    env: dict[str, str]
    """os.environ plus GIT_CONFIG_GLOBAL pointing GitHub's template URLs at the local mirrors."""

    def command(self, *args: str) -> list[str]:
        return [str(self.script), *args]


def find_original() -> Original | None:
    """The original tool, installed and offline-ready; None (and why, printed) if impossible."""
    bundles = [ANCHOR / f"{name}.bundle" for name in TEMPLATES]
    missing = [bundle.name for bundle in bundles if not bundle.is_file()]
    if missing:
        print(f"SKIP the original: no {', '.join(missing)} in {ANCHOR}")
        return None
    venv = CACHE / "venv"
    script = venv / "bin" / "fastapi-mvc"
    if not script.is_file():
        shutil.rmtree(venv, ignore_errors=True)
        print(f"installing the original fastapi-mvc {VERSION} into {venv} (once)...")
        made = subprocess.run([sys.executable, "-m", "venv", str(venv)], capture_output=True)
        install = subprocess.run(
            [str(venv / "bin" / "pip"), "install", "-q", *PIP], capture_output=True, text=True
        )
        if made.returncode or install.returncode or not script.is_file():
            reason = (install.stderr.strip().splitlines() or ["pip failed"])[-1]
            print(f"SKIP the original: cannot install fastapi-mvc {VERSION} ({reason})")
            shutil.rmtree(venv, ignore_errors=True)
            return None
    gitconfig = CACHE / "gitconfig"
    for name, bundle in zip(TEMPLATES, bundles, strict=True):
        mirror = CACHE / "templates" / f"{name}.git"
        if not mirror.is_dir():
            subprocess.run(["git", "clone", "-q", "--bare", str(bundle), str(mirror)], check=True)
        subprocess.run(
            ["git", "config", "--file", str(gitconfig), f"url.{mirror}.insteadOf", github(name)],
            check=True,
        )
    return Original(script, {**os.environ, "GIT_CONFIG_GLOBAL": str(gitconfig)})


@dataclass
class Sample:
    wall: float
    cpu: float
    rss_mib: float


def measure(
    command: list[str], cwd: Path, env: dict[str, str] | None = None, check: bool = True
) -> Sample:
    """Run `command` to its end: wall seconds, CPU seconds and peak RSS (MiB) of it and the
    children it waited for (os.wait4's accounting: this process only)."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert process.stderr is not None
    errors = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    if check and process.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{errors.decode(errors='replace')}")
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


@dataclass
class Case:
    label: str
    run: Callable[[int], Sample]
    """Runs case number n (fresh paths per n) and measures it."""
    samples: list[Sample] = field(default_factory=list)

    def median(self, what: str) -> float:
        return statistics.median(getattr(sample, what) for sample in self.samples)


def alternate(cases: list[Case], runs: int, between: Callable[[], None] | None = None) -> None:
    """`runs` rounds over every case, the order reversed every other round."""
    for n in range(runs):
        for case in cases if n % 2 == 0 else cases[::-1]:
            case.samples.append(case.run(n))
            if between is not None:
                between()


def fresh_cache(scratch: Path) -> Path:
    """Point our tool (this process and the commands it starts) at a cache of its own, made from
    this installation's bundle for the run, as a user's installation makes it.

    The shared ~/.cache/fastapi-mvc of a source checkout collects a commit (and its loose objects)
    for every unreleased template state it met, and every clone copier makes of it hard-links
    them and deletes them again. The original's env (find_original) is taken before, and keeps
    its own caches.
    """
    cache = scratch / "cache"
    cache.mkdir()
    os.environ["XDG_CACHE_HOME"] = str(cache)
    return cache


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def table(rows: list[tuple[str, Case | None, Case, float | None]]) -> None:
    """One line per comparison: what | original | ours | ratio (wall, and CPU) | target."""
    print(
        f"{'what':<44} {'original':>9} {'ours':>9} {'ratio':>6} {'cpu ratio':>9} "
        f"{'target':>7} {'met':>4} {'RSS orig/ours MiB':>18}"
    )
    for what, original, ours, target in rows:
        wall = ours.median("wall")
        if original is None:
            print(f"{what:<44} {'-':>9} {wall * 1000:>7.0f}ms")
            continue
        ratio = wall / original.median("wall")
        cpu = ours.median("cpu") / original.median("cpu")
        met = "-" if target is None else ("yes" if ratio <= target else "NO")
        print(
            f"{what:<44} {original.median('wall') * 1000:>7.0f}ms {wall * 1000:>7.0f}ms "
            f"{ratio:>6.2f} {cpu:>9.2f} {target if target else '-':>7} {met:>4} "
            f"{original.median('rss_mib'):>8.0f}/{ours.median('rss_mib'):<8.0f}"
        )
