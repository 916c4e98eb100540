"""Undo a generator: revoke its edits, remove the files it would create, prune emptied folders.

What a generator created is known by running it again: the same arguments render the same files
into a scratch folder. A file on disk equal to its rendering is removed; one that differs was
changed since (or made with other arguments) and is kept and reported, unless --force. An
`__init__.py` goes only with the last module of its package, and a folder goes when nothing is
left in it but caches. So `generate X` then `destroy X` restores the project byte for byte.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from fastapi_mvc.console import Console
from fastapi_mvc.generating.invocation import Invocation
from fastapi_mvc.generating.runner import Planned, Runtime, plan, render

_CACHES = frozenset({"__pycache__"})


def destroy(invocation: Invocation, runtime: Runtime, console: Console) -> list[Planned]:
    """Revoke edits, then remove unchanged files (report `remove`, `keep` or `missing`)."""
    planned = plan(invocation, render(invocation))
    for item in planned:
        if item.status == "create":
            item.status = "missing"
        elif item.status == "identical" or runtime.force:
            item.status = "remove"
        else:
            item.status = "keep"
    changed = "changed since it was generated; --force removes it"
    reasons = {item.path: changed for item in planned if item.status == "keep"}
    going = {item.path for item in planned if item.status == "remove"}
    for item in planned:
        package = item.path.parent
        if (
            item.status == "remove"
            and item.path.name == "__init__.py"
            and _still_used(package, going)
        ):
            item.status = "keep"
            reasons[item.path] = "other modules of its package remain"
            going.discard(item.path)
    for edit in reversed(invocation.edits):
        console.status(edit.revoke(pretend=runtime.pretend), invocation.relative(edit.path))
    for item in reversed(planned):
        shown = invocation.relative(item.path)
        reason = reasons.get(item.path)
        console.status(item.status, f"{shown} ({reason})" if reason else shown)
    if not runtime.pretend:
        for item in planned:
            if item.status == "remove":
                item.path.unlink()
        _prune({item.path.parent for item in planned if item.status == "remove"}, invocation)
    return planned


def _still_used(package: Path, going: set[Path]) -> bool:
    """Does the package keep anything besides its `__init__.py` and caches after removals?"""
    return any(
        entry.name not in _CACHES and entry.name != "__init__.py" and entry not in going
        for entry in package.iterdir()
    )


def _prune(folders: set[Path], invocation: Invocation) -> None:
    """Remove folders left holding nothing but caches, deepest first, never the destination."""
    root = invocation.destination
    candidates: set[Path] = set()
    for folder in folders:
        while folder != root and root in folder.parents:
            candidates.add(folder)
            folder = folder.parent
    for folder in sorted(candidates, key=lambda path: len(path.parts), reverse=True):
        if not folder.is_dir():
            continue
        entries = list(folder.iterdir())
        if all(entry.name in _CACHES and entry.is_dir() for entry in entries):
            for cache in entries:
                shutil.rmtree(cache)
            folder.rmdir()
