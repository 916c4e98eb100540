"""`fastapi-mvc destroy GENERATOR ...`: undo what a generator created, generator by generator."""

from __future__ import annotations

import typer

from fastapi_mvc.cli.generate import GeneratorGroup, make_group


class DestroyGroup(GeneratorGroup):
    """The generate group, running each generator backwards."""

    action = "destroy"


DESTROY_HELP = (
    "Undo a generator: remove its files and its edits (alias: d).\n\n"
    "Give the same arguments as to `generate`: the generator renders again, files still equal "
    "to what it makes are removed, changed ones are kept and reported (unless --force), and "
    "edits such as the router registration are taken out. Without a GENERATOR, list the "
    "generators."
)


def register(app: typer.Typer) -> None:
    app.add_typer(make_group("destroy", DestroyGroup, DESTROY_HELP), rich_help_panel="Code")
