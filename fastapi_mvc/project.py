"""A generated project, known by its answers file `.fastapi-mvc.yml`.

The answers file is part of the project's repository, so it is input like any other: a hand
edit or a hostile clone can put anything in it. Names are checked against the template's own
rules when it is loaded, before they reach a path, copier or git; the template's origin
(`_src_path`, `_commit`) when an update asks for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi_mvc.errors import NotAProjectError, UsageError

ANSWERS_FILE = ".fastapi-mvc.yml"
REQUIRED_KEYS = ("project_name", "package_name", "script_name")
_RESTORE = f"restore it from git: git checkout -- {ANSWERS_FILE}"
# The template's validators, and for names it leaves free the spelling every default follows.
_NAME_RULES = {
    "project_name": (r"[A-Za-z][A-Za-z0-9_-]*", "letters, digits, '-' and '_', from a letter"),
    "package_name": (r"[a-z][a-z0-9_]*", "lowercase letters, digits and '_', from a letter"),
    "script_name": (r"[A-Za-z0-9][A-Za-z0-9._-]*", "letters, digits, '.', '-' and '_'"),
    "container_image_name": (r"[a-z0-9][a-z0-9._/-]*", "lowercase letters, digits, '.-_/'"),
    "chart_name": (r"[a-z0-9][a-z0-9._-]*", "lowercase letters, digits, '.', '-' and '_'"),
}
# A release tag (`0.30.0`), `git describe` output or a commit id; never an option.
_COMMIT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,127}")
_LOCAL_PATH = re.compile(r"(?:/|~/)[^\x00-\x1f\x7f]*")
_URL = re.compile(
    r"(?:(?:https?|ssh|git|git\+https|git\+ssh|file)://(?:[A-Za-z0-9._~%-]+@)?[A-Za-z0-9/]"
    r"|[A-Za-z0-9._-]+@[A-Za-z0-9]|gh:[A-Za-z0-9]|gl:[A-Za-z0-9])[^\s\x00-\x1f\x7f]*"
)


@dataclass(frozen=True)
class Project:
    """The project rooted at `root`, with the answers it was generated with."""

    root: Path
    answers: dict[str, Any]

    @classmethod
    def find(cls, start: Path | None = None) -> Project:
        """The project containing `start` (default: the working directory)."""
        here = (start or Path.cwd()).resolve()
        for directory in (here, *here.parents):
            if (directory / ANSWERS_FILE).is_file():
                return cls.load(directory)
        raise NotAProjectError(
            f"not a fastapi-mvc project: no {ANSWERS_FILE} in {here} or above",
            "cd into a project made by `fastapi-mvc new`",
        )

    @classmethod
    def load(cls, root: Path) -> Project:
        import yaml

        path = root / ANSWERS_FILE
        try:
            answers = yaml.safe_load(path.read_text()) or {}
        except yaml.YAMLError as error:
            raise NotAProjectError(
                f"{path} is not valid YAML ({error.__class__.__name__})",
                "restore it from git: git checkout -- .fastapi-mvc.yml",
            ) from None
        if not isinstance(answers, dict):
            answers = {}
        missing = [key for key in REQUIRED_KEYS if not answers.get(key)]
        if missing:
            raise NotAProjectError(
                f"{path} is missing {', '.join(missing)}",
                "restore it from git or regenerate the project with `fastapi-mvc new`",
            )
        for key, (pattern, rule) in _NAME_RULES.items():
            value = answers.get(key)
            if value is not None and not re.fullmatch(pattern, str(value)):
                raise NotAProjectError(
                    f"invalid {key} {value!r} in {ANSWERS_FILE}: use {rule}", _RESTORE
                )
        return cls(root, answers)

    @property
    def template_path(self) -> str:
        """Where the template came from (`_src_path`): an absolute or `~/` path, or a URL."""
        value = str(self.answers.get("_src_path", ""))
        if not (_LOCAL_PATH.fullmatch(value) or _URL.fullmatch(value)) or "::" in value:
            raise UsageError(
                f"invalid _src_path {value!r} in {ANSWERS_FILE}: "
                "not an absolute path, ~/ path or git URL",
                "set it to the template's absolute path or URL and commit, or restore it from git",
            )
        return value

    @property
    def template_commit(self) -> str:
        """The template version the project is at (`_commit`): a tag or commit id."""
        value = str(self.answers.get("_commit", ""))
        if not _COMMIT.fullmatch(value) or ".." in value or value.endswith((".", ".lock")):
            raise UsageError(
                f"invalid _commit {value!r} in {ANSWERS_FILE}: not a version tag or commit id",
                _RESTORE,
            )
        return value

    @property
    def package_name(self) -> str:
        return str(self.answers["package_name"])

    @property
    def script_name(self) -> str:
        return str(self.answers["script_name"])

    @property
    def package_dir(self) -> Path:
        return self.root / self.package_name

    @property
    def venv(self) -> Path:
        """The virtual environment `make install` creates; for a project made by the original
        fastapi-mvc without one, the Poetry environment it was installed into (compat.poetry)."""
        local = self.root / ".venv"
        if local.exists():
            return local
        from fastapi_mvc.compat.poetry import poetry_env

        return poetry_env(self.root) or local

    def venv_bin(self, program: str) -> Path:
        return self.venv / "bin" / program

    def feature(self, name: str) -> bool:
        return bool(self.answers.get(name, False))
