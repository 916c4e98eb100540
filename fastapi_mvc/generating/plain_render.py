"""Render a simple generator with Jinja alone, as copier would, without importing copier.

`import copier` costs about 0.35 s, several times the rest of a `generate controller` that
writes two small files. Most generators use nothing of copier but Jinja: no questions, no
tasks, no exclusions, no extensions, a `_subdirectory` of templates with the `.jinja` suffix and
`StrictUndefined`. For those, this module does what copier's render does (the same sandboxed
environment and `_envops`, each path part rendered and a part rendering empty dropping the
path, a `.jinja` file rendered and its suffix stripped, any other file copied as it is, a plain
file shadowed by a templated sibling skipped) and returns the same files.

Anything outside that subset returns None and copier renders as before, so a generator's
`copier.yml` keeps meaning what copier says it means. So does a template that reaches for
something only copier provides (`_copier_conf`, an ansible filter): with StrictUndefined that is
a Jinja error here, and copier gets the run, rendering it or reporting its own error.
tests/unit/test_generate_plain_render.py checks the builtin generators render byte for byte as
copier renders them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from fastapi_mvc.generating.generator import DEFINITION

SUFFIX = ".jinja"
_KEYS = frozenset({"_generator", "_subdirectory", "_templates_suffix", "_envops"})
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


def render(path: Path, data: dict[str, Any]) -> dict[str, tuple[bytes, bool]] | None:
    """{relative posix path: (content, executable)} of the generator at `path` rendered with
    `data`, or None when copier must render it. Executable means a shebang, as in the runner."""
    envops = _plain_envops(path)
    if envops is None:
        return None
    subdirectory, options = envops
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(path, encoding="utf-8"),
        **{"keep_trailing_newline": True, **options, "undefined": jinja2.StrictUndefined},
    )
    root = path / subdirectory
    rendered: dict[str, tuple[bytes, bool]] = {}
    try:
        for source in _files(root):
            relative = source.relative_to(root)
            if relative.name.endswith(SUFFIX):
                relative = relative.with_name(relative.name[: -len(SUFFIX)])
                name = source.relative_to(path).as_posix()
                content = env.get_template(name).render(**data).encode()
            elif source.with_name(source.name + SUFFIX).exists():
                continue  # the templated sibling is rendered in its place
            else:
                content = source.read_bytes()
            parts = [env.from_string(part).render(**data) for part in relative.parts]
            if all(parts):
                rendered[Path(*parts).as_posix()] = (content, content[:2] == b"#!")
    except (jinja2.TemplateError, OSError, UnicodeDecodeError):
        return None  # copier renders it, or says what is wrong in its own words
    return dict(sorted(rendered.items()))


def _plain_envops(path: Path) -> tuple[str, dict[str, Any]] | None:
    """(templates subdirectory, Jinja options) when the generator needs nothing but Jinja."""
    import yaml

    try:
        raw = yaml.safe_load((path / DEFINITION).read_text())
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return None
    if not isinstance(raw, dict) or not set(raw) <= _KEYS:
        return None  # questions, tasks, exclusions, extensions...: copier's business
    subdirectory, envops = raw.get("_subdirectory"), raw.get("_envops") or {}
    if raw.get("_templates_suffix", SUFFIX) != SUFFIX or not isinstance(subdirectory, str):
        return None
    if "{" in subdirectory or not subdirectory.strip("./") or not isinstance(envops, dict):
        return None
    if not set(envops) <= _ENVOPS or envops.get("undefined") != _STRICT:
        return None  # only StrictUndefined turns copier-only names into errors here
    if not (path / subdirectory).is_dir() or _has_symlinks(path / subdirectory):
        return None
    return subdirectory, {key: value for key, value in envops.items() if key != "undefined"}


def _files(root: Path) -> list[Path]:
    return sorted(Path(folder) / name for folder, _, names in os.walk(root) for name in names)


def _has_symlinks(root: Path) -> bool:
    return any(
        (Path(folder) / name).is_symlink()
        for folder, folders, names in os.walk(root)
        for name in [*folders, *names]
    )
