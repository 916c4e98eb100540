"""The questions of a copier.yml, read with libyaml, are the ones PyYAML's safe loader reads."""

from __future__ import annotations

import pytest
import yaml

from fastapi_mvc.copier_questions import questions
from fastapi_mvc.resources import TEMPLATE_DIR


def test_our_templates_questions_are_what_the_safe_loader_reads() -> None:
    text = (TEMPLATE_DIR / "copier.yml").read_text()
    expected = {key: value for key, value in yaml.safe_load(text).items() if key[0] != "_"}
    assert questions(text) == expected
    assert {"project_name", "package_name", "database"} <= set(questions(text))


def test_settings_are_not_questions_and_an_empty_file_asks_nothing() -> None:
    assert questions("_subdirectory: project\nname: {default: demo}\n") == {
        "name": {"default": "demo"}
    }
    assert questions("") == {}


def test_it_loads_safely() -> None:
    with pytest.raises(yaml.constructor.ConstructorError):
        questions("name: !!python/object/apply:os.system ['true']\n")
