"""`new` without Typer: its command line read directly when it is a plain one, and the run that
both ways share.

Typer coerces every parameter through pydantic, and loading it and pydantic took a third of a
`new -n` once copier was gone from it (new_render). A command line of `new` that is a plain one
(options `new --help` lists, spelled in full, valid values) is read here with argparse; anything
else (`--help`, a mistake, an abbreviation, options before `new`, shell completion) goes to
Typer, which reads it as it always did or says what is wrong in its words. tests/unit/test_cli.py
checks that both ways know the same options and make the same request of the same command line.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any, NoReturn

from fastapi_mvc.features import DATABASES, FEATURES


class _NotPlain(Exception):
    """A command line for Typer to read."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _NotPlain(message)


def parser() -> argparse.ArgumentParser:
    from fastapi_mvc.licenses import LICENSES

    parser = _Parser(prog="fastapi-mvc new", add_help=False, allow_abbrev=False)
    parser.add_argument("app_path")
    for feature in FEATURES:
        parser.add_argument(*feature.skip_flags, dest=f"skip_{feature.answer}", action="store_true")
    parser.add_argument("-D", "--database", choices=DATABASES)
    parser.add_argument("-I", "--skip-install", action="store_true")
    parser.add_argument("--skip-git", action="store_true")
    parser.add_argument("--license", choices=LICENSES)
    parser.add_argument("--repo-url")
    parser.add_argument("--use-repo")
    parser.add_argument("--use-version")
    parser.add_argument("--trust", action="store_true")
    parser.add_argument("-n", "--no-interaction", action="store_true")
    parser.add_argument("-f", "--force", action="store_true")
    parser.add_argument("-q", "--quiet", action="store_true")
    return parser


def plain_arguments(argv: list[str]) -> dict[str, Any] | None:
    """The parameters of the Typer command `new` for `argv` (what follows `new`), or None when
    Typer must read it."""
    words = argv[: argv.index("--")] if "--" in argv else argv
    if any(word in {"-h", "--help"} for word in words):
        return None
    try:
        parsed = vars(parser().parse_args(argv))
    except _NotPlain:
        return None
    if parsed["repo_url"] is None:
        parsed["repo_url"] = os.environ.get("REPO_URL") or None  # the option's envvar
    return parsed


def run(params: dict[str, Any], *, verbose: bool) -> None:
    """Create the project the parameters of `new` ask for, and say what to do next."""
    from fastapi_mvc import console
    from fastapi_mvc.new_project import NewProject, check, next_steps, render
    from fastapi_mvc.serving import make_install

    quiet = params["quiet"]
    request = NewProject(
        path=Path(params["app_path"]),
        skipped=frozenset(f.answer for f in FEATURES if params[f"skip_{f.answer}"]),
        database=params["database"],
        license=params["license"],
        repo_url=params["repo_url"],
        use_repo=params["use_repo"],
        use_version=params["use_version"],
        trust=params["trust"],
        interactive=not params["no_interaction"] and console.is_interactive(),
        force=params["force"],
        init_git=not params["skip_git"],
        install=not params["skip_install"],
        quiet=quiet,
    )
    target = check(request)
    out = console.Console(quiet=quiet, verbose=verbose)
    created = render(request, target)
    out.debug(f"rendered {created.source.src_path} at {created.source.vcs_ref}")
    for note in created.notes:
        out.info(note)
    if request.install and request.runs_template_code:
        # Said before it starts: it takes a minute, and a log shows nothing until it ends.
        out.status("run", "make install")
        from rich.console import Console

        with Console(stderr=True, quiet=quiet).status(f"Installing {target.name} (make install)"):
            make_install(target)
    out.info(next_steps(request, target))
