"""The work of `fastapi-mvc update`: replay the project's template version, merge in the target.

copier's smart update renders the template at the project's recorded `_commit` and at the
target version, and applies the difference with a three-way merge. It runs here in a throw-away
clone of the project, never in the project itself, so that:

- the checks of `plan` come first, and a refused, failed or interrupted update changes nothing;
- `--pretend` reports exactly what the real update would do;
- a file the new template removes is deleted from the project only if the user never changed it;
- the result reaches the project in one short phase that signals cannot cut in half.
"""

from __future__ import annotations

import os
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any, Literal

from fastapi_mvc import copier_speed, features, git, template_versions
from fastapi_mvc.errors import CommandFailed, FastapiMvcError, UsageError
from fastapi_mvc.project import ANSWERS_FILE, Project

# `--enable`/`--disable` names to their answers: the bool features, and the database (an engine
# or none).
FEATURES = {**features.UPDATE_NAMES, "database": "database"}
ENGINES = tuple(database for database in features.DATABASES if database != "none")
KEPT_REASON = "removed by the template, kept because you changed it"
# Files whose change means the project's environment must be rebuilt.
_DEPENDENCY_FILES = frozenset({"pyproject.toml", "poetry.lock"})
_CONFLICT_MARKERS = (b"<<<<<<< ", b">>>>>>> ")
_SIGNALS = (signal.SIGINT, signal.SIGTERM)


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
    """What the update did (or, pretended, would do) to the project: repository-relative paths."""

    from_version: str
    to_version: str
    pretend: bool = False
    updated: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)

    @property
    def dependencies_changed(self) -> bool:
        changed = (*self.updated, *self.added, *self.removed)
        return any(Path(path).name in _DEPENDENCY_FILES for path in changed)


@dataclass(frozen=True)
class Plan:
    """An update that passed every check: what to replay copier with."""

    project: Project
    target: template_versions.TemplateSource
    changes: dict[str, Any]
    from_version: str
    to_version: str
    ours: bool


class AlreadyUpToDate(FastapiMvcError):
    """Not a failure: the project is at the target version already."""

    exit_code = 0


class UpdateInterrupted(FastapiMvcError):
    """SIGINT or SIGTERM stopped the update; the project was left (or put back) as it was."""

    def __init__(self, signum: int) -> None:
        name = signal.Signals(signum).name
        super().__init__(f"update interrupted by {name}; the project is unchanged")
        self.exit_code = 128 + signum


