"""`fastapi-mvc update --from-original`: move a project made by the original onto our template.

Three trees of the project meet in a throw-away clone of its repository, never in the project:

- base: the original's template at the `_commit` the project records, rendered with its
  answers: the project as the original made it;
- yours: the project at HEAD, with every edit since;
- ours: our template (the installed version) rendered with the answers mapped from the
  original's (compat.answers).

git merges base -> ours into yours, as for any merge of two branches: a file you never touched
becomes ours (or goes, where ours has no such file), your edits are kept, and where both changed
the same lines the file gets conflict markers. A file ours removes that you changed is kept and
reported; a file you deleted stays deleted. Our answers file replaces the original's. The result
reaches the project through `updating.apply_changes`: all of it or, on failure or signal, none.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi_mvc import git, template_versions
from fastapi_mvc.compat.answers import our_answers
from fastapi_mvc.compat.moved_imports import rewrite_files
from fastapi_mvc.compat.moved_router import register, registered_controllers
from fastapi_mvc.compat.poetry import made_by_original
from fastapi_mvc.compat.versions import ORIGINAL_TEMPLATE_URL as ORIGINAL_TEMPLATE
from fastapi_mvc.errors import CommandFailed, FastapiMvcError, UsageError
from fastapi_mvc.git import TOOL_IDENTITY
from fastapi_mvc.project import ANSWERS_FILE, Project
from fastapi_mvc.updating import (
    KEPT_REASON,
    Stopped,
    UpdateInterrupted,
    UpdateSummary,
    apply_changes,
    has_markers,
    library_temporaries_in,
    stop_on_signals,
)

DELETED_REASON = "you deleted it and our template has it: left deleted"
IMPORT_REASON = "imports get_application from <package>.app.asgi, where our template keeps it"
YOURS, OURS = "yours", "fastapi-mvc"
# A git URL (scheme://, user@host:path, copier's gh:/gl:) rather than a path on this machine.
_URL = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*://|[^/\s]+@[^/\s]+:|gh:|gl:)")

__all__ = ["KEPT_REASON", "MoveRequest", "MoveSummary", "check_options", "move", "plan"]


@dataclass
class MoveRequest:
    root: Path | None = None
    original_template: str | None = None
    """A clone, bundle or URL of the original's template; default: the `_src_path` recorded."""
    pretend: bool = False


@dataclass
class MoveSummary(UpdateSummary):
    """What the move did (or would do), and how to undo it."""

    head: str = ""
    """The project's commit before the move."""
    deleted: list[str] = field(default_factory=list)
    """Files you deleted that our template has: left deleted."""
    imports: list[str] = field(default_factory=list)
    """Your files whose imports from the original's `<package>.app` now name our module."""

    @property
    def undo(self) -> str:
        return f"git reset --hard {self.head} && git clean -fd"

    @property
    def notes(self) -> list[tuple[str, str, str]]:
        """(label, path, reason) of what else the move did to your files."""
        return [("deleted", path, DELETED_REASON) for path in self.deleted] + [
            ("import", path, IMPORT_REASON) for path in self.imports
        ]


@dataclass(frozen=True)
class MovePlan:
    """A move that passed every check before anything was fetched or rendered."""

    project: Project
    top: Path
    source: str
    commit: str
    answers: dict[str, Any]
    target: template_versions.TemplateSource
    to_version: str


def move(request: MoveRequest) -> MoveSummary:
    checked = plan(request)
    summary = MoveSummary(
        f"the original's template {checked.commit}",
        checked.to_version,
        pretend=request.pretend,
    )
    try:
        with (
            stop_on_signals() as signals,
            tempfile.TemporaryDirectory(prefix="fastapi-mvc-move.") as tmp,
        ):
            scratch = Path(tmp)
            with library_temporaries_in(scratch / "tmp"):
                copy, summary.head = _merge_in_a_copy(checked, scratch, summary)
                changes = git.changes_since(copy, summary.head)
                _summarise(copy, changes, summary)
            if not request.pretend:
                apply_changes(checked.top, copy, changes, stopped=signals.settle())
    except Stopped as stopped:
        raise UpdateInterrupted(stopped.signum) from None
    return summary


# -- checks ----------------------------------------------------------------------------------


