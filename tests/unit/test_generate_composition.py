"""Generators made of generators (`invocation.compose`), as a user's own generator uses it: one
run that writes everything or nothing, undone by one destroy, shown whole by --pretend."""

from __future__ import annotations

import textwrap
from pathlib import Path

from support import assert_file, assert_no_file, run_destroy, run_generator, source_checksum


def user_generator(project: Path, name: str, hook: str) -> Path:
    """A generator in the project's lib/generators: `NAME` writes docs/<name>.md and runs
    `prepare` from `hook`."""
    folder = project / "lib" / "generators" / name
    (folder / "templates" / "docs").mkdir(parents=True)
    (folder / "templates" / "docs" / "{{ name.snake }}.md.jinja").write_text("# {{ name.human }}\n")
    (folder / "copier.yml").write_text(
        "_generator:\n"
        "  description: A model and a page about it.\n"
        "  arguments:\n"
        "    - {name: name, kind: name, help: The model.}\n"
        "    - {name: fields, nargs: -1, help: Its fields.}\n"
        "_subdirectory: templates\n"
        "_templates_suffix: .jinja\n"
    )
    (folder / "generator.py").write_text(textwrap.dedent(hook))
    return folder


DOCUMENTED = """
    def prepare(invocation):
        invocation.compose("model", invocation.name.raw, *invocation.arguments["fields"])
"""


def test_a_composed_generator_writes_its_files_in_the_same_run(project: Path) -> None:
    user_generator(project, "documented", DOCUMENTED)

    result = run_generator(project, "documented", "Author", "name:uniq")

    assert result.exit_code == 0, result.output
    lines = [line.split() for line in result.output.splitlines()]
    assert lines[0] == ["invoke", "model"]
    assert ["create", "demo/app/models/author.py"] in lines
    assert ["insert", "demo/app/models/__init__.py"] in lines
    assert lines[-1] == ["create", "docs/author.md"]
    assert_file(project / "demo" / "app" / "models" / "author.py", r"^class Author\(")
    assert_file(project / "docs" / "author.md", r"^# Author$")


def test_destroy_undoes_the_composed_generators_too(project: Path) -> None:
    user_generator(project, "documented", DOCUMENTED)
    before = source_checksum(project)

    assert run_generator(project, "documented", "Author", "name").exit_code == 0
    result = run_destroy(project, "documented", "Author")

    assert result.exit_code == 0, result.output
    assert result.output.index("remove  docs/author.md") < result.output.index("invoke  model")
    assert "remove  demo/app/models/author.py" in result.output
    assert_no_file(project / "docs" / "author.md")
    assert source_checksum(project) == before


def test_pretend_shows_every_generator_and_writes_nothing(project: Path) -> None:
    user_generator(project, "documented", DOCUMENTED)
    before = source_checksum(project)

    result = run_generator(project, "documented", "Author", "name", "--pretend")

    assert result.exit_code == 0, result.output
    assert "invoke  model" in result.output
    assert "create  demo/app/models/author.py" in result.output
    assert "create  docs/author.md" in result.output
    assert source_checksum(project) == before


def test_a_refusal_of_a_composed_generator_writes_nothing(project: Path) -> None:
    user_generator(project, "documented", DOCUMENTED)
    before = source_checksum(project)

    result = run_generator(project, "documented", "Author", "name:strng")

    assert result.exit_code == 2
    assert "(did you mean 'string'?)" in result.output
    assert source_checksum(project) == before


def test_a_conflict_anywhere_refuses_the_whole_run(project: Path) -> None:
    user_generator(project, "documented", DOCUMENTED)
    (project / "docs" / "author.md").write_text("mine\n")
    before = source_checksum(project)

    result = run_generator(project, "documented", "Author", "name")

    assert result.exit_code == 1
    assert "1 file(s) exist with other content: docs/author.md" in result.output
    assert source_checksum(project) == before


def test_two_generators_changing_one_file_are_refused(project: Path) -> None:
    user_generator(
        project,
        "twice",
        """
        def prepare(invocation):
            invocation.compose("model", "Author", "name")
            invocation.compose("model", "Editor", "name")
        """,
    )
    before = source_checksum(project)

    result = run_generator(project, "twice", "Pair")

    assert result.exit_code == 2
    assert (
        "generators 'model' and 'model' would both change demo/app/models/__init__.py in one run"
        in result.output
    )
    assert source_checksum(project) == before


def test_a_generator_composing_itself_is_refused(project: Path) -> None:
    user_generator(
        project,
        "loop",
        """
        def prepare(invocation):
            invocation.compose("loop", invocation.name.raw)
        """,
    )

    result = run_generator(project, "loop", "Author")

    assert result.exit_code == 1
    assert "generator 'loop' composes itself (loop -> loop)" in result.output


def test_runtime_options_belong_to_the_run_not_to_the_composed_command_line(
    project: Path,
) -> None:
    user_generator(
        project,
        "forced",
        """
        def prepare(invocation):
            invocation.compose("model", invocation.name.raw, "--force")
        """,
    )

    result = run_generator(project, "forced", "Author")

    assert result.exit_code == 1
    assert "composes 'model' with runtime options (--force)" in result.output


def test_an_unknown_composed_generator_is_named(project: Path) -> None:
    user_generator(
        project,
        "typo",
        """
        def prepare(invocation):
            invocation.compose("modle", invocation.name.raw)
        """,
    )

    result = run_generator(project, "typo", "Author")

    assert result.exit_code == 2
    assert "unknown generator 'modle'; did you mean 'model'?" in result.output