class Stopped(BaseException):
    """Raised by the signal handler; a BaseException so that no library swallows it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def update(request: UpdateRequest) -> UpdateSummary:
    checked = plan(request)
    summary = UpdateSummary(checked.from_version, checked.to_version, pretend=request.pretend)
    try:
        with (
            stop_on_signals() as signals,
            tempfile.TemporaryDirectory(prefix="fastapi-mvc-update.") as tmp,
        ):
            scratch = Path(tmp)
            with library_temporaries_in(scratch / "tmp"):
                copy, head = _update_a_copy(checked, request, scratch)
                changes = _read_back(checked, copy, head, scratch, summary)
            if not request.pretend:
                top = git.top_level(checked.project.root)
                apply_changes(top, copy, changes, stopped=signals.settle())
    except Stopped as stopped:
        raise UpdateInterrupted(stopped.signum) from None
    return summary


# -- checks ----------------------------------------------------------------------------------


def plan(request: UpdateRequest) -> Plan:
    """Check everything before anything is written."""
    project = Project.find(request.root)
    from fastapi_mvc.compat.moving import refuse_original_update

    refuse_original_update(project)
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
    wanted = _requested_features(request)
    changes = _feature_answers(wanted, project.answers)
    if not project.answers.get("_src_path") or not project.answers.get("_commit"):
        raise UsageError(
            f"{ANSWERS_FILE} records no template version (_src_path/_commit)",
            "it was not made from a versioned template; regenerate it with `fastapi-mvc new`",
        )
    src_path, commit = project.template_path, project.template_commit
    if not _is_ours(src_path):
        # An external template (`new --use-repo`): copier replays it from where it lives.
        version = request.use_version or "latest"
        target = template_versions.TemplateSource(src_path, request.use_version)
        return Plan(project, target, changes, commit, version, ours=False)
    # Our own template is replayed from this machine's cache, whatever path the answers record.
    repo = template_versions.ensure_repository()
    target = (
        template_versions.source_for_version(request.use_version, repo)
        if request.use_version
        else template_versions.current_source(repo)
    )
    current = git.resolve(repo, commit)
    if current is None:
        raise UsageError(
            f"the project's template version {commit} is not carried by this fastapi-mvc",
            f"carried versions: {', '.join(template_versions.released_versions(repo)) or 'none'}",
        )
    newest = git.resolve(repo, str(target.vcs_ref))
    assert newest is not None, "the cache carries every version it offers"
    changes = _known_to_template(repo, str(target.vcs_ref), wanted, changes)
    from_version, to_version = git.describe(repo, current), git.describe(repo, newest)
    if current == newest and not _changes_answers(project, changes):
        raise AlreadyUpToDate(f"already up to date at template version {to_version}")
    if current != newest and git.is_ancestor(repo, newest, current):
        raise UsageError(
            f"the project is at template version {from_version}, newer than {to_version}",
            "downgrades are not supported",
        )
    return Plan(project, target, changes, from_version, to_version, ours=True)


def _requested_features(request: UpdateRequest) -> dict[str, bool]:
    """Answer name -> on/off, from `--enable a,b --disable c` (comma lists or repeated)."""
    wanted: dict[str, bool] = {}
    for names, value in ((request.enable, True), (request.disable, False)):
        for name in (part.strip() for item in names for part in item.split(",")):
            if not name:
                continue
            if name not in FEATURES:
                choices = ", ".join(name for name in FEATURES if name != "github_actions")
                raise UsageError(f"unknown feature {name!r}", f"choose from: {choices}")
            answer = FEATURES[name]
            if wanted.get(answer, value) != value:
                raise UsageError(f"feature {name!r} is both enabled and disabled", "pick one")
            wanted[answer] = value
    return wanted


def _feature_answers(wanted: dict[str, bool], answers: dict[str, Any]) -> dict[str, Any]:
    """The answers that turn the wanted features on or off, with what they need or imply."""
    changes: dict[str, Any] = dict(wanted)
    for answer, on in wanted.items():
        feature = features.BY_ANSWER.get(answer)
        if feature is None:  # the database, not an on/off feature
            continue
        if not on:
            changes.update(
                {other.answer: False for other in features.FEATURES if answer in other.requires}
            )
            continue
        for need in feature.requires:
            if wanted.get(need) is False:
                raise UsageError(f"{answer} needs {need}", f"do not disable {need} as well")
            changes[need] = True
    if "database" in wanted:
        database = answers.get("database")
        keep = wanted["database"] and database in ENGINES
        changes["database"] = database if keep else (ENGINES[0] if wanted["database"] else "none")
    return changes


def _known_to_template(
    repo: Path, ref: str, wanted: dict[str, bool], changes: dict[str, Any]
) -> dict[str, Any]:
    """Refuse a feature the target template does not have; drop implied answers it lacks."""
    from fastapi_mvc.copier_questions import questions as questions_of

    questions = questions_of(git.show(repo, ref, "copier.yml") or "")
    missing = [answer for answer in wanted if answer not in questions]
    if missing:
        raise UsageError(
            f"the template version {git.describe(repo, ref)} has no {', '.join(missing)} feature",
            "update fastapi-mvc to a version that has it",
        )
    return {answer: value for answer, value in changes.items() if answer in questions}


def _is_ours(src_path: str) -> bool:
    return src_path.rstrip("/").endswith("fastapi-mvc/template")


def _changes_answers(project: Project, changes: dict[str, Any]) -> bool:
    return any(project.answers.get(key) != value for key, value in changes.items())


# -- the update, in a throw-away copy --------------------------------------------------------


def _update_a_copy(checked: Plan, request: UpdateRequest, scratch: Path) -> tuple[Path, str]:
    """Clone the project's repository into `scratch` and update it there: (clone, its base)."""
    top = git.top_level(checked.project.root)
    copy = scratch / "project"
    head = git.clone_at_head(top, copy)
    root = copy / checked.project.root.relative_to(top)
    if checked.ours:
        _point_answers_at(root / ANSWERS_FILE, checked.target.src_path, copy)
    options: dict[str, Any] = {
        "data": checked.changes,
        "vcs_ref": checked.target.vcs_ref,
        "defaults": not request.interactive,
        "overwrite": True,
        "quiet": request.quiet,
        "conflict": request.conflict,
        "skip_answered": True,
    }
    import copier

    with _copier_errors(checked.project.template_path), copier_speed.faster():
        copier.run_update(root, answers_file=ANSWERS_FILE, unsafe=False, **options)
    if checked.ours:
        _keep_router_registrations(checked, root, copy, head)
    return copy, head


