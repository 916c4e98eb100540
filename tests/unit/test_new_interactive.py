"""Without -n, `new` asks copier's questions in the terminal, prefilled with derived answers."""

from __future__ import annotations

import sys

import pexpect
import yaml
from support import new_project


def test_questions_are_asked_prefilled_and_answers_recorded(tmp_path):
    child = pexpect.spawn(
        sys.executable,
        ["-m", "fastapi_mvc", "new", "-I", "--skip-git", "-R", str(tmp_path / "blog")],
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 160),
    )
    child.expect("describing the project")
    child.send(" Now with comments.\r")
    asked = ["describing the project"]
    for _ in range(40):
        index = child.expect(["\U0001f3a4[^\n]*", pexpect.EOF])
        if index == 1:
            break
        asked.append(child.after)
        child.send("\r")
    child.close()
    assert child.exitstatus == 0, child.before
    assert any("Python package name" in question for question in asked)
    # -R was given on the command line: the Redis question is not asked again.
    assert not any("Redis" in question for question in asked)

    answers = yaml.safe_load((tmp_path / "blog" / ".fastapi-mvc.yml").read_text())
    defaults = yaml.safe_load(
        (new_project(tmp_path / "n", "blog", "-R") / ".fastapi-mvc.yml").read_text()
    )
    assert answers.pop("project_description").endswith("fastapi-mvc. Now with comments.")
    defaults.pop("project_description")
    # The template version is checked elsewhere; here only the answers matter.
    answers.pop("_commit"), defaults.pop("_commit")
    assert answers == defaults
