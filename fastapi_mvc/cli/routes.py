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
    from fastapi_mvc.errors import UsageError
    from fastapi_mvc.project import Project
    from fastapi_mvc.serving import routes as load_routes

    try:
        pattern = re.compile(grep) if grep else None
    except re.error as error:
        raise UsageError(
            f"invalid --grep pattern: {error}", "pass a Python regular expression"
        ) from None
    rows = [("Method", "Path", "Controller", "Action")]
    for route in load_routes(Project.find()):
        row = (",".join(route.methods), route.path, route.module, route.function)
        if pattern is None or pattern.search(" ".join(row)):
            rows.append(row)
    # Plain aligned columns, never truncated, so the output can be piped and grepped.
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    for row in rows:
        padded = [cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True)]
        typer.echo("  ".join([*padded, row[3]]))


def register(app: typer.Typer) -> None:
    app.command(rich_help_panel="Project")(routes)
