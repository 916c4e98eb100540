"""The work of `fastapi-mvc update`: replay the project's template version, merge in the target.

copier's smart update renders the template at the project's recorded `_commit` and at the
target version, and applies the difference to the project with a three-way merge. The checks
here run first, so that a refused update changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from fastapi_mvc import git, template_versions
from fastapi_mvc.errors import CommandFailed, FastapiMvcError, UsageError
from fastapi_mvc.project import ANSWERS_FILE, Project

# `--enable`/`--disable` names, as the `new` skip flags call them, to their answers.
FEATURES = {
    "redis": "redis",
    "aiohttp": "aiohttp",
    "helm": "helm",
    "actions": "github_actions",
    "github_actions": "github_actions",
    "codecov": "codecov",
    "nix": "nix",
    "vagrantfile": "vagrantfile",
}
_CONFLICT_MARKERS = (b"<<<<<<< ", b">>>>>>> ")


@dataclass
class UpdateRequest:
    root: Path | None = None
    use_version: str | None = None
    enable: list[str] = field(default_factory=list)
    disable: list[str] = field(default_factory=list)
    conflict: Literal["inline", "rej"] = "inline"
    pretend: bool = False
    interactive: bool = False
    quiet: bool = False


@dataclass
class UpdateSummary:
    """What an update did to the working tree, read back from git."""

    from_version: str
    to_version: str
    updated: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    up_to_date: bool = False


class AlreadyUpToDate(FastapiMvcError):
    """Not a failure: the project is at the target version already."""

    exit_code = 0


def feature_changes(request: UpdateRequest) -> dict[str, bool]:
    changes: dict[str, bool] = {}
    for names, value in ((request.enable, True), (request.disable, False)):
        for name in names:
            if name not in FEATURES:
                raise UsageError(
                    f"unknown feature {name!r}",
                    f"choose from: {', '.join(sorted(set(FEATURES) - {'github_actions'}))}",
                )
            answer = FEATURES[name]
            if changes.get(answer, value) != value:
                raise UsageError(f"feature {name!r} is both enabled and disabled", "pick one")
            changes[answer] = value
    if changes.get("github_actions") is False:
        changes["codecov"] = False
    return changes


def _is_ours(src_path: str) -> bool:
    return src_path.rstrip("/").endswith("fastapi-mvc/template")


def _describe(repo: Path, ref: str) -> str:
    return git.git("describe", "--tags", "--always", ref, cwd=repo).strip()


def plan(
    request: UpdateRequest,
) -> tuple[Project, template_versions.TemplateSource, dict[str, bool], str, str]:
    """Check everything before touching the tree; return what to run copier with."""
    project = Project.find(request.root)
    if not git.is_repository(project.root):
        raise UsageError(
            f"{project.root} is not a git repository",
            "update merges through git: run `git init && git add -A && git commit -m init` first",
        )
    dirty = git.dirty_files(project.root)
    if dirty:
        raise UsageError(
            f"uncommitted changes: {', '.join(dirty)}",
            "commit or stash them first, so the update can be reviewed and undone",
        )
    changes = feature_changes(request)
    src_path = str(project.answers.get("_src_path", ""))
    commit = str(project.answers.get("_commit", ""))
    if not src_path or not commit:
        raise UsageError(
            f"{ANSWERS_FILE} records no template version (_src_path/_commit)",
            "it was not made from a versioned template; regenerate it with `fastapi-mvc new`",
        )
    if not _is_ours(src_path):
        # An external template (`new --use-repo`): copier replays it from where it lives.
        return (
            project,
            template_versions.TemplateSource(src_path, request.use_version),
            changes,
            commit,
            request.use_version or "latest",
        )
    repo = template_versions.ensure_repository(Path(src_path).expanduser())
    target = (
        template_versions.source_for_version(request.use_version, repo)
        if request.use_version
        else template_versions.current_source(repo)
    )
    try:
        current = git.git("rev-parse", f"{commit}^{{commit}}", cwd=repo).strip()
    except CommandFailed:
        raise UsageError(
            f"the project's template version {commit} is not carried by this fastapi-mvc",
            f"carried versions: {', '.join(template_versions.released_versions(repo)) or 'none'}",
        ) from None
    wanted = git.git("rev-parse", f"{target.vcs_ref}^{{commit}}", cwd=repo).strip()
    from_version, to_version = _describe(repo, current), _describe(repo, wanted)
    if current == wanted and not _changes_answers(project, changes):
        raise AlreadyUpToDate(f"already up to date at template version {to_version}")
    if current != wanted and _is_ancestor(repo, wanted, current):
        raise UsageError(
            f"the project is at template version {from_version}, newer than {to_version}",
            "downgrades are not supported",
        )
    return project, target, changes, from_version, to_version


def _changes_answers(project: Project, changes: dict[str, bool]) -> bool:
    return any(project.answers.get(key) != value for key, value in changes.items())


def _is_ancestor(repo: Path, older: str, newer: str) -> bool:
    try:
        git.git("merge-base", "--is-ancestor", older, newer, cwd=repo)
    except CommandFailed:
        return False
    return True


def update(request: UpdateRequest) -> UpdateSummary:
    project, target, changes, from_version, to_version = plan(request)
    _run_update(project, target, changes, request)
    summary = UpdateSummary(from_version, to_version)
    if not request.pretend:
        _read_back(project.root, summary)
    return summary


def _run_update(
    project: Project,
    target: template_versions.TemplateSource,
    changes: dict[str, bool],
    request: UpdateRequest,
) -> None:
    import copier
    from copier.errors import CopierError
    from jinja2 import TemplateError

    options: dict[str, Any] = {
        "data": changes,
        "vcs_ref": target.vcs_ref,
        "defaults": not request.interactive,
        "overwrite": True,
        "pretend": request.pretend,
        "quiet": request.quiet,
        "conflict": request.conflict,
        "skip_answered": True,
        "unsafe": False,
    }
    try:
        copier.run_update(project.root, answers_file=ANSWERS_FILE, **options)
    except (CopierError, TemplateError) as error:
        raise FastapiMvcError(
            f"the update failed: {error}",
            "undo anything it changed with `git reset --hard && git clean -fd`",
        ) from None


def _read_back(root: Path, summary: UpdateSummary) -> None:
    for line in git.git("status", "--porcelain", "--untracked-files=all", cwd=root).splitlines():
        code, path = line[:2], line[3:]
        if path.endswith(".rej"):
            summary.conflicts.append(path[: -len(".rej")])
        elif code == "??" or "A" in code:
            summary.added.append(path)
        elif "D" in code:
            summary.removed.append(path)
        else:
            summary.updated.append(path)
            if "U" in code or _has_markers(root / path):
                summary.conflicts.append(path)


def _has_markers(path: Path) -> bool:
    try:
        lines = path.read_bytes().splitlines()
    except OSError:
        return False
    return any(line.startswith(_CONFLICT_MARKERS) for line in lines)
