"""Names as users give them: every spelling, the plural, and the project names refused."""

from __future__ import annotations

import pytest

from fastapi_mvc.errors import UsageError
from fastapi_mvc.naming import (
    MAX_PROJECT_NAME,
    Name,
    plural,
    pluralize,
    spellings,
    validate,
    validate_project,
)

SPELLINGS = [
    # raw, snake, kebab, camel, human
    ("blog", "blog", "blog", "Blog", "Blog"),
    ("BlogPosts", "blog_posts", "blog-posts", "BlogPosts", "Blog posts"),
    ("blog-posts", "blog_posts", "blog-posts", "BlogPosts", "Blog posts"),
    ("blog_posts", "blog_posts", "blog-posts", "BlogPosts", "Blog posts"),
    ("blogPosts", "blog_posts", "blog-posts", "BlogPosts", "Blog posts"),
    ("HTTPServer", "http_server", "http-server", "HttpServer", "Http server"),
    ("APIKey", "api_key", "api-key", "ApiKey", "Api key"),
    ("my2app", "my2app", "my2app", "My2app", "My2app"),
    ("v2-api", "v2_api", "v2-api", "V2Api", "V2 api"),
    ("My-Blog", "my_blog", "my-blog", "MyBlog", "My blog"),
    ("a--b", "a_b", "a-b", "AB", "A b"),
]


@pytest.mark.parametrize(("raw", "snake", "kebab", "camel", "human"), SPELLINGS)
def test_every_spelling_of_a_name(raw, snake, kebab, camel, human):
    name = Name(raw)
    assert (name.snake, name.kebab, name.camel, name.human) == (snake, kebab, camel, human)


PLURALS = [
    ("post", "posts"),
    ("category", "categories"),
    ("day", "days"),
    ("box", "boxes"),
    ("quiz", "quizzes"),
    ("church", "churches"),
    ("dish", "dishes"),
    ("status", "statuses"),
    ("address", "addresses"),
    ("posts", "posts"),
    ("news", "news"),
    ("data", "data"),
    ("", ""),
]


@pytest.mark.parametrize(("word", "expected"), PLURALS)
def test_pluralize(word, expected):
    assert pluralize(word) == expected


def test_the_plural_of_a_name_pluralizes_its_last_word():
    assert plural(Name("BlogCategory")).camel == "BlogCategories"
    assert spellings(Name("BlogPost")) == {
        "raw": "BlogPost",
        "snake": "blog_post",
        "kebab": "blog-post",
        "camel": "BlogPost",
        "human": "Blog post",
        "plural": {
            "snake": "blog_posts",
            "kebab": "blog-posts",
            "camel": "BlogPosts",
            "human": "Blog posts",
        },
    }


REFUSED_PROJECTS = [
    ("app-", "ends with '-'"),
    ("app_", "ends with '_'"),
    ("a" * (MAX_PROJECT_NAME + 1), f"the most is {MAX_PROJECT_NAME}"),
    ("a" * 300, "it is 300 characters long"),
    # The package spelling is longer than what was typed: it is what must fit.
    ("Ab" * 10 + "Cdefghij", "its spelling 'ab_ab_ab"),
    ("1app", "starts with a digit"),
    ("my app", "use only letters"),
    ("class", "is a Python keyword"),
    ("json", "would shadow"),
    ("", "it is empty"),
]


@pytest.mark.parametrize(("raw", "message"), REFUSED_PROJECTS)
def test_project_names_that_would_make_a_broken_project_are_refused(raw, message):
    with pytest.raises(UsageError) as refused:
        validate_project(raw)
    assert message in str(refused.value)
    assert "\n" not in str(refused.value) and "; " in str(refused.value)


@pytest.mark.parametrize(
    "raw", ["a", "blog", "my-app", "My_App2", "a" * MAX_PROJECT_NAME, "a-b-c", "app-v2"]
)
def test_project_names_accepted(raw):
    assert validate_project(raw).raw == raw


def test_a_trailing_separator_is_fine_for_other_names():
    # A controller's raw spelling is never written out; only its words are.
    assert validate("posts_", "controller").snake == "posts"