def check_options(
    from_original: bool,
    use_version: str | None,
    enable: list[str] | None,
    disable: list[str] | None,
    conflict: str,
) -> None:
    """Refuse the options of `update` that a move does not take, naming what to do instead."""
    if not from_original:
        raise UsageError("--original-template applies to --from-original", "add --from-original")
    if use_version is not None:
        raise UsageError(
            "--from-original moves the project to the installed template version",
            "drop --use-version",
        )
    if enable or disable:
        raise UsageError(
            "--from-original keeps the features the project has",
            "drop --enable/--disable, and run `fastapi-mvc update --enable ...` after the move",
        )
    if conflict != "inline":
        raise UsageError(
            "--from-original leaves conflicts as <<<<<<< markers", "drop --conflict rej"
        )


def plan(request: MoveRequest) -> MovePlan:
    """Check everything that can be checked before the templates are fetched."""
    project = Project.find(request.root)
    if not made_by_original(project.root):
        raise UsageError(
            f"{project.root.name} was not made by the original fastapi-mvc (its pyproject.toml "
            "is ours)",
            "run `fastapi-mvc update` without --from-original",
        )
    if not git.is_repository(project.root):
        raise UsageError(
            f"{project.root} is not a git repository",
            "the move merges through git: run `git init && git add -A && git commit -m init` "
            "first",
        )
    dirty = git.dirty_files(project.root)
    if dirty:
        raise UsageError(
            f"uncommitted changes: {', '.join(dirty)}",
            "commit or stash them first, so the move can be reviewed and undone",
        )
    commit = project.template_commit
    answers = our_answers(project.answers)
    source = _original_source(request.original_template, project)
    repo = template_versions.ensure_repository()
    target = template_versions.current_source(repo)
    to_version = git.describe(repo, str(target.vcs_ref))
    top = git.top_level(project.root)
    return MovePlan(project, top, source, commit, answers, target, to_version)


def _original_source(given: str | None, project: Project) -> str:
    if given is None:
        return project.template_path
    if _URL.match(given):
        return given
    path = Path(given).expanduser().resolve()
    if not path.exists():
        raise UsageError(
            f"--original-template {given} does not exist",
            f"give a clone or bundle of {ORIGINAL_TEMPLATE}, or its URL",
        )
    return str(path)


# -- the move, in a throw-away copy ----------------------------------------------------------


def _merge_in_a_copy(checked: MovePlan, scratch: Path, summary: MoveSummary) -> tuple[Path, str]:
    """Clone the project into `scratch` and merge there: (the clone, the project's HEAD)."""
    from copier.errors import OldTemplateWarning

    from fastapi_mvc.new_project import run_copier

    copy = scratch / "project"
    head = git.clone_at_head(checked.top, copy)
    original = _fetch_original(checked, scratch / "original")
    theirs = {k: v for k, v in checked.project.answers.items() if not k.startswith("_")}
    quiet: dict[str, Any] = {"defaults": True, "quiet": True}
    # skip_tasks: the original's early templates ran shell tasks; a replay needs none of them.
    with warnings.catch_warnings():
        # Its copier.yml asks for copier 6: it renders the same with ours.
        warnings.simplefilter("ignore", OldTemplateWarning)
        run_copier(
            str(original),
            scratch / "base",
            vcs_ref=checked.commit,
            data=theirs,
            skip_tasks=True,
            **quiet,
        )
    run_copier(
        checked.target.src_path,
        scratch / "ours",
        vcs_ref=checked.target.vcs_ref,
        data=checked.answers,
        unsafe=False,
        **quiet,
    )
    prefix = checked.project.root.relative_to(checked.top).as_posix()
    base = _commit(copy, _with_subtree(copy, head, prefix, scratch / "base"), [], "base")
    ours = _commit(copy, _with_subtree(copy, head, prefix, scratch / "ours"), [base], OURS)
    labels = {f"GITHEAD_{head}": YOURS, f"GITHEAD_{ours}": f"{OURS} {checked.to_version}"}
    try:
        git.git(*_MERGE_CONFIG, "merge-recursive", base, "--", head, ours, cwd=copy, env=labels)
    except CommandFailed:
        if not _unmerged(copy):
            raise
    unmerged = _unmerged(copy)
    root = copy / prefix
    # Ours replaces the original's answers file; a router that only registers controllers
    # gets them registered in ours.
    shutil.copyfile(scratch / "ours" / ANSWERS_FILE, root / ANSWERS_FILE)
    unmerged.pop((Path(prefix) / ANSWERS_FILE).as_posix(), None)
    router = Path(prefix) / checked.project.package_name / "app" / "router.py"
    if unmerged.get(router.as_posix()) == {1, 2, 3} and _moved_router(
        checked, scratch, git.show(copy, head, router.as_posix()) or "", copy / router
    ):
        del unmerged[router.as_posix()]
    _resolve(copy, unmerged, summary)
    moved = rewrite_files(root, checked.project.package_name)
    summary.imports = [(Path(prefix) / path).as_posix() for path in moved]
    return copy, head


