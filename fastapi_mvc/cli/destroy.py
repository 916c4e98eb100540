"""`fastapi-mvc destroy GENERATOR ...`: undo what a generator created, generator by generator."""

from __future__ import annotations

import typer

from fastapi_mvc.cli.generate import RAW, Generator, Rest, run
from fastapi_mvc.generating.commandline import HELP
from fastapi_mvc.generating.runtime import Action


def register(app: typer.Typer) -> None:
    @app.command(
        "destroy",
        help=HELP[Action.DESTROY],
        context_settings=RAW,
        add_help_option=False,
        rich_help_panel="Code",
    )
    def destroy(ctx: typer.Context, generator: Generator = None, rest: Rest = None) -> None:
        run(Action.DESTROY, ctx, generator, rest)
