"""`fastapi-mvc routes`: the application's routes as a table, like `rails routes`."""

from __future__ import annotations

import re
from typing import Annotated

import typer


def routes(
    grep: Annotated[
        str | None,
        typer.Option("-g", "--grep", help="Show only routes whose line matches this pattern."),
    ] = None,
) -> None:
    """List the project's routes: method, path, controller module and function."""
    from rich.console import Console
    from rich.table import Table

    from fastapi_mvc.errors import UsageError
    from fastapi_mvc.project import Project
    from fastapi_mvc.serving import routes as load_routes

    try:
        pattern = re.compile(grep) if grep else None
    except re.error as error:
        raise UsageError(
            f"invalid --grep pattern: {error}", "pass a Python regular expression"
        ) from None
    table = Table("Method", "Path", "Controller", "Action", box=None, header_style="bold")
    for route in load_routes(Project.find()):
        row = (",".join(route.methods), route.path, route.module, route.function)
        if pattern is None or pattern.search(" ".join(row)):
            table.add_row(*row)
    Console().print(table)


def register(app: typer.Typer) -> None:
    app.command(rich_help_panel="Project")(routes)
