"""The template's optional features, in one table: what `new` skips and `update` toggles.

Each feature is a bool question of `template/copier.yml` (the answer key). `new` offers a
`--skip-X` flag for it and `update` an `--enable/--disable NAME`; a feature that `requires`
another is off whenever that one is off (Codecov uploads from the GitHub Actions workflow;
background jobs use Redis as their broker). The template stays a standalone copier template, so
a unit test keeps this table and its copier.yml in step.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Feature:
    """One optional part of a generated project."""

    answer: str
    """The copier answer key in `.fastapi-mvc.yml`."""
    skip_flags: tuple[str, ...]
    """`new`'s flags that turn it off, e.g. ("-R", "--skip-redis")."""
    help: str
    """What skipping it leaves out, for `new --help`."""
    update_names: tuple[str, ...]
    """The names `update --enable/--disable` accept for it."""
    requires: tuple[str, ...] = ()
    """Answers that must be on for this one to be on."""


FEATURES: tuple[Feature, ...] = (
    Feature("redis", ("-R", "--skip-redis"), "No Redis client utility.", ("redis",)),
    Feature("aiohttp", ("-A", "--skip-aiohttp"), "No aiohttp client utility.", ("aiohttp",)),
    Feature("vagrantfile", ("-V", "--skip-vagrantfile"), "No Vagrantfile.", ("vagrantfile",)),
    Feature("helm", ("-H", "--skip-helm"), "No Helm chart.", ("helm",)),
    Feature(
        "github_actions",
        ("-G", "--skip-actions"),
        "No GitHub Actions workflows (and so no Codecov upload).",
        ("actions", "github_actions"),
    ),
    Feature(
        "codecov",
        ("-C", "--skip-codecov"),
        "No Codecov upload in CI.",
        ("codecov",),
        requires=("github_actions",),
    ),
    Feature("nix", ("-N", "--skip-nix"), "No Nix expressions.", ("nix",)),
    Feature(
        "jobs",
        ("-J", "--skip-jobs"),
        "No background jobs (taskiq worker); also off with --skip-redis, their broker.",
        ("jobs",),
        requires=("redis",),
    ),
)

BY_ANSWER: Mapping[str, Feature] = {feature.answer: feature for feature in FEATURES}

UPDATE_NAMES: Mapping[str, str] = {
    name: feature.answer for feature in FEATURES for name in feature.update_names
}
"""`update --enable/--disable NAME` -> the answer key it changes."""

DATABASES = ("sqlite", "postgresql", "none")
"""The choices of the template's `database` question; the first is the default."""

Database = enum.Enum("Database", {name: name for name in DATABASES}, type=str)  # type: ignore[misc]


def resolve(choices: Mapping[str, bool], declared: Iterable[str] | None = None) -> dict[str, bool]:
    """Every feature on or off: `choices` (answer -> on) with the others on, then any feature
    whose requirement is off turned off too. With `declared` (the template's questions), features
    the template does not ask about are left out, so an older template still renders."""
    unknown = set(choices) - set(BY_ANSWER)
    if unknown:
        raise ValueError(f"unknown features: {', '.join(sorted(unknown))}")
    state = {feature.answer: choices.get(feature.answer, True) for feature in FEATURES}
    changed = True
    while changed:  # requirements may chain
        changed = False
        for feature in FEATURES:
            if state[feature.answer] and not all(state[need] for need in feature.requires):
                state[feature.answer] = False
                changed = True
    if declared is not None:
        asked = set(declared)
        state = {answer: on for answer, on in state.items() if answer in asked}
    return state
