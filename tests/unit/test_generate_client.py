"""`fastapi-mvc generate client`: what it refuses, how it compares clients, what destroy removes.

The clients themselves are made, compiled and run against a real server in
tests/integration/test_clients.py; here the project is rendered but not installed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support import REPO_ROOT, run_destroy, run_generator, tree_checksum

from fastapi_mvc.clients.build import State, compare, languages, stale
from fastapi_mvc.errors import UsageError
from fastapi_mvc.generating.commandline import parse
from fastapi_mvc.generating.generator import Generator, Origin

CLIENT = Generator.load(REPO_ROOT / "generators" / "client", Origin.BUILTIN)


def refused(project: Path, *args: str, cwd: Path | None = None) -> str:
    """Run `generate client ARGS`: it must exit 2 with one line and leave the tree as it was."""
    before = tree_checksum(project)
    result = run_generator(cwd or project, "client", *args)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert tree_checksum(project) == before
    return lines[0]


def test_an_unknown_language_is_refused(project: Path) -> None:
    line = refused(project, "--lang", "typescript", "--lang", "ruby")
    assert line == "Error: unknown --lang 'ruby'; choose typescript or python (or both)"


@pytest.mark.parametrize("out", ["..", "/tmp/clients", "../demo-clients", ".git/clients"])
def test_an_out_folder_outside_the_project_is_refused(project: Path, out: str) -> None:
    line = refused(project, "--out", out)
    assert line.startswith(f"Error: --out {out} is outside the project ")
    assert line.endswith("; give a folder inside the project, e.g. --out clients")


def test_an_out_folder_is_read_from_the_working_directory(project: Path) -> None:
    line = refused(project, "--out", "../../../elsewhere", cwd=project / "demo" / "app")
    assert "--out ../../../elsewhere is outside the project" in line


def test_outside_a_project_it_is_refused(tmp_path: Path) -> None:
    result = run_generator(tmp_path, "client")
    assert result.exit_code == 2
    assert result.output.startswith("Error: not a fastapi-mvc project")
    assert list(tmp_path.iterdir()) == []


def test_a_project_not_installed_is_told_to_install_it(project: Path) -> None:
    line = refused(project, "--lang", "python")
    assert line == (
        "Error: demo is not installed yet (no "
        f"{project / '.venv'}); run `make install` in the project, or `fastapi-mvc run --install`"
    )


def test_check_without_a_client_says_to_make_one(project: Path) -> None:
    line = refused(project, "--check")
    assert line == (
        "Error: there is no client in clients/ to check; "
        "make one first with `fastapi-mvc generate client`"
    )


def test_languages_repeat_or_take_commas_in_a_stable_order() -> None:
    options = parse(CLIENT, ["--lang", "python", "-l", "typescript"], "client").options
    assert options["lang"] == ["python", "typescript"]
    assert parse(CLIENT, [], "client").options["lang"] == []
    assert languages(options["lang"]) == ["typescript", "python"]
    assert languages(["Python, typescript", "python"]) == ["typescript", "python"]
    assert languages([]) == []
    with pytest.raises(UsageError, match="unknown --lang 'go'"):
        languages(["python,go"])


def write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)


def test_a_client_is_stale_when_a_fresh_one_differs_file_for_file(tmp_path: Path) -> None:
    made, existing = tmp_path / "made", tmp_path / "clients" / "python"
    write(made, {"pyproject.toml": "same", "pkg/api.py": "new text", "pkg/added.py": "added"})
    write(
        existing,
        {
            "pyproject.toml": "same",
            "pkg/api.py": "old text",
            "pkg/removed.py": "an endpoint that went",
            "pkg/__pycache__/api.cpython-311.pyc": "build output",
            "notes.md": "the user's own file, outside the generated package",
        },
    )

    files = compare(made, existing, ["pkg"])

    assert {file.path.relative_to(existing).as_posix(): file.state for file in files} == {
        "pkg/added.py": State.NEW,
        "pkg/api.py": State.CHANGED,
        "pkg/removed.py": State.GONE,
        "pyproject.toml": State.SAME,
    }
    assert stale(files, tmp_path) == [
        "clients/python/pkg/added.py (new)",
        "clients/python/pkg/api.py (changed)",
        "clients/python/pkg/removed.py (gone)",
    ]
    assert stale(compare(made, made, ["pkg"]), tmp_path) == []


def test_destroy_removes_the_generated_files_and_keeps_the_rest(project: Path) -> None:
    typescript = project / "clients" / "typescript"
    python = project / "clients" / "python"
    write(
        typescript,
        {name: "generated" for name in (".gitignore", "README.md", "package.json", "tsconfig.json")}
        | {"src/index.ts": "generated", "src/schema.ts": "generated"}
        | {"package-lock.json": "npm's", "node_modules/openapi-fetch/index.js": "npm's"},
    )
    write(python, {"pyproject.toml": "generated", "demo_client/api/ready/x.py": "generated"})

    result = run_destroy(project, "client", "--lang", "typescript")

    assert result.exit_code == 0, result.output
    assert "remove  clients/typescript/src/schema.ts" in result.output
    left = sorted(p.relative_to(project).as_posix() for p in typescript.rglob("*") if p.is_file())
    assert left == [
        "clients/typescript/node_modules/openapi-fetch/index.js",
        "clients/typescript/package-lock.json",
    ]
    assert not (typescript / "src").exists()
    assert (python / "demo_client" / "api" / "ready" / "x.py").is_file()

    result = run_destroy(project, "client")

    assert result.exit_code == 0, result.output
    assert not python.exists()
