"""`new` against the file system as it is: existing directories, races, failures half-way.

Whatever goes wrong, the user sees one line naming the problem and the fix, and nothing is left
behind that `new` made: no staging directory, no half-made project, no empty parents.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

from support import commit_as_user, run_cli, run_ok, run_tool

from fastapi_mvc import git


def one_line_error(output: str) -> str:
    lines = [line for line in output.strip().splitlines() if line.startswith("Error: ")]
    assert len(lines) == 1, output
    assert "Traceback" not in output, output
    return lines[0]


def plain_template(root: Path, **files: str) -> Path:
    """A copier template that is a plain directory (no git), with `files` to render."""
    root.mkdir(parents=True)
    (root / "copier.yml").write_text("_exclude: [copier.yml]\nproject_name:\n  type: str\n")
    for name, text in files.items():
        (root / name).write_text(text)
    return root


def test_an_empty_target_directory_is_kept_not_replaced(tmp_path):
    # A mount point (docker -v ...:/srv/app) or the shell's working directory cannot be removed
    # and renamed over: the project is moved into the very same directory, mode included.
    target = tmp_path / "blog"
    target.mkdir(mode=0o750)
    target.chmod(0o750)
    inode = target.stat().st_ino
    result = run_cli("new", "-n", "-I", "-q", str(target))
    assert result.exit_code == 0, result.output
    assert (target.stat().st_ino, target.stat().st_mode & 0o777) == (inode, 0o750)
    assert (target / ".fastapi-mvc.yml").is_file()
    assert not [p for p in target.iterdir() if p.name.startswith(".blog.")]
    assert git.dirty_files(target) == []


def test_new_dot_in_an_empty_working_directory(tmp_path):
    target = tmp_path / "blog"
    target.mkdir()
    result = run_tool("new", "-n", "-I", ".", cwd=target)
    assert result.returncode == 0, result.stderr
    assert (target / "blog" / "app" / "asgi.py").is_file()
    # No `cd .` among the next steps.
    assert "  cd " not in result.stderr and "  make install\n" in result.stderr


def test_a_failure_leaves_no_parent_directories_it_made(tmp_path):
    template = plain_template(tmp_path / "tpl", **{"z.txt.jinja": "{{ no_such.name }}\n"})
    work = tmp_path / "work"
    work.mkdir()
    result = run_cli("new", "-n", "-I", "--use-repo", str(template), "deep/er/blog", cwd=work)
    assert result.exit_code == 1
    assert "rendering the template failed" in one_line_error(result.output)
    assert list(work.iterdir()) == []


def test_a_failure_into_an_existing_empty_directory_leaves_it_empty(tmp_path):
    template = plain_template(tmp_path / "tpl", **{"z.txt.jinja": "{{ no_such.name }}\n"})
    target = tmp_path / "blog"
    target.mkdir()
    result = run_cli("new", "-n", "-I", "--use-repo", str(template), str(target))
    assert result.exit_code == 1
    assert list(target.iterdir()) == []


def test_a_write_failure_while_rendering_is_one_line_and_leaves_nothing(tmp_path):
    # A full disk fails the same way: an OSError from copier writing a file. Here a file-size
    # limit (ulimit -f) makes the real write fail for the one large file of the template.
    template = plain_template(tmp_path / "tpl", **{"a.txt": "small\n", "big.txt": "x" * 100_000})
    work = tmp_path / "work"
    work.mkdir()

    def limit_file_size() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (50_000, 50_000))

    result = subprocess.run(
        [sys.executable, "-m", "fastapi_mvc", "new", "-n", "-I", "--use-repo", template, "blog"],
        cwd=work,
        preexec_fn=limit_file_size,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    error = one_line_error(result.stderr)
    assert "could not write the new project: File too large" in error and "ulimit" in error
    assert list(work.iterdir()) == []


def test_git_failing_to_commit_is_one_line_with_a_fix_and_leaves_nothing(tmp_path):
    # A template that ships an empty nested repository: `git add` refuses it.
    template = plain_template(tmp_path / "tpl", **{"a.txt": "a\n"})
    (template / "copier.yml").write_text("_exclude: []\nproject_name:\n  type: str\n")
    run_ok("git", "init", "-q", template / "sub")
    work = tmp_path / "work"
    work.mkdir()
    result = run_cli("new", "-n", "-I", "-q", "--use-repo", str(template), "blog", cwd=work)
    assert result.exit_code == 1
    error = one_line_error(result.output)
    assert "git could not commit the new project: fatal:" in error
    assert "['" not in error and "--skip-git" in error
    assert list(work.iterdir()) == []


def test_without_git_on_path_new_says_git_is_required(tmp_path):
    empty_path = tmp_path / "bin"
    empty_path.mkdir()
    for flags in ([], ["--skip-git"]):
        result = run_tool(
            "new", "-n", "-I", *flags, "deep/er/blog", cwd=tmp_path, env={"PATH": str(empty_path)}
        )
        assert result.returncode == 2
        assert "git is required" in one_line_error(result.stderr)
        assert "install git" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bin"]


def test_two_runs_creating_the_same_project_at_once(tmp_path):
    command = [sys.executable, "-m", "fastapi_mvc", "new", "-n", "-I", "-q", "same"]
    runs = [
        subprocess.Popen(command, cwd=tmp_path, stderr=subprocess.PIPE, text=True) for _ in range(2)
    ]
    results = [(run.wait(timeout=120), run.stderr.read()) for run in runs]
    for run in runs:
        run.stderr.close()
    codes = sorted(code for code, _ in results)
    assert codes[0] == 0 and codes[1] in {1, 2}, results
    loser = next(stderr for code, stderr in results if code)
    assert "same" in one_line_error(loser)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["same"]
    assert git.dirty_files(tmp_path / "same") == []


def test_force_into_a_non_empty_directory_still_commits(tmp_path):
    target = tmp_path / "blog"
    target.mkdir()
    (target / "notes.txt").write_text("mine\n")
    result = run_cli("new", "-n", "-I", "-q", "-f", str(target))
    assert result.exit_code == 0, result.output
    assert (target / "notes.txt").read_text() == "mine\n"
    assert git.git("log", "--format=%s", cwd=target).strip() == (
        "Initial commit, generated by fastapi-mvc"
    )
    assert git.dirty_files(target) == []


def test_force_into_an_existing_repository_leaves_the_commit_to_the_user(tmp_path):
    target = tmp_path / "blog"
    target.mkdir()
    run_ok("git", "init", "-q", target)
    (target / "notes.txt").write_text("mine\n")
    commit_as_user(target, "my notes")
    result = run_cli("new", "-n", "-I", "-f", str(target))
    assert result.exit_code == 0, result.output
    assert "is a git repository already, so nothing was committed" in result.output
    assert git.git("log", "--format=%s", cwd=target).strip() == "my notes"
    assert ".fastapi-mvc.yml" in git.dirty_files(target)


def test_the_users_file_mode_creation_mask_applies(tmp_path):
    old = os.umask(0o027)
    try:
        result = run_cli("new", "-n", "-I", "-q", str(tmp_path / "blog"))
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "blog").stat().st_mode & 0o777 == 0o750


def test_an_unusable_template_cache_is_one_line(tmp_path, monkeypatch):
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache directory should be\n")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    work = tmp_path / "work"
    work.mkdir()
    result = run_cli("new", "-n", "-I", "blog", cwd=work)
    assert result.exit_code == 1
    error = one_line_error(result.output)
    assert "template cache" in error and f"{blocker}/fastapi-mvc" in error
    assert "XDG_CACHE_HOME" in error
    assert list(work.iterdir()) == []


def test_ctrl_c_while_forcing_into_a_directory_says_how_to_finish(tmp_path, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    target = tmp_path / "blog"
    target.mkdir()
    (target / "notes.txt").write_text("mine\n")
    monkeypatch.setattr(git, "init_and_commit", interrupted)
    result = run_cli("new", "-n", "-I", "-q", "-f", str(target))
    assert result.exit_code == 130
    assert "interrupted while rendering into" in one_line_error(result.output)
    assert "run the same command again" in result.output
    assert (target / "notes.txt").read_text() == "mine\n"
