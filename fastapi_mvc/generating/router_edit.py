"""Register a controller in `<package>/app/router.py`, and take the registration out again.

The root router ends with an explicit marker; a controller is included right above it and its
module imported in sorted position, the way ruff's isort and black would write it:

    from demo.app.controllers import articles, ready
    from demo.app.routing import ApiRouter

    root_api_router = ApiRouter(prefix="/api")

    root_api_router.include_router(ready.router)
    root_api_router.include_router(articles.router)
    # fastapi-mvc: generated controllers are included above this line.

Both changes are idempotent (`identical` when already there) and exactly reversible, so that
generate-then-destroy leaves router.py byte-identical. Without the marker nothing is guessed:
the edit is refused, with the line the user has to put back. The one exception is a router made
by the original fastapi-mvc (a Poetry project whose router has, after `APIRouter(...)`, only
top-level `include_router(...)` calls): the marker is added below its last include, and reported.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from fastapi_mvc.console import Status
from fastapi_mvc.generating.invocation import Change, EditRefused, TextEdit

MARKER = "# fastapi-mvc: generated controllers are included above this line."
LINE_LENGTH = 100
_INDENT = "    "
_SKIP = "pass -R/--skip-routes and include the router yourself"
ORIGINAL_NOTE = (
    "        note  {path} was made by the original fastapi-mvc and had no marker line; it was "
    "added below the last include_router(...): keep it there"
)


@dataclass
class RouterRegistration(TextEdit):
    """Import `<module>` from the controllers package; include its router above the marker."""

    path: Path
    package: str
    module: str

    @property
    def controllers_package(self) -> str:
        return f"{self.package}.app.controllers"

    @property
    def owner(self) -> Path:  # type: ignore[override]
        """The controller module the route belongs to: destroy revokes the route only with it."""
        return self.path.parent / "controllers" / f"{self.module}.py"

    def include_line(self, text: str) -> str:
        return f"{_router_variable(text)}.include_router({self.module}.router)"

    # -- generate ---------------------------------------------------------------------------

    def check(self) -> None:
        self.planned_apply()

    def planned_apply(self) -> Change:
        text = self._read()
        new = self._with_import(text)
        note = None
        if _marker_index(new) is None and self._made_by_original(new):
            new, note = self._with_marker(new), ORIGINAL_NOTE.format(path=self.path.name)
        if not _includes(self._parse(new), self.module):
            new = self._with_include(new)
        if new == text:
            return Change(Status.IDENTICAL)
        return Change(Status.INSERT, new, note)

    def _made_by_original(self, text: str) -> bool:
        """The original's router shape, in a project the original made (its Poetry packaging),
        so that a marker a user of ours deleted is never re-added."""
        from fastapi_mvc.compat.poetry import made_by_original

        root = self.path.parent.parent.parent
        return _original_router_end(self._parse(text)) is not None and made_by_original(root)

    def _with_marker(self, text: str) -> str:
        """The original's router with our marker below its last statement."""
        end = _original_router_end(self._parse(text))
        lines = text.splitlines(keepends=True)
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += _newline(text)
        lines.insert(end or len(lines), f"{MARKER}{_newline(text)}")
        return "".join(lines)

    def _read(self) -> str:
        if self.path.is_dir():
            raise EditRefused(
                self.path,
                f"{self.path} is a folder, where the root router module should be",
                f"move the folder away and restore router.py, or {_SKIP}",
            )
        if not self.path.is_file():
            raise EditRefused(self.path, f"{self.path} does not exist", f"restore it, or {_SKIP}")
        return self.path.read_bytes().decode("utf-8")

    def _parse(self, text: str) -> ast.Module:
        try:
            return ast.parse(text)
        except SyntaxError as error:
            raise EditRefused(
                self.path,
                f"{self.path} does not parse ({error.msg}, line {error.lineno})",
                "fix the syntax error, or pass -R/--skip-routes",
            ) from None

    def _with_include(self, text: str) -> str:
        include = self.include_line(text)
        index = _marker_index(text)
        if index is None:
            raise EditRefused(
                self.path,
                f"the marker line is missing from {self.path}, so the controller was not "
                f"registered",
                f"add the line {MARKER!r} back below the last include_router(...) call, or pass "
                f"-R/--skip-routes and add {include!r} yourself",
            )
        lines = text.splitlines(keepends=True)
        inside = any(
            node.lineno <= index + 1 <= (node.end_lineno or node.lineno)
            for node in self._parse(text).body
        )
        if lines[index][:1].isspace() or inside:
            raise EditRefused(
                self.path,
                f"the marker line in {self.path} (line {index + 1}) is inside a block, where an "
                f"include would not run at import",
                "move it back to the top level, below the last include_router(...) call, or "
                f"pass -R/--skip-routes and add {include!r} yourself",
            )
        lines.insert(index, f"{include}{_newline(text)}")
        return "".join(lines)

    def _with_import(self, text: str) -> str:
        statements = _controller_imports(self._parse(text), self.controllers_package)
        lines = text.splitlines(keepends=True)
        if any(self.module in names for _, _, names in statements):
            return text
        if statements:
            start, end, names = statements[0]
            lines[start:end] = [_format_import(self.controllers_package, [*names, self.module])]
            return "".join(lines)
        return _insert_statement(text, self.package, self.controllers_package, self.module)

    # -- destroy ----------------------------------------------------------------------------

    def planned_revoke(self) -> Change:
        """Take out every include of `<module>.router` (whatever its other arguments) and the
        module's import; refuse when the module is still used otherwise, rather than leave a
        name whose import is gone."""
        if not self.path.is_file():
            return Change(Status.UNCHANGED)
        text = self.path.read_bytes().decode("utf-8")
        tree = self._parse(text)
        self._refuse_foreign_imports(tree)
        lines = text.splitlines(keepends=True)
        for node in sorted(_includes(tree, self.module), key=lambda n: n.lineno, reverse=True):
            first, last = node.lineno - 1, node.end_lineno or node.lineno
            if _shares_lines(tree, node):
                self._refuse(node.lineno, "shares its line with other code")
            del lines[first:last]
        new = "".join(lines)
        tree = self._parse_after(new)
        for start, end, names in reversed(_controller_imports(tree, self.controllers_package)):
            if self.module not in names:
                continue
            lines = new.splitlines(keepends=True)
            rest = [name for name in names if name != self.module]
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
        used = _uses(self._parse_after(new), self.module)
        if used is not None:
            self._refuse(used, "still uses it after its import and include are taken out")
        if new == text:
            return Change(Status.UNCHANGED)
        return Change(Status.REVOKE, new)

    def _parse_after(self, text: str) -> ast.Module:
        try:
            return ast.parse(text)
        except SyntaxError as error:
            self._refuse(error.lineno or 0, "would not parse without its include_router(...)")

    def _refuse_foreign_imports(self, tree: ast.Module) -> None:
        """An import of the module that the edit does not write (aliased, dotted, of `router`)
        would be left pointing at a deleted file."""
        dotted = f"{self.controllers_package}.{self.module}"
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                ours = node.module == self.controllers_package and any(
                    alias.name == self.module for alias in node.names
                )
                aliased = ours and any(alias.asname for alias in node.names)
                nested = ours and node not in tree.body
                foreign = aliased or nested or node.module == dotted
            else:
                foreign = isinstance(node, ast.Import) and any(
                    alias.name == dotted or alias.name.startswith(dotted + ".")
                    for alias in node.names
                )
            if foreign and isinstance(node, ast.stmt):
                self._refuse(node.lineno, "imports it in a way fastapi-mvc does not edit")

    def _refuse(self, line: int, why: str) -> NoReturn:
        raise EditRefused(
            self.path,
            f"{self.path} line {line} {why}: the controller {self.module!r} cannot be "
            "unregistered safely",
            f"take {self.module!r} out of {self.path.name} yourself, then run destroy again "
            "(nothing was changed)",
        )


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _includes(tree: ast.Module, module: str) -> list[ast.stmt]:
    """Statements `<router>.include_router(<module>.router, ...)`, anywhere in the module."""
    found: list[ast.stmt] = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)):
            continue
        call = node.value
        if (
            isinstance(call.func, ast.Attribute)
            and call.func.attr == "include_router"
            and call.args
            and isinstance(call.args[0], ast.Attribute)
            and call.args[0].attr == "router"
            and isinstance(call.args[0].value, ast.Name)
            and call.args[0].value.id == module
        ):
            found.append(node)
    return found


