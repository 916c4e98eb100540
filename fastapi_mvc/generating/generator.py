"""A generator's definition: the `_generator` block of its `copier.yml`, read as plain YAML.

Reading a definition never imports copier nor runs generator code, so listing generators and
showing their help stay fast and safe. Everything else in `copier.yml` is copier's business.

    _generator:
      description: One line for `fastapi-mvc generate`.
      aliases: [ctl]
      target: project          # or `cwd`: render in the working directory, project optional
      arguments:
        - {name: name, kind: name, help: "The controller's name."}
        - {name: endpoints, nargs: -1, metavar: "ENDPOINT[:METHOD]", help: "..."}
      options:
        - {name: skip_routes, flags: [-R, --skip-routes], help: "..."}
        - {name: timestamps, flags: [--timestamps/--no-timestamps], default: true, help: "..."}
        - {name: license, flags: [--license], type: choice, choices: [MIT, "no"], help: "..."}
        - {name: auth, flags: [--auth], type: choice, choices: [user, staff], flag_value: user}

An option's `type` is `flag` (the default: present or not, default false), `string` or `choice`.
A choice with a `flag_value` may be given alone: `--auth` means `--auth user`, also when a word
that is not one of its choices (an argument) follows it.
A flag with a `--x/--no-x` spelling is a pair: `--x` sets it, `--no-x` clears it, the last one
given wins, and `default:` says which holds when neither is given (short flags pair the same
way: `-t/-T`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from fastapi_mvc.errors import FastapiMvcError
from fastapi_mvc.generating.runtime import RESERVED_FLAGS, RESERVED_OPTIONS

DEFINITION = "copier.yml"
USAGE = "USAGE"
HOOKS = "generator.py"

TARGETS = ("project", "cwd")
ARGUMENT_KINDS = ("name", "string")
OPTION_TYPES = ("flag", "string", "choice")
# copier features that run code or load it; fastapi-mvc never enables them (`unsafe=False`), so a
# generator using one is refused up front. A generator's own code goes in generator.py.
UNSAFE_KEYS = ("_tasks", "_migrations", "_jinja_extensions")


class Origin(str, Enum):
    """Where a generator was found, in the order the listing shows them."""

    BUILTIN = "builtin"
    PROJECT = "project"
    FMVC_PATH = "FMVC_PATH"

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)

    @property
    def heading(self) -> str:
        return {
            Origin.BUILTIN: "Builtin generators",
            Origin.PROJECT: "Project generators (lib/generators)",
            Origin.FMVC_PATH: "Generators on FMVC_PATH",
        }[self]

    @property
    def runs_code_of_others(self) -> bool:
        """Its generator.py comes from the repository or FMVC_PATH, not from fastapi-mvc."""
        return self is not Origin.BUILTIN


_GENERATOR_NAME = re.compile(r"^[a-z][a-z0-9_-]*$")
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
_FLAG = re.compile(r"^(-[A-Za-z]|--[a-z][a-z0-9-]*)$")


class BrokenGenerator(FastapiMvcError):
    """A generator whose folder cannot be used; names the generator and what is wrong."""

    def __init__(self, name: str, path: Path, reason: str, fix: str = "fix its copier.yml") -> None:
        super().__init__(
            f"generator {name!r} ({path}) is broken: {reason}", f"{fix} or remove the folder"
        )
        self.name = name
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class Argument:
    """A positional argument. `kind: name` validates it and gives templates its spellings."""

    name: str
    help: str = ""
    kind: str = "string"
    nargs: int = 1
    metavar: str | None = None

    @property
    def shown(self) -> str:
        return self.metavar or self.name.upper()


@dataclass(frozen=True)
class Option:
    """A generator-specific option; its value reaches the templates under `name`."""

    name: str
    flags: tuple[str, ...]
    help: str = ""
    type: str = "flag"
    choices: tuple[str, ...] = ()
    default: Any = None
    envvar: str | None = None
    # The spellings that clear a flag: `--no-x` of `--x/--no-x`.
    off_flags: tuple[str, ...] = ()
    # The choice a choice option given alone means.
    flag_value: str | None = None

    @property
    def all_flags(self) -> tuple[str, ...]:
        return self.flags + self.off_flags


@dataclass(frozen=True)
class Generator:
    """One generator folder, as declared by its definition."""

    name: str
    path: Path
    origin: Origin
    description: str
    aliases: tuple[str, ...] = ()
    target: str = "project"
    arguments: tuple[Argument, ...] = ()
    options: tuple[Option, ...] = ()
    templates: str = ""

    @property
    def usage(self) -> str:
        """The USAGE text: the generator's help, examples and the files it creates."""
        path = self.path / USAGE
        return path.read_text() if path.is_file() else self.description

    @property
    def hooks(self) -> Path | None:
        """The optional `generator.py` with a `prepare(invocation)` hook."""
        path = self.path / HOOKS
        return path if path.is_file() else None

    @property
    def needs_project(self) -> bool:
        return self.target == "project"

    @classmethod
    def load(cls, path: Path, origin: Origin) -> Generator:
        """Read the generator in folder `path`; raise BrokenGenerator saying what is wrong."""
        import yaml

        name = path.name
        definition = path / DEFINITION
        if not _GENERATOR_NAME.match(name):
            raise BrokenGenerator(
                name, path, "its folder name is not a command name (a-z, 0-9, '-', '_')"
            )
        if not definition.is_file():
            raise BrokenGenerator(name, path, f"it has no {DEFINITION}")
        try:
            raw = yaml.load(definition.read_text(), Loader=_loader()) or {}
        except (yaml.YAMLError, UnicodeDecodeError) as error:
            reason = str(error).replace("\n", " ")
            raise BrokenGenerator(
                name, path, f"{DEFINITION} is not valid YAML ({reason})"
            ) from None
        spec = raw.get("_generator") if isinstance(raw, dict) else None
        if not isinstance(spec, dict):
            raise BrokenGenerator(name, path, f"{DEFINITION} has no `_generator:` mapping")
        unsafe = [key for key in UNSAFE_KEYS if key in raw]
        if unsafe:
            raise BrokenGenerator(
                name,
                path,
                f"{DEFINITION} uses {', '.join(unsafe)}, which fastapi-mvc never runs",
                "move that code into its generator.py prepare(invocation), delete "
                f"{', '.join(unsafe)} from its copier.yml,",
            )
        templates = str(raw.get("_subdirectory") or "")
        if "{" not in templates and not (path / templates).is_dir():
            raise BrokenGenerator(
                name,
                path,
                f"its templates folder {templates}/ is missing",
                f"create {path / templates} with the files it renders, fix `_subdirectory` in "
                "its copier.yml,",
            )
        return _parse(name, path, origin, spec, templates)


