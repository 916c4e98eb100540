"""The model generator's edits: register a model in `models/__init__.py`; add the other side of
a relationship to the model it references. Both follow the edit protocol of
`fastapi_mvc.generating.invocation.Edit` (check, apply, revoke) and are exactly reversible.

`models/__init__.py` imports every model so that `Base.metadata` knows every table:

    from demo.app.models.article import Article
    from demo.app.models.base import Base, Model, TimestampMixin

    # fastapi-mvc: generated models are imported above this line.

    __all__ = ["Article", "Base", "Model", "TimestampMixin"]

A model `Comment` with `article:references` adds to `Article` the line
`comments: Mapped[list[Comment]] = relationship(back_populates="article")`, imports `Comment`
under `if TYPE_CHECKING:` (the modules would import each other otherwise) and `relationship`;
`destroy` takes out exactly what was added, so the file returns to its bytes.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

from fastapi_mvc.generating.invocation import Change, EditRefused, TextEdit
from fastapi_mvc.pysource import assignment_of_list, call, format_import

MARKER = "# fastapi-mvc: generated models are imported above this line."


def _parse(path: Path, text: str, fix: str) -> ast.Module:
    try:
        return ast.parse(text)
    except SyntaxError as error:
        raise EditRefused(
            path, f"{path} does not parse ({error.msg}, line {error.lineno})", fix
        ) from None


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _imports_from(tree: ast.Module, module: str) -> list[ast.ImportFrom]:
    return [
        node
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module == module and node.level == 0
    ]


def _with_name(text: str, node: ast.ImportFrom, name: str, *, add: bool) -> str:
    """Rewrite one `from m import ...` statement with `name` added or removed."""
    names = [alias.name for alias in node.names if alias.name != name]
    if add:
        names.append(name)
    lines = _lines(text)
    start, end = node.lineno - 1, node.end_lineno or node.lineno
    replacement = [f"{line}\n" for line in format_import(node.module or "", names)] if names else []
    lines[start:end] = replacement
    if not names:
        _drop_extra_blank(lines, start)
    return "".join(lines)


def _drop_extra_blank(lines: list[str], index: int) -> None:
    """After deleting the only statement of a section, drop the blank line that opened it."""
    if 0 < index < len(lines) and not lines[index - 1].strip() and not lines[index].strip():
        del lines[index - 1]


def _uses(tree: ast.Module, name: str) -> int:
    """How often `name` is used as a name (imports do not count)."""
    return sum(1 for node in ast.walk(tree) if isinstance(node, ast.Name) and node.id == name)


@dataclass
class ModelRegistration(TextEdit):
    """Import the model in `models/__init__.py` above the marker and list it in `__all__`."""

    path: Path
    package: str
    module: str
    class_name: str
    owner: Path | None = None  # the model's module: a kept model stays registered

    @property
    def import_module(self) -> str:
        return f"{self.package}.app.models.{self.module}"

    def _tree(self, text: str) -> ast.Module:
        return _parse(self.path, text, "fix the syntax error, then run the generator again")

    def check(self) -> None:
        if not self.path.is_file():
            raise EditRefused(
                self.path,
                f"{self.path} does not exist",
                "restore it from the template (`fastapi-mvc update`) or from git",
            )
        text = self.path.read_text()
        tree = self._tree(text)
        if not self._registered(tree) and MARKER not in (line.strip() for line in _lines(text)):
            raise EditRefused(
                self.path,
                f"the marker line is missing from {self.path}, so the model was not registered",
                f"put the line {MARKER!r} back below the model imports",
            )

    def _registered(self, tree: ast.Module) -> bool:
        return any(
            alias.name == self.class_name
            for node in _imports_from(tree, self.import_module)
            for alias in node.names
        )

    def planned_apply(self) -> Change:
        self.check()
        text = self.path.read_text()
        new = text
        if not self._registered(self._tree(new)):
            new = self._insert_import(new)
        new = self._with_all(new, add=True)
        return Change("identical") if new == text else Change("insert", new)

    def _insert_import(self, text: str) -> str:
        tree = self._tree(text)
        lines = _lines(text)
        statement = [f"{line}\n" for line in format_import(self.import_module, [self.class_name])]
        prefix = f"{self.package}.app.models."
        siblings = [
            node
            for node in tree.body
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(prefix)
        ]
        later = [node for node in siblings if (node.module or "") > self.import_module]
        if later:
            position = later[0].lineno - 1
        elif siblings:
            position = siblings[-1].end_lineno or siblings[-1].lineno
        else:
            position = next(i for i, line in enumerate(lines) if line.strip() == MARKER)
        lines[position:position] = statement
        return "".join(lines)

    def _with_all(self, text: str, *, add: bool) -> str:
        tree = self._tree(text)
        for node in tree.body:
            if (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id == "__all__"
                and isinstance(node.value, ast.List | ast.Tuple)
            ):
                names = [
                    element.value
                    for element in node.value.elts
                    if isinstance(element, ast.Constant) and isinstance(element.value, str)
                ]
                wanted = sorted(
                    {*names, self.class_name} if add else set(names) - {self.class_name}
                )
                if wanted == names:
                    return text
                lines = _lines(text)
                replacement = assignment_of_list("", "__all__", [f'"{name}"' for name in wanted])
                lines[node.lineno - 1 : node.end_lineno] = [f"{line}\n" for line in replacement]
                return "".join(lines)
        return text

    def planned_revoke(self) -> Change:
        if not self.path.is_file():
            return Change("unchanged")
        text = self.path.read_text()
        try:
            tree = ast.parse(text)
        except SyntaxError:
            return Change("unchanged")
        new = text
        for node in reversed(_imports_from(tree, self.import_module)):
            if any(alias.name == self.class_name for alias in node.names):
                new = _with_name(new, node, self.class_name, add=False)
        new = self._with_all(new, add=False)
        return Change("unchanged") if new == text else Change("revoke", new)


@dataclass
class BackReference(TextEdit):
    """In the referenced model (`Article`), the other side of a child's (`Comment`) reference:

    comments: Mapped[list[Comment]] = relationship(back_populates="article")
    """

    path: Path
    package: str
    class_name: str  # the referenced model: Article
    attribute: str  # its new relationship: comments
    child_module: str  # comment
    child_class: str  # Comment
    back_populates: str  # the child's relationship: article
    owner: Path | None = None  # the child's module: a kept child keeps its other side

    @property
    def child_import(self) -> str:
        return f"{self.package}.app.models.{self.child_module}"

    def statement(self) -> list[str]:
        head = f"{self.attribute}: Mapped[list[{self.child_class}]] = relationship("
        return call("    ", head, [f'back_populates="{self.back_populates}"'])

    def _tree(self, text: str) -> ast.Module:
        return _parse(self.path, text, "fix the syntax error, then run the generator again")

    def _class(self, tree: ast.Module) -> ast.ClassDef | None:
        return next(
            (
                node
                for node in tree.body
                if isinstance(node, ast.ClassDef) and node.name == self.class_name
            ),
            None,
        )

    def _existing(self, node: ast.ClassDef) -> ast.AnnAssign | None:
        return next(
            (
                statement
                for statement in node.body
                if isinstance(statement, ast.AnnAssign)
                and isinstance(statement.target, ast.Name)
                and statement.target.id == self.attribute
            ),
            None,
        )

    def check(self) -> None:
        if not self.path.is_file():
            raise EditRefused(self.path, f"{self.path} does not exist", "generate that model first")
        text = self.path.read_text()
        tree = self._tree(text)
        node = self._class(tree)
        if node is None:
            raise EditRefused(
                self.path,
                f"{self.path} has no class {self.class_name}",
                f"name the model class {self.class_name}, or reference another model",
            )
        existing = self._existing(node)
        if existing is not None and not self._is_ours(text, existing):
            raise EditRefused(
                self.path,
                f"{self.class_name} already has an attribute {self.attribute!r}",
                f"rename it, so that {self.class_name}.{self.attribute} can list the "
                f"{self.child_class} rows",
            )

    def _is_ours(self, text: str, node: ast.AnnAssign) -> bool:
        lines = _lines(text)[node.lineno - 1 : node.end_lineno]
        return [line.rstrip("\n") for line in lines] == self.statement()

    # -- generate ---------------------------------------------------------------------------

    def planned_apply(self) -> Change:
        self.check()
        text = self.path.read_text()
        new = self._with_attribute(text)
        new = self._with_import(new, "sqlalchemy.orm", "Mapped", add=True)
        new = self._with_import(new, "sqlalchemy.orm", "relationship", add=True)
        new = self._with_import(new, "typing", "TYPE_CHECKING", add=True)
        new = self._with_child_import(new)
        return Change("identical") if new == text else Change("insert", new)

    def _with_attribute(self, text: str) -> str:
        tree = self._tree(text)
        node = self._class(tree)
        assert node is not None  # check() made sure
        if self._existing(node) is not None:
            return text
        declarations = [
            statement
            for statement in node.body
            if isinstance(statement, ast.AnnAssign | ast.Assign)
        ]
        last = declarations[-1] if declarations else node.body[-1]
        lines = _lines(text)
        position = last.end_lineno or last.lineno
        lines[position:position] = [f"{line}\n" for line in self.statement()]
        return "".join(lines)

    def _with_import(self, text: str, module: str, name: str, *, add: bool) -> str:
        """Import `name` from `module` (adding the statement in its isort section if none), or
        drop it once nothing uses it."""
        tree = self._tree(text)
        found = _imports_from(tree, module)
        present = any(alias.name == name for node in found for alias in node.names)
        if not add:
            return (
                _with_name(text, found[0], name, add=False)
                if present and not _uses(tree, name)
                else text
            )
        if present:
            return text
        if found:
            return _with_name(text, found[0], name, add=True)
        return _insert_statement(text, tree, module, name, self.package)

    def _with_child_import(self, text: str) -> str:
        tree = self._tree(text)
        block = _type_checking_block(tree)
        statement = f"    from {self.child_import} import {self.child_class}\n"
        lines = _lines(text)
        if block is None:
            imports = [node for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)]
            position = (imports[-1].end_lineno or imports[-1].lineno) if imports else 0
            lines[position:position] = ["\n", "if TYPE_CHECKING:\n", statement]
            return "".join(lines)
        children = [node for node in block.body if isinstance(node, ast.ImportFrom)]
        if any(
            node.module == self.child_import
            and any(alias.name == self.child_class for alias in node.names)
            for node in children
        ):
            return text
        later = [node for node in children if (node.module or "") > self.child_import]
        position = later[0].lineno - 1 if later else (block.end_lineno or block.lineno)
        lines.insert(position, statement)
        return "".join(lines)

    # -- destroy ----------------------------------------------------------------------------

    def planned_revoke(self) -> Change:
        if not self.path.is_file():
            return Change("unchanged")
        text = self.path.read_text()
        try:
            tree = ast.parse(text)
        except SyntaxError:
            return Change("unchanged")
        node = self._class(tree)
        existing = self._existing(node) if node is not None else None
        if existing is None or not self._is_ours(text, existing):
            return Change("unchanged")
        lines = _lines(text)
        del lines[existing.lineno - 1 : existing.end_lineno]
        new = self._without_child_import("".join(lines))
        new = self._with_import(new, "typing", "TYPE_CHECKING", add=False)
        new = self._with_import(new, "sqlalchemy.orm", "relationship", add=False)
        new = self._with_import(new, "sqlalchemy.orm", "Mapped", add=False)
        return Change("revoke", new)

    def _without_child_import(self, text: str) -> str:
        tree = ast.parse(text)
        block = _type_checking_block(tree)
        if block is None:
            return text
        lines = _lines(text)
        for node in block.body:
            if (
                isinstance(node, ast.ImportFrom)
                and node.module == self.child_import
                and [alias.name for alias in node.names] == [self.child_class]
            ):
                if len(block.body) == 1:
                    start = block.lineno - 1
                    del lines[start : block.end_lineno]
                    if start > 0 and not lines[start - 1].strip():
                        del lines[start - 1]
                else:
                    del lines[node.lineno - 1 : node.end_lineno]
                break
        return "".join(lines)


def _type_checking_block(tree: ast.Module) -> ast.If | None:
    return next(
        (
            node
            for node in tree.body
            if isinstance(node, ast.If)
            and isinstance(node.test, ast.Name)
            and node.test.id == "TYPE_CHECKING"
            and not node.orelse
        ),
        None,
    )


def _section(module: str, package: str) -> int:
    """isort's sections: __future__, standard library, third party, first party."""
    top = module.split(".")[0]
    if top == "__future__":
        return 0
    if top in sys.stdlib_module_names:
        return 1
    return 3 if top == package else 2


def _insert_statement(text: str, tree: ast.Module, module: str, name: str, package: str) -> str:
    """A new `from module import name` where isort puts it: sorted in its section, or as a
    section of its own between its neighbours."""
    lines = _lines(text)
    statement = f"from {module} import {name}\n"
    section = _section(module, package)
    imports = [node for node in tree.body if isinstance(node, ast.ImportFrom) and node.level == 0]
    same = [node for node in imports if _section(node.module or "", package) == section]
    if same:
        later = [node for node in same if (node.module or "") > module]
        position = later[0].lineno - 1 if later else (same[-1].end_lineno or same[-1].lineno)
        lines.insert(position, statement)
        return "".join(lines)
    before = [node for node in imports if _section(node.module or "", package) < section]
    after = [node for node in imports if _section(node.module or "", package) > section]
    if before:
        position = before[-1].end_lineno or before[-1].lineno
        lines[position:position] = ["\n", statement]
    elif after:
        position = after[0].lineno - 1
        lines[position:position] = [statement, "\n"]
    else:
        lines[0:0] = [statement]
    return "".join(lines)
