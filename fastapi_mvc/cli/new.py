"""`fastapi-mvc new APP_PATH`: create a project."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from fastapi_mvc.features import BY_ANSWER, Database
from fastapi_mvc.licenses import License

_FEATURES = "Features (all on unless skipped)"
_TEMPLATE = "Template"


def _skip(answer: str) -> Any:
    """The `--skip-X` option of one feature, spelled as the feature table says."""
    feature = BY_ANSWER[answer]
    return typer.Option(*feature.skip_flags, help=feature.help, rich_help_panel=_FEATURES)


def new(
    ctx: typer.Context,
    app_path: Annotated[
        str,
        typer.Argument(
            metavar="APP_PATH", help="Where to create the project; its last part names it."
        ),
    ],
    skip_redis: Annotated[bool, _skip("redis")] = False,
    skip_aiohttp: Annotated[bool, _skip("aiohttp")] = False,
    skip_vagrantfile: Annotated[bool, _skip("vagrantfile")] = False,
    skip_helm: Annotated[bool, _skip("helm")] = False,
    skip_github_actions: Annotated[bool, _skip("github_actions")] = False,
    skip_codecov: Annotated[bool, _skip("codecov")] = False,
    skip_nix: Annotated[bool, _skip("nix")] = False,
    skip_jobs: Annotated[bool, _skip("jobs")] = False,
    database: Annotated[
        Database | None,
        typer.Option(
            "-D",
            "--database",
            help="Database of the project \\[default: sqlite].",
            rich_help_panel=_FEATURES,
        ),
    ] = None,
    skip_install: Annotated[
        bool, typer.Option("-I", "--skip-install", help="Do not run `make install`.")
    ] = False,
    skip_git: Annotated[
        bool, typer.Option("--skip-git", help="Do not `git init` and commit the new project.")
    ] = False,
    license: Annotated[
        License | None, typer.Option("--license", help="License of the project \\[default: MIT].")
    ] = None,
    repo_url: Annotated[
        str | None,
        typer.Option("--repo-url", envvar="REPO_URL", help="Repository URL of the project."),
    ] = None,
    use_repo: Annotated[
        str | None,
        typer.Option(
            "--use-repo",
            help="Render another copier template (path or git URL). Nothing of it runs: no "
            "copier tasks, no `make install`, unless you pass --trust.",
            rich_help_panel=_TEMPLATE,
        ),
    ] = None,
    use_version: Annotated[
        str | None,
        typer.Option(
            "--use-version",
            help="Template version (or, with --use-repo, git ref) to render.",
            rich_help_panel=_TEMPLATE,
        ),
    ] = None,
    trust: Annotated[
        bool,
        typer.Option(
            "--trust",
            help="Trust the --use-repo template: run its copier tasks and its `make install`.",
            rich_help_panel=_TEMPLATE,
        ),
    ] = False,
    no_interaction: Annotated[
        bool, typer.Option("-n", "--no-interaction", help="Ask nothing; take every default.")
    ] = False,
    force: Annotated[
        bool,
        typer.Option("-f", "--force", help="Render into a non-empty directory, overwriting files."),
    ] = False,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="Print only errors.")] = False,
) -> None:
    """Create a new FastAPI project at APP_PATH.

    Project, package, script, image and chart names come from the last part of APP_PATH.
    Without -n you are asked copier's questions, prefilled. The project is committed to a new git
    repository and installed with its own `make install`.

    Example: fastapi-mvc new -n --skip-redis ~/src/blog
    """
    from fastapi_mvc.cli import new_run

    params = {
        **ctx.params,
        "database": database.value if database else None,
        "license": license.value if license else None,
    }
    new_run.run(params, verbose=bool(ctx.obj and ctx.obj.get("verbose")))


def register(app: typer.Typer) -> None:
    app.command(rich_help_panel="Project")(new)
