"""The client generators' own tools, installed inside the project, never globally.

They live in `.fastapi-mvc/tools/` at the project's root (a folder that ignores itself in git):
`node/` holds an npm package folder with openapi-typescript, `python/` a virtual environment with
openapi-python-client. Versions are pinned, so the same schema always gives the same client,
here and in CI: that is what `generate client --check` relies on. Each is installed on first use
and again only when its pins change.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from fastapi_mvc.errors import CommandFailed, FastapiMvcError
from fastapi_mvc.files import write_atomic
from fastapi_mvc.project import Project

TOOLS = Path(".fastapi-mvc") / "tools"
# openapi-typescript wants TypeScript as a peer; the client's own package.json pins the same.
NODE_PACKAGES = {"openapi-typescript": "7.13.0", "typescript": "5.9.3"}
OPENAPI_FETCH = "0.17.0"
# ruff formats what openapi-python-client writes: pinned too, or its output would drift.
PYTHON_PACKAGES = {"openapi-python-client": "0.29.1", "ruff": "0.17.6"}
PYTHON_MINIMUM = (3, 11)  # openapi-python-client's own requirement


def tools_dir(project: Project) -> Path:
    """`.fastapi-mvc/tools` of the project, made on first use and ignored by git."""
    folder = project.root / TOOLS
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder.parent / ".gitignore"
    if not ignore.exists():
        write_atomic(ignore, "# Tools fastapi-mvc installs for this project: never committed.\n*\n")
    return folder


def openapi_typescript(project: Project) -> list[str]:
    """The command running openapi-typescript, installed into the project's tools if needed."""
    for program in ("node", "npm"):
        if shutil.which(program) is None:
            raise FastapiMvcError(
                f"{program} is not installed, and the TypeScript client needs Node.js with npm",
                "install Node.js 20 or newer with npm (e.g. `apt-get install nodejs npm`), "
                "or pass --lang python",
            )
    folder = tools_dir(project) / "node"
    if _node_installed(folder) != NODE_PACKAGES:
        folder.mkdir(exist_ok=True)
        manifest = {"private": True, "dependencies": NODE_PACKAGES}
        write_atomic(folder / "package.json", json.dumps(manifest, indent=2) + "\n")
        _run(
            ["npm", "install", "--no-audit", "--no-fund", "--ignore-scripts", "--no-save"],
            folder,
            "installing openapi-typescript with npm",
        )
    return ["node", str(folder / "node_modules" / "openapi-typescript" / "bin" / "cli.js")]


def _node_installed(folder: Path) -> dict[str, str | None]:
    """The version of each pinned package found in `folder`'s node_modules (None: missing)."""
    versions: dict[str, str | None] = {}
    for name in NODE_PACKAGES:
        try:
            manifest = json.loads((folder / "node_modules" / name / "package.json").read_text())
            versions[name] = str(manifest["version"])
        except (OSError, ValueError, KeyError):
            versions[name] = None
    return versions


def openapi_python_client(project: Project) -> Path:
    """The folder of the tools' virtual environment's programs, with openapi-python-client and
    ruff installed (ruff must be on the PATH of the generator, which runs it)."""
    venv = tools_dir(project) / "python"
    bin_dir = venv / "bin"
    pins = [f"{name}=={version}" for name, version in PYTHON_PACKAGES.items()]
    stamp = venv / "fastapi-mvc-pins.txt"
    if not (bin_dir / "openapi-python-client").exists() or _read(stamp) != "\n".join(pins):
        _run([_python(project), "-m", "venv", "--clear", str(venv)], project.root, "making a venv")
        _run(
            [str(bin_dir / "python"), "-m", "pip", "install", "--quiet", *pins],
            project.root,
            "installing openapi-python-client with pip",
        )
        write_atomic(stamp, "\n".join(pins))
    return bin_dir


def _python(project: Project) -> str:
    """An interpreter new enough for openapi-python-client: ours, else the project's."""
    if sys.version_info >= PYTHON_MINIMUM:
        return sys.executable
    candidate = project.venv_bin("python")
    probe = "import sys; sys.exit(sys.version_info < (3, 11))"
    if candidate.exists() and not subprocess.run([str(candidate), "-c", probe]).returncode:
        return str(candidate)
    wanted = ".".join(map(str, PYTHON_MINIMUM))
    raise FastapiMvcError(
        f"the Python client needs Python {wanted} or newer (openapi-python-client does), and "
        "neither fastapi-mvc's nor the project's Python is",
        f"install Python {wanted}+ for the project, or pass --lang typescript",
    )


def _read(path: Path) -> str | None:
    try:
        return path.read_text()
    except OSError:
        return None


def _run(command: list[str], cwd: Path, doing: str, env: dict[str, str] | None = None) -> str:
    """Run a tool; a failure is one line naming the step, after the tool's own output."""
    try:
        result = subprocess.run(
            command, cwd=cwd, capture_output=True, text=True, check=False, env=env
        )
    except OSError as error:
        raise FastapiMvcError(
            f"{doing} failed: {error.strerror or error}", "check the tool is installed"
        ) from None
    if result.returncode:
        raise CommandFailed(
            f"{doing} failed (exit {result.returncode})",
            "fix the cause shown above and run again",
            output=result.stdout + result.stderr,
        )
    return result.stdout


def run_tool(command: list[str], cwd: Path, doing: str, path: Path | None = None) -> str:
    """Run a client generator, with `path` first on PATH when given (for its own helpers)."""
    env = dict(os.environ)
    if path is not None:
        env["PATH"] = f"{path}{os.pathsep}{env.get('PATH', '')}"
    return _run(command, cwd, doing, env)
