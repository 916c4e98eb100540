"""The root command: aliases, global options, and the error boundary (`cli.boundary`) around
every command. `-v` adds the traceback to an error.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from fastapi_mvc.cli import ALIASES
from fastapi_mvc.cli.boundary import boundary


class AliasGroup(TyperGroup):
    """A group that resolves the original's short aliases and is the single error boundary."""

    aliases: dict[str, str] = ALIASES

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        return super().get_command(ctx, self.aliases.get(cmd_name, cmd_name))

    def resolve_command(self, ctx: Any, args: list[str]) -> tuple[str | None, Any, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        return (command.name if command else name), command, rest

    def invoke(self, ctx: Any) -> Any:
        with boundary(verbose=lambda: bool(ctx.obj and ctx.obj.get("verbose"))):
            return super().invoke(ctx)


app = typer.Typer(
    name="fastapi-mvc",
    cls=AliasGroup,
    help="Create, extend and update production-ready FastAPI projects: the Rails of FastAPI.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"fastapi-mvc {version('fastapi-mvc')}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    verbose: Annotated[
        bool, typer.Option("-v", "--verbose", help="Show what runs and full tracebacks.")
    ] = False,
    show_version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Create, extend and update production-ready FastAPI projects: the Rails of FastAPI.

    Commands have the original's short aliases: n (new), g (generate), d (destroy),
    u (update), r (run).
    """
    ctx.obj = {"verbose": verbose}


def _register() -> None:
    from fastapi_mvc.cli import db, destroy, generate, new, routes, run, update

    for module in (new, generate, destroy, routes, run, update, db):
        module.register(app)


_register()
