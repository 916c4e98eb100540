"""`fastapi-mvc generate GENERATOR ...`: run a generator found at run time.

An ordinary Typer command taking the generator's name and the rest of the command line as they
are: the generator's own arguments and options are parsed from its definition by
`fastapi_mvc.generating.commandline` (argparse), and its --help is ours, so nothing here depends
on Typer's internals. `destroy` is the same command with the other action.
"""

from __future__ import annotations

from typing import Annotated

import typer

from fastapi_mvc.generating.commandline import HELP
from fastapi_mvc.generating.runtime import Action

# The words after the command reach the generator's own parser untouched, -h/--help included.
RAW = {"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": []}


def complete_generator(incomplete: str) -> list[str]:
    """Shell completion: the generators (and aliases) found from the working directory."""
    from fastapi_mvc.generating.discovery import discover

    catalog = discover()
    return [name for name in catalog.known() if name.startswith(incomplete)]


Generator = Annotated[
    str | None,
    typer.Argument(metavar="GENERATOR", autocompletion=complete_generator, show_default=False),
]
Rest = Annotated[list[str] | None, typer.Argument(metavar="[ARGS]...", show_default=False)]


def run(action: Action, ctx: typer.Context, generator: str | None, rest: list[str] | None) -> None:
    from fastapi_mvc.generating.command import run as run_generator

    argv = [*([generator] if generator is not None else []), *(rest or []), *ctx.args]
    root = ctx.find_root()
    verbose = bool(isinstance(root.obj, dict) and root.obj.get("verbose"))
    run_generator(action, argv, prog=ctx.command_path, verbose=verbose)


def register(app: typer.Typer) -> None:
    @app.command(
        "generate",
        help=HELP[Action.GENERATE],
        context_settings=RAW,
        add_help_option=False,
        rich_help_panel="Code",
    )
    def generate(ctx: typer.Context, generator: Generator = None, rest: Rest = None) -> None:
        run(Action.GENERATE, ctx, generator, rest)