def _keep_router_registrations(checked: Plan, root: Path, copy: Path, head: str) -> None:
    """A conflicted root router whose only changes were `generate`'s registrations becomes the
    new template's, with the same controllers registered (router_merge)."""
    import yaml

    from fastapi_mvc.router_merge import keep_registrations

    router = root / checked.project.package_name / "app" / "router.py"
    if not has_markers(router) and not router.with_name(router.name + ".rej").exists():
        return
    yours = git.show(copy, head, router.relative_to(copy).as_posix())
    new_answers = yaml.safe_load((root / ANSWERS_FILE).read_text())
    if yours is None or not isinstance(new_answers, dict):
        return
    old_answers = {k: v for k, v in checked.project.answers.items() if not k.startswith("_")}
    keep_registrations(
        router,
        yours,
        template_versions.repository_path(),
        (checked.project.template_commit, str(checked.target.vcs_ref)),
        (old_answers, {k: v for k, v in new_answers.items() if not k.startswith("_")}),
    )


def _point_answers_at(answers_file: Path, src_path: str, copy: Path) -> None:
    """Make the copy's answers name this machine's cache, where copier replays the old version."""
    import yaml

    line = yaml.safe_dump({"_src_path": src_path}, default_flow_style=False, allow_unicode=True)
    lines = answers_file.read_text().splitlines(keepends=True)
    pointed = [line if old.startswith("_src_path:") else old for old in lines]
    if pointed != lines:
        answers_file.write_text("".join(pointed))
        git.commit_all(copy, "Replay the template from this machine's cache")


@contextmanager
def _copier_errors(src_path: str) -> Iterator[None]:
    """copier's failures (in the throw-away copy: the project is untouched), turned into ours."""
    from copier.errors import CopierError
    from jinja2 import TemplateError
    from plumbum import ProcessExecutionError

    try:
        yield
    except (CopierError, TemplateError) as error:
        raise FastapiMvcError(
            f"the update failed: {error}; the project is unchanged",
            "report this if the template is fastapi-mvc's own",
        ) from None
    except ValueError as error:  # copier's word for a template path that is not one
        raise UsageError(
            f"cannot read the template at {src_path}: {error}",
            f"check that it exists, or fix _src_path in {ANSWERS_FILE}",
        ) from None
    except ProcessExecutionError as error:
        reason = (str(error.stderr).strip().splitlines() or [f"exit {error.retcode}"])[-1]
        raise FastapiMvcError(
            f"cannot read the template at {src_path}: {reason}",
            f"check that it is reachable, or fix _src_path in {ANSWERS_FILE}",
        ) from None


def _read_back(
    checked: Plan, copy: Path, head: str, scratch: Path, summary: UpdateSummary
) -> list[tuple[str, str]]:
    """Fill `summary` from the updated copy; return the changes to apply (status, path)."""
    changes = git.changes_since(copy, head)
    removed = [path for status, path in changes if status == "D"]
    kept = set(_changed_by_user(checked, removed, scratch)) if removed else set()
    for status, path in changes:
        if path in kept:
            summary.kept.append(path)
            summary.conflicts.append(path)
        elif status == "D":
            summary.removed.append(path)
        elif path.endswith(".rej"):
            summary.conflicts.append(path[: -len(".rej")])
        elif status == "A":
            summary.added.append(path)
        else:
            summary.updated.append(path)
            if has_markers(copy / path):
                summary.conflicts.append(path)
    return [(status, path) for status, path in changes if path not in kept]


def _changed_by_user(checked: Plan, removed: list[str], scratch: Path) -> list[str]:
    """The removed paths whose content in the project differs from the old template's render."""
    import copier

    project = checked.project
    old = scratch / "old"
    answers = {key: value for key, value in project.answers.items() if not key.startswith("_")}
    src_path = checked.target.src_path if checked.ours else project.template_path
    options: dict[str, Any] = {"data": answers, "defaults": True, "quiet": True, "unsafe": False}
    with _copier_errors(src_path), copier_speed.faster():
        copier.run_copy(src_path, old, vcs_ref=project.template_commit, **options)
    top = git.top_level(project.root)
    changed = []
    for path in removed:
        mine, rendered = top / path, old / (top / path).relative_to(project.root)
        if not rendered.is_file() or mine.read_bytes() != rendered.read_bytes():
            changed.append(path)
    return changed


