"""The answers of a project made by the original fastapi-mvc, mapped onto our template's: one
case per answer of ours, and the answers ours would refuse."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from fastapi_mvc.compat.answers import our_answers
from fastapi_mvc.errors import UsageError
from fastapi_mvc.resources import TEMPLATE_DIR

# `.fastapi-mvc.yml` as the original 0.28.1 wrote it for copier-project 0.6.1.
THEIRS: dict[str, Any] = {
    "_commit": "0.6.1",
    "_src_path": "https://github.com/fastapi-mvc/copier-project.git",
    "aiohttp": True,
    "author": "Ada Lovelace",
    "chart_name": "galactic-empire",
    "container_image_name": "galactic_empire",
    "copyright_date": "2022",
    "email": "ada@example.com",
    "fastapi_mvc_version": "0.28.1",
    "github_actions": False,
    "helm": True,
    "license": "Apache2.0",
    "nix": False,
    "package_name": "galactic_empire",
    "project_description": "Death Star operations.",
    "project_name": "galactic-empire",
    "redis": False,
    "repo_url": "https://example.com/empire.git",
    "script_name": "galactic_empire",
    "version": "1.2.3",
}
OUR_QUESTIONS = {
    key for key in yaml.safe_load((TEMPLATE_DIR / "copier.yml").read_text()) if key[0] != "_"
}


@pytest.mark.parametrize(
    "key",
    [
        "project_name",
        "package_name",
        "script_name",
        "container_image_name",
        "chart_name",
        "project_description",
        "version",
        "author",
        "email",
        "repo_url",
        "copyright_date",
        "license",
        "redis",
        "aiohttp",
        "helm",
        "github_actions",
        "nix",
    ],
)
def test_an_answer_both_templates_ask_keeps_its_value(key: str) -> None:
    assert our_answers(THEIRS)[key] == THEIRS[key]


@pytest.mark.parametrize(
    "key, value",
    [
        ("jobs", False),  # the original had no background jobs
        ("database", "none"),  # nor a database layer
        ("codecov", False),  # its CI did not upload coverage
        ("vagrantfile", True),  # every version of it had a Vagrantfile
    ],
)
def test_an_answer_only_ours_asks_is_what_the_original_made(key: str, value: object) -> None:
    assert our_answers(THEIRS)[key] == value


def test_every_question_of_our_template_is_answered_and_nothing_else() -> None:
    assert set(our_answers(THEIRS)) == OUR_QUESTIONS


def test_the_originals_own_keys_are_dropped() -> None:
    ours = our_answers(THEIRS)
    assert "fastapi_mvc_version" not in ours
    assert not [key for key in ours if key.startswith("_")]


def test_a_year_copier_6_wrote_as_a_number_becomes_text() -> None:
    assert our_answers({**THEIRS, "copyright_date": 2021})["copyright_date"] == "2021"


def test_no_copyright_date_without_a_license_leaves_it_to_our_default() -> None:
    theirs = {key: value for key, value in THEIRS.items() if key != "copyright_date"}
    ours = our_answers({**theirs, "license": "no"})
    assert ours["license"] == "no" and "copyright_date" not in ours


@pytest.mark.parametrize(
    "key, value, rule",
    [
        ("project_name", "galactic empire", "use letters, digits, '-' and '_', from a letter"),
        ("license", "GPLv3", "use one of MIT, BSD2"),
        ("redis", "yes", "use true or false"),
    ],
)
def test_an_answer_ours_would_refuse_stops_the_move_naming_it(
    key: str, value: object, rule: str
) -> None:
    with pytest.raises(UsageError) as refused:
        our_answers({**THEIRS, key: value})
    message = str(refused.value)
    assert message.startswith(f"{key} {value!r} in .fastapi-mvc.yml cannot move"), message
    assert rule in message and "correct it in .fastapi-mvc.yml" in message
