"""Add requirements to a project's `[project] dependencies` in pyproject.toml, and take them out.

The requirements go at the end of the list, under a comment naming what added them, so that
destroy removes exactly those lines; a requirement the project lists already (by its name, any
version) is neither added nor removed:

    dependencies = [
        "fastapi>=0.162",
        # fastapi-mvc generate authentication
        "pyjwt>=2.10",
    ]

Read line by line, never rewritten by a TOML library: the rest of the file keeps its bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from fastapi_mvc.console import Status
from fastapi_mvc.generating.invocation import Change, EditRefused, TextEdit

_TABLE = re.compile(r"^\s*\[([^\[\]]+)\]\s*(#.*)?$")
_OPENING = re.compile(r"^dependencies\s*=\s*\[\s*(#.*)?$")
_ITEM = re.compile(r"""^\s*["']([^"']+)["']\s*,?\s*(#.*)?$""")


def requirement_name(requirement: str) -> str:
    """A requirement's distribution name, normalized (PEP 503): `PyJWT>=2` -> `pyjwt`."""
    name = re.split(r"[\s\[<>=!~;@(]", requirement.strip(), maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass
class ProjectDependencies(TextEdit):
    """`requirements` appended to the project's dependencies under `# <comment>`."""

    path: Path
    requirements: tuple[str, ...]
    comment: str
    note: str | None = None  # told below the status line when the requirements are added
    owner: Path | None = None

    @property
    def marker(self) -> str:
        return f"# {self.comment}"

    def check(self) -> None:
        self.planned_apply()

    def _read(self) -> list[str]:
        if not self.path.is_file():
            raise EditRefused(
                self.path,
                f"{self.path} does not exist",
                "restore it from git; the project's dependencies are listed there",
            )
        return self.path.read_text().splitlines(keepends=True)

    def _bounds(self, lines: list[str]) -> tuple[int, int] | None:
        """The lines of `dependencies = [` and of its closing `]` in the [project] table."""
        table = None
        for index, line in enumerate(lines):
            header = _TABLE.match(line)
            if header:
                table = header.group(1).strip()
            elif table == "project" and _OPENING.match(line):
                for end in range(index + 1, len(lines)):
                    if lines[end].strip().startswith("]"):
                        return index, end
                return None
        return None

    def _listed(self, lines: list[str]) -> set[str]:
        return {
            requirement_name(match.group(1))
            for line in lines
            if (match := _ITEM.match(line)) is not None
        }

    def planned_apply(self) -> Change:
        lines = self._read()
        bounds = self._bounds(lines)
        if bounds is None:
            raise EditRefused(
                self.path,
                f"{self.path.name} has no `dependencies = [` list, one requirement per line, in "
                "its [project] table",
                f"add {', '.join(self.requirements)} to its dependencies yourself",
            )
        start, end = bounds
        inside = lines[start + 1 : end]
        if any(line.strip() == self.marker for line in inside):
            return Change(Status.IDENTICAL)
        listed = self._listed(inside)
        missing = [r for r in self.requirements if requirement_name(r) not in listed]
        if not missing:
            return Change(Status.IDENTICAL)
        items = [line for line in inside if _ITEM.match(line)]
        indent = items[0][: len(items[0]) - len(items[0].lstrip())] if items else "    "
        newline = "\r\n" if lines[start].endswith("\r\n") else "\n"
        if items and not items[-1].split("#")[0].rstrip().endswith(","):
            last = start + 1 + inside.index(items[-1])
            body = lines[last].rstrip("\r\n")
            lines[last] = re.sub(r"""(["'])(\s*(#.*)?)$""", r"\1,\2", body, count=1) + newline
        block = [f"{indent}{self.marker}{newline}"]
        block += [f'{indent}"{requirement}",{newline}' for requirement in missing]
        lines[end:end] = block
        return Change(Status.INSERT, "".join(lines), self.note)

    def planned_revoke(self) -> Change:
        try:
            lines = self._read()
        except EditRefused:
            return Change(Status.UNCHANGED)
        bounds = self._bounds(lines)
        if bounds is None:
            return Change(Status.UNCHANGED)
        start, end = bounds
        ours = {f'"{requirement}",' for requirement in self.requirements}
        for index in range(start + 1, end):
            if lines[index].strip() == self.marker:
                stop = index + 1
                while stop < end and lines[stop].strip() in ours:
                    stop += 1
                del lines[index:stop]
                return Change(Status.REVOKE, "".join(lines))
        return Change(Status.UNCHANGED)
