"""`update` on hostile answers, odd machines and interruptions: nothing runs, nothing is lost.

Given a project whose answers file a hostile clone or a hand edit has changed, when I run
`fastapi-mvc update`, then it refuses with one line and exit code 2 and nothing ran: no git hook
installed, no file written. Given an edited file the new template removes, it is kept and reported.
Given Ctrl-C or SIGTERM mid-update, the project is as it was.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from support import (
    commit_as_user,
    new_project,
    run_cli,
    run_generator,
    run_ok,
    run_tool,
    tool,
    tree_checksum,
)
from update_support import (
    DATA_QUESTIONS,
    V1,
    V2,
    make,
    summary,
    three_versions,
    update,
    use_template,
    write_template,
)

from fastapi_mvc import template_versions


@pytest.fixture
def versions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return three_versions(tmp_path, monkeypatch)


@pytest.fixture
def old_project(versions: Path) -> Path:
    """A project made at template 1.0.0, committed: `update` has work to do."""
    return make(versions, "demo", "--use-version", "1.0.0")


def set_answer(project: Path, key: str, value: object) -> None:
    """Change one answer and commit it, as a hand edit or a hostile clone would."""
    answers_file = project / ".fastapi-mvc.yml"
    answers = yaml.safe_load(answers_file.read_text())
    answers[key] = value
    answers_file.write_text(yaml.safe_dump(answers))
    commit_as_user(project, f"set {key}")


def answers(project: Path) -> dict[str, object]:
    return yaml.safe_load((project / ".fastapi-mvc.yml").read_text())


def one_line(output: str) -> str:
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    return lines[0]


def git_clean(project: Path) -> bool:
    return run_ok("git", "status", "--porcelain", cwd=project).stdout == ""


# -- option injection through the answers file ------------------------------------------------

HOOKS = "lib/fastapi-mvc/template/hooks"
INJECTIONS = [
    ("_src_path", "--template=lib/fastapi-mvc/template"),
    ("_src_path", "--upload-pack=touch INJECTED"),
    ("_src_path", f"--config=core.hooksPath={HOOKS}"),
    ("_src_path", f"-c core.hooksPath={HOOKS}"),
    ("_src_path", "/tmp/fastapi-mvc/template\n--template=lib/fastapi-mvc/template"),
    ("_src_path", "ext::sh -c touch% INJECTED"),
    ("_src_path", f"https://example.invalid/t.git --config=core.hooksPath={HOOKS}"),
    ("_src_path", "ssh://-oProxyCommand=touch%20INJECTED/fastapi-mvc/template"),
    ("_src_path", "lib/fastapi-mvc/template"),
    ("_src_path", "../fastapi-mvc/template"),
    ("_commit", "--output=INJECTED"),
    ("_commit", "1.0.0 --output=INJECTED"),
    ("_commit", "1.0.0\n--output=INJECTED"),
    ("_commit", "-c"),
    ("_commit", "1.0.0..HEAD"),
]


@pytest.mark.parametrize(("key", "value"), INJECTIONS)
def test_a_hostile_answer_is_refused_and_runs_nothing(old_project: Path, key: str, value: str):
    marker = old_project.parent / "HOOK_RAN"
    hooks = old_project / HOOKS
    hooks.mkdir(parents=True)
    for name in ("pre-commit", "post-checkout", "reference-transaction"):
        (hooks / name).write_text(f"#!/bin/sh\necho {name} >> {marker}\n")
        (hooks / name).chmod(0o755)
    set_answer(old_project, key, value)
    before = tree_checksum(old_project)

    result = update(old_project)

    assert result.exit_code == 2, result.output
    assert one_line(result.output).startswith(f"Error: invalid {key} ")
    assert "restore it from git" in result.output.replace("\n", " ")
    assert tree_checksum(old_project) == before
    installed = [p.name for p in (old_project / ".git" / "hooks").iterdir()]
    assert all(name.endswith(".sample") for name in installed), installed
    (old_project / "after.txt").write_text("the user's next commit\n")
    commit_as_user(old_project, "after the update")  # a planted hook would run here
    assert not marker.exists()
    assert not list(old_project.parent.rglob("INJECTED*"))


def test_a_template_path_recorded_on_another_machine_is_never_created(old_project, tmp_path):
    # `new` on a CI machine with XDG_CACHE_HOME outside HOME records an absolute path.
    elsewhere = tmp_path / "ci-cache" / "fastapi-mvc" / "template"
    set_answer(old_project, "_src_path", str(elsewhere))
    result = update(old_project)
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "ci-cache").exists()
    local = template_versions.recorded_path(template_versions.repository_path())
    assert answers(old_project)["_src_path"] == local


def test_a_template_path_inside_the_project_is_not_made_a_repository(old_project):
    inside = old_project / "lib" / "fastapi-mvc" / "template"
    inside.mkdir(parents=True)
    (inside / "keep.txt").write_text("mine\n")
    set_answer(old_project, "_src_path", str(inside))
    assert update(old_project).exit_code == 0
    assert sorted(p.name for p in inside.iterdir()) == ["keep.txt"]


@pytest.mark.parametrize(
    "src_path", ["file:///nonexistent/fastapi-template.git", "/nonexistent/a-template"]
)
def test_an_unreachable_template_is_one_line(old_project: Path, src_path: str):
    set_answer(old_project, "_src_path", src_path)
    before = tree_checksum(old_project)
    result = update(old_project)
    assert result.exit_code in (1, 2), result.output
    line = one_line(result.output.split("Error:", 1)[-1])
    assert f"cannot read the template at {src_path}" in line and "_src_path" in line
    assert tree_checksum(old_project) == before


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("package_name", "{{ 7*7 }}"),
        ("package_name", "../evil"),
        ("package_name", "Demo"),
        ("project_name", "a b"),
        ("script_name", "-rf"),
        ("chart_name", "../charts"),
    ],
)
def test_a_hand_edited_name_is_refused_before_anything_is_written(project, key, value):
    answers_file = project / ".fastapi-mvc.yml"
    recorded = yaml.safe_load(answers_file.read_text())
    answers_file.write_text(yaml.safe_dump({**recorded, key: value}))
    before = tree_checksum(project)
    result = run_generator(project, "controller", "books", "index")
    assert result.exit_code == 2, result.output
    assert one_line(result.output).startswith(f"Error: invalid {key} {value!r}")
    assert tree_checksum(project) == before


# -- the template cache on odd machines -------------------------------------------------------


def test_a_relative_xdg_cache_home_is_ignored(tmp_path: Path):
    home = tmp_path / "home"
    home.mkdir()
    done = run_tool(
        "new", "-n", "-I", "--skip-git", "demo",
        cwd=tmp_path, env={"HOME": str(home), "XDG_CACHE_HOME": "relcache"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "relcache").exists()
    assert (home / ".cache" / "fastapi-mvc" / "template" / ".git").is_dir()


@pytest.mark.parametrize("machine", ["cache is a file", "home is a file", "home cannot be made"])
def test_an_unusable_cache_location_is_one_line_naming_the_fix(tmp_path: Path, machine: str):
    home = tmp_path / "home"
    if machine == "cache is a file":
        (home / ".cache").mkdir(parents=True)
        (home / ".cache" / "fastapi-mvc").write_text("not a directory\n")
    elif machine == "home is a file":
        home.write_text("not a directory\n")
    if machine == "home cannot be made":
        home = Path("/proc/no-such-home")  # not even root can create it
    env = {"HOME": str(home), "XDG_CACHE_HOME": ""}
    done = run_tool("new", "-n", "-I", "--skip-git", "demo", cwd=tmp_path, env=env)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert one_line(done.stderr).endswith("set XDG_CACHE_HOME to a writable directory")
    assert not (tmp_path / "demo").exists()


# -- template versions that hold on any machine -----------------------------------------------


def test_release_needs_no_git_identity(versions: Path, monkeypatch: pytest.MonkeyPatch):
    empty = versions / "empty-home"
    empty.mkdir()
    monkeypatch.setenv("HOME", str(empty))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "EMAIL"):
        monkeypatch.delenv(name, raising=False)
    template_versions.release("3.0.0", versions / "history.bundle")
    heads = run_ok("git", "bundle", "list-heads", versions / "history.bundle").stdout
    assert "refs/tags/3.0.0" in heads


def test_file_modes_on_disk_do_not_change_the_template_version(versions: Path):
    write_template(versions / "template", V2, {"run.sh": "#!/bin/sh\necho run\n"})
    template_versions.release("3.0.0", versions / "history.bundle")
    assert template_versions.current_source().vcs_ref == "3.0.0"
    for path in (versions / "template").rglob("*"):
        path.chmod(0o755)  # an administrator's `chmod -R 755` of the installed package
    assert template_versions.current_source().vcs_ref == "3.0.0"
    project = make(versions, "demo")
    assert not os.access(project / "settings.py", os.X_OK)
    assert os.access(project / "run.sh", os.X_OK)  # a script is executable by its content


# -- edits are never lost ---------------------------------------------------------------------


def test_a_file_the_template_removes_is_kept_when_the_user_changed_it(tmp_path, monkeypatch):
    template, bundle = use_template(tmp_path, monkeypatch)
    old_files = {"old.txt": "old\n", "edited.txt": "edited\n", "renamed_old.txt": "keep\n"}
    write_template(template, V1, old_files)
    template_versions.release("1.0.0", bundle)
    write_template(template, V2, {"renamed_new.txt": "keep\n"})
    project = make(tmp_path, "demo", "--use-version", "1.0.0")
    for name in ("edited.txt", "renamed_old.txt"):
        (project / name).write_text((project / name).read_text() + "my line\n")
    commit_as_user(project)

    result = update(project)

    assert result.exit_code == 0, result.output
    rows = summary(result.output)
    assert rows["removed"] == ["old.txt"]
    assert sorted(rows["conflicts"]) == ["edited.txt", "renamed_old.txt"]
    assert "kept           edited.txt: removed by the template, kept because you changed it" in (
        result.output
    )
    assert not (project / "old.txt").exists()
    assert (project / "edited.txt").read_text() == "edited\nmy line\n"
    assert (project / "renamed_old.txt").read_text() == "keep\nmy line\n"
    assert (project / "renamed_new.txt").read_text() == "keep\n"


def test_disable_keeps_a_feature_file_the_user_changed(versions: Path):
    project = make(versions, "demo")
    (project / "redis.txt").write_text("redis is on\nmy settings\n")
    commit_as_user(project)
    result = update(project, "--disable", "redis")
    assert result.exit_code == 0, result.output
    assert summary(result.output)["conflicts"] == ["redis.txt"]
    assert summary(result.output)["removed"] == []
    assert (project / "redis.txt").read_text() == "redis is on\nmy settings\n"
    assert answers(project)["redis"] is False


def test_pretend_reports_what_the_update_would_do_and_changes_nothing(old_project: Path):
    settings = old_project / "settings.py"
    settings.write_text(settings.read_text().replace("WORKERS = 2", "WORKERS = 8"))
    commit_as_user(old_project)
    before = tree_checksum(old_project)

    pretended = update(old_project, "--pretend")

    assert pretended.exit_code == 0, pretended.output
    assert "nothing was changed" in pretended.output
    assert tree_checksum(old_project) == before and git_clean(old_project)
    rows = summary(pretended.output)
    assert sorted(rows["updated"]) == [".fastapi-mvc.yml", "README.md", "settings.py"]
    assert rows["added"] == ["NEW.md"] and rows["conflicts"] == ["settings.py"]
    assert summary(update(old_project).output) == rows


@contextmanager
def unwritable(path: Path) -> Iterator[None]:
    """`path` cannot be replaced: immutable for root, a read-only folder for anyone else."""
    if os.geteuid() == 0:
        run_ok(tool("chattr"), "+i", path)
        try:
            yield
        finally:
            run_ok(tool("chattr"), "-i", path)
    else:
        path.parent.chmod(0o555)
        try:
            yield
        finally:
            path.parent.chmod(0o755)


def test_a_write_failure_midway_leaves_the_project_as_it_was(old_project: Path):
    before = tree_checksum(old_project)
    # Written in path order: the answers file, NEW.md and README.md come before settings.py.
    # Only root can make that one file unwritable (chattr +i); anyone else makes its folder
    # read-only, which stops the first write instead.
    failing = "settings.py" if os.geteuid() == 0 else ".fastapi-mvc.yml"
    with unwritable(old_project / "settings.py"):
        result = update(old_project)
    assert result.exit_code == 1, result.output
    line = one_line(result.output.split("Error:", 1)[-1])
    assert f"cannot write {failing}" in line and "the project is unchanged" in line
    assert tree_checksum(old_project) == before and git_clean(old_project)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_during_update_leaves_the_project_unchanged(tmp_path: Path, signum: int):
    # The real template, in a real process: copier works for seconds after the clone appears.
    oldest = template_versions.released_versions()[0]
    project = new_project(tmp_path, "demo", "--use-version", oldest)
    before = tree_checksum(project)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "fastapi_mvc", "update", "-n"],
        cwd=project,
        env={**os.environ, "TMPDIR": str(scratch)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's Ctrl-C reaches it
    )
    deadline = time.monotonic() + 60
    while not list(scratch.glob("fastapi-mvc-update.*/project/.git")):
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(0.05)
    time.sleep(1)
    os.killpg(process.pid, signum)
    _, stderr = process.communicate(timeout=60)

    assert process.returncode == 128 + signum, stderr
    name = signal.Signals(signum).name
    assert stderr.strip().splitlines()[-1] == (
        f"Error: update interrupted by {name}; the project is unchanged"
    )
    assert "Traceback" not in stderr
    assert tree_checksum(project) == before and git_clean(project)
    assert list(scratch.iterdir()) == []


# -- features ---------------------------------------------------------------------------------


def test_enable_takes_a_comma_separated_list(versions: Path):
    project = make(versions, "demo", "-R", "-H")
    result = update(project, "--enable", "redis,helm")
    assert result.exit_code == 0, result.output
    assert answers(project)["redis"] is True and answers(project)["helm"] is True
    commit_as_user(project)
    refused = update(project, "--disable", "helm,kafka")
    assert refused.exit_code == 2
    assert one_line(refused.output).startswith("Error: unknown feature 'kafka'")


def test_a_feature_that_changes_dependencies_says_to_run_make_install(tmp_path, monkeypatch):
    template, bundle = use_template(tmp_path, monkeypatch)
    pyproject = '[project]\nname = "{{ package_name }}"\n{% if redis %}dependencies = ["redis"]\n'
    write_template(template, V1, {"pyproject.toml.jinja": pyproject + "{% endif %}"})
    template_versions.release("1.0.0", bundle)
    project = make(tmp_path, "demo", "-R", "-H")
    assert "make install" not in update(project, "--enable", "helm").output
    commit_as_user(project)
    result = update(project, "--enable", "redis")
    assert result.exit_code == 0, result.output
    assert "pyproject.toml" in summary(result.output)["updated"]
    assert "The dependencies changed: run `make install`" in result.output


def test_data_features_are_refused_by_a_template_without_them(versions: Path):
    project = make(versions, "demo")
    for feature in ("database", "jobs"):
        result = update(project, "--enable", feature)
        assert result.exit_code == 2, result.output
        assert f"has no {feature} feature" in one_line(result.output)


@pytest.fixture
def data_template(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A template released as 1.0.0 that asks the data layer's questions (database, jobs)."""
    template, bundle = use_template(tmp_path, monkeypatch)
    write_template(template, V1, {}, questions=DATA_QUESTIONS)
    template_versions.release("1.0.0", bundle)
    return tmp_path


