"""The generator generator's own steps: refuse names taken, settle license, Nix and CI.

`destroy generator NAME` needs only the name: the options it was generated with (license,
repository URL, no Nix, no workflow) are read back from the files it wrote.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from fastapi_mvc.errors import UsageError
from fastapi_mvc.generating.discovery import discover
from fastapi_mvc.generating.generator import Origin
from fastapi_mvc.generating.invocation import Invocation
from fastapi_mvc.naming import plural
from fastapi_mvc.resources import TEMPLATE_DIR

# Builtin generators to come; a project generator of that name would clash with them later.
FUTURE_BUILTINS = frozenset({"model", "scaffold", "resource"})


def prepare(invocation: Invocation) -> None:
    project = invocation.project
    assert project is not None
    name = invocation.name
    catalog = discover(project.root, {})
    builtins = {
        taken
        for generator in catalog.commands.values()
        if generator.origin is Origin.BUILTIN
        for taken in (generator.name, *generator.aliases)
    }
    if name.snake in builtins | FUTURE_BUILTINS:
        raise UsageError(
            f"invalid generator name {name.raw!r}: {name.snake!r} is (or will be) a builtin "
            f"generator",
            "choose another name",
        )
    existing = project.package_dir / "app" / plural(name).snake
    folder = project.root / "lib" / "generators" / name.snake
    if existing.exists() and not folder.exists() and not invocation.destroying:
        raise UsageError(
            f"invalid generator name {name.raw!r}: it would write into "
            f"{existing.relative_to(project.root)}, which the application already has",
            "choose another name",
        )
    options = invocation.options
    license = options["license"] or project.answers.get("license", "MIT")
    data = invocation.data
    data["license"] = license
    data["repo_url"] = options["repo_url"] or project.answers.get("repo_url", "")
    data["nix"] = project.feature("nix") and not options["skip_nix"]
    data["github_actions"] = project.feature("github_actions") and not options["skip_actions"]
    if invocation.destroying and folder.is_dir():
        _read_back(invocation, folder)
    data["license_text"] = license_text(data["license"], invocation)


def _read_back(invocation: Invocation, folder: Path) -> None:
    """For destroy: take the options not given from what the generator wrote, so that the
    render equals it (`destroy generator NAME` with the name alone)."""
    options, data = invocation.options, invocation.data
    if options["license"] is None:
        written = folder / "LICENSE"
        if not written.is_file():
            data["license"] = "no"
        else:
            text = written.read_text(errors="replace")
            choices = next(o.choices for o in invocation.generator.options if o.name == "license")
            data["license"] = next(
                (c for c in choices if c != "no" and license_text(c, invocation) == text),
                data["license"],
            )
    readme = folder / "README.md"
    if options["repo_url"] is None and readme.is_file():
        found = re.search(r"in a repository of its own \((.*)\)", readme.read_text())
        if found:
            data["repo_url"] = found.group(1)
    if not options["skip_nix"]:
        data["nix"] = data["nix"] and (folder / "shell.nix").is_file()
    if not options["skip_actions"]:
        workflow = invocation.destination / ".github" / "workflows"
        data["github_actions"] = (
            data["github_actions"]
            and (workflow / f"{invocation.name.kebab}-generator.yml").is_file()
        )


def license_text(license: str, invocation: Invocation) -> str:
    """The license's full text, from the project template's own LICENSE; empty for "no"."""
    if license == "no":
        return ""
    import jinja2

    project = invocation.project
    assert project is not None
    author = str(project.answers.get("author", ""))
    year = str(project.answers.get("copyright_date") or datetime.date.today().year)
    source = TEMPLATE_DIR / "project" / "LICENSE.jinja"
    environment = jinja2.Environment(keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    text = environment.from_string(source.read_text()).render(
        license=license,
        author=author,
        copyright_date=year,
        project_name=f"The {invocation.name.snake} generator of {project.answers['project_name']}",
    )
    return text.strip() + "\n"
