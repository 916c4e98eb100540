"""What copier pays per rendered file and per clone, paid once per run instead, same output.

1. Since copier 9.15, every file copier writes goes through
   `Worker._sync_git_index_executable_bit`, which starts `git config --type=bool --get
   core.fileMode` in the destination. Only when the answer is `false` does the method do
   anything (it rewrites the index entry's mode); `true` or unset, the Unix default, make it a
   no-op. That is one git process per file: about 90 for `new`, 200 for `update`. Nothing in a
   render edits git's config, so within `faster()` git is asked once per destination, with
   copier's own command, and the no-op calls are skipped; with `false`, copier's method runs for
   every file, unchanged.
2. copier renders each part of each path, and its answers file's name once per file, with
   `jinja_env.from_string`, which compiles the string again every time: over a thousand
   compilations of a few hundred distinct strings for `new`, a third of its time. Within
   `faster()` each copier environment compiles a string once and reuses the template (Jinja
   templates are immutable and render as often as asked); every call still runs the
   environment's `preprocess`, as a compilation does, so the extensions' per-string state (copier's
   `yield` context) is reset exactly as before.
3. copier renders every part of every path through Jinja, with a fresh render context (its
   answers, its settings) built for each: about 1400 parts for `new`, most of them plain names
   such as `app` or `models`. Within `faster()` a string that cannot contain Jinja syntax (none
   of the environment's delimiters, no line break, left unchanged by its extensions' preprocess,
   and no extension rewriting the token stream) is returned as it is, which is what Jinja
   renders for it; the preprocess still runs, so extensions reset their state as before.
   The answers file's name, rendered the same way once per rendered path (`answers_relpath`,
   500 times for `new`), takes the same shortcut when it is plain (ours: `.fastapi-mvc.yml`).
4. Each clone copier makes of a template (one for `new`, five for `update`) ends with `git
   submodule update --checkout --init --recursive --force`: a shell script that starts about
   fifteen processes even when there is no submodule to update. It acts on the submodules
   (gitlinks) in the clone's index; within `faster()` git is asked for the index first (one
   process) and the script runs only when there is one.
5. Each template file is compiled from Jinja source to Python on every run (a tenth of `new`).
   Within `faster()` copier's environment keeps the compiled code in a Jinja bytecode cache in
   fastapi-mvc's cache folder. Jinja checks the source's checksum, its own bytecode version and
   Python's before using an entry; the key adds the template's name and everything about the
   environment that changes the code generated (delimiters, whitespace options, extensions), so
   an entry is only ever used for the very compilation that made it. No cache folder (an
   unwritable home): no bytecode cache, and copier compiles as before.

6. Each clone's version is read by dunamai, about a dozen git processes. Within `faster()`, a
   template checked out at the very version tag it was asked for (`git describe --tags
   --always`, which copier runs anyway, gives back the ref, and dunamai's pattern reads it as a
   version) has that tag as its version, which is what dunamai finds there; any other checkout
   goes to dunamai as before. (Two version tags on one commit could make dunamai pick the
   other; fastapi-mvc's template history has one per commit.)

All wrap private parts of copier, so they are narrow and guarded: each applies only to the
copier versions it was written against and while what it wraps has the expected shape; anything
else and copier runs as it ships. Outside the block copier is untouched.
tests/unit/test_copier_speed.py fails when copier changes underneath.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from importlib.metadata import version
from pathlib import Path
from typing import Any

GIT_METHOD = "_sync_git_index_executable_bit"
GIT_PARAMETERS = ("self", "dst_relpath", "src_mode")
JINJA_PROPERTY = "jinja_env"
RENDER_METHOD = "_render_string"
RENDER_PARAMETERS = ("self", "string", "extra_context")
RENDER_NAMES = frozenset({"jinja_env", "from_string", "render", "_render_context"})
"""What copier's `_render_string` does: from_string, then render with the render context."""
ANSWERS_PROPERTY = "answers_relpath"
ANSWERS_NAMES = frozenset(
    {"answers_file", "template", "answers_relpath", "jinja_env", "from_string", "render"}
)
"""What copier's `answers_relpath` does: the name, rendered like any string."""
SUBMODULE_UPDATE = ("submodule", "update", "--checkout", "--init", "--recursive", "--force")
"""The command copier's `_vcs.clone` ends with, run through `_vcs.get_git()`."""
VERSION_PROPERTY = "version"
VERSION_NAMES = frozenset({"dunamai", "commit", "vcs"})
"""What copier's `Template.version` reads: its commit's description, through dunamai."""
VERSIONS = ((9, 15), (10, 0))
"""copier versions the wrappers apply to: [first, last) as (major, minor)."""


def _copier_version_known() -> bool:
    try:
        major, minor = (int(part) for part in version("copier").split(".")[:2])
    except ValueError:  # not numbers (a local build): trust nothing
        return False
    return VERSIONS[0] <= (major, minor) < VERSIONS[1]


def git_applies() -> bool:
    """Whether copier has the per-file git question this module answers once."""
    from copier._main import Worker

    method = getattr(Worker, GIT_METHOD, None)
    if not _copier_version_known() or method is None:
        return False
    return tuple(inspect.signature(method).parameters) == GIT_PARAMETERS