_LOADER: type | None = None


def _loader() -> type:
    """A safe YAML loader that tolerates copier's own tags (`!include`) without following them."""
    global _LOADER
    if _LOADER is None:
        import yaml

        class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
            pass

        Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
        _LOADER = Loader
    return _LOADER


def _parse(
    name: str, path: Path, origin: Origin, spec: dict[str, Any], templates: str
) -> Generator:
    def broken(reason: str) -> BrokenGenerator:
        return BrokenGenerator(name, path, f"_generator: {reason}")

    unknown = set(spec) - {"description", "aliases", "target", "arguments", "options"}
    if unknown:
        raise broken(f"unknown key {sorted(unknown)[0]!r}")
    description = spec.get("description")
    if not isinstance(description, str) or not description.strip():
        raise broken("`description` must be a one-line text")
    aliases = spec.get("aliases") or []
    if not isinstance(aliases, list) or not all(
        isinstance(a, str) and _GENERATOR_NAME.match(a) for a in aliases
    ):
        raise broken("`aliases` must be a list of command names")
    target = spec.get("target", "project")
    if target not in TARGETS:
        raise broken(f"`target` must be one of {', '.join(TARGETS)}")
    arguments = tuple(_argument(item, broken) for item in _items(spec, "arguments", broken))
    options = tuple(_option(item, broken) for item in _items(spec, "options", broken))
    names = [a.name for a in arguments] + [o.name for o in options]
    duplicate = next((n for n in names if names.count(n) > 1), None)
    if duplicate:
        raise broken(f"{duplicate!r} is declared twice")
    flags = [flag for option in options for flag in option.all_flags]
    duplicate = next((f for f in flags if flags.count(f) > 1), None)
    if duplicate:
        raise broken(f"the flag {duplicate} is declared twice")
    if any(a.nargs == -1 for a in arguments[:-1]):
        raise broken("only the last argument may take many values (nargs: -1)")
    return Generator(
        name=name,
        path=path,
        origin=origin,
        description=" ".join(description.split()),
        aliases=tuple(aliases),
        target=target,
        arguments=arguments,
        options=options,
        templates=templates,
    )


