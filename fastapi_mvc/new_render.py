"""Render fastapi-mvc's own template for a `new` that asks nothing, without importing copier.

`import copier` (pydantic, questionary, prompt_toolkit, plumbum) and its clone of the template
were most of a `new -n`, which asks no question and only renders. Our template uses a small,
known part of copier: questions of type str or bool with a default, choices, a validator and a
`when`; Jinja with copier's Ansible filters; `_exclude` patterns; an answers file rendered from
`_copier_answers`. For that part this module does what copier's `run_copy` with `defaults=True`
does (its questionnaire as copier 9 runs it: data first, then user defaults, then the rendered
default, each cast to its type, checked against its choices and validated; a question whose
`when` is false keeps its value but stays out of the answers file), renders the files through
`generating.plain_render`'s copier-compatible walk, and writes them with the modes a checkout of
the template would give them.

Anything outside that part (another question type, a failing validator, a name only copier
defines) returns False before anything is written, and copier renders as before, or reports the
problem in its own words. tests/unit/test_new_render.py proves that both write the same files,
modes and answers for every option of `new`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, NoReturn

from fastapi_mvc.generating import plain_render

if TYPE_CHECKING:
    from jinja2 import Environment

_SETTINGS = frozenset(
    {
        "_min_copier_version",
        "_subdirectory",
        "_answers_file",
        "_templates_suffix",
        "_envops",
        "_exclude",
    }
)
_QUESTION_KEYS = frozenset({"type", "help", "default", "choices", "validator", "when"})
_TYPES = frozenset({"str", "bool"})
_IGNORED = frozenset({"__pycache__", ".DS_Store"})  # what the template's git history leaves out
# copier's cast_to_bool: YAML's words for true and false.
_TRUE = frozenset({"y", "yes", "t", "true", "on"})
_FALSE = frozenset({"n", "no", "f", "false", "off", "~", "null", "none"})
_STRING = "\0"  # starts the name of a template that is its own source (no file name can)
_OK, _RESET = "\x1b[32m\x1b[1m", "\x1b[39m\x1b[0m"  # copier's Style.OK and Style.RESET


class _Conf:
    """`_copier_conf`, of which our template reads only `answers_file`; any other use hands
    the run to copier."""

    def __init__(self, answers_file: str) -> None:
        self.answers_file = PurePath(answers_file)

    def __getattr__(self, name: str) -> NoReturn:
        raise plain_render.NeedsCopier

    def __getitem__(self, key: object) -> PurePath:
        if key != "answers_file":
            raise plain_render.NeedsCopier
        return self.answers_file


def render(
    template: Path,
    dst: Path,
    *,
    data: dict[str, Any],
    user_defaults: dict[str, Any],
    src_path: str,
    commit: str,
    quiet: bool,
) -> bool:
    """Render `template` (a copier template directory) into the empty directory `dst` as
    copier's `run_copy(src_path, dst, vcs_ref=commit, data=data, user_defaults=user_defaults,
    defaults=True)` would, where `commit` is what copier records as `_commit`. False, with
    nothing written, when copier must do it."""
    config = _config(template)
    if config is None:
        return False
    import jinja2

    env = _environment(template, config)
    try:
        answered = _answered(config["questions"], env, data, user_defaults)
        if answered is None:
            return False
        context, hidden = answered
        remembered = {"_commit": commit, "_src_path": src_path}
        remembered.update(
            (key, value)
            for key, value in context.items()
            if not key.startswith("_") and key in config["questions"] and key not in hidden
        )
        context.update(_copier_answers=remembered, _copier_conf=_Conf(config["_answers_file"]))
        folders, files = _tree(template, config, env, context)
    except (plain_render.NeedsCopier, jinja2.TemplateError, OSError, UnicodeDecodeError):
        return False
    _write(dst, folders, files, quiet, version=commit)
    return True


def _config(template: Path) -> dict[str, Any] | None:
    """copier.yml, when it stays within what this module renders."""
    import yaml

    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        raw = yaml.load((template / "copier.yml").read_text(), Loader=loader)
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return None
    if not isinstance(raw, dict):
        return None
    settings = {key: value for key, value in raw.items() if key.startswith("_")}
    questions = {key: value for key, value in raw.items() if not key.startswith("_")}
    definition = plain_render.definition_of(
        {key: value for key, value in settings.items() if key in plain_render.KEYS}, template
    )
    answers_file = settings.get("_answers_file", ".copier-answers.yml")
    if definition is None or not set(settings) <= _SETTINGS:
        return None
    if not isinstance(answers_file, str) or "{" in answers_file or "/" in answers_file:
        return None
    for details in questions.values():
        if not isinstance(details, dict) or not set(details) <= _QUESTION_KEYS:
            return None
        if details.get("type") not in _TYPES:
            return None
        choices = details.get("choices", [])
        if not isinstance(choices, list) or not all(isinstance(c, str) for c in choices):
            return None
    return {"definition": definition, "questions": questions, "_answers_file": answers_file}


def _environment(template: Path, config: dict[str, Any]) -> Environment:
    """copier's Jinja environment: sandboxed, its Ansible filters, the template's `_envops`."""
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    from fastapi_mvc.copier_speed import bytecode_cache

    strings = jinja2.FunctionLoader(lambda name: name[1:] if name[:1] == _STRING else None)
    env = SandboxedEnvironment(
        loader=jinja2.ChoiceLoader([strings, jinja2.FileSystemLoader(template, encoding="utf-8")]),
        extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension"],
        bytecode_cache=bytecode_cache(),
        **{"keep_trailing_newline": True, **config["definition"].options},
        undefined=jinja2.StrictUndefined,
    )
    env.globals.update(dict.fromkeys(plain_render.COPIER_NAMES, plain_render.CopierOnly()))
    # The questions, exclusions and path parts are about a hundred strings: compiling them was a
    # fifth of a `new`. As templates of the string loader they come from the bytecode cache.

    def from_cache(source: str, globals: Any = None, template_class: Any = None) -> Any:
        return env.get_template(_STRING + source, globals=globals)

    env.from_string = from_cache  # type: ignore[method-assign,assignment]
    return env


def _answered(
    questions: dict[str, Any], env: Environment, data: dict[str, Any], defaults: dict[str, Any]
) -> tuple[dict[str, Any], set[str]] | None:
    """The answers copier would settle on without asking, merged as its render context merges
    them (given data over user defaults), and the questions left out of the answers file;
    None when copier would refuse an answer."""
    user: dict[str, Any] = {}
    hidden: set[str] = set()

    def context() -> dict[str, Any]:
        return {**defaults, **data, **user}

    def value(template: Any, extra: dict[str, Any] | None = None) -> Any:
        if not isinstance(template, str):
            return template
        return env.from_string(template).render({**context(), **(extra or {})})

    for name, question in questions.items():
        parse = _parser(question, value)
        shown = _as_bool(value(question.get("when", True)))
        if not shown:
            hidden.add(name)
        if name in data:
            answer = parse(data[name])
            validate = True
        elif name in defaults:
            answer, validate = parse(defaults[name]), shown
        elif "default" in question:
            answer, validate = parse(value(question["default"])), shown
        else:
            return None  # copier: "Question ... is required", in its words
        if validate and value(question.get("validator", "")).strip():
            return None
        user[name] = answer
    return context(), hidden


def _parser(question: dict[str, Any], value: Callable[..., Any]) -> Callable[[Any], Any]:
    def parse(answer: Any) -> Any:
        if question["type"] == "bool":
            parsed: Any = _as_bool(answer)
        elif isinstance(answer, str):
            parsed = answer
        elif isinstance(answer, int | float) and not isinstance(answer, bool):
            parsed = str(answer)
        else:
            raise plain_render.NeedsCopier
        choices = [value(choice) for choice in question.get("choices", [])]
        if choices and parsed not in choices:
            raise plain_render.NeedsCopier  # copier names the choices
        return parsed

    return parse


def _as_bool(value: Any) -> bool:
    """copier's cast_to_bool: a number by its value, YAML's words by their meaning."""
    try:
        return bool(float(value))
    except (TypeError, ValueError):
        pass
    if isinstance(value, str):
        lower = value.strip().lower()
        if not lower or lower in _FALSE:
            return False
        if lower in _TRUE:
            return True
    return bool(value)


def _tree(
    template: Path, config: dict[str, Any], env: Environment, context: dict[str, Any]
) -> tuple[list[str], dict[str, tuple[bytes, bool]]]:
    """The folders copier creates and the files it writes: {path: (content, executable)}.

    A checkout of the template has the folders that hold a file (git keeps no empty ones), and
    a file is executable there when it starts with `#!` (template_versions.tree_of)."""
    definition = config["definition"]
    root = template / definition.subdirectory
    excluded = plain_render.exclusions(definition.exclude, env, context)
    render_part = plain_render.part_renderer(env, context)
    sources = [
        Path(folder, name)
        for folder, _, names in os.walk(root)
        for name in names
        if name not in _IGNORED and not name.endswith((".pyc", ".pyo"))
    ]
    holding = {
        root / folder for source in sources for folder in source.relative_to(root).parents[:-1]
    }
    folders: list[str] = []
    files: dict[str, tuple[bytes, bool]] = {}
    for source in sorted([*holding, *sources]):
        templated = source not in holding and source.name.endswith(plain_render.SUFFIX)
        if not templated and source.with_name(source.name + plain_render.SUFFIX).exists():
            continue  # the templated sibling is rendered in its place
        target = plain_render.target_of(source.relative_to(root), render_part, templated)
        if target is None or excluded(target):
            continue
        if source in holding:
            folders.append(target.as_posix())
            continue
        content = source.read_bytes()
        executable = content[:2] == b"#!"
        if templated:
            name = source.relative_to(template).as_posix()
            content = env.get_template(name).render(**context).encode()
        files[target.as_posix()] = (content, executable)
    return folders, files


def _write(
    dst: Path, folders: list[str], files: dict[str, tuple[bytes, bool]], quiet: bool, version: str
) -> None:
    """Write as copier does, saying what it says unless quiet; a file's mode is what a checkout
    under this umask gives it."""
    from fastapi_mvc.console import echo  # which drops the colour where it is off
    from fastapi_mvc.files import new_file_mode

    verb = f"{_OK}{'create':>10}{_RESET}"
    if not quiet:
        echo(f"\nCopying from template version {version}", err=True)
    for path in sorted([*folders, *files]):
        if not quiet:
            echo(f"{verb}  {path}", err=True)
        if path in files:
            content, executable = files[path]
            (dst / path).parent.mkdir(parents=True, exist_ok=True)
            (dst / path).write_bytes(content)
            mode = new_file_mode(executable)
            if (dst / path).stat().st_mode & 0o777 != mode:
                (dst / path).chmod(mode)
        else:
            (dst / path).mkdir(parents=True, exist_ok=True)
    if not quiet:
        echo("", err=True)
