"""Render a generator with Jinja alone, as copier would, without importing copier.

`import copier` costs about 0.35 s, several times the rest of a `generate controller` that
writes two small files. The builtin generators use nothing of copier but Jinja and exclusions:
no questions, no tasks, no extensions, a `_subdirectory` of templates with the `.jinja` suffix,
`StrictUndefined`, and perhaps `_exclude` patterns. For those, this module does what copier's
render does (the same sandboxed environment and `_envops`, each path part rendered and a part
rendering empty dropping the path, a `.jinja` file rendered and its suffix stripped, any other
file copied as it is, a plain file shadowed by a templated sibling skipped, each `_exclude`
pattern rendered, split into lines and matched against every rendered path by copier's own
matcher, pathspec's gitignore patterns) and returns the same files. Templates compile through
the Jinja bytecode cache `copier_speed` gives copier's environment (keyed by the environment's
code options too): compiling them is otherwise most of a render.

Anything outside that subset returns None and copier renders as before, so a generator's
`copier.yml` keeps meaning what copier says it means. So does a template that reaches for
something only copier provides: an unknown filter or name is a Jinja error with StrictUndefined,
and the names copier adds to the context (`_copier_conf`, `now`, `pathjoin`...) are
defined here as values whose every use hands the run to copier, which renders it or reports its
own error. tests/unit/test_generate_plain_render.py checks that every builtin generator renders
byte for byte as copier renders it.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn

from fastapi_mvc.generating.generator import DEFINITION

if TYPE_CHECKING:
    from jinja2 import Environment

SUFFIX = ".jinja"
KEYS = frozenset({"_generator", "_subdirectory", "_templates_suffix", "_envops", "_exclude"})
_ENVOPS = frozenset(
    {
        "block_start_string",
        "block_end_string",
        "variable_start_string",
        "variable_end_string",
        "comment_start_string",
        "comment_end_string",
        "keep_trailing_newline",
        "undefined",
    }
)
_STRICT = "jinja2.StrictUndefined"
# What copier's render context and environment hold beyond the data (copier 9: `_render_context`,
# `AnswersMap.combined`, `jinja_env`); the exclusions also see `_copier_operation`, "copy" here.
COPIER_NAMES = (
    "_copier_answers",
    "_copier_conf",
    "_copier_phase",
    "_copier_python",
    "_external_data",
    "_folder_name",
    "make_secret",
    "now",
    "pathjoin",
)
_ANSWERS_FILE = ".copier-answers.yml"  # a path part copier renders as the answers file
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # how copier splits a rendered exclusion


class NeedsCopier(Exception):
    """A template used something only copier provides."""


class CopierOnly:
    """Stands for a name only copier's context has: defined, as there, but any use of it hands
    the run to copier (an undefined name would render `is defined` differently)."""

    def _refuse(self, *args: object, **kwargs: object) -> NoReturn:
        raise NeedsCopier

    __getattr__ = __getitem__ = __call__ = __str__ = __iter__ = __len__ = __bool__ = _refuse
    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = __contains__ = _refuse
    __hash__ = None  # type: ignore[assignment]


class _Definition(NamedTuple):
    """The parts of a generator's copier.yml this renderer understands."""

    subdirectory: str
    options: dict[str, Any]  # Jinja's, from `_envops`
    exclude: list[str]


def render(path: Path, data: dict[str, Any]) -> dict[str, tuple[bytes, bool]] | None:
    """{relative posix path: (content, executable)} of the generator at `path` rendered with
    `data`, or None when copier must render it. Executable means a shebang, as in the runner."""
    definition = _definition(path)
    if definition is None:
        return None
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    from fastapi_mvc.copier_speed import bytecode_cache

    env = SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(path, encoding="utf-8"),
        bytecode_cache=bytecode_cache(),  # compiling the templates is most of the render
        **{
            "keep_trailing_newline": True,
            **definition.options,
            "undefined": jinja2.StrictUndefined,
        },
    )
    env.globals.update(dict.fromkeys(COPIER_NAMES, CopierOnly()))
    root = path / definition.subdirectory
    rendered: dict[str, tuple[bytes, bool]] = {}
    try:
        excluded = exclusions(definition.exclude, env, data)
        render_part = part_renderer(env, data)
        for source in _files(root):
            templated = source.name.endswith(SUFFIX)
            if not templated and source.with_name(source.name + SUFFIX).exists():
                continue  # the templated sibling is rendered in its place
            target = target_of(source.relative_to(root), render_part, templated)
            if target is None:
                continue
            if _ANSWERS_FILE in target.parts:
                return None  # copier writes its answers there
            if excluded(target):
                continue
            if templated:
                name = source.relative_to(path).as_posix()
                content = env.get_template(name).render(**data).encode()
            else:
                content = source.read_bytes()
            rendered[target.as_posix()] = (content, content[:2] == b"#!")
    except (NeedsCopier, jinja2.TemplateError, OSError, UnicodeDecodeError, ImportError):
        return None  # copier renders it, or says what is wrong in its own words
    return dict(sorted(rendered.items()))


