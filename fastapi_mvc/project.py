"""A generated project, known by its answers file `.fastapi-mvc.yml`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi_mvc.errors import NotAProjectError

ANSWERS_FILE = ".fastapi-mvc.yml"
REQUIRED_KEYS = ("project_name", "package_name", "script_name")


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
        return cls(root, answers)

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
        """The virtual environment `make install` creates."""
        return self.root / ".venv"

    def venv_bin(self, program: str) -> Path:
        return self.venv / "bin" / program

    def feature(self, name: str) -> bool:
        return bool(self.answers.get(name, False))