def jinja_applies() -> bool:
    """Whether copier's Worker makes its Jinja environment in a cached property."""
    from copier._main import Worker

    prop = Worker.__dict__.get(JINJA_PROPERTY)
    return _copier_version_known() and isinstance(prop, functools.cached_property)


def render_applies() -> bool:
    """Whether copier's `_render_string` is a plain from_string-and-render of its argument."""
    from copier._main import Worker

    method = Worker.__dict__.get(RENDER_METHOD)
    if not _copier_version_known() or not inspect.isfunction(method):
        return False
    if tuple(inspect.signature(method).parameters) != RENDER_PARAMETERS:
        return False
    answers = getattr(Worker.__dict__.get(ANSWERS_PROPERTY), "fget", None)
    return _uses(method, RENDER_NAMES) and _uses(answers, ANSWERS_NAMES)


def clone_applies() -> bool:
    """Whether copier's clone updates submodules with `SUBMODULE_UPDATE` through `get_git`."""
    from copier import _vcs

    clone = getattr(_vcs, "clone", None)
    return (
        _copier_version_known()
        and inspect.isfunction(getattr(_vcs, "get_git", None))
        and _uses(clone, frozenset({"get_git"}))
        and set(SUBMODULE_UPDATE) <= set(clone.__code__.co_consts)  # type: ignore[union-attr]
    )


def version_applies() -> bool:
    """Whether copier reads a template's version with dunamai in a cached property."""
    from copier._template import Template

    prop = Template.__dict__.get(VERSION_PROPERTY)
    return (
        _copier_version_known()
        and isinstance(prop, functools.cached_property)
        and _uses(prop.func, VERSION_NAMES)
    )


def _uses(function: Any, names: frozenset[str]) -> bool:
    """A cheap check of a function's shape: the names its code reads (the tests read its
    source)."""
    return inspect.isfunction(function) and names <= set(function.__code__.co_names)


@contextmanager
def faster() -> Iterator[None]:
    """Within the block, copier asks git once per destination, compiles a string once and
    renders a string without Jinja syntax as itself."""
    with ExitStack() as stack:
        if git_applies():
            stack.enter_context(_replaced(GIT_METHOD, _answering_once))
        if jinja_applies():
            stack.enter_context(_replaced(JINJA_PROPERTY, _compiling_once))
        if render_applies():
            stack.enter_context(_replaced(RENDER_METHOD, _plain_as_is))
            stack.enter_context(_replaced(ANSWERS_PROPERTY, _plain_answers_relpath))
        if clone_applies():
            from copier import _vcs

            stack.enter_context(_replaced_in(_vcs, "get_git", _updating_only_submodules))
        if version_applies():
            from copier._template import Template

            stack.enter_context(_replaced(VERSION_PROPERTY, _tag_as_version, Template))
        yield


@contextmanager
def _replaced(name: str, wrap: Callable[[Any], Any], owner: type | None = None) -> Iterator[None]:
    if owner is None:
        from copier._main import Worker

        owner = Worker
    original = owner.__dict__[name]
    setattr(owner, name, wrap(original))
    try:
        yield
    finally:
        setattr(owner, name, original)


@contextmanager
def _replaced_in(module: Any, name: str, wrap: Callable[[Any], Any]) -> Iterator[None]:
    original = getattr(module, name)
    setattr(module, name, wrap(original))
    try:
        yield
    finally:
        setattr(module, name, original)


def _updating_only_submodules(get_git: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(get_git)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        return _SubmoduleUpdateWhenAny(get_git(*args, **kwargs))

    return wrapped


class _SubmoduleUpdateWhenAny:
    """copier's git command, which skips `git submodule update` where the index has no
    submodule; every other use goes to the command unchanged."""

    def __init__(self, command: Any) -> None:
        self._command = command

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if args == SUBMODULE_UPDATE and not kwargs:
            index = self._command("ls-files", "--stage", "-z")
            if not any(entry.startswith("160000 ") for entry in index.split("\0")):
                return ""
        return self._command(*args, **kwargs)

    def __getitem__(self, args: Any) -> Any:
        return self._command[args]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._command, name)


# What `git describe --always` gives for a commit without a tag: an abbreviated hash.
_HASH = re.compile(r"[0-9a-f]{4,40}")


def _is_version_tag(name: str) -> bool:
    """A tag dunamai reads as a version (its default pattern, as copier asks), not a hash."""
    import dunamai

    return not _HASH.fullmatch(name) and bool(
        re.search(dunamai.Pattern.DefaultUnprefixed.regex(), name)
    )


def _tag_as_version(original: functools.cached_property[Any]) -> functools.cached_property[Any]:
    def version(self: Any) -> Any:
        commit = self.commit
        if commit and commit == self.ref and _is_version_tag(commit) and self.vcs == "git":
            from packaging.version import InvalidVersion, Version

            try:
                return Version(commit)
            except InvalidVersion:
                pass
        return original.func(self)

    prop = functools.cached_property(version)
    prop.__set_name__(type(original), VERSION_PROPERTY)
    return prop


