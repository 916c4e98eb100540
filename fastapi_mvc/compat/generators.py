"""Generators written for the original fastapi-mvc: a Python package with a click command.

Such a folder holds `__init__.py` exporting `generator = <click.Command>` (usually defined in
`<name>.py` with `cls=GeneratorCommand, alias=..., category=...`) and, often, a `copier.yml`
without our `_generator:` block. Discovery recognises it here by reading its source with `ast`
(listing and --help of others never run its code); only `generate NAME ...` imports and runs it,
at the project root, as the original did from the working directory.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi_mvc.errors import FastapiMvcError, UsageError
from fastapi_mvc.generating.generator import DEFINITION, BrokenGenerator, Generator, Origin

if TYPE_CHECKING:
    import click

PACKAGE = "__init__.py"
# The package name the original imported generators under; their relative imports rely on it.
MODULE = "fastapi_mvc_generators"
_NAME = re.compile(r"^[a-z][a-z0-9_-]*$")
_OURS = re.compile(r"^_generator\s*:", re.MULTILINE)


@dataclass(frozen=True)
class OriginalGenerator(Generator):
    """A generator folder in the original's format; `run_original` runs it."""


def is_original(folder: Path) -> bool:
    """A package folder whose copier.yml (if any) does not declare our `_generator:` block."""
    if not (folder / PACKAGE).is_file():
        return False
    definition = folder / DEFINITION
    try:
        return not (definition.is_file() and _OURS.search(definition.read_text()))
    except (OSError, UnicodeDecodeError):
        return True


def load_original(folder: Path, origin: Origin) -> OriginalGenerator:
    """Describe the folder's click command from its source, without importing it."""
    if not _NAME.match(folder.name):
        raise BrokenGenerator(
            folder.name,
            folder,
            "its folder name is not a command name (a-z, 0-9, '-', '_')",
            "rename the folder",
        )
    found = _read_command(folder)
    description = found.get("short_help") or found.get("help") or ""
    description = description.strip().splitlines()[0] if description.strip() else ""
    names = [found.get("name"), found.get("alias")]
    aliases = tuple(
        dict.fromkeys(
            n for n in names if isinstance(n, str) and _NAME.match(n) and n != folder.name
        )
    )
    return OriginalGenerator(
        name=folder.name,
        path=folder,
        origin=origin,
        description=description or "A generator written for the original fastapi-mvc.",
        aliases=aliases,
    )


def _read_command(folder: Path) -> dict[str, str]:
    """The literal keywords of the first `@click.command(...)` in the folder's modules."""
    for source in sorted(folder.glob("*.py")):
        try:
            tree = ast.parse(source.read_text())
        except (SyntaxError, UnicodeDecodeError, OSError):
            continue
        constants = {
            target.id: node.value.value
            for node in tree.body
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
            for target in node.targets
            if isinstance(target, ast.Name) and isinstance(node.value.value, str)
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef):
                continue
            for decorator in node.decorator_list:
                if isinstance(decorator, ast.Call) and _called(decorator) == "command":
                    found = {"name": node.name.replace("_", "-")}
                    for keyword in decorator.keywords:
                        value = keyword.value
                        if isinstance(value, ast.Constant) and isinstance(value.value, str):
                            found[str(keyword.arg)] = value.value
                        elif isinstance(value, ast.Name) and value.id in constants:
                            found[str(keyword.arg)] = constants[value.id]
                    if decorator.args and isinstance(decorator.args[0], ast.Constant):
                        found["name"] = str(decorator.args[0].value)
                    return found
    return {}


def _called(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def run_original(
    generator: OriginalGenerator, argv: Sequence[str], *, prog: str, root: Path | None
) -> None:
    """Import the generator's package and run its click command with `argv`, at `root`."""
    import click  # loaded for these generators only

    command = _import(generator)
    # contextlib.chdir is Python 3.11+; the tool supports 3.10.
    previous = Path.cwd()
    os.chdir(root or previous)
    try:
        command.main(args=list(argv), prog_name=prog, standalone_mode=False)
    except click.UsageError as error:
        raise UsageError(error.format_message(), f"see `{prog} --help`") from None
    except click.Abort:
        raise FastapiMvcError(f"{generator.name} was aborted") from None
    except click.ClickException as error:
        raise FastapiMvcError(error.format_message()) from None
    finally:
        os.chdir(previous)


def _import(generator: OriginalGenerator) -> click.Command:
    import click

    path = generator.path / PACKAGE
    spec = importlib.util.spec_from_file_location(MODULE, path)
    if spec is None or spec.loader is None:
        raise BrokenGenerator(generator.name, generator.path, f"{path} cannot be imported")
    module = importlib.util.module_from_spec(spec)
    # Its `from .name import name` needs the package registered, and none left from another one.
    for stale in [name for name in sys.modules if name.split(".")[0] == MODULE]:
        del sys.modules[stale]
    sys.modules[MODULE] = module
    try:
        spec.loader.exec_module(module)
    except Exception as error:  # foreign code may fail any way; it is reported by name
        sys.modules.pop(MODULE, None)
        reason = f"importing it failed ({error.__class__.__name__}: {error})"
        raise BrokenGenerator(generator.name, generator.path, reason, "fix its code") from None
    command = getattr(module, "generator", None)
    if not isinstance(command, click.Command):
        raise BrokenGenerator(
            generator.name,
            generator.path,
            f"its {PACKAGE} has no `generator` click command",
            "export `generator = <command>`",
        )
    return command


def refuse_destroy(generator: OriginalGenerator) -> UsageError:
    return UsageError(
        f"generator {generator.name!r} was written for the original fastapi-mvc, which could "
        "not destroy",
        "remove its files by hand, or give it a copier.yml `_generator:` block "
        "(docs/coming-from-the-original.md)",
    )


__all__ = ["OriginalGenerator", "is_original", "load_original", "run_original"]
