"""`fastapi-mvc run`: the project's development server with reload."""

from __future__ import annotations

from typing import Annotated

import typer


def run(
    host: Annotated[str, typer.Option("--host", help="Address to bind.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("-p", "--port", min=1, max=65535, help="Port to bind.")
    ] = 8000,
    install: Annotated[
        bool, typer.Option("-i", "--install", help="Run `make install` first.")
    ] = False,
) -> None:
    """Start the project's development server (uvicorn with reload) in its own environment."""
    from fastapi_mvc.project import Project
    from fastapi_mvc.serving import exec_dev_server, make_install

    project = Project.find()
    if install:
        make_install(project.root)
    exec_dev_server(project, host, port)


def register(app: typer.Typer) -> None:
    app.command(rich_help_panel="Project")(run)
