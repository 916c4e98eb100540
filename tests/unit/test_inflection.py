"""The inflector: one rule set that turns model names into table names and back."""

from __future__ import annotations

import pytest

from fastapi_mvc.inflection import is_plural, pluralize, singularize, table_name
from fastapi_mvc.naming import Name

PAIRS = [
    ("article", "articles"),
    ("person", "people"),
    ("category", "categories"),
    ("box", "boxes"),
    ("mouse", "mice"),
    ("status", "statuses"),
    ("child", "children"),
    ("man", "men"),
    ("woman", "women"),
    ("ox", "oxen"),
    ("quiz", "quizzes"),
    ("bus", "buses"),
    ("address", "addresses"),
    ("match", "matches"),
    ("dish", "dishes"),
    ("day", "days"),
    ("knife", "knives"),
    ("wolf", "wolves"),
    ("analysis", "analyses"),
    ("crisis", "crises"),
    ("datum", "data"),
    ("medium", "media"),
    ("matrix", "matrices"),
    ("index", "indices"),
    ("octopus", "octopi"),
    ("virus", "viruses"),
    ("alias", "aliases"),
    ("potato", "potatoes"),
    ("photo", "photos"),
    ("shoe", "shoes"),
    ("movie", "movies"),
    ("hive", "hives"),
    ("tag", "tags"),
    ("sheep", "sheep"),
    ("news", "news"),
    ("equipment", "equipment"),
]


@pytest.mark.parametrize(("singular", "plural"), PAIRS)
def test_plural_and_singular_are_each_others_inverse(singular: str, plural: str) -> None:
    assert pluralize(singular) == plural
    assert singularize(plural) == singular
    assert pluralize(plural) == plural  # already plural: left alone
    assert singularize(singular) == singular


@pytest.mark.parametrize(
    ("model", "table"),
    [
        ("Person", "people"),
        ("Category", "categories"),
        ("BlogPost", "blog_posts"),
        ("blog_post", "blog_posts"),
        ("LineItem", "line_items"),
        ("Status", "statuses"),
        ("Box", "boxes"),
        ("Mouse", "mice"),
        ("Child", "children"),
        ("HTTPStatus", "http_statuses"),
    ],
)
def test_a_model_names_its_table_by_its_last_word_in_the_plural(model: str, table: str) -> None:
    assert table_name(Name(model)) == table


@pytest.mark.parametrize("word", ["articles", "people", "categories", "mice", "children", "boxes"])
def test_plurals_are_recognised(word: str) -> None:
    assert is_plural(word)


@pytest.mark.parametrize("word", ["article", "person", "status", "bus", "news", "sheep", "address"])
def test_singulars_and_uncountables_are_not_plural(word: str) -> None:
    assert not is_plural(word)


def test_an_empty_word_stays_empty() -> None:
    assert pluralize("") == singularize("") == ""