def _answering_once(original: Callable[..., None]) -> Callable[..., None]:
    tracked: dict[Path, bool] = {}

    @functools.wraps(original)
    def sync(self: Any, dst_relpath: Path, src_mode: int) -> None:
        root = Path(self.subproject.local_abspath)
        if root not in tracked:
            tracked[root] = _git_sees_modes(root)
        if not tracked[root]:
            original(self, dst_relpath, src_mode)

    return sync


def _git_sees_modes(root: Path) -> bool:
    """copier's own question and reading of it: anything but `false` (unset, not a repository,
    an unreadable config) means git picks up on-disk modes, and the method has nothing to do."""
    from copier._vcs import get_git
    from plumbum import ProcessExecutionError

    try:
        answer = get_git(context_dir=root)("config", "--type=bool", "--get", "core.fileMode")
    except ProcessExecutionError:
        return True
    return str(answer).strip() != "false"


def _compiling_once(original: functools.cached_property[Any]) -> functools.cached_property[Any]:
    def jinja_env(self: Any) -> Any:
        env = original.func(self)
        env.from_string = _memoized(env, env.from_string)
        if env.bytecode_cache is None:
            env.bytecode_cache = bytecode_cache()
        return env

    prop = functools.cached_property(jinja_env)
    prop.__set_name__(type(original), JINJA_PROPERTY)
    return prop


def _memoized(env: Any, from_string: Callable[..., Any]) -> Callable[..., Any]:
    compiled: dict[str, Any] = {}

    @functools.wraps(from_string)
    def once(source: Any, globals: Any = None, template_class: Any = None) -> Any:
        if not isinstance(source, str) or globals is not None or template_class is not None:
            return from_string(source, globals, template_class)
        if source not in compiled:
            compiled[source] = from_string(source)
        else:
            env.preprocess(source)  # what compiling runs first: extensions reset their state
        return compiled[source]

    return once


def _plain_as_is(original: Callable[..., str]) -> Callable[..., str]:
    @functools.wraps(original)
    def render_string(self: Any, string: str, extra_context: Any = None) -> str:
        env = self.jinja_env
        if isinstance(string, str) and _is_plain(env, string):
            return string
        return original(self, string, extra_context)

    return render_string


def _plain_answers_relpath(original: property) -> property:
    def answers_relpath(self: Any) -> Path:
        path = str(self.answers_file or self.template.answers_relpath)
        if _is_plain(self.jinja_env, path):
            return Path(path)
        result: Path = original.fget(self)  # type: ignore[misc]
        return result

    return property(answers_relpath, doc=original.__doc__)


def _is_plain(env: Any, string: str) -> bool:
    """Whether Jinja renders `string` as itself in `env`; runs the preprocess either way (the
    extensions' per-string reset), as compiling it would."""
    if env.preprocess(string) != string:
        return False
    if "\n" in string or "\r" in string:  # newline_sequence and keep_trailing_newline apply
        return False
    markers = (
        env.block_start_string,
        env.variable_start_string,
        env.comment_start_string,
        env.line_statement_prefix,
        env.line_comment_prefix,
    )
    if any(marker and marker in string for marker in markers):
        return False
    from jinja2.ext import Extension

    return all(
        type(extension).filter_stream is Extension.filter_stream
        for extension in env.extensions.values()
    )


def bytecode_cache() -> Any:
    """A Jinja bytecode cache in fastapi-mvc's cache folder, or None when there is none."""
    import hashlib

    from jinja2.bccache import Bucket, FileSystemBytecodeCache

    from fastapi_mvc.errors import FastapiMvcError
    from fastapi_mvc.template_versions import cache_dir

    class Cache(FileSystemBytecodeCache):
        def get_bucket(
            self, environment: Any, name: str, filename: str | None, source: str
        ) -> Bucket:
            key = hashlib.sha256(
                "\0".join([_code_options(environment), name, source]).encode()
            ).hexdigest()
            bucket = Bucket(environment, key, self.get_source_checksum(source))
            self.load_bytecode(bucket)
            return bucket

    try:
        directory = cache_dir() / "jinja-bytecode"
        directory.mkdir(parents=True, exist_ok=True)
    except (OSError, FastapiMvcError):
        return None
    return Cache(str(directory))


def _code_options(env: Any) -> str:
    """What, besides the source, decides the Python code Jinja generates for a template."""
    import jinja2

    options = [
        jinja2.__version__,
        type(env).__module__ + "." + type(env).__qualname__,
        env.code_generator_class.__qualname__,
        env.block_start_string,
        env.block_end_string,
        env.variable_start_string,
        env.variable_end_string,
        env.comment_start_string,
        env.comment_end_string,
        env.line_statement_prefix,
        env.line_comment_prefix,
        env.trim_blocks,
        env.lstrip_blocks,
        env.newline_sequence,
        env.keep_trailing_newline,
        env.optimized,
        env.autoescape if isinstance(env.autoescape, bool) else id(env.autoescape),
        env.finalize is not None,
        sorted(env.extensions),
    ]
    return repr(options)
