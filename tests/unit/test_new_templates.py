"""`new --use-repo`: another copier template renders, but none of its code runs untrusted."""

from __future__ import annotations

from pathlib import Path

from support import commit_as_user, free_port, run_cli, run_ok


def template_repository(root: Path, copier_yml: str = "", **files: str) -> Path:
    """A copier template in a git repository, tagged 1.0.0 and then 2.0.0."""
    root.mkdir()
    (root / "copier.yml").write_text("project_name:\n  type: str\n" + copier_yml)
    for name, text in files.items():
        (root / name).write_text(text)
    run_ok("git", "init", "-q", root)
    (root / "version.txt").write_text("1\n")
    commit_as_user(root, "one")
    run_ok("git", "tag", "1.0.0", cwd=root)
    (root / "version.txt").write_text("2\n")
    commit_as_user(root, "two")
    run_ok("git", "tag", "2.0.0", cwd=root)
    return root


MAKEFILE = "install:\n\ttouch MAKE_RAN\n"


def test_another_templates_makefile_is_not_run_without_trust(tmp_path):
    template = template_repository(tmp_path / "tpl", Makefile=MAKEFILE)
    result = run_cli("new", "-n", "--use-repo", str(template), str(tmp_path / "blog"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "blog" / "Makefile").is_file()
    assert not (tmp_path / "blog" / "MAKE_RAN").exists()
    assert "`make install` was not run" in result.output and "--trust" in result.output
    assert "  make install\n" in result.output


def test_a_trusted_template_runs_its_makefile_and_its_tasks(tmp_path):
    tasks = "_tasks:\n  - touch TASK_RAN\n"
    template = template_repository(tmp_path / "tpl", tasks, Makefile=MAKEFILE)
    refused = run_cli("new", "-n", "--use-repo", str(template), str(tmp_path / "refused"))
    assert refused.exit_code == 2
    assert "wants to run code" in refused.output and "pass --trust" in refused.output
    assert not (tmp_path / "refused").exists()

    result = run_cli("new", "-n", "--trust", "--use-repo", str(template), str(tmp_path / "blog"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "blog" / "MAKE_RAN").is_file()
    assert (tmp_path / "blog" / "TASK_RAN").is_file()


def test_trust_is_named_in_the_help_of_use_repo():
    help_text = run_cli("new", "--help").output
    assert "--trust" in help_text and "unless you pass --trust" in " ".join(help_text.split())


def test_trust_without_use_repo_is_a_usage_error(tmp_path):
    result = run_cli("new", "-n", "-I", "--trust", str(tmp_path / "blog"))
    assert result.exit_code == 2
    assert "--trust applies to a template given with --use-repo" in result.output


def test_a_version_the_template_repository_lacks_is_refused_with_its_tags(tmp_path):
    template = template_repository(tmp_path / "tpl")
    work = tmp_path / "work"
    work.mkdir()
    result = run_cli(
        "new",
        "-n",
        "-I",
        "--use-repo",
        str(template),
        "--use-version",
        "nosuchref",
        "blog",
        cwd=work,
    )
    assert result.exit_code == 2
    assert "has no version 'nosuchref'; use one of its tags: 1.0.0, 2.0.0" in result.output
    assert list(work.iterdir()) == []


def test_a_version_of_the_template_repository_is_rendered(tmp_path):
    template = template_repository(tmp_path / "tpl")
    result = run_cli(
        "new",
        "-n",
        "-I",
        "-q",
        "--use-repo",
        str(template),
        "--use-version",
        "1.0.0",
        str(tmp_path / "blog"),
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "blog" / "version.txt").read_text() == "1\n"


def test_a_version_of_a_template_that_is_not_a_repository_is_refused(tmp_path):
    template = tmp_path / "tpl"
    template.mkdir()
    (template / "copier.yml").write_text("project_name:\n  type: str\n")
    result = run_cli(
        "new",
        "-n",
        "-I",
        "--use-repo",
        str(template),
        "--use-version",
        "1.0.0",
        str(tmp_path / "blog"),
    )
    assert result.exit_code == 2
    assert "needs a git repository" in result.output
    assert not (tmp_path / "blog").exists()


def test_an_unreachable_template_url_is_one_line(tmp_path):
    url = f"http://127.0.0.1:{free_port()}/template.git"
    result = run_cli("new", "-n", "-I", "--use-repo", url, str(tmp_path / "blog"))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    (line,) = result.output.strip().splitlines()[-1:]
    assert line.startswith(f"Error: cannot get the template {url}: fatal: unable to access")
    assert "network" in line
    assert list(tmp_path.iterdir()) == []


def test_a_relative_template_path_is_recorded_absolute_so_update_can_replay_it(tmp_path):
    template = tmp_path / "tpl"
    template.mkdir()
    (template / "copier.yml").write_text("_answers_file: .fastapi-mvc.yml\n")
    (template / "{{ _copier_conf.answers_file }}.jinja").write_text(
        "{{ _copier_answers | to_nice_yaml }}"
    )
    run_ok("git", "init", "-q", template)
    commit_as_user(template, "one")
    run_ok("git", "tag", "1.0.0", cwd=template)
    result = run_cli("new", "-n", "-I", "--use-repo", "tpl", "blog", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    answers = (tmp_path / "blog" / ".fastapi-mvc.yml").read_text()
    assert f"_src_path: {tmp_path / 'tpl'}\n" in answers