def _moved_router(checked: MovePlan, scratch: Path, yours: str, router: Path) -> bool:
    """Our router with the controllers the original's generator registered, when that is all
    the user changed in the original's router."""
    package = checked.project.package_name
    relative = Path(package) / "app" / "router.py"
    base = scratch / "base" / relative
    controllers = registered_controllers(base.read_text(), yours, package)
    if controllers is None:
        return False
    shutil.copyfile(scratch / "ours" / relative, router)
    register(router, package, controllers)
    return True


# The user's git settings must not change how the merge is written.
_MERGE_CONFIG = (
    "-c",
    "merge.conflictStyle=merge",
    "-c",
    "merge.renames=true",
    "-c",
    "rerere.enabled=false",
    "-c",
    "core.autocrlf=false",
)


def _fetch_original(checked: MovePlan, clone: Path) -> Path:
    """A local clone of the original's template that has the project's `_commit`."""
    try:
        git.git("clone", "-q", "--no-checkout", operands=[checked.source, str(clone)])
    except CommandFailed as error:
        raise FastapiMvcError(
            f"cannot get the original's template from {checked.source}: {error.problem}",
            "give a local clone or bundle of it with --original-template PATH",
        ) from None
    if git.resolve(clone, checked.commit) is None:
        raise UsageError(
            f"the original's template at {checked.source} has no version {checked.commit} "
            f"(the _commit of {ANSWERS_FILE})",
            f"give --original-template a clone or bundle of {ORIGINAL_TEMPLATE} that has it",
        )
    return clone


def _with_subtree(repo: Path, head: str, prefix: str, directory: Path) -> str:
    """The tree of `head` with its `prefix` folder replaced by `directory` (the whole tree
    when the project is the repository itself)."""
    with tempfile.TemporaryDirectory(dir=repo.parent) as scratch:
        index = {"GIT_INDEX_FILE": os.path.join(scratch, "index")}
        files = {**index, "GIT_WORK_TREE": str(directory), "GIT_DIR": str(repo / ".git")}
        git.git("add", "-A", ".", cwd=directory, env=files)
        tree = git.git("write-tree", cwd=repo, env=files).strip()
        if prefix == ".":
            return tree
        git.git("read-tree", operands=[head], cwd=repo, env=index)
        git.git("rm", "-r", "-q", "--cached", "--ignore-unmatch", "--", prefix, cwd=repo, env=index)
        git.git("read-tree", f"--prefix={prefix}/", tree, cwd=repo, env=index)
        return git.git("write-tree", cwd=repo, env=index).strip()


def _commit(repo: Path, tree: str, parents: list[str], message: str) -> str:
    options = [option for parent in parents for option in ("-p", parent)]
    return git.git(
        "commit-tree", tree, *options, "-m", message, cwd=repo, env=TOOL_IDENTITY
    ).strip()


def _unmerged(repo: Path) -> dict[str, set[int]]:
    """Paths git could not merge -> their stages (1 base, 2 yours, 3 ours)."""
    stages: dict[str, set[int]] = {}
    for entry in filter(None, git.git("ls-files", "-u", "-z", cwd=repo).split("\0")):
        info, path = entry.split("\t", 1)
        stages.setdefault(path, set()).add(int(info.split()[2]))
    return stages


def _resolve(repo: Path, unmerged: dict[str, set[int]], summary: MoveSummary) -> None:
    """Settle what git left unmerged the way an update does, recording it in `summary`."""
    for path, stages in unmerged.items():
        if stages == {1, 3}:  # you deleted it, ours changed it: your deletion stands
            (repo / path).unlink(missing_ok=True)
            summary.deleted.append(path)
        elif stages == {1, 2}:  # ours removed it, you changed it: yours stays
            summary.kept.append(path)
            summary.conflicts.append(path)
        else:  # both changed it: markers (or, for a binary file, yours) for you to resolve
            summary.conflicts.append(path)


def _summarise(copy: Path, changes: list[tuple[str, str]], summary: MoveSummary) -> None:
    settled = set(summary.conflicts)
    for status, path in changes:
        if status == "D":
            summary.removed.append(path)
        elif status == "A":
            summary.added.append(path)
        else:
            summary.updated.append(path)
        if path not in settled and has_markers(copy / path):
            summary.conflicts.append(path)
