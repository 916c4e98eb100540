"""`fastapi-mvc db SUBCOMMAND ...`: the project's own database commands, run in its `.venv`.

The project carries the commands (`<script> db migrate`, on Alembic's API); this one finds the
project, checks that it has a database and is installed, runs them there and passes their exit
code through, so `fastapi-mvc db migrate` works from any folder of the project.
"""

from __future__ import annotations

from typing import Annotated

import typer

DB_HELP = """Run the project's database commands in its environment (Rails' `db:` tasks).

SUBCOMMAND and its arguments go to `<script> db` in the project's .venv:

  migrate [--to REV]    apply the migrations (to the head, or to REV)
  rollback [--step N]   undo the last migration (or the last N)
  status                each migration, applied or pending; drift
  seed                  run <package>/db/seeds.py
  reset [--yes]         drop, migrate and seed
  create, drop          the PostgreSQL database itself
  current               the applied revisions
  revision -m MSG [--autogenerate]

`fastapi-mvc db SUBCOMMAND --help` shows the project's own help of SUBCOMMAND.
"""


def db(
    arguments: Annotated[
        list[str] | None,
        typer.Argument(metavar="SUBCOMMAND [ARGS]...", help="What `<script> db` runs."),
    ] = None,
) -> None:
    from fastapi_mvc.database import run_database_command
    from fastapi_mvc.project import Project

    code = run_database_command(Project.find(), list(arguments or []))
    if code:
        raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    app.command(
        "db",
        help=DB_HELP,
        rich_help_panel="Project",
        context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False},
    )(db)