def _items(spec: dict[str, Any], key: str, broken: Any) -> list[dict[str, Any]]:
    items = spec.get(key) or []
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise broken(f"`{key}` must be a list of mappings")
    return items


def _identifier(item: dict[str, Any], what: str, broken: Any) -> str:
    name = item.get("name")
    if not isinstance(name, str) or not _IDENTIFIER.match(name):
        raise broken(f"each {what} needs a `name` that is a lowercase identifier, got {name!r}")
    return name


def _argument(item: dict[str, Any], broken: Any) -> Argument:
    name = _identifier(item, "argument", broken)
    unknown = set(item) - {"name", "help", "kind", "nargs", "metavar"}
    if unknown:
        raise broken(f"argument {name!r}: unknown key {sorted(unknown)[0]!r}")
    kind = item.get("kind", "string")
    if kind not in ARGUMENT_KINDS:
        raise broken(f"argument {name!r}: `kind` must be one of {', '.join(ARGUMENT_KINDS)}")
    nargs = item.get("nargs", 1)
    if nargs not in (1, -1):
        raise broken(f"argument {name!r}: `nargs` must be 1 or -1")
    if kind == "name" and nargs != 1:
        raise broken(f"argument {name!r}: a `name` argument takes one value")
    return Argument(
        name=name,
        help=str(item.get("help", "")),
        kind=kind,
        nargs=nargs,
        metavar=str(item["metavar"]) if item.get("metavar") else None,
    )


def _option(item: dict[str, Any], broken: Any) -> Option:
    name = _identifier(item, "option", broken)
    known = {"name", "flags", "help", "type", "choices", "default", "envvar", "flag_value"}
    unknown = set(item) - known
    if unknown:
        raise broken(f"option {name!r}: unknown key {sorted(unknown)[0]!r}")
    if name in RESERVED_OPTIONS:
        raise broken(f"option {name!r} is one every generator already has")
    kind = item.get("type", "flag")
    if kind not in OPTION_TYPES:
        raise broken(f"option {name!r}: `type` must be one of {', '.join(OPTION_TYPES)}")
    flags, off_flags = _flags(item.get("flags") or ["--" + name.replace("_", "-")])
    if not flags or not all(_FLAG.match(f) for f in flags + off_flags):
        raise broken(
            f"option {name!r}: `flags` must be a list like [-x, --long-name] (a flag pair: "
            "[--long-name/--no-long-name])"
        )
    if off_flags and kind != "flag":
        raise broken(f"option {name!r}: only a flag has a --x/--no-x pair, not a {kind}")
    taken = RESERVED_FLAGS.intersection(flags + off_flags)
    if taken:
        raise broken(f"option {name!r}: {sorted(taken)[0]} is a flag every generator already has")
    choices = item.get("choices") or []
    if kind == "choice" and (not isinstance(choices, list) or not choices):
        raise broken(f"option {name!r}: a choice needs a list of `choices`")
    flag_value = item.get("flag_value")
    if flag_value is not None and (kind != "choice" or str(flag_value) not in map(str, choices)):
        raise broken(f"option {name!r}: `flag_value` must be one of its `choices`")
    default = item.get("default", False if kind == "flag" else None)
    return Option(
        name=name,
        flags=tuple(flags),
        help=str(item.get("help", "")),
        type=kind,
        choices=tuple(str(choice) for choice in choices),
        default=default,
        envvar=str(item["envvar"]) if item.get("envvar") else None,
        off_flags=off_flags,
        flag_value=None if flag_value is None else str(flag_value),
    )


def _flags(declared: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the flags that set an option, those that clear it) from `[-t/-T, --x/--no-x, -y]`;
    nothing when `declared` is not a list of strings."""
    if not isinstance(declared, list) or not all(isinstance(flag, str) for flag in declared):
        return (), ()
    pairs = [flag.split("/", 1) for flag in declared]
    return tuple(pair[0] for pair in pairs), tuple(pair[1] for pair in pairs if len(pair) == 2)
