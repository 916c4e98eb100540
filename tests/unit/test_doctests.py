"""The examples in the tool's docstrings are true: every module that shows one is run."""

from __future__ import annotations

import doctest
import importlib
import re

import pytest
from support import REPO_ROOT

WITH_EXAMPLES = sorted(
    ".".join(path.relative_to(REPO_ROOT).with_suffix("").parts)
    for path in (REPO_ROOT / "fastapi_mvc").rglob("*.py")
    if re.search(r"^\s*>>> ", path.read_text(), re.MULTILINE)
)


def test_the_naming_rules_show_examples() -> None:
    assert "fastapi_mvc.naming" in WITH_EXAMPLES


@pytest.mark.parametrize("module", WITH_EXAMPLES)
def test_docstring_examples(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0, f"{module} shows '>>> ' lines that doctest does not find"
    assert result.failed == 0
