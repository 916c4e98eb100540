"""Names given by users, validated once and spelled every way the templates need.

A project called `my-app` is the package `my_app`, the script `my-app`, the class prefix `MyApp`;
a controller called `BlogPosts` is the module `blog_posts`, the URL `/blog-posts`. Templates
receive these spellings and never normalise names themselves.
"""

from __future__ import annotations

import keyword
import re
import sys
from dataclasses import dataclass
from functools import cached_property

from fastapi_mvc.errors import UsageError

_WORDS = re.compile(r"[A-Z]+(?=[A-Z][a-z0-9])|[A-Z]?[a-z0-9]+|[A-Z]+|[0-9]+")
_ALLOWED = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")

# Top-level modules a generated project imports: a package named like one would shadow it.
SHADOWED_MODULES = frozenset(
    {
        "aiohttp",
        "anyio",
        "asyncio",
        "click",
        "fastapi",
        "gunicorn",
        "httpx",
        "logging",
        "pydantic",
        "pydantic_settings",
        "pytest",
        "redis",
        "starlette",
        "tests",
        "typer",
        "typing",
        "uvicorn",
        "uvicorn_worker",
        "uvloop",
    }
)


@dataclass(frozen=True)
class Name:
    """A user-given name and all its spellings.

    >>> Name("BlogPosts").snake, Name("blog-posts").camel, Name("blog_posts").kebab
    ('blog_posts', 'BlogPosts', 'blog-posts')
    """

    raw: str

    @cached_property
    def words(self) -> tuple[str, ...]:
        return tuple(word.lower() for word in _WORDS.findall(self.raw))

    @property
    def snake(self) -> str:
        """Module, function and package spelling: `blog_posts`."""
        return "_".join(self.words)

    @property
    def kebab(self) -> str:
        """Script, URL, chart and image spelling: `blog-posts`."""
        return "-".join(self.words)

    @property
    def camel(self) -> str:
        """Class spelling: `BlogPosts`."""
        return "".join(word.capitalize() for word in self.words)

    @property
    def human(self) -> str:
        """Prose spelling: `Blog posts`."""
        return " ".join(self.words).capitalize()


def validate(raw: str, what: str, *, reserved: frozenset[str] = frozenset()) -> Name:
    """Return `raw` as a Name, or raise UsageError saying why it cannot name a `what`."""
    shown = raw or "''"
    if not raw:
        raise UsageError(f"invalid {what} name {shown}: it is empty", f"give a {what} name")
    if "/" in raw or "\\" in raw or raw.startswith("."):
        raise UsageError(
            f"invalid {what} name {shown!r}: it contains a path separator or starts with '.'",
            "give a bare name such as 'blog_posts'",
        )
    if raw[0].isdigit():
        raise UsageError(
            f"invalid {what} name {shown!r}: it starts with a digit",
            "start the name with a letter",
        )
    if not _ALLOWED.match(raw):
        raise UsageError(
            f"invalid {what} name {shown!r}: use only letters, digits, '-' and '_'",
            "start with a letter, e.g. 'my-app'",
        )
    name = Name(raw)
    if keyword.iskeyword(name.snake) or keyword.issoftkeyword(name.snake):
        raise UsageError(
            f"invalid {what} name {shown!r}: {name.snake!r} is a Python keyword",
            "choose another name",
        )
    if name.snake in reserved:
        raise UsageError(
            f"invalid {what} name {shown!r}: {name.snake!r} would collide with an existing module",
            "choose another name",
        )
    return name


MAX_PROJECT_NAME = 29
"""The longest project name whose every spelling keeps the generated code within its own line
length (100): measured by rendering the template and running its black and ruff."""


def validate_project(raw: str) -> Name:
    """Validate a project name: a valid distribution name (PEP 508) short enough for the
    project's own lint, whose package must not shadow what the project imports."""
    _check_length(raw, raw)
    name = validate(raw, "project")
    _check_length(raw, max(name.snake, name.kebab, key=len))
    if not raw[-1].isalnum():
        raise UsageError(
            f"invalid project name {raw!r}: it ends with {raw[-1]!r}, which a Python "
            "distribution name cannot (PEP 508)",
            f"end it with a letter or digit, e.g. {raw.rstrip('-_') or 'app'!r}",
        )
    if name.snake in SHADOWED_MODULES or name.snake in sys.stdlib_module_names:
        raise UsageError(
            f"invalid project name {raw!r}: the package {name.snake!r} would shadow the "
            f"module of that name",
            f"choose another name, e.g. '{name.kebab}-app'",
        )
    return name


def _check_length(raw: str, spelled: str) -> None:
    if len(spelled) > MAX_PROJECT_NAME:
        shown = raw if len(raw) <= 2 * MAX_PROJECT_NAME else raw[:MAX_PROJECT_NAME] + "..."
        subject = "it" if spelled == raw else f"its spelling {spelled!r}"
        raise UsageError(
            f"invalid project name {shown!r}: {subject} is {len(spelled)} characters long, the "
            f"most is {MAX_PROJECT_NAME} (longer names break the generated code's line length)",
            "choose a shorter name",
        )


_PLURAL_RULES = (
    (re.compile(r"(?<=[^aeiou])y$"), "ies"),
    (re.compile(r"(?<=qui)z$"), "zzes"),  # as Rails: quiz -> quizzes
    (re.compile(r"(?:[sxz]|[cs]h)$"), r"\g<0>es"),
)
_UNCOUNTABLE = frozenset(
    {"data", "equipment", "information", "metadata", "news", "series", "species"}
)


def pluralize(word: str) -> str:
    """The English plural of one lowercase word by the common rules: `post` -> `posts`,
    `category` -> `categories`, `box` -> `boxes`, `status` -> `statuses`. A word ending in a
    single `s` (not `ss`, not `us`) is taken as plural already and left alone."""
    if not word or word in _UNCOUNTABLE:
        return word
    if word.endswith("s") and not word.endswith(("ss", "us")):
        return word
    for pattern, replacement in _PLURAL_RULES:
        if pattern.search(word):
            return pattern.sub(replacement, word, count=1)
    return word + "s"


def plural(name: Name) -> Name:
    """`BlogPost` -> `BlogPosts`: the last word pluralized, spelled like the original."""
    if not name.words:
        return name
    return Name("_".join((*name.words[:-1], pluralize(name.words[-1]))))


def spellings(name: Name) -> dict[str, object]:
    """Every spelling templates use, the plural ones included, as plain data (for Jinja and YAML).

    >>> spellings(Name("BlogPost"))["plural"]["kebab"]
    'blog-posts'
    """
    many = plural(name)
    spelled: dict[str, object] = {
        "raw": name.raw,
        "snake": name.snake,
        "kebab": name.kebab,
        "camel": name.camel,
        "human": name.human,
    }
    spelled["plural"] = {
        "snake": many.snake,
        "kebab": many.kebab,
        "camel": many.camel,
        "human": many.human,
    }
    return spelled
