"""Which generators `fastapi-mvc generate` finds, how it lists them, and how it reports problems.

User generators are built inline in tmp_path, the way copier's own tests build templates.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from support import REPO_ROOT, assert_file, run_generator

from fastapi_mvc.generating.commandline import parse, usage
from fastapi_mvc.generating.discovery import discover
from fastapi_mvc.generating.generator import Generator, Origin
from fastapi_mvc.generating.runtime import Action
from fastapi_mvc.resources import GENERATORS_DIR


def make_generator(
    folder: Path,
    description: str = "Writes a note.",
    definition: str = "",
    hook: str | None = None,
    usage: str | None = None,
) -> Path:
    """A small generator: `NAME` writes notes/<name>.txt."""
    (folder / "templates" / "notes").mkdir(parents=True)
    (folder / "templates" / "notes" / "{{ name.snake }}.txt.jinja").write_text(
        "{{ name.human }} in {{ package_name | default('no project') }}\n"
    )
    extra = textwrap.indent(textwrap.dedent(definition), "  ")
    (folder / "copier.yml").write_text(
        "_generator:\n"
        f"  description: {description}\n"
        "  arguments:\n"
        "    - {name: name, kind: name, help: What to write about.}\n"
        f"{extra}"
        "_subdirectory: templates\n"
        "_templates_suffix: .jinja\n"
    )
    (folder / "USAGE").write_text(usage or f"Description:\n    {description}\n")
    if hook is not None:
        (folder / "generator.py").write_text(textwrap.dedent(hook))
    return folder


def test_lists_builtin_project_and_fmvc_path_generators(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_generator(project / "lib" / "generators" / "note", "Writes a note.")
    first, second = tmp_path / "first", tmp_path / "second"
    make_generator(first / "memo", "Writes a memo.")
    make_generator(second / "letter", "Writes a letter.")
    monkeypatch.setenv("FMVC_PATH", f"{first}{os.pathsep}{second}")

    result = run_generator(project)

    assert result.exit_code == 0, result.output
    text = result.output
    assert text.index("Builtin generators:") < text.index("Project generators (lib/generators):")
    assert text.index("Project generators") < text.index("Generators on FMVC_PATH:")
    listed = {
        match["name"]: match
        for match in re.finditer(r"^  (?P<name>\S+(?: \(\S+\))?) +(?P<text>\S.*)$", text, re.M)
    }
    assert listed["controller (ctl)"]["text"].startswith("A controller with endpoints")
    assert {"generator (gen)", "script (ss)"} <= set(listed)
    for name, description in (
        ("note", "Writes a note."),
        ("memo", "Writes a memo."),
        ("letter", "Writes a letter."),
    ):
        assert listed[name]["text"] == description
    # One column for every description, however long the longest name.
    assert len({match.start("text") - match.start() for match in listed.values()}) == 1
    assert "memo" in run_generator(project, "--help").output


def test_a_generator_help_is_its_usage_file(project: Path) -> None:
    result = run_generator(project, "controller", "--help")
    assert result.exit_code == 0, result.output
    usage = (GENERATORS_DIR / "controller" / "USAGE").read_text()
    for line in usage.splitlines():
        assert line.rstrip() in result.output
    assert "Usage: fastapi-mvc generate controller [OPTIONS]" in result.output
    for option in (
        "-R, --skip-routes",
        "-f, --force",
        "-s, --skip",
        "-p, --pretend",
        "-q, --quiet",
    ):
        assert option in result.output
    assert result.output.index("Runtime options") > result.output.index("--skip-routes")


@pytest.mark.parametrize("generator", ["controller", "generator", "script"])
def test_every_builtin_usage_has_examples_and_files(project: Path, generator: str) -> None:
    result = run_generator(project, generator, "-h")
    assert result.exit_code == 0
    assert "Example:" in result.output and "Description:" in result.output
    assert "Creates" in result.output


def test_a_project_generator_runs_at_once(project: Path) -> None:
    make_generator(project / "lib" / "generators" / "note")
    result = run_generator(project, "note", "BigIdea")
    assert result.exit_code == 0, result.output
    assert "create  notes/big_idea.txt" in result.output
    assert_file(project / "notes" / "big_idea.txt", r"^Big idea in demo$")


def test_an_fmvc_path_generator_works_outside_a_project_when_it_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shelf = tmp_path / "shelf"
    make_generator(shelf / "memo", definition="target: cwd\n")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setenv("FMVC_PATH", str(shelf / "memo"))  # one generator folder itself
    result = run_generator(work, "memo", "todo")
    assert result.exit_code == 0, result.output
    assert_file(work / "notes" / "todo.txt", r"^Todo in no project$")


def test_a_clash_with_a_builtin_names_both_paths(project: Path) -> None:
    clash = make_generator(project / "lib" / "generators" / "controller")

    result = run_generator(project, "controller", "articles")

    assert result.exit_code == 1
    assert str(GENERATORS_DIR / "controller") in result.output
    assert str(clash) in result.output
    assert not (project / "demo" / "app" / "controllers" / "articles.py").exists()
    assert not (project / "notes").exists()
    listing = run_generator(project).output
    assert "Broken generators:" in listing
    # The others are unaffected, and the builtin still answers to its alias.
    assert run_generator(project, "script", "-p", "x.sh").exit_code == 0
    assert run_generator(project, "ctl", "articles", "-p").exit_code == 0


def test_an_alias_clash_is_an_error_too(project: Path) -> None:
    make_generator(project / "lib" / "generators" / "note", definition="aliases: [ss]\n")
    result = run_generator(project, "ss", "x.sh")
    assert result.exit_code == 1
    assert "'ss' is claimed twice" in result.output
    assert run_generator(project, "note", "x").exit_code == 0


def test_a_broken_generator_is_reported_by_name_and_breaks_nothing_else(project: Path) -> None:
    generators = project / "lib" / "generators"
    (generators / "oops").mkdir(parents=True)
    (generators / "oops" / "copier.yml").write_text("_generator: [unclosed\n")
    (generators / "empty").mkdir()
    make_generator(generators / "nodesc", description="''")
    make_generator(generators / "note")

    listing = run_generator(project)
    assert listing.exit_code == 0
    assert "Broken generators:" in listing.output
    assert "oops" in listing.output and "not valid YAML" in listing.output
    assert "empty" in listing.output and "has no copier.yml" in listing.output
    assert "nodesc" in listing.output and "description" in listing.output
    assert run_generator(project, "--help").exit_code == 0

    result = run_generator(project, "oops", "x")
    assert result.exit_code == 1
    assert "generator 'oops'" in result.output and "is broken" in result.output
    assert run_generator(project, "note", "x").exit_code == 0


@pytest.mark.parametrize(
    ("definition", "reason"),
    [
        ("options:\n  - {name: force}\n", "one every generator already has"),
        ("options:\n  - {name: loud, flags: [-q]}\n", "-q is a flag every generator already has"),
        ("options:\n  - {name: mode, type: choice}\n", "needs a list of `choices`"),
        (
            "options:\n  - {name: mode, type: choice, choices: [a, b], flag_value: c}\n",
            "`flag_value` must be one of its `choices`",
        ),
        ("target: somewhere\n", "`target` must be one of"),
        ("colour: blue\n", "unknown key 'colour'"),
    ],
)
def test_invalid_definitions_are_broken(tmp_path: Path, definition: str, reason: str) -> None:
    make_generator(tmp_path / "lib" / "generators" / "note", definition=definition)
    (tmp_path / ".fastapi-mvc.yml").write_text("project_name: x\n")
    catalog = discover(tmp_path, {})
    assert "note" in catalog.problems
    assert reason in str(catalog.problems["note"])


def test_a_hook_that_fails_to_import_is_reported_when_run_only(project: Path) -> None:
    make_generator(project / "lib" / "generators" / "note", hook="raise RuntimeError('no luck')\n")
    assert run_generator(project).exit_code == 0
    assert run_generator(project, "note", "--help").exit_code == 0

    result = run_generator(project, "note", "x")

    assert result.exit_code == 1
    assert "generator 'note'" in result.output and "RuntimeError: no luck" in result.output
    assert not (project / "notes").exists()


def test_a_hook_prepares_data_and_refuses_input(project: Path) -> None:
    make_generator(
        project / "lib" / "generators" / "note",
        definition="options:\n  - {name: shout, flags: [-S, --shout], help: Louder.}\n",
        hook="""\
        from fastapi_mvc.errors import UsageError


        def prepare(invocation):
            if invocation.name.snake == "nothing":
                raise UsageError("nothing to write about", "give a subject")
            if invocation.options["shout"]:
                invocation.data["name"]["human"] = invocation.name.human.upper()
        """,
    )
    assert run_generator(project, "note", "idea", "--shout").exit_code == 0
    assert_file(project / "notes" / "idea.txt", r"^IDEA in demo$")
    result = run_generator(project, "note", "nothing")
    assert result.exit_code == 2
    assert "Error: nothing to write about; give a subject" in result.output


def test_listing_and_help_import_neither_copier_nor_generator_code(project: Path) -> None:
    make_generator(
        project / "lib" / "generators" / "note",
        hook="open('imported', 'w').close()\ndef prepare(invocation): pass\n",
    )
    script = textwrap.dedent("""\
        import json, sys
        from fastapi_mvc.cli import app
        for args in (["generate"], ["generate", "--help"], ["generate", "note", "--help"]):
            try:
                app(args, prog_name="fastapi-mvc")
            except SystemExit:
                pass
        print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in ("copier", "jinja2"))))
        """)
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == []
    assert not (project / "imported").exists()


def test_a_generator_without_its_templates_folder_is_broken_not_a_traceback(
    project: Path,
) -> None:
    folder = make_generator(project / "lib" / "generators" / "notpl")
    for path in sorted((folder / "templates").rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    (folder / "templates").rmdir()

    listing = run_generator(project)
    assert "notpl" in listing.output and "its templates folder templates/ is missing" in (
        listing.output
    )
    result = run_generator(project, "notpl", "x")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert f"create {folder / 'templates'} with the files it renders" in result.output


def test_a_generator_py_that_fails_to_import_names_that_file(project: Path) -> None:
    make_generator(project / "lib" / "generators" / "note", hook="import no_such_module\n")
    result = run_generator(project, "note", "x")
    assert result.exit_code == 1
    assert "ModuleNotFoundError" in result.output
    assert "fix its generator.py" in result.output
    assert "copier.yml" not in result.output


@pytest.mark.parametrize("key", ["_tasks", "_jinja_extensions", "_migrations"])
def test_copier_code_features_are_refused_without_mentioning_copiers_trust(
    project: Path, key: str
) -> None:
    folder = make_generator(project / "lib" / "generators" / "note")
    with (folder / "copier.yml").open("a") as definition:
        definition.write(f"{key}: [\"touch {project / 'RAN'}\"]\n")

    result = run_generator(project, "note", "x")

    assert result.exit_code == 1
    assert f"uses {key}, which fastapi-mvc never runs" in result.output
    assert "generator.py prepare(invocation)" in result.output
    assert "--trust" not in result.output
    assert not (project / "RAN").exists() and not (project / "notes").exists()


def test_the_listing_and_help_say_that_project_generators_run_code(project: Path) -> None:
    assert "are code" not in run_generator(project).output  # builtins only
    assert "Run only generators you trust" in run_generator(project, "--help").output
    make_generator(project / "lib" / "generators" / "note", hook="def prepare(invocation): pass\n")

    for output in (run_generator(project).output, run_generator(project, "--help").output):
        assert "Project generators (lib/generators) and those on FMVC_PATH are code" in output
        assert "Run only generators you trust" in output
    help_text = run_generator(project, "note", "--help").output
    assert "This generator runs code:" in help_text and "generator.py" in help_text


def test_usage_errors_are_one_line_and_exit_2(project: Path) -> None:
    for args, message in (
        (("controller",), "the following arguments are required: NAME"),
        (("controller", "books", "--no-such-option"), "unrecognized arguments: --no-such-option"),
        (("generator", "service", "--license", "WTFPL"), "invalid choice: 'WTFPL'"),
        (("-p",), "no GENERATOR given"),
    ):
        result = run_generator(project, *args)
        assert result.exit_code == 2, (args, result.output)
        errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
        assert len(errors) == 1 and message in errors[0], (args, result.output)


@pytest.mark.parametrize(
    ("argv", "auth", "fields"),
    [
        (["Article", "title", "--auth"], "user", ["title"]),
        (["Article", "--auth", "title", "body:text"], "user", ["title", "body:text"]),
        (["--auth", "Article", "title"], "user", ["title"]),
        (["Article", "--auth", "staff", "title"], "staff", ["title"]),
        (["Article", "--auth=superuser", "title"], "superuser", ["title"]),
        (["Article", "title"], None, ["title"]),
        (["Article", "--", "--auth"], None, ["--auth"]),
    ],
)
def test_a_choice_given_alone_means_its_flag_value(
    argv: list[str], auth: str | None, fields: list[str]
) -> None:
    # Given scaffold's definition, whose --auth alone means --auth user,
    scaffold = Generator.load(GENERATORS_DIR / "scaffold", Origin.BUILTIN)
    # when a command line gives it with or without a choice, anywhere,
    parsed = parse(scaffold, argv, "fastapi-mvc generate scaffold")
    # then the words after it that are not choices stay arguments.
    assert parsed.options["auth"] == auth
    assert parsed.arguments == {
        "name": argv[0] if argv[0] != "--auth" else "Article",
        "fields": fields,
    }
    assert "[alone: user]" in usage(scaffold, Action.GENERATE, "fastapi-mvc generate scaffold")


def test_options_may_come_before_the_generator_and_between_arguments(project: Path) -> None:
    result = run_generator(project, "-p", "controller", "books", "-R", "index", "show")
    assert result.exit_code == 0, result.output
    assert "create  demo/app/controllers/books.py" in result.output
    assert "router.py" not in result.output
    assert "(pretend: nothing was changed)" in result.output


def test_runtime_options_are_declared_once() -> None:
    from fastapi_mvc.generating.runtime import RESERVED_FLAGS, RESERVED_OPTIONS, RUNTIME_OPTIONS

    assert {o.name for o in RUNTIME_OPTIONS} | {"help"} == RESERVED_OPTIONS
    assert {f for o in RUNTIME_OPTIONS for f in o.flags} | {"-h", "--help"} == RESERVED_FLAGS


def test_generator_names_complete_in_the_shell(project: Path) -> None:
    make_generator(project / "lib" / "generators" / "note")
    done = subprocess.run(
        [sys.executable, "-m", "fastapi_mvc"],
        cwd=project,
        env={
            **os.environ,
            "PYTHONPATH": str(REPO_ROOT),
            "_FASTAPI_MVC_COMPLETE": "complete_bash",
            "COMP_WORDS": "fastapi-mvc generate ",
            "COMP_CWORD": "2",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    names = done.stdout.split()
    assert {"controller", "ctl", "generator", "gen", "script", "ss", "note"} <= set(names), names


def test_a_template_file_mode_does_not_make_generated_files_executable(project: Path) -> None:
    """An admin's `chmod -R 755` of the installed generators must not leak into projects."""
    folder = make_generator(project / "lib" / "generators" / "note")
    (folder / "templates" / "notes" / "{{ name.snake }}.txt.jinja").chmod(0o755)
    assert run_generator(project, "note", "idea").exit_code == 0
    assert (project / "notes" / "idea.txt").stat().st_mode & 0o111 == 0
