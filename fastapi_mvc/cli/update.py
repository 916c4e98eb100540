"""`fastapi-mvc update`: bring the project to a newer template version, keeping user edits."""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import typer

from fastapi_mvc.features import UPDATE_NAMES

if TYPE_CHECKING:
    from fastapi_mvc.updating import UpdateSummary

_FEATURES = ", ".join(name for name in UPDATE_NAMES if name != "github_actions")


class Conflict(str, Enum):
    inline = "inline"
    rej = "rej"


def update(
    no_interaction: Annotated[
        bool, typer.Option("-n", "--no-interaction", help="Ask nothing; keep recorded answers.")
    ] = False,
    pretend: Annotated[
        bool, typer.Option("-p", "--pretend", help="Show what would change; change nothing.")
    ] = False,
    use_version: Annotated[
        str | None,
        typer.Option("--use-version", help="Target template version (default: the installed one)."),
    ] = None,
    conflict: Annotated[
        Conflict,
        typer.Option("--conflict", help="How to leave conflicts: markers inline, or .rej files."),
    ] = Conflict.inline,
    enable: Annotated[
        list[str] | None,
        typer.Option(
            "--enable",
            metavar="FEATURE[,FEATURE]",
            help=f"Turn features on: {_FEATURES}, database (sqlite unless it is postgresql); "
            "what a feature needs comes on too (jobs: redis).",
        ),
    ] = None,
    disable: Annotated[
        list[str] | None,
        typer.Option(
            "--disable",
            metavar="FEATURE[,FEATURE]",
            help="Turn features off (a file you changed is kept, never deleted).",
        ),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("-q", "--quiet", help="Print only the summary and errors.")
    ] = False,
    from_original: Annotated[
        bool,
        typer.Option(
            "--from-original",
            help="Move a project made by the original fastapi-mvc onto this template, keeping "
            "your edits (see docs/coming-from-the-original.md).",
        ),
    ] = False,
    original_template: Annotated[
        str | None,
        typer.Option(
            "--original-template",
            metavar="PATH_OR_URL",
            help="With --from-original: a clone, bundle or URL of the original's template "
            "(default: the _src_path the project records).",
        ),
    ] = None,
) -> None:
    """Update the project to the installed (or another carried) template version.

    Works offline: the template versions ship with fastapi-mvc. Your edits are kept: merged, or
    left as conflict markers (--conflict inline) or .rej files (--conflict rej) for you to resolve;
    a file you changed is never deleted. The project must be a clean git repository, so the update
    can be reviewed and undone; Ctrl-C leaves it unchanged.

    Example: fastapi-mvc update --enable redis,jobs
    """
    from fastapi_mvc import console
    from fastapi_mvc.updating import KEPT_REASON, AlreadyUpToDate, UpdateRequest
    from fastapi_mvc.updating import update as run_update

    if from_original or original_template is not None:
        from fastapi_mvc.compat.move import MoveRequest, check_options, move

        check_options(from_original, use_version, enable, disable, conflict.value)
        moved = move(MoveRequest(original_template=original_template, pretend=pretend))
        _report(moved, "move", conflict, KEPT_REASON, moved.notes, moved.undo)
        return
    request = UpdateRequest(
        use_version=use_version,
        enable=enable or [],
        disable=disable or [],
        conflict=conflict.value,
        pretend=pretend,
        interactive=not no_interaction and console.is_interactive(),
        quiet=quiet,
    )
    try:
        summary = run_update(request)
    except AlreadyUpToDate as done:
        typer.echo(str(done))
        return
    _report(summary, "update", conflict, KEPT_REASON)


def _report(
    summary: UpdateSummary,
    what: str,
    conflict: Conflict,
    kept_reason: str,
    notes: Sequence[tuple[str, str, str]] = (),
    undo: str = "git reset --hard && git clean -fd",
) -> None:
    if summary.pretend:
        typer.echo(
            f"Pretended {what} {summary.from_version} -> {summary.to_version}: nothing was "
            f"changed. The {what} would leave:"
        )
    else:
        done = "Moved from" if what == "move" else "Updated template"
        typer.echo(f"{done} {summary.from_version} -> {summary.to_version}")
    for label, paths in (
        ("updated", summary.updated),
        ("added", summary.added),
        ("removed", summary.removed),
        ("conflicts", summary.conflicts),
    ):
        typer.echo(f"  {label:<9} {len(paths):>3}  {' '.join(paths)}".rstrip())
    for path in summary.kept:
        typer.echo(f"  kept           {path}: {kept_reason}")
    for label, path, reason in notes:
        typer.echo(f"  {label:<14} {path}: {reason}")
    if summary.pretend:
        return
    if summary.conflicts:
        how = "the .rej files beside them" if conflict is Conflict.rej else "the <<<<<<< markers"
        if summary.kept:
            how += " and the kept files (delete them if you no longer need them)"
        typer.echo(f"Next: resolve {how}, then review and commit (git add -A && git commit).")
    else:
        typer.echo(
            "Next: review the changes (git diff) and commit them (git add -A && git commit)."
        )
    if summary.dependencies_changed:
        typer.echo("The dependencies changed: run `make install` before `make test`.")
    typer.echo(f"To abort the {what}: {undo}")


def register(app: typer.Typer) -> None:
    app.command(rich_help_panel="Project")(update)
