"""The feature and license tables match what the templates ask, and `new` answers with them."""

from __future__ import annotations

import re

import pytest
import yaml
from support import REPO_ROOT, new_project, run_cli

from fastapi_mvc import features
from fastapi_mvc.licenses import LICENSES, SPDX

TEMPLATE = yaml.safe_load((REPO_ROOT / "template" / "copier.yml").read_text())
GENERATOR = yaml.safe_load((REPO_ROOT / "generators" / "generator" / "copier.yml").read_text())
QUESTIONS = {key: value for key, value in TEMPLATE.items() if not key.startswith("_")}
# Features whose template questions are being written this round; remove each once it is asked.
ARRIVING = {"jobs"}


def answers(project):
    return yaml.safe_load((project / ".fastapi-mvc.yml").read_text())


def test_the_feature_table_is_the_templates_bool_questions():
    asked = {key for key, question in QUESTIONS.items() if question.get("type") == "bool"}
    table = {feature.answer for feature in features.FEATURES}
    assert asked <= table, f"questions without a feature: {asked - table}"
    assert table - asked <= ARRIVING, f"features the template does not ask: {table - asked}"


@pytest.mark.parametrize("feature", features.FEATURES, ids=lambda feature: feature.answer)
def test_a_features_requirements_are_the_questions_when_condition(feature):
    question = QUESTIONS.get(feature.answer)
    if question is None:
        assert feature.answer in ARRIVING
        return
    when = re.findall(r"\{\{\s*(\w+)\s*\}\}", str(question.get("when", "")))
    assert sorted(when) == sorted(feature.requires)


def test_update_names_cover_every_feature_and_its_answer():
    assert set(features.UPDATE_NAMES.values()) == set(features.BY_ANSWER)
    assert features.UPDATE_NAMES["actions"] == "github_actions"
    for feature in features.FEATURES:
        assert features.UPDATE_NAMES[feature.answer] == feature.answer


def test_the_database_choices_are_the_templates():
    if "database" in QUESTIONS:
        assert tuple(QUESTIONS["database"]["choices"]) == features.DATABASES
        assert QUESTIONS["database"]["default"] == features.DATABASES[0]
    else:
        assert features.DATABASES[0] == "sqlite"


def test_licenses_are_the_templates_and_the_generator_generators():
    assert list(LICENSES) == [str(choice) for choice in QUESTIONS["license"]["choices"]]
    (option,) = [o for o in GENERATOR["_generator"]["options"] if o["name"] == "license"]
    assert list(LICENSES) == [str(choice) for choice in option["choices"]]


def test_spdx_ids_are_the_ones_the_template_writes_into_pyproject():
    source = (REPO_ROOT / "template" / "project" / "pyproject.toml.jinja").read_text()
    block = source[source.index("{%- set spdx = {") : source.index("} -%}")]
    written = dict(re.findall(r'"([^"]+)": "([^"]+)"', block))
    assert written == {name: spdx for name, spdx in SPDX.items() if spdx is not None}


def test_requirements_switch_dependent_features_off():
    assert features.resolve({"github_actions": False})["codecov"] is False
    assert features.resolve({"redis": False})["jobs"] is False
    assert features.resolve({})["jobs"] is True
    assert set(features.resolve({}, declared={"redis", "nix"})) == {"redis", "nix"}
    with pytest.raises(ValueError, match="unknown features: kafka"):
        features.resolve({"kafka": False})


@pytest.mark.parametrize("feature", features.FEATURES, ids=lambda feature: feature.answer)
def test_every_feature_has_its_skip_flags_in_new_help(feature):
    shown = run_cli("new", "--help").output
    for flag in feature.skip_flags:
        assert flag in shown


def test_skip_flags_and_their_dependents_are_recorded_as_off(tmp_path):
    project = new_project(tmp_path, "shop", "--skip-actions", "-R")
    recorded = answers(project)
    # copier records no answer to a question its `when` skips.
    assert recorded["github_actions"] is False and recorded.get("codecov", False) is False
    assert recorded["redis"] is False and recorded["aiohttp"] is True
    assert recorded.get("jobs", False) is False
    assert not (project / ".github").exists()


def test_database_and_jobs_are_answered_only_when_the_template_asks(tmp_path):
    recorded = answers(new_project(tmp_path, "shop", "--skip-jobs"))
    assert ("jobs" in recorded) == ("jobs" in QUESTIONS)
    assert recorded.get("jobs", False) is False
    if "database" in QUESTIONS:
        assert recorded["database"] == "sqlite"
        chosen = answers(new_project(tmp_path / "pg", "shop", "-D", "postgresql"))
        assert chosen["database"] == "postgresql"
    else:
        assert "database" not in recorded


def test_an_unknown_database_is_a_usage_error(tmp_path):
    result = run_cli("new", "-n", "-I", "-D", "oracle", str(tmp_path / "shop"))
    assert result.exit_code == 2
    assert list(tmp_path.iterdir()) == []


def test_a_database_for_a_template_version_without_one_is_refused(tmp_path):
    result = run_cli(
        "new", "-n", "-I", "--use-version", "0.30.0", "-D", "sqlite", str(tmp_path / "shop")
    )
    assert result.exit_code == 2
    assert "template version 0.30.0 has no database option" in result.output
    assert list(tmp_path.iterdir()) == []


def test_an_old_template_version_renders_without_the_new_answers(tmp_path):
    recorded = answers(new_project(tmp_path, "shop", "--use-version", "0.30.0", "--skip-jobs"))
    assert "database" not in recorded and "jobs" not in recorded


def test_new_help_shows_the_defaults_of_database_and_license():
    shown = " ".join(run_cli("new", "--help").output.split())
    assert "[default: sqlite]" in shown and "[default: MIT]" in shown
