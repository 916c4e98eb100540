"""Undo a generator: revoke its edits, remove the files it would create, prune emptied folders.

What a generator created is known by running it again: the same arguments render the same files
into a scratch folder (the controller generator reads its endpoints back from the controller, so
its name alone is enough). A file on disk equal to its rendering is removed; one that differs was
changed since (or made with other arguments) and is kept and reported, unless --force. An edit
that belongs to a file (`owner`: a route and its controller) is revoked only when that file goes
too, so a kept controller stays routed. An `__init__.py` goes only with the last module of its
package, and a folder goes when nothing is left in it but caches. All of it happens in one
transaction, so `generate X` then `destroy X` restores the project byte for byte, and a failure
changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi_mvc.console import Console, Status
from fastapi_mvc.files import Transaction
from fastapi_mvc.generating.invocation import Change, Edit, Invocation
from fastapi_mvc.generating.runner import Planned, Runtime, plan, planned_edit, render

_CACHES = frozenset({"__pycache__"})
CHANGED = "changed since it was generated, or made with other arguments; --force removes it"


def destroy(invocation: Invocation, runtime: Runtime, console: Console) -> list[Planned]:
    """Revoke edits, then remove unchanged files (report `remove`, `keep` or `missing`).

    A composed run (`composition`) is undone in reverse: the composing generator's own edits
    and files first, then each composed generator's, all in one transaction.
    """
    from fastapi_mvc.generating.composition import INVOKE, refuse_overlaps, steps

    run = list(reversed(steps(invocation)))
    rendered = [(step, plan(step, render(step))) for step in run]
    refuse_overlaps([(step, item.path) for step, planned in rendered for item in planned], "remove")
    everything = [item for _, planned in rendered for item in planned]
    for item in everything:
        if item.status == Status.CREATE:
            item.status = Status.MISSING
        elif item.status == Status.IDENTICAL or runtime.force:
            item.status = Status.REMOVE
        else:
            item.status = Status.KEEP
    reasons = {item.path: CHANGED for item in everything if item.status == Status.KEEP}
    going = {item.path for item in everything if item.status == Status.REMOVE}
    for item in everything:
        package = item.path.parent
        if (
            item.status == Status.REMOVE
            and item.path.name == "__init__.py"
            and _still_used(package, going)
        ):
            item.status = Status.KEEP
            reasons[item.path] = "other modules of its package remain"
            going.discard(item.path)
    edits: list[tuple[Edit, Change | None]] = []
    for step, planned in rendered:
        if step is not invocation:
            console.status(INVOKE, step.generator.name)
        for edit in reversed(step.edits):
            change = _revoking(edit, going)
            edits.append((edit, change))
            shown = step.relative(edit.path)
            owner = _owner_stays(edit, going)
            if owner is not None:
                shown += f" (belongs with {step.relative(owner)}, which stays)"
            console.status(change.status if change else edit.revoke(pretend=True), shown)
        for item in reversed(planned):
            shown = step.relative(item.path)
            reason = reasons.get(item.path)
            console.status(item.status, f"{shown} ({reason})" if reason else shown)
    if runtime.pretend:
        return everything
    transaction = Transaction(root=invocation.destination)
    for edit, change in edits:
        if change is None:
            transaction.call(edit.path, _revoke(edit))
        elif change.text is not None:
            transaction.write(edit.path, change.text)
    for path in sorted(going):
        transaction.remove(path)
    _prune(transaction, going, invocation.destination)
    transaction.commit()
    return everything


def _revoking(edit: Edit, going: set[Path]) -> Change | None:
    """The edit's revocation; `keep` (no text) while the file it belongs to stays."""
    if _owner_stays(edit, going):
        return Change(Status.KEEP)
    return planned_edit(edit, "revoke")


def _owner_stays(edit: Edit, going: set[Path]) -> Path | None:
    owner: Path | None = getattr(edit, "owner", None)
    if owner is not None and owner not in going and (owner.exists() or owner.is_symlink()):
        return owner
    return None


def _revoke(edit: Edit) -> Callable[[], object]:
    return lambda: edit.revoke(pretend=False)


def _still_used(package: Path, going: set[Path]) -> bool:
    """Does the package keep anything besides its `__init__.py` and caches after removals?"""
    return any(
        entry.name not in _CACHES and entry.name != "__init__.py" and entry not in going
        for entry in package.iterdir()
    )


def _prune(transaction: Transaction, going: set[Path], root: Path) -> None:
    """Plan the removal of folders left holding nothing but caches, deepest first, never
    `root` itself."""
    candidates: set[Path] = set()
    for path in going:
        folder = path.parent
        while folder != root and root in folder.parents:
            candidates.add(folder)
            folder = folder.parent
    gone = set(going)
    for folder in sorted(candidates, key=lambda path: len(path.parts), reverse=True):
        if not folder.is_dir():
            continue
        left = [entry for entry in folder.iterdir() if entry not in gone]
        if all(entry.name in _CACHES and entry.is_dir() for entry in left):
            for cache in left:
                transaction.discard(cache)
            transaction.remove_folder(folder)
            gone.add(folder)
