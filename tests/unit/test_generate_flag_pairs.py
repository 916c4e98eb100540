"""A generator option declared as a flag pair, `--x/--no-x`, as a generator's author writes it
in the `_generator:` block of its copier.yml and as its user types it."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from support import assert_file, run_generator

from fastapi_mvc.generating.discovery import discover

OPTIONS = """\
options:
  - name: loud
    flags: [-l/-L, --loud/--no-loud]
    default: true
    help: Write the note in capitals.
  - name: signed
    flags: [--signed/--unsigned]
    help: Sign the note.
"""


def make_note_generator(folder: Path, options: str = OPTIONS) -> None:
    """A generator that writes notes/<name>.txt, in capitals when `loud`, signed when `signed`."""
    (folder / "templates" / "notes").mkdir(parents=True)
    (folder / "templates" / "notes" / "{{ name.snake }}.txt.jinja").write_text(
        "{{ name.human | upper if loud else name.human }}{{ ' -- me' if signed else '' }}\n"
    )
    (folder / "copier.yml").write_text(
        "_generator:\n"
        "  description: Writes a note.\n"
        "  arguments:\n"
        "    - {name: name, kind: name, help: What to write about.}\n"
        f"{textwrap.indent(options, '  ')}"
        "_subdirectory: templates\n"
        "_templates_suffix: .jinja\n"
    )
    (folder / "USAGE").write_text("Description:\n    Writes a note.\n")


@pytest.fixture
def notes(project: Path) -> Path:
    make_note_generator(project / "lib" / "generators" / "note")
    return project


def note(project: Path, name: str, *flags: str) -> str:
    result = run_generator(project, "note", name, *flags)
    assert result.exit_code == 0, result.output
    return (project / "notes" / f"{name}.txt").read_text()


def test_without_either_spelling_the_default_holds(notes: Path) -> None:
    assert note(notes, "idea") == "IDEA\n"


def test_the_off_spelling_clears_a_flag_on_by_default(notes: Path) -> None:
    assert note(notes, "idea", "--no-loud") == "Idea\n"
    assert note(notes, "plan", "-L") == "Plan\n"


def test_the_on_spelling_sets_a_flag_off_by_default(notes: Path) -> None:
    assert note(notes, "idea", "--signed") == "IDEA -- me\n"
    assert note(notes, "plan", "--unsigned") == "PLAN\n"


def test_the_last_spelling_given_wins(notes: Path) -> None:
    assert note(notes, "idea", "--no-loud", "--loud") == "IDEA\n"
    assert note(notes, "plan", "-l", "--signed", "-L", "--unsigned") == "Plan\n"


def test_help_shows_both_spellings_and_the_default(notes: Path) -> None:
    result = run_generator(notes, "note", "--help")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert "  -l, --loud / -L, --no-loud  Write the note in capitals.  [default: --loud]" in lines
    assert "  --signed / --unsigned       Sign the note.  [default: --unsigned]" in lines


def test_an_option_with_a_single_spelling_still_works(project: Path) -> None:
    make_note_generator(
        project / "lib" / "generators" / "note",
        options="options:\n  - {name: loud, flags: [--shout]}\n  - {name: signed}\n",
    )
    assert run_generator(project, "note", "idea", "--shout", "--signed").exit_code == 0
    assert_file(project / "notes" / "idea.txt", r"^IDEA -- me$")
    result = run_generator(project, "note", "plan", "--no-shout")
    assert result.exit_code == 2
    assert "unrecognized arguments: --no-shout" in result.output


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        (
            "options:\n  - {name: mode, type: string, flags: [--mode/--no-mode]}\n",
            "option 'mode': only a flag has a --x/--no-x pair, not a string",
        ),
        (
            "options:\n  - {name: loud, flags: [--loud/-q]}\n",
            "option 'loud': -q is a flag every generator already has",
        ),
        (
            "options:\n  - {name: loud, flags: [--loud/]}\n",
            "option 'loud': `flags` must be a list like [-x, --long-name] (a flag pair: "
            "[--long-name/--no-long-name])",
        ),
        (
            "options:\n  - {name: loud, flags: [--loud/--no-loud]}\n"
            "  - {name: hushed, flags: [--hushed/--no-loud]}\n",
            "the flag --no-loud is declared twice",
        ),
    ],
)
def test_a_bad_pair_makes_the_generator_broken(tmp_path: Path, options: str, reason: str) -> None:
    make_note_generator(tmp_path / "lib" / "generators" / "note", options=options)
    (tmp_path / ".fastapi-mvc.yml").write_text("project_name: x\n")
    catalog = discover(tmp_path, {})
    assert reason in str(catalog.problems["note"])
