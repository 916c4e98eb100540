"""`fastapi-mvc new APP_PATH`: create a project."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fastapi_mvc.licenses import License

_FEATURES = "Features (all on unless skipped)"
_TEMPLATE = "Template"


def new(
    ctx: typer.Context,
    app_path: Annotated[
        str, typer.Argument(help="Where to create the project; its last part names it.")
    ],
    skip_redis: Annotated[
        bool,
        typer.Option(
            "-R", "--skip-redis", help="No Redis client utility.", rich_help_panel=_FEATURES
        ),
    ] = False,
    skip_aiohttp: Annotated[
        bool,
        typer.Option(
            "-A", "--skip-aiohttp", help="No aiohttp client utility.", rich_help_panel=_FEATURES
        ),
    ] = False,
    skip_vagrantfile: Annotated[
        bool,
        typer.Option("-V", "--skip-vagrantfile", help="No Vagrantfile.", rich_help_panel=_FEATURES),
    ] = False,
    skip_helm: Annotated[
        bool, typer.Option("-H", "--skip-helm", help="No Helm chart.", rich_help_panel=_FEATURES)
    ] = False,
    skip_actions: Annotated[
        bool,
        typer.Option(
            "-G", "--skip-actions", help="No GitHub Actions workflows.", rich_help_panel=_FEATURES
        ),
    ] = False,
    skip_codecov: Annotated[
        bool,
        typer.Option(
            "-C", "--skip-codecov", help="No Codecov upload in CI.", rich_help_panel=_FEATURES
        ),
    ] = False,
    skip_nix: Annotated[
        bool,
        typer.Option("-N", "--skip-nix", help="No Nix expressions.", rich_help_panel=_FEATURES),
    ] = False,
    skip_install: Annotated[
        bool, typer.Option("-I", "--skip-install", help="Do not run `make install`.")
    ] = False,
    skip_git: Annotated[
        bool, typer.Option("--skip-git", help="Do not `git init` and commit the new project.")
    ] = False,
    license: Annotated[
        License | None, typer.Option("--license", help="License of the project [default: MIT].")
    ] = None,
    repo_url: Annotated[
        str | None,
        typer.Option("--repo-url", envvar="REPO_URL", help="Repository URL of the project."),
    ] = None,
    use_repo: Annotated[
        str | None,
        typer.Option(
            "--use-repo",
            help="Render another copier template (path or git URL).",
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
    from fastapi_mvc import console
    from fastapi_mvc.errors import UsageError
    from fastapi_mvc.new_project import NewProject, check, install, render

    if not app_path.strip():
        raise UsageError("the project path is empty", "give a path such as `blog`")
    request = NewProject(
        path=Path(app_path),
        license=license.value if license else None,
        repo_url=repo_url,
        use_repo=use_repo,
        use_version=use_version,
        interactive=not no_interaction and console.is_interactive(),
        force=force,
        init_git=not skip_git,
        install=not skip_install,
        quiet=quiet,
    )
    skipped = {
        "redis": skip_redis,
        "aiohttp": skip_aiohttp,
        "vagrantfile": skip_vagrantfile,
        "helm": skip_helm,
        "github_actions": skip_actions,
        "codecov": skip_codecov or skip_actions,
        "nix": skip_nix,
    }
    request.features = {feature: not skip for feature, skip in skipped.items()}
    target = check(request)
    source = render(request, target)
    out = console.Console(quiet=quiet, verbose=ctx.obj.get("verbose", False) if ctx.obj else False)
    out.debug(f"rendered {source.src_path} at {source.vcs_ref}")
    if request.install:
        from rich.console import Console

        with Console(stderr=True, quiet=quiet).status(f"Installing {target.name} (make install)"):
            install(target)
        out.status("run", "make install")
    out.info(f"\nCreated {target}. Next:\n  cd {app_path}\n  make test\n  fastapi-mvc run")


def register(app: typer.Typer) -> None:
    app.command(rich_help_panel="Project")(new)