def has_markers(path: Path) -> bool:
    try:
        lines = path.read_bytes().splitlines()
    except OSError:
        return False
    return any(line.startswith(_CONFLICT_MARKERS) for line in lines)


# -- into the project ------------------------------------------------------------------------


def apply_changes(
    top: Path, copy: Path, changes: list[tuple[str, str]], stopped: list[int] | None = None
) -> None:
    """Bring the copy's changes into the project: all of them, or (on failure or signal) none.
    `stopped` holds the signals received since the caller stopped acting on them (settle)."""
    done: list[tuple[str, str]] = []
    with _signals_deferred() as received:
        if stopped:
            raise Stopped(stopped[0])  # before anything was written
        try:
            for status, path in changes:
                _apply_one(top, copy, status, path)  # atomic: all of this path, or nothing
                done.append((status, path))
        except OSError as error:
            _undo(top, done)
            raise FastapiMvcError(
                f"cannot write {path}: {error.strerror}; the project is unchanged",
                "make room or fix the permissions, then run the update again",
            ) from None
        if received:
            _undo(top, done)
            raise Stopped(received[0])


def _apply_one(top: Path, copy: Path, status: str, path: str) -> None:
    target = top / path
    if status == "D":
        target.unlink(missing_ok=True)
        _prune_empty_parents(top, target)
        return
    source = copy / path
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(prefix=".fastapi-mvc-", dir=target.parent)) / "new"
    try:
        if source.is_symlink():
            temporary.symlink_to(os.readlink(source))
        else:
            temporary.write_bytes(source.read_bytes())
            temporary.chmod(source.stat().st_mode & 0o777)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
        temporary.parent.rmdir()


def _undo(top: Path, done: list[tuple[str, str]]) -> None:
    """Put back what `apply_changes` changed: the project was clean, so HEAD is what it was."""
    try:
        git.restore(top, [path for status, path in done if status != "A"])
        for path in (path for status, path in done if status == "A"):
            (top / path).unlink(missing_ok=True)
            _prune_empty_parents(top, top / path)
    except (OSError, CommandFailed):
        raise FastapiMvcError(
            "the update stopped half-way and could not be undone",
            "restore the project with `git reset --hard && git clean -fd`",
        ) from None


def _prune_empty_parents(top: Path, path: Path) -> None:
    for parent in path.parents:
        if parent == top or not parent.is_relative_to(top) or any(parent.iterdir()):
            return
        parent.rmdir()


@contextmanager
def library_temporaries_in(directory: Path) -> Iterator[None]:
    """Copier's template clones go under our scratch directory, so a signal cannot orphan them."""
    directory.mkdir()
    previous = tempfile.tempdir
    tempfile.tempdir = str(directory)
    try:
        yield
    finally:
        tempfile.tempdir = previous


class Signals:
    """The SIGINT and SIGTERM received during an update, and whether they still stop it."""

    def __init__(self) -> None:
        self.received: list[int] = []
        self.stopping = True

    def settle(self) -> list[int]:
        """From now on a signal is only recorded: the project is about to be written, and after
        that the update is done (a signal then waits for the cleanup, and says nothing untrue
        such as "unchanged"). Returns the record, for apply_changes to act on safely."""
        self.stopping = False
        return self.received


@contextmanager
def stop_on_signals() -> Iterator[Signals]:
    """SIGINT and SIGTERM stop the update (once; a second signal waits for the cleanup)."""
    signals = Signals()

    def stop(signum: int, frame: FrameType | None) -> None:
        signals.received.append(signum)
        if signals.stopping and len(signals.received) == 1:
            raise Stopped(signum)

    previous = {number: signal.signal(number, stop) for number in _SIGNALS}
    try:
        yield signals
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


@contextmanager
def _signals_deferred() -> Iterator[list[int]]:
    """Record SIGINT and SIGTERM instead of acting on them; yields the list of those received."""
    received: list[int] = []
    previous = {
        number: signal.signal(number, lambda signum, frame: received.append(signum))
        for number in _SIGNALS
    }
    try:
        yield received
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