def exclusions(
    patterns: list[str], env: Environment, data: dict[str, Any]
) -> Callable[[Path], bool]:
    """Copier's exclusion matcher: each pattern rendered, split into lines, NFD-normalised and
    read by pathspec as copier reads it (gitignore patterns since pathspec 1.0, gitwildmatch
    before); a rendered path matching it is not written."""
    context = {**data, "_copier_operation": "copy"}
    lines = [
        unicodedata.normalize("NFD", line)
        for pattern in patterns
        for line in _LINE_BREAK.split(env.from_string(pattern).render(**context))
    ]
    if not any(lines):
        return lambda path: False  # empty lines exclude nothing: spare pathspec's import
    import pathspec
    from packaging.version import Version

    kind = "gitignore" if Version(pathspec.__version__) >= Version("1.0.0") else "gitwildmatch"
    return pathspec.PathSpec.from_lines(kind, lines).match_file


def part_renderer(env: Environment, data: dict[str, Any]) -> Callable[[str], str]:
    """Render a part of a path as copier does, compiling each distinct part once; a part with
    no Jinja syntax in it (most: `app`, `models`) is what Jinja would render, itself."""
    starts = (env.block_start_string, env.variable_start_string, env.comment_start_string)
    markers = (*starts, "\n", "\r")  # a line break: Jinja may rewrite it
    rendered: dict[str, str] = {}

    def render_part(part: str) -> str:
        if part not in rendered:
            plain = not any(marker in part for marker in markers)
            rendered[part] = part if plain else env.from_string(part).render(**data)
        return rendered[part]

    return render_part


def target_of(relative: Path, render_part: Callable[[str], str], templated: bool) -> Path | None:
    """Where copier writes the template path `relative`: each part rendered, a templated file's
    suffix dropped; None when a part renders empty (copier skips the path). A path that would
    leave the destination is copier's to refuse: NeedsCopier."""
    if templated:
        relative = relative.with_name(relative.name[: -len(SUFFIX)])
    parts = []
    for part in relative.parts:  # as copier: the first part rendering empty drops it
        parts.append(render_part(part))
        if not parts[-1]:
            return None
    target = Path(*parts)
    if target.is_absolute() or ".." in target.parts:
        raise NeedsCopier
    return target


def _definition(path: Path) -> _Definition | None:
    """What copier.yml says, when the generator needs nothing but Jinja and exclusions."""
    import yaml

    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's: many times faster
        raw = yaml.load((path / DEFINITION).read_text(), Loader=loader)
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return None
    if not isinstance(raw, dict) or not set(raw) <= KEYS:
        return None  # questions, tasks, extensions...: copier's business
    return definition_of(raw, path)


def definition_of(raw: dict[str, Any], path: Path) -> _Definition | None:
    """The settings `raw` of the copier template at `path`, when Jinja and exclusions are all
    they ask for."""
    subdirectory, envops = raw.get("_subdirectory"), raw.get("_envops") or {}
    exclude = raw.get("_exclude", [])
    if raw.get("_templates_suffix", SUFFIX) != SUFFIX or not isinstance(subdirectory, str):
        return None
    if "{" in subdirectory or not subdirectory.strip("./") or not isinstance(envops, dict):
        return None
    if not set(envops) <= _ENVOPS or envops.get("undefined") != _STRICT:
        return None  # only StrictUndefined turns copier-only names into errors here
    if not isinstance(exclude, list) or not all(isinstance(line, str) for line in exclude):
        return None
    if not (path / subdirectory).is_dir() or _has_symlinks(path / subdirectory):
        return None
    options = {key: value for key, value in envops.items() if key != "undefined"}
    return _Definition(subdirectory, options, exclude)


def _files(root: Path) -> list[Path]:
    return sorted(Path(folder) / name for folder, _, names in os.walk(root) for name in names)


def _has_symlinks(root: Path) -> bool:
    return any(
        (Path(folder) / name).is_symlink()
        for folder, folders, names in os.walk(root)
        for name in [*folders, *names]
    )
