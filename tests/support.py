"""Helpers every test shares: run the CLI, make a project, look at files, find free ports."""

from __future__ import annotations

import hashlib
import os
import pwd
import re
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fastapi_mvc.cli import app

REPO_ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str, cwd: Path | None = None, input: str | None = None):
    """Invoke `fastapi-mvc ARGS` in-process, as a user would from `cwd`; returns click's Result."""
    old = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        return CliRunner().invoke(app, list(args), input=input, catch_exceptions=False)
    finally:
        os.chdir(old)


def run_tool(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 600
):
    """Run `fastapi-mvc ARGS` as a separate process (what a shell user gets)."""
    return subprocess.run(
        [sys.executable, "-m", "fastapi_mvc", *args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def new_project(parent: Path, name: str = "demo", *flags: str) -> Path:
    """`fastapi-mvc new -n -I NAME FLAGS` in `parent`; returns the project root."""
    result = run_cli("new", "-n", "-I", "-q", *flags, str(parent / name))
    assert result.exit_code == 0, result.output
    return parent / name


def assert_file(path: Path, *patterns: str) -> str:
    """The file exists and matches every regex pattern; returns its text."""
    assert path.is_file(), f"{path} does not exist"
    text = path.read_text()
    for pattern in patterns:
        assert re.search(pattern, text, re.MULTILINE), f"{path} does not match {pattern!r}"
    return text


def assert_no_file(path: Path) -> None:
    assert not path.exists(), f"{path} exists"


def tree_checksum(root: Path) -> str:
    """sha256 over the sorted relative paths and contents of every file outside .git."""
    digest = hashlib.sha256()
    for path in sorted(
        p for p in root.rglob("*") if p.is_file() and ".git" not in p.relative_to(root).parts
    ):
        digest.update(
            path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0"
        )
    return digest.hexdigest()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tool(name: str) -> str:
    """The path of an external program, on PATH or beside this Python (.ci/tools.sh installs the
    validators there). A missing tool fails the calling test: a check is never skipped."""
    import shutil

    import pytest

    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        pytest.fail(f"{name} is not installed; run `bash .ci/tools.sh`")
    return found


def run_ok(
    *args: str | Path,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    input: str | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess:
    """Run a program that must succeed; on failure the assertion shows its whole output (on a
    timeout, the end of what it had printed)."""
    try:
        result = subprocess.run(
            [str(arg) for arg in args],
            cwd=cwd,
            env={**os.environ, **(env or {})},
            input=input,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as expired:
        # subprocess keeps what was read before the kill, as bytes even in text mode.
        printed = [
            out.decode(errors="replace") if isinstance(out, bytes) else out or ""
            for out in (expired.stdout, expired.stderr)
        ]
        tails = "\n".join("\n".join(out.splitlines()[-60:]) for out in printed)
        command = " ".join(map(str, args))
        raise AssertionError(f"{command} timed out after {timeout}s\n{tails}") from None
    output = (
        f"{' '.join(map(str, args))} exited {result.returncode}\n{result.stdout}\n{result.stderr}"
    )
    assert result.returncode == 0, output
    return result


# A user who commits has an identity of their own; the tool never needs one (conftest.py runs
# every test without any git config).
USER_IDENTITY = ("-c", "user.name=Test User", "-c", "user.email=test.user@example.com")


def commit_as_user(root: Path, message: str = "edit") -> None:
    """`git add -A && git commit` in `root`, as the project's user would."""
    run_ok("git", "add", "-A", cwd=root)
    run_ok("git", *USER_IDENTITY, "commit", "-q", "-m", message, cwd=root)


# -- generators ----------------------------------------------------------------------------------

# Environments, caches and reports that running a project's tools leaves behind.
BUILD_OUTPUT = frozenset(
    {".venv", "__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache", "htmlcov", ".coverage"}
    | {"coverage.xml"}
    # The SQLite database a served project writes (git ignores it too).
    | {"var"}
)


def run_generator(cwd: Path, *args: str):
    """`fastapi-mvc generate ARGS` in `cwd`, in-process; returns click's Result."""
    return run_cli("generate", *args, cwd=cwd)


def run_destroy(cwd: Path, *args: str):
    """`fastapi-mvc destroy ARGS` in `cwd`, in-process; returns click's Result."""
    return run_cli("destroy", *args, cwd=cwd)


def copy_project(pristine: Path, parent: Path) -> Path:
    """A fresh copy of a rendered project (rendering once per module keeps the tests fast)."""
    import shutil

    return Path(shutil.copytree(pristine, parent / pristine.name, symlinks=True))


def source_checksum(root: Path) -> str:
    """Like tree_checksum, blind to what running the project's tools leaves (BUILD_OUTPUT)."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        parts = path.relative_to(root).parts
        if ".git" in parts or BUILD_OUTPUT.intersection(parts) or not path.is_file():
            continue
        if any(part.endswith(".egg-info") for part in parts):
            continue
        name = path.relative_to(root).as_posix().encode()
        digest.update(name + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


REDIS_SERVER = "/usr/bin/redis-server"


def start_redis(port: int, data: Path) -> subprocess.Popen:
    """A real, throw-away redis-server on loopback `port`, once it accepts connections.

    Stop it with `stop_process`, by its PID. A missing redis-server fails the test.
    """
    if not os.access(REDIS_SERVER, os.X_OK):
        pytest.fail(f"{REDIS_SERVER} is not installed (apt-get install redis-server)")
    data.mkdir(exist_ok=True)
    # No persistence: the data directory only keeps redis-server from writing elsewhere.
    options = ["--save", "", "--appendonly", "no", "--dir", str(data)]
    redis = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", *options],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    end = time.monotonic() + 10
    while True:
        assert redis.poll() is None, f"redis-server exited {redis.returncode}"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return redis
        except OSError:
            assert time.monotonic() < end, "redis-server did not listen within 10s"
            time.sleep(0.05)


def postgres_bin(program: str) -> Path:
    """A PostgreSQL program from Debian's packaging (/usr/lib/postgresql/VERSION/bin), newest
    version first. A missing PostgreSQL fails the test."""
    for bindir in sorted(
        Path("/usr/lib/postgresql").glob("*/bin"), key=lambda d: int(d.parent.name), reverse=True
    ):
        if os.access(bindir / program, os.X_OK):
            return bindir / program
    pytest.fail(f"PostgreSQL's {program} is not installed (apt-get install postgresql)")


def start_postgres(port: int, data_dir: Path) -> subprocess.Popen:
    """A real, throw-away PostgreSQL on loopback `port`, once it accepts connections.

    The cluster (trust authentication, superuser `postgres`, database `postgres`) lives in
    `data_dir`; it listens on TCP only. PostgreSQL refuses to run as root: as root it runs as the
    `postgres` user, otherwise as the current user. Stop it with `stop_process`, by its PID.
    """
    as_postgres: list[str] = []
    if os.getuid() == 0:
        as_postgres = ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups"]
    data_dir.mkdir(parents=True, exist_ok=True)
    if as_postgres:
        _let_postgres_in(data_dir)
    if not (data_dir / "PG_VERSION").is_file():
        initdb = [postgres_bin("initdb"), "-D", data_dir, "-U", "postgres", "-A", "trust"]
        run_ok(*as_postgres, *initdb, "--no-sync", "--no-locale", "-E", "UTF8", timeout=120)
    # setpriv execs: the PID is postgres itself, so stop_process signals the server.
    command = [str(postgres_bin("postgres")), "-D", str(data_dir), "-c", "fsync=off"]
    # TCP only: a Unix socket path must fit in 107 bytes, which pytest's folders do not.
    listen = ["-h", "127.0.0.1", "-p", str(port), "-k", ""]
    log = data_dir / "server.log"
    with log.open("ab") as output:
        server = subprocess.Popen(
            [*as_postgres, *command, *listen], stdout=output, stderr=subprocess.STDOUT
        )
    ready = [str(postgres_bin("pg_isready")), "-q", "-h", "127.0.0.1", "-p", str(port), "-t", "1"]
    end = time.monotonic() + 30
    while subprocess.run(ready, check=False).returncode != 0:
        assert server.poll() is None, f"postgres exited {server.returncode}:\n{log.read_text()}"
        assert time.monotonic() < end, f"postgres did not answer within 30s:\n{log.read_text()}"
        time.sleep(0.05)
    return server


def _let_postgres_in(data_dir: Path) -> None:
    """Give the `postgres` user its data directory, and a way to reach it through the test's
    private temporary directories (search permission only: it cannot list them)."""
    account = pwd.getpwnam("postgres")
    os.chown(data_dir, account.pw_uid, account.pw_gid)
    data_dir.chmod(0o700)
    temp_root = Path(tempfile.gettempdir()).resolve()
    for parent in data_dir.resolve().parents:
        if parent == temp_root or temp_root not in parent.parents:
            break
        parent.chmod(parent.stat().st_mode | stat.S_IXOTH)


def alive(pid: int) -> bool:
    """Whether a process of that PID exists (signal 0 checks without sending anything)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def stop_process(process: subprocess.Popen) -> None:
    """SIGTERM (after SIGCONT, in case a test froze it), then SIGKILL after 10 s."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGCONT)
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def build_wheel(source: Path, dist: Path) -> tuple[list[str], str]:
    """`pip wheel --no-deps` of `source` into `dist`: the wheel's file names and entry points."""
    run_ok(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, source)
    (wheel,) = dist.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        entry_points = archive.read(next(n for n in names if n.endswith("entry_points.txt")))
    return names, entry_points.decode()


def sphinx_build(installed_project: Path, project: Path, builder: str, out: Path) -> None:
    """`sphinx-build -W` of `project`'s docs with the installed project's environment."""
    sphinx = installed_project / ".venv" / "bin" / "sphinx-build"
    run_ok(sphinx, "-W", "--keep-going", "-q", "-b", builder, "docs", out, cwd=project, timeout=300)