def _shares_lines(tree: ast.Module, statement: ast.stmt) -> bool:
    """Is another simple statement on one of `statement`'s lines (`a(); b()`)?"""
    first, last = statement.lineno, statement.end_lineno or statement.lineno
    return any(
        isinstance(node, ast.stmt)
        and node is not statement
        and not hasattr(node, "body")
        and (node.end_lineno or node.lineno) >= first
        and node.lineno <= last
        for node in ast.walk(tree)
    )


def _uses(tree: ast.Module, name: str) -> int | None:
    """The first line still reading the name `name`, if any."""
    lines = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load)
    ]
    return min(lines) if lines else None


def _original_router_end(tree: ast.Module) -> int | None:
    """The last line of a router shaped like the original fastapi-mvc's: an `APIRouter(...)`
    assignment followed only by `<router>.include_router(...)` statements; None otherwise."""
    body = tree.body
    start = next(
        (
            index
            for index, node in enumerate(body)
            if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call)
            and getattr(node.value.func, "id", None) == "APIRouter"
        ),
        None,
    )
    if start is None:
        return None
    rest = body[start + 1 :]
    if not all(
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Call)
        and isinstance(node.value.func, ast.Attribute)
        and node.value.func.attr == "include_router"
        for node in rest
    ):
        return None
    last = body[-1]
    return last.end_lineno or last.lineno


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


def _controller_imports(tree: ast.Module, module: str) -> list[tuple[int, int, list[str]]]:
    """(first line index, end line index, names) of each `from <module> import ...` statement
    at the top level whose names are not aliased (an aliased import is the user's own)."""
    found = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == module and node.level == 0:
            if any(alias.asname for alias in node.names):
                continue
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
