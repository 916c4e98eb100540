"""Register a controller in `<package>/app/router.py`, and take the registration out again.

The root router ends with an explicit marker; a controller is included right above it and its
module imported in sorted position, the way ruff's isort and black would write it:

    from fastapi import APIRouter

    from demo.app.controllers import articles, ready

    root_api_router = APIRouter(prefix="/api")

    root_api_router.include_router(ready.router)
    root_api_router.include_router(articles.router)
    # fastapi-mvc: generated controllers are included above this line.

Both changes are idempotent (`identical` when already there) and exactly reversible, so that
generate-then-destroy leaves router.py byte-identical. Without the marker nothing is guessed:
the edit is refused, with the line the user has to put back.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from fastapi_mvc.generating.invocation import EditRefused

MARKER = "# fastapi-mvc: generated controllers are included above this line."
LINE_LENGTH = 100
_INDENT = "    "


@dataclass
class RouterRegistration:
    """Import `<module>` from the controllers package; include its router above the marker."""

    path: Path
    package: str
    module: str

    @property
    def controllers_package(self) -> str:
        return f"{self.package}.app.controllers"

    def include_line(self, text: str) -> str:
        return f"{_router_variable(text)}.include_router({self.module}.router)"

    # -- generate ---------------------------------------------------------------------------

    def check(self) -> None:
        if not self.path.is_file():
            raise EditRefused(
                self.path,
                f"{self.path} does not exist",
                "restore it, or pass -R/--skip-routes and include the router yourself",
            )
        text = self.path.read_text()
        _controller_imports(text, self.controllers_package, self.path)
        if self.include_line(text) not in _stripped_lines(text) and _marker_index(text) is None:
            raise EditRefused(
                self.path,
                f"the marker line is missing from {self.path}, so the controller was not "
                f"registered",
                f"add the line {MARKER!r} back below the last include_router(...) call, or pass "
                f"-R/--skip-routes and add {self.include_line(text)!r} yourself",
            )

    def apply(self, *, pretend: bool) -> str:
        self.check()
        text = self.path.read_text()
        new = self._with_import(text)
        include = self.include_line(new)
        if include not in _stripped_lines(new):
            lines = new.splitlines(keepends=True)
            index = _marker_index(new)
            assert index is not None  # check() made sure
            indent = lines[index][: len(lines[index]) - len(lines[index].lstrip())]
            lines.insert(index, f"{indent}{include}\n")
            new = "".join(lines)
        if new == text:
            return "identical"
        if not pretend:
            self.path.write_text(new)
        return "insert"

    def _with_import(self, text: str) -> str:
        statements = _controller_imports(text, self.controllers_package, self.path)
        lines = text.splitlines(keepends=True)
        if any(self.module in names for _, _, names in statements):
            return text
        if statements:
            start, end, names = statements[0]
            lines[start:end] = [_format_import(self.controllers_package, [*names, self.module])]
            return "".join(lines)
        return _insert_statement(text, self.package, self.controllers_package, self.module)

    # -- destroy ----------------------------------------------------------------------------

    def revoke(self, *, pretend: bool) -> str:
        if not self.path.is_file():
            return "unchanged"
        text = self.path.read_text()
        include = self.include_line(text)
        lines = [line for line in text.splitlines(keepends=True) if line.strip() != include]
        new = "".join(lines)
        for start, end, names in reversed(
            _controller_imports(new, self.controllers_package, self.path)
        ):
            if self.module not in names:
                continue
            rest = [name for name in names if name != self.module]
            lines = new.splitlines(keepends=True)
            if rest:
                lines[start:end] = [_format_import(self.controllers_package, rest)]
            else:
                del lines[start:end]
                # The statement was alone in its section: drop the blank line that opened it.
                if (
                    0 < start < len(lines)
                    and not lines[start - 1].strip()
                    and not lines[start].strip()
                ):
                    del lines[start - 1]
            new = "".join(lines)
        if new == text:
            return "unchanged"
        if not pretend:
            self.path.write_text(new)
        return "revoke"


def _stripped_lines(text: str) -> set[str]:
    return {line.strip() for line in text.splitlines()}


def _marker_index(text: str) -> int | None:
    for index, line in enumerate(text.splitlines()):
        if line.strip() == MARKER:
            return index
    return None


def _router_variable(text: str) -> str:
    """The name bound to `APIRouter(...)` at module level (`root_api_router`)."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        tree = ast.Module(body=[], type_ignores=[])
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Call)
            and getattr(node.value.func, "id", None) == "APIRouter"
        ):
            return node.targets[0].id
    match = re.search(r"^\s*(\w+)\.include_router\(", text, re.MULTILINE)
    return match.group(1) if match else "root_api_router"


def _controller_imports(text: str, module: str, path: Path) -> list[tuple[int, int, list[str]]]:
    """(first line index, end line index, names) of each `from <module> import ...` statement."""
    try:
        tree = ast.parse(text)
    except SyntaxError as error:
        raise EditRefused(
            path,
            f"{path} does not parse ({error.msg}, line {error.lineno})",
            "fix the syntax error, or pass -R/--skip-routes",
        ) from None
    found = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == module and node.level == 0:
            if any(alias.asname for alias in node.names):
                continue  # `import x as y` is the user's own: leave it alone
            names = [alias.name for alias in node.names]
            found.append((node.lineno - 1, node.end_lineno or node.lineno, names))
    return found


def _format_import(module: str, names: list[str]) -> str:
    """One import statement as ruff's isort and black write it: one line if it fits."""
    names = sorted(set(names))
    line = f"from {module} import {', '.join(names)}\n"
    if len(line) - 1 <= LINE_LENGTH:
        return line
    body = "".join(f"{_INDENT}{name},\n" for name in names)
    return f"from {module} import (\n{body})\n"


def _insert_statement(text: str, package: str, module: str, name: str) -> str:
    """Add a new first-party import: sorted among the package's own, else as a new section."""
    tree = ast.parse(text)
    statement = _format_import(module, [name])
    lines = text.splitlines(keepends=True)
    imports = [node for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)]
    first_party = [
        node
        for node in imports
        if isinstance(node, ast.ImportFrom)
        and node.level == 0
        and (node.module or "").split(".")[0] == package
    ]
    if first_party:
        before = [node for node in first_party if (node.module or "") <= module]
        last = before[-1] if before else None
        position = (last.end_lineno or last.lineno) if last else first_party[0].lineno - 1
        lines.insert(position, statement)
    elif imports:
        position = imports[-1].end_lineno or imports[-1].lineno
        lines[position:position] = ["\n", statement]
    else:
        docstring = tree.body[0] if tree.body and isinstance(tree.body[0], ast.Expr) else None
        position = (docstring.end_lineno or 0) if docstring else 0
        lines[position:position] = ["\n", statement] if position else [statement]
    return "".join(lines)
