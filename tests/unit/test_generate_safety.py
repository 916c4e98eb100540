"""generate and destroy never lose or half-write a file: a failed write changes nothing.

Failures are made the way they happen to users, and so that they happen whoever runs the suite
(root ignores file modes): a file where a folder must be, a folder that takes no new files
(/proc), and a file size limit (`ulimit -f`, which binds root too) standing in for a full disk.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import textwrap
from pathlib import Path

from support import (
    assert_no_file,
    run_generator,
    run_tool,
    source_checksum,
    tree_checksum,
)

# router.py is padded past the limit; the generated controller and its test stay below it.
LIMIT = 64 * 1024
PADDING = "# " + "x" * 98 + "\n"


def router(project: Path) -> Path:
    return project / "demo" / "app" / "router.py"


def one_error(output: str) -> str:
    """The one `Error:` line of a failed run, and no traceback."""
    assert "Traceback" not in output, output
    errors = [line for line in output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, output
    return errors[0]


def run_with_file_size_limit(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`fastapi-mvc ARGS` unable to write any file past LIMIT bytes (EFBIG, like a full disk)."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))

    return subprocess.run(
        [sys.executable, "-m", "fastapi_mvc", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limit,
    )


def pad(path: Path) -> bytes:
    path.write_text(path.read_text() + PADDING * (2 * LIMIT // len(PADDING)))
    return path.read_bytes()


def test_a_router_that_cannot_be_written_is_intact_and_nothing_else_is_left(
    project: Path,
) -> None:
    original = pad(router(project))
    before = tree_checksum(project)

    done = run_with_file_size_limit(project, "generate", "controller", "books", "index")

    assert router(project).read_bytes() == original  # not truncated to the limit
    assert done.returncode == 1, done.stderr
    line = one_error(done.stderr)
    assert "cannot write demo/app/router.py (File too large)" in line
    assert "nothing was changed" in line
    assert tree_checksum(project) == before  # the controller and its test are gone again
    assert not [p for p in project.rglob(".*.tmp")]


def test_a_revoke_that_cannot_be_written_removes_nothing(project: Path) -> None:
    run_generator(project, "controller", "books", "index")
    original = pad(router(project))
    before = tree_checksum(project)

    done = run_with_file_size_limit(project, "destroy", "controller", "books")

    assert router(project).read_bytes() == original
    assert done.returncode == 1, done.stderr
    assert "cannot write demo/app/router.py" in one_error(done.stderr)
    assert tree_checksum(project) == before


def test_a_file_where_a_folder_must_be_leaves_no_half_generated_controller(
    project: Path,
) -> None:
    folder = project / "tests" / "unit" / "app" / "controllers"
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()
    folder.write_text("in the way\n")
    before = tree_checksum(project)

    result = run_generator(project, "controller", "books", "index")

    assert result.exit_code == 1
    line = one_error(result.output)
    assert "tests/unit/app/controllers is a file where a folder is needed" in line
    assert "move that file away" in line
    assert tree_checksum(project) == before
    assert_no_file(project / "demo" / "app" / "controllers" / "books.py")


def test_a_folder_that_takes_no_files_is_one_line() -> None:
    done = run_tool("generate", "script", "zz", cwd=Path("/proc"))
    assert done.returncode == 1
    assert "cannot write zz" in one_error(done.stderr)
    assert not Path("/proc/zz").exists()


def test_an_edit_of_the_old_protocol_is_undone_when_a_later_step_fails(project: Path) -> None:
    """A user generator's edit with only apply/revoke: its file is restored if the run fails."""
    folder = project / "lib" / "generators" / "note"
    (folder / "templates" / "notes").mkdir(parents=True)
    (folder / "templates" / "notes" / "{{ name.snake }}.txt.jinja").write_text("{{ name }}\n")
    (folder / "copier.yml").write_text(
        "_generator:\n"
        "  description: Notes.\n"
        "  arguments:\n"
        "    - {name: name, help: The note.}\n"
        "_subdirectory: templates\n"
        "_templates_suffix: .jinja\n"
    )
    (folder / "generator.py").write_text(textwrap.dedent("""\
        from pathlib import Path


        class Append:
            def __init__(self, path, fail):
                self.path, self.fail = Path(path), fail

            def check(self):
                pass

            def apply(self, *, pretend):
                if not pretend:
                    if self.fail:
                        raise PermissionError(13, "Permission denied", str(self.path))
                    self.path.write_text(self.path.read_text() + "appended\\n")
                return "insert"

            def revoke(self, *, pretend):
                return "unchanged"


        def prepare(invocation):
            readme = invocation.destination / "README.md"
            invocation.edits.append(Append(readme, fail=False))
            invocation.edits.append(Append(invocation.destination / "Makefile", fail=True))
        """))
    # Importing generator.py may leave its __pycache__, as any import does; nothing else.
    before = source_checksum(project)

    result = run_generator(project, "note", "first")

    assert result.exit_code == 1
    assert "cannot write Makefile (Permission denied)" in one_error(result.output)
    assert source_checksum(project) == before