def test_enable_and_disable_database(data_template: Path):
    project = make(data_template, "demo")
    assert update(project, "--disable", "database").exit_code == 0
    assert answers(project)["database"] == "none"
    commit_as_user(project)
    assert update(project, "--enable", "database").exit_code == 0
    assert answers(project)["database"] == "sqlite"


def test_enable_database_keeps_postgresql(data_template: Path):
    project = make(data_template, "demo")
    set_answer(project, "database", "postgresql")
    result = update(project, "--enable", "database")
    assert result.exit_code == 0 and "already up to date" in result.output
    assert answers(project)["database"] == "postgresql"


def test_jobs_turn_redis_on_and_go_off_with_it(data_template: Path):
    project = make(data_template, "demo", "-R")
    assert update(project, "--enable", "jobs").exit_code == 0
    assert answers(project)["jobs"] is True and answers(project)["redis"] is True
    commit_as_user(project)
    assert update(project, "--disable", "redis").exit_code == 0
    assert answers(project)["jobs"] is False
    commit_as_user(project)
    refused = update(project, "--enable", "jobs", "--disable", "redis")
    assert refused.exit_code == 2 and "jobs needs redis" in refused.output


def test_help_lists_every_feature():
    output = run_cli("update", "--help").output
    for feature in ("redis", "aiohttp", "helm", "actions", "codecov", "nix", "vagrantfile"):
        assert feature in output
    assert "database" in output and "jobs" in output


