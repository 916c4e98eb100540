"""English plurals and singulars of model names, table names: one rule set, used everywhere.

Rails' inflector rules, trimmed to what names of tables need: the model `Person` is the table
`people`, `Category` is `categories`, `BlogPost` is `blog_posts`. Rules are tried in order, the
first that matches wins; irregular and uncountable words come before any rule.
"""

from __future__ import annotations

import re

from fastapi_mvc.naming import Name

_PLURALS = (
    (r"(quiz)$", r"\1zes"),
    (r"^(ox)$", r"\1en"),
    (r"([ml])ouse$", r"\1ice"),
    (r"(matr|vert|ind)(?:ix|ex)$", r"\1ices"),
    (r"(x|ch|ss|sh|zz)$", r"\1es"),
    (r"([^aeiouy]|qu)y$", r"\1ies"),
    (r"(hive)$", r"\1s"),
    (r"(?:([^f])fe|([lr])f)$", r"\1\2ves"),
    (r"sis$", "ses"),
    (r"([ti])um$", r"\1a"),
    (r"(buffal|tomat|potat|her)o$", r"\1oes"),
    (r"(bu)s$", r"\1ses"),
    (r"(alias|status|campus|bonus|virus)$", r"\1es"),
    (r"(octop)us$", r"\1i"),
    (r"(ax|test)is$", r"\1es"),
    (r"s$", "s"),
    (r"$", "s"),
)
_SINGULARS = (
    (r"(database)s$", r"\1"),
    (r"(quiz)zes$", r"\1"),
    (r"(matr)ices$", r"\1ix"),
    (r"(vert|ind)ices$", r"\1ex"),
    (r"^(ox)en", r"\1"),
    (r"(alias|status|campus|bonus|virus)(?:es)?$", r"\1"),
    (r"(octop)(?:us|i)$", r"\1us"),
    (r"^(a)x[ie]s$", r"\1xis"),
    (r"(cris|test)(?:is|es)$", r"\1is"),
    (r"(shoe)s$", r"\1"),
    (r"(o)es$", r"\1"),
    (r"(bus)(?:es)?$", r"\1"),
    (r"([ml])ice$", r"\1ouse"),
    (r"(x|ch|ss|sh|zz)es$", r"\1"),
    (r"(m)ovies$", r"\1ovie"),
    (r"(s)eries$", r"\1eries"),
    (r"([^aeiouy]|qu)ies$", r"\1y"),
    (r"([lr])ves$", r"\1f"),
    (r"(tive)s$", r"\1"),
    (r"(hive)s$", r"\1"),
    (r"([^f])ves$", r"\1fe"),
    (r"(^analy)(?:sis|ses)$", r"\1sis"),
    (r"((a)naly|(b)a|(d)iagno|(p)arenthe|(p)rogno|(s)ynop|(t)he)(?:sis|ses)$", r"\1sis"),
    (r"([ti])a$", r"\1um"),
    (r"(n)ews$", r"\1ews"),
    (r"(ss)$", r"\1"),
    (r"(us)$", r"\1"),
    (r"(is)$", r"\1"),
    (r"s$", ""),
)
_IRREGULAR = {
    "person": "people",
    "man": "men",
    "woman": "women",
    "child": "children",
    "goose": "geese",
    "foot": "feet",
    "tooth": "teeth",
    "move": "moves",
    "zombie": "zombies",
}
_UNCOUNTABLE = frozenset(
    {
        "equipment",
        "information",
        "rice",
        "money",
        "species",
        "series",
        "fish",
        "sheep",
        "deer",
        "jeans",
        "police",
        "news",
        "metadata",
    }
)
_PLURAL_RULES = tuple((re.compile(pattern), replacement) for pattern, replacement in _PLURALS)
_SINGULAR_RULES = tuple((re.compile(pattern), replacement) for pattern, replacement in _SINGULARS)
_SINGULAR_OF = {plural: singular for singular, plural in _IRREGULAR.items()}


def pluralize(word: str) -> str:
    """The plural of one lowercase word: `person` -> `people`, `box` -> `boxes`."""
    if not word or word in _UNCOUNTABLE:
        return word
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word in _SINGULAR_OF or _is_regular_plural(word):
        return word
    return _apply(_PLURAL_RULES, word)


def singularize(word: str) -> str:
    """The singular of one lowercase word: `people` -> `person`, `categories` -> `category`."""
    if not word or word in _UNCOUNTABLE:
        return word
    if word in _SINGULAR_OF:
        return _SINGULAR_OF[word]
    if word in _IRREGULAR:
        return word
    return _apply(_SINGULAR_RULES, word)


def is_plural(word: str) -> bool:
    """Whether a lowercase word reads as a plural: `articles` yes; `status`, `news` no."""
    return word in _SINGULAR_OF or _is_regular_plural(word)


def _is_regular_plural(word: str) -> bool:
    singular = _apply(_SINGULAR_RULES, word)
    return singular != word and _apply(_PLURAL_RULES, singular) == word


def _apply(rules: tuple[tuple[re.Pattern[str], str], ...], word: str) -> str:
    for pattern, replacement in rules:
        if pattern.search(word):
            return pattern.sub(replacement, word, count=1)
    return word


def plural_name(name: Name) -> Name:
    """`BlogPost` -> `BlogPosts`: the last word made plural."""
    return Name("_".join((*name.words[:-1], pluralize(name.words[-1]))))


def singular_name(name: Name) -> Name:
    """`blog_posts` -> `BlogPost`'s spellings: the last word made singular."""
    return Name("_".join((*name.words[:-1], singularize(name.words[-1]))))


def table_name(name: Name) -> str:
    """The table of a model: `Person` -> `people`, `BlogPost` -> `blog_posts`."""
    return plural_name(name).snake
