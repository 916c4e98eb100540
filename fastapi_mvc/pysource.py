"""Python source lines as black and ruff's isort write them, for generators that emit code.

Generated code must pass the project's `black --check` and `ruff check` as written, so lines
that may grow past the line length (a call with a long name, an import of many names) are laid
out here the way black lays them out, rather than hoping they stay short.
"""

from __future__ import annotations

from collections.abc import Iterable

LINE_LENGTH = 100
INDENT = "    "


def call(indent: str, head: str, arguments: Iterable[str], tail: str = ")") -> list[str]:
    """`head` + arguments + `tail`, where head ends with the opening bracket, as black splits it:
    one line if it fits, else the arguments on one line of their own, else one per line."""
    arguments = list(arguments)
    joined = ", ".join(arguments)
    line = f"{indent}{head}{joined}{tail}"
    if len(line) <= LINE_LENGTH:
        return [line]
    inner = indent + INDENT
    if len(inner) + len(joined) <= LINE_LENGTH:
        return [f"{indent}{head}", f"{inner}{joined}", f"{indent}{tail}"]
    return [
        f"{indent}{head}",
        *(f"{inner}{argument}," for argument in arguments),
        f"{indent}{tail}",
    ]


def sort_names(names: Iterable[str]) -> list[str]:
    """isort's order inside one import: CONSTANTS, then Classes, then functions and variables."""

    def key(name: str) -> tuple[int, str]:
        if name.isupper() and len(name) > 1:
            return (0, name)
        return (1 if name[:1].isupper() else 2, name)

    return sorted(set(names), key=key)


def format_import(module: str, names: Iterable[str]) -> list[str]:
    """`from module import a, b` in isort order; too long, black puts one name per line."""
    ordered = sort_names(names)
    line = f"from {module} import {', '.join(ordered)}"
    if len(line) <= LINE_LENGTH:
        return [line]
    return [f"from {module} import (", *(f"{INDENT}{name}," for name in ordered), ")"]


def import_lines(pairs: Iterable[tuple[str, str]]) -> list[str]:
    """[(module, name)...] -> one `from module import ...` per module, modules sorted."""
    by_module: dict[str, set[str]] = {}
    for module, name in pairs:
        by_module.setdefault(module, set()).add(name)
    lines: list[str] = []
    for module in sorted(by_module):
        lines.extend(format_import(module, by_module[module]))
    return lines


def assignment_of_list(indent: str, target: str, items: Iterable[str]) -> list[str]:
    """`target = [a, b]`; too long, black puts one item per line (a literal always explodes)."""
    items = list(items)
    line = f"{indent}{target} = [{', '.join(items)}]"
    if len(line) <= LINE_LENGTH:
        return [line]
    return [f"{indent}{target} = [", *(f"{indent}{INDENT}{item}," for item in items), f"{indent}]"]
