"""The answers of a project made by the original fastapi-mvc, as our template's answers.

The original's template (copier-project 0.1.0 to 0.6.1) asked most of what ours asks, under the
same keys and with the same choices, so those carry over as they are: the names (the package,
the script, the image and the chart keep the spelling the project has), the texts, the license
and the features both templates have. What ours asks and the original did not is answered the
way the original's projects were: no background jobs and no database (both can be turned on
later with `update --enable`), no Codecov upload (its CI did not upload), a Vagrantfile (every
version of it had one). `fastapi_mvc_version` is the original's own and is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, NoReturn

from fastapi_mvc.errors import UsageError
from fastapi_mvc.licenses import LICENSES
from fastapi_mvc.project import ANSWERS_FILE

# Text answers, and the rule ours checks where it has one (package, script, image and chart
# names are checked by `Project.load` already).
KEPT_TEXT: Mapping[str, tuple[str, str] | None] = {
    "project_name": (r"[A-Za-z][A-Za-z0-9_-]*", "letters, digits, '-' and '_', from a letter"),
    "package_name": None,
    "script_name": None,
    "container_image_name": None,
    "chart_name": None,
    "project_description": None,
    "version": None,
    "author": None,
    "email": None,
    "repo_url": None,
    "copyright_date": None,
}
KEPT_FEATURES = ("redis", "aiohttp", "helm", "github_actions", "nix")
NEW_ANSWERS: Mapping[str, Any] = {
    "jobs": False,
    "codecov": False,
    "vagrantfile": True,
    "database": "none",
}
DROPPED = frozenset({"fastapi_mvc_version"})


def our_answers(theirs: Mapping[str, Any]) -> dict[str, Any]:
    """Our template's answers for a project answered `theirs` (its `.fastapi-mvc.yml`).

    An answer the original left out (`copyright_date` without a license) is left to our
    default; one ours would refuse stops the move with the key and how to fix it.
    """
    ours: dict[str, Any] = {}
    for key, rule in KEPT_TEXT.items():
        value = theirs.get(key)
        if value is None:
            continue
        text = str(value)
        if rule is not None and not re.fullmatch(rule[0], text):
            _refuse(key, value, f"use {rule[1]}")
        ours[key] = text
    license = theirs.get("license")
    if license is not None:
        if license not in LICENSES:
            _refuse("license", license, f"use one of {', '.join(LICENSES)}")
        ours["license"] = license
    for key in KEPT_FEATURES:
        value = theirs.get(key)
        if value is None:
            continue
        if not isinstance(value, bool):
            _refuse(key, value, "use true or false")
        ours[key] = value
    ours.update(NEW_ANSWERS)
    return ours


def _refuse(key: str, value: Any, rule: str) -> NoReturn:
    raise UsageError(
        f"{key} {value!r} in {ANSWERS_FILE} cannot move onto fastapi-mvc's template: {rule}",
        f"correct it in {ANSWERS_FILE}, commit, and run the move again",
    )