def test_the_templates_exclude_patterns_render_with_every_released_versions_answers():
    # copier applies the new version's `_exclude` to its replay of the project's old version,
    # with the old answers: a pattern that needs a newer answer breaks every update from there.
    import jinja2

    from fastapi_mvc.resources import TEMPLATE_DIR

    patterns = yaml.safe_load((TEMPLATE_DIR / "copier.yml").read_text())["_exclude"]
    repo = template_versions.ensure_repository()
    for version in template_versions.released_versions(repo):
        shown = run_ok("git", "show", f"{version}:copier.yml", cwd=repo).stdout
        questions = {k: v for k, v in yaml.safe_load(shown).items() if not k.startswith("_")}
        answers = {name: question.get("default", "x") for name, question in questions.items()}
        environment = jinja2.Environment(undefined=jinja2.StrictUndefined)
        for pattern in patterns:
            try:
                environment.from_string(pattern).render(answers)
            except jinja2.UndefinedError as error:
                pytest.fail(f"_exclude {pattern!r} does not render at {version}: {error}")


# -- signals once the project is being written --------------------------------------------------


def test_a_signal_before_the_project_is_written_stops_with_nothing_written(tmp_path):
    from fastapi_mvc.updating import Stopped, apply_changes

    top, copy = tmp_path / "project", tmp_path / "copy"
    top.mkdir()
    copy.mkdir()
    (copy / "new.txt").write_text("new\n")
    with pytest.raises(Stopped):
        apply_changes(top, copy, [("A", "new.txt")], stopped=[signal.SIGTERM])
    assert list(top.iterdir()) == []


def test_a_signal_after_settling_is_recorded_and_stops_nothing():
    """Once the project is written, the update is done: a late Ctrl-C must not make it say
    "the project is unchanged" (the move once did, after writing every file)."""
    from fastapi_mvc.updating import stop_on_signals

    with stop_on_signals() as signals:
        signals.settle()
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(0.05)  # the handler runs at the next bytecode
    assert signals.received == [signal.SIGTERM]
