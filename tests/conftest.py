"""Shared fixtures. Helpers that are plain functions live in support.py.

The whole session runs as on a fresh machine: an empty HOME, no global or system git config (so no
git identity), caches inside that HOME. It is set in os.environ before any test, so that every
subprocess (git, pip, make, the tool) inherits it; a test that needs a setting passes it itself.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from support import REPO_ROOT, build_wheel, run_tool

# What a machine's owner may have set that would make a test pass here and fail elsewhere.
_LEAKY_VARIABLES = (
    "GIT_AUTHOR_NAME",
    "GIT_AUTHOR_EMAIL",
    "GIT_COMMITTER_NAME",
    "GIT_COMMITTER_EMAIL",
    "EMAIL",
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_CONFIG",
    "GIT_CONFIG_PARAMETERS",
    "GIT_CONFIG_COUNT",
    "XDG_CONFIG_HOME",
    "XDG_DATA_HOME",
    "XDG_STATE_HOME",
    "FMVC_PATH",
    "PYTHONPATH",
    "VIRTUAL_ENV",
    # CI's clean environment writes bytecode: so must every run.
    "PYTHONDONTWRITEBYTECODE",
    # Read once by this session; a generated project's own pytest must not inherit it.
    "PYTEST_ADDOPTS",
)


_HOME = pytest.StashKey[Path]()


def _real_pip_cache() -> str:
    """pip's cache as it is before HOME moves: a cache speeds installs up and decides nothing."""
    if os.environ.get("PIP_CACHE_DIR"):
        return os.environ["PIP_CACHE_DIR"]
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(cache, "pip")


def pytest_configure(config: pytest.Config) -> None:
    home = Path(tempfile.mkdtemp(prefix="fmvc-test-home-"))
    config.stash[_HOME] = home
    (home / ".gitconfig-empty").touch()
    pip_cache = _real_pip_cache()
    for name in _LEAKY_VARIABLES:
        os.environ.pop(name, None)
    sys.dont_write_bytecode = False  # as without PYTHONDONTWRITEBYTECODE, in this process too
    # A suite started in the background by a shell inherits SIGINT ignored, and so would every
    # program it starts; a user's Ctrl-C reaches programs that take it, so the tests' do too.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    os.environ.update(
        {
            "HOME": str(home),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "GIT_CONFIG_GLOBAL": str(home / ".gitconfig-empty"),
            "GIT_CONFIG_NOSYSTEM": "1",
            "PIP_CACHE_DIR": pip_cache,
            # /nix/store is root's (or a daemon's, which non-root users reach only when it runs
            # and they are in its group): nix-instantiate uses a store of the session's own.
            "NIX_REMOTE": str(home / ".nix-store"),
        }
    )


def pytest_unconfigure(config: pytest.Config) -> None:
    home = config.stash.get(_HOME, None)
    if home is not None:
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def installed_project(tmp_path_factory) -> Path:
    """A default project (every feature on), installed by `new` itself (its `make install`).

    Shared by the tests that only read or run it; tests that change a project make their own.
    """
    project = tmp_path_factory.mktemp("installed") / "demo"
    done = run_tool("new", "-n", str(project), timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "make install" in done.stderr
    assert (project / ".venv" / "bin" / "demo").is_file()
    return project


@pytest.fixture(scope="session")
def tool_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tool's wheel, built once per session from this checkout."""
    dist = tmp_path_factory.mktemp("tool-wheel")
    build_wheel(REPO_ROOT, dist)
    (wheel,) = dist.glob("fastapi_mvc-*.whl")
    return wheel
