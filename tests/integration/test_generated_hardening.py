"""The generated project's `serve` and tasks, as an operator and a user of the original meet them.

All on the session's installed default project (`installed_project`), left as it is:

- `<script> serve` with invalid `FASTAPI_*` values or a `--bind` port out of range stops before
  it starts, with one line per bad setting and exit code 2, never a traceback;
- `make typecheck` (and `make mypy`, the original's name) passes, and so does mypy on every other
  variant of the template; `make show-version` and `make build` do what the original's did.

The server's own behaviour (probes, documentation switch, the original's settings and container
arguments) is tested where it runs, in test_serving.py.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from support import new_project, run_ok

pytestmark = pytest.mark.integration


def _script(project: Path) -> Path:
    return project / ".venv" / "bin" / project.name


def _environment(settings: dict[str, str]) -> dict[str, str]:
    """This process's environment without any FASTAPI_* variable, plus `settings`."""
    environment = {k: v for k, v in os.environ.items() if not k.upper().startswith("FASTAPI_")}
    return {**environment, **settings}


def _serve_refused(project: Path, *args: str, settings: dict[str, str] | None = None) -> list[str]:
    """Run `<script> serve ARGS` with `settings`; it must refuse to start: its stderr lines."""
    done = subprocess.run(
        [str(_script(project)), "serve", *args],
        cwd=project,
        env=_environment(settings or {}),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stdout == ""
    assert "Traceback" not in done.stderr, done.stderr
    return done.stderr.splitlines()


# -- one line, never a traceback -----------------------------------------------------------------


@pytest.mark.parametrize(
    "settings",
    [
        {"FASTAPI_WORKERS": "abc"},
        {"FASTAPI_WORKERS": "-1", "FASTAPI_TIMEOUT": "-5"},
        {"FASTAPI_WORKERS": "0"},
        {"FASTAPI_DEBUG": "maybe", "FASTAPI_MAX_BODY_SIZE": "-1"},
        {"FASTAPI_USE_REDIS": "true", "FASTAPI_REDIS_PORT": "99999"},
        {"FASTAPI_LOGLEVEL": "bogus"},
        {"FASTAPI_GUNICORN_LOG_LEVEL": "bogus"},
        {"FASTAPI_GUNICORN_LOG_FORMAT": "%(h)s %(r)s"},
        {"FASTAPI_BIND": "127.0.0.1:-1"},
    ],
)
def test_invalid_settings_stop_serve_with_one_line_each(
    installed_project: Path, settings: dict[str, str]
) -> None:
    lines = _serve_refused(installed_project, settings=settings)
    refused = {k: v for k, v in settings.items() if (k, v) != ("FASTAPI_USE_REDIS", "true")}
    expected = [f"Error: {name}={value!r} is not valid: " for name, value in refused.items()]
    assert len(lines) == len(expected), lines
    for line, start in zip(lines, expected, strict=True):
        assert line.startswith(start), (line, start)
    if any(name.endswith(("LOGLEVEL", "LOG_LEVEL")) for name in settings):
        assert lines[0].endswith("'debug', 'info', 'warning', 'error' or 'critical'"), lines


@pytest.mark.parametrize("port", ["-1", "65536"])
def test_a_bind_port_out_of_range_is_one_line(installed_project: Path, port: str) -> None:
    lines = _serve_refused(installed_project, "--bind", f"127.0.0.1:{port}")
    assert lines[-1] == (
        f"Error: Invalid value for '--bind': '127.0.0.1:{port}': "
        f"the port must be between 0 and 65535, not {int(port)}."
    )


# -- the project's tasks ---------------------------------------------------------------------------

# Every variant of the template: its package and tests must pass mypy --strict.
VARIANTS = {
    "bare": ("-R", "-A", "-H", "-G", "-N", "-V", "-C", "--database", "none"),
    "redis-only": ("-A", "--database", "none"),
    "aiohttp-only": ("-R", "--database", "none"),
    "postgresql": ("--database", "postgresql"),
}


def _make(project: Path, *args: str, timeout: float = 600) -> str:
    return run_ok("make", "--no-print-directory", *args, cwd=project, timeout=timeout).stdout


def test_make_typecheck_and_its_original_name_pass(installed_project: Path) -> None:
    for target in ("typecheck", "mypy"):
        output = _make(installed_project, target)
        assert "Success: no issues found" in output, output
        assert "-m venv" not in output, "an installed project is not installed again"


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_variant_passes_the_type_check(
    installed_project: Path, tmp_path: Path, variant: str
) -> None:
    """mypy of the installed default project, which has every feature's dependencies, run with
    each variant's own configuration (its pyproject.toml)."""
    project = new_project(tmp_path, "variant", "--skip-git", *VARIANTS[variant])
    output = run_ok(installed_project / ".venv" / "bin" / "mypy", cwd=project, timeout=600).stdout
    assert "Success: no issues found" in output, output


def test_show_version_and_build_as_the_original_did(
    installed_project: Path, tmp_path: Path
) -> None:
    assert _make(installed_project, "show-version") == "0.1.0\n"
    # A copy, so that dist/ is not left in the shared project; its .venv is the installed one.
    copy = tmp_path / "demo"
    shutil.copytree(installed_project, copy, ignore=shutil.ignore_patterns(".venv", "dist"))
    output = _make(copy, "build", f"VENV={installed_project / '.venv'}")
    assert "-m venv" not in output
    assert sorted(path.name for path in (copy / "dist").iterdir()) == [
        "demo-0.1.0-py3-none-any.whl",
        "demo-0.1.0.tar.gz",
    ]
