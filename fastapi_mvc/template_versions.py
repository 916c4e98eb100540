"""The template versions this installation carries, as a git repository copier can replay.

copier records the template's `_src_path` and `_commit` in a project's answers file, and its
update replays the template at that commit before merging in the new one. So that this works
offline and from a wheel, the package ships its released template versions as a git bundle
(`template-history.bundle`, one tagged commit per release). On first use the bundle is fetched
into a cache repository, and the packaged template (which may be newer than the last release in a
source checkout) is committed on top of the newest release with a fixed identity and date, so the
same template always gets the same commit id on every machine. For the same reason a template
file's mode in git follows its content (a `#!` script is executable), never the bits it happens to
have on disk (an admin's `chmod -R`, a filesystem that marks everything executable).

The cache lives in the tool's own cache directory, never where an answers file says: that path
was recorded on another machine, or by someone else.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from packaging.version import InvalidVersion, Version

from fastapi_mvc import git as git_commands
from fastapi_mvc.errors import FastapiMvcError, UsageError
from fastapi_mvc.git import TOOL_IDENTITY, git
from fastapi_mvc.resources import HISTORY_BUNDLE, TEMPLATE_DIR

# Commits made for an unreleased template must hash the same everywhere.
_FIXED_IDENTITY = {
    **TOOL_IDENTITY,
    "GIT_AUTHOR_DATE": "2000-01-01T00:00:00+0000",
    "GIT_COMMITTER_DATE": "2000-01-01T00:00:00+0000",
}
_IGNORED = "__pycache__/\n*.py[co]\n.DS_Store\n"
_REFS_MEMO = "fastapi-mvc-refs.json"
# What the original's docs called a commit id: an abbreviated or full hash, never a branch.
_COMMIT_ID = re.compile(r"[0-9a-f]{7,40}")


@dataclass(frozen=True)
class TemplateSource:
    """What copier is pointed at: a repository (as recorded in answers) and a ref in it."""

    src_path: str
    vcs_ref: str | None


def cache_dir() -> Path:
    """`$XDG_CACHE_HOME/fastapi-mvc`, or `~/.cache/fastapi-mvc` (XDG: ignore a relative value)."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):
        home = os.path.expanduser("~")
        if not os.path.isabs(home):
            raise FastapiMvcError(
                "no home directory to keep the template cache in (HOME is not set)",
                "set XDG_CACHE_HOME (or HOME) to a writable directory",
            )
        base = os.path.join(home, ".cache")
    return Path(base) / "fastapi-mvc"


def repository_path() -> Path:
    return cache_dir() / "template"


def recorded_path(path: Path) -> str:
    """The repository path as written to answers: `~/...` when under home, for portability."""
    home = Path(os.path.expanduser("~"))
    try:
        return "~/" + path.relative_to(home).as_posix()
    except ValueError:
        return path.as_posix()


def released_versions(repo: Path | None = None) -> list[str]:
    """Template versions carried by this installation, oldest first."""
    return _sorted_tags(repo or ensure_repository())


def current_source(repo: Path | None = None) -> TemplateSource:
    """The packaged template, as a commit of the cache repository."""
    repo = repo or ensure_repository()
    return TemplateSource(recorded_path(repo), _packaged_ref(repo))


def source_for_version(version: str, repo: Path | None = None) -> TemplateSource:
    """A released template version or a commit of its history, or UsageError listing the
    versions carried. The original fastapi-mvc's refs are read as compat.versions says
    (`master`: the newest)."""
    from fastapi_mvc.compat import versions as original

    repo = repo or ensure_repository()
    if original.means_newest(version):
        return current_source(repo)
    versions = _sorted_tags(repo)
    if version in versions:
        return TemplateSource(recorded_path(repo), version)
    commit = _commit_of_ours(version, repo, versions)
    if commit is None:
        raise UsageError(*original.not_carried(version, versions))
    return TemplateSource(recorded_path(repo), commit)


def _commit_of_ours(commit_id: str, repo: Path, versions: list[str]) -> str | None:
    """The full commit `commit_id` names in the template's history: a release or a commit
    before one, or the packaged template. Not any object of the cache repository: it also
    keeps the unreleased templates of earlier installations, which no other machine has."""
    if not _COMMIT_ID.fullmatch(commit_id):
        return None
    commit = git_commands.resolve(repo, commit_id)
    if commit is None:
        return None
    heads = [*versions[-1:], _packaged_ref(repo)]
    return commit if any(git_commands.is_ancestor(repo, commit, head) for head in heads) else None


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def ensure_repository() -> Path:
    """Create or refresh the cache repository from the bundle; return it."""
    repo = repository_path()
    try:
        with _locked(repo.parent / f"{repo.name}.lock"):
            if not (repo / ".git").is_dir():
                repo.mkdir(parents=True, exist_ok=True)
                git_commands.init(repo)
                (repo / ".git" / "info").mkdir(exist_ok=True)
                (repo / ".git" / "info" / "exclude").write_text(_IGNORED)
            if HISTORY_BUNDLE.is_file():
                _fetch_bundle(repo)
    except OSError as error:
        raise FastapiMvcError(
            f"cannot keep the template cache in {error.filename or repo}: {error.strerror}",
            "set XDG_CACHE_HOME to a writable directory",
        ) from None
    return repo


def _fetch_bundle(repo: Path) -> None:
    marker = repo / ".git" / "fastapi-mvc-bundles"
    digest = hashlib.sha256(HISTORY_BUNDLE.read_bytes()).hexdigest()
    seen = marker.read_text().split() if marker.is_file() else []
    if digest not in seen:
        git_commands.fetch_tags(repo, HISTORY_BUNDLE)
        marker.write_text("\n".join([*seen, digest]) + "\n")
        # New releases may now match the packaged template: forget the refs found so far.
        (repo / ".git" / _REFS_MEMO).unlink(missing_ok=True)


def packaged_template() -> Path:
    """The template directory `current_source` commits (the installed package's)."""
    return TEMPLATE_DIR


def is_release(ref: str) -> bool:
    """Whether `ref`, as `current_source` or `source_for_version` gives it, names a released
    version (a tag) rather than a commit."""
    if _COMMIT_ID.fullmatch(ref):
        return False
    try:
        Version(ref)
    except InvalidVersion:
        return False
    return True


def _sorted_tags(repo: Path) -> list[str]:
    versions = []
    for tag in git("tag", "--list", cwd=repo).split():
        try:
            versions.append((Version(tag), tag))
        except InvalidVersion:
            continue
    return [tag for _, tag in sorted(versions)]


def _fingerprint(directory: Path) -> str:
    """Cheap identity of a template tree: paths, sizes, mtimes and modes."""
    digest = hashlib.sha256()
    for path in sorted(directory.rglob("*")):
        if "__pycache__" in path.parts or path.suffix in {".pyc", ".pyo"}:
            continue
        stat = path.lstat()
        digest.update(
            f"{path.relative_to(directory)}\0{stat.st_size}\0{stat.st_mtime_ns}\0{stat.st_mode}\n".encode()
        )
    return digest.hexdigest()


def tree_of(directory: Path, repo: Path) -> str:
    """Write `directory` as a git tree object into `repo` without touching its work tree.

    A file is executable in the tree when it starts with `#!`, whatever its bits on disk.
    """
    with tempfile.TemporaryDirectory() as scratch:
        env = {
            "GIT_INDEX_FILE": os.path.join(scratch, "index"),
            "GIT_WORK_TREE": str(directory),
            "GIT_DIR": str(repo / ".git"),
        }
        git("add", "-A", ".", cwd=directory, env=env)
        for executable, paths in _modes_to_fix(directory, git("ls-files", "-s", "-z", env=env)):
            git("update-index", f"--chmod={executable}", "--", *paths, cwd=directory, env=env)
        return git("write-tree", cwd=repo, env=env).strip()


def _modes_to_fix(directory: Path, staged: str) -> list[tuple[str, list[str]]]:
    wrong: dict[str, list[str]] = {"+x": [], "-x": []}
    for entry in filter(None, staged.split("\0")):
        mode, path = entry.split(" ", 1)[0], entry.split("\t", 1)[1]
        if mode not in {"100644", "100755"}:
            continue
        with open(directory / path, "rb") as file:
            script = file.read(2) == b"#!"
        if script != (mode == "100755"):
            wrong["+x" if script else "-x"].append(path)
    return [(change, paths) for change, paths in wrong.items() if paths]


def _packaged_ref(repo: Path) -> str:
    """The tag whose tree is the packaged template, or a reproducible commit on the newest one."""
    memo_file = repo / ".git" / _REFS_MEMO
    key = _fingerprint(TEMPLATE_DIR)
    memo = json.loads(memo_file.read_text()) if memo_file.is_file() else {}
    if key in memo:
        return str(memo[key])
    tree = tree_of(TEMPLATE_DIR, repo)
    tags = _sorted_tags(repo)
    ref = next((tag for tag in reversed(tags) if _tree_of_ref(repo, tag) == tree), None)
    if ref is None:
        parent = ["-p", tags[-1]] if tags else []
        message = "Unreleased template of the installed fastapi-mvc"
        ref = git("commit-tree", tree, *parent, "-m", message, cwd=repo, env=_FIXED_IDENTITY)
        ref = ref.strip()
    memo[key] = ref
    memo_file.write_text(json.dumps(memo))
    return ref


def _tree_of_ref(repo: Path, ref: str) -> str:
    return git("rev-parse", "--verify", "-q", operands=[f"{ref}^{{tree}}"], cwd=repo).strip()


def release(version: str, bundle: Path = HISTORY_BUNDLE) -> str:
    """Add the packaged template as release `version` to the history bundle; return its commit.

    The maintainers' release step (`make release-template VERSION=x.y.z`): run it once per
    release, before building the wheel, and commit the updated bundle.
    """
    try:
        Version(version)
    except InvalidVersion:
        raise UsageError(f"{version!r} is not a PEP 440 version", "use e.g. 0.30.0") from None
    with tempfile.TemporaryDirectory() as scratch:
        repo = Path(scratch)
        git_commands.init(repo)
        (repo / ".git" / "info" / "exclude").write_text(_IGNORED)
        tags = []
        if bundle.is_file():
            git_commands.fetch_tags(repo, bundle)
            tags = _sorted_tags(repo)
        if version in tags:
            raise UsageError(f"template version {version} is already released", "bump the version")
        if tags and Version(version) < Version(tags[-1]):
            raise UsageError(
                f"template version {version} is older than the last release {tags[-1]}",
                "release a newer version",
            )
        tree = tree_of(TEMPLATE_DIR, repo)
        if tags and _tree_of_ref(repo, tags[-1]) == tree:
            raise UsageError(
                f"the template has not changed since {tags[-1]}", "change it before releasing"
            )
        parent = ["-p", tags[-1]] if tags else []
        message = f"Template {version}"
        # A release needs no maintainer identity: a fresh machine has none.
        commit = git("commit-tree", tree, *parent, "-m", message, cwd=repo, env=TOOL_IDENTITY)
        commit = commit.strip()
        git("tag", version, commit, cwd=repo)
        git("bundle", "create", "-q", str(bundle), "--tags", cwd=repo)
        return commit


if __name__ == "__main__":
    import sys

    if len(sys.argv) != 2:
        sys.exit("usage: python -m fastapi_mvc.template_versions VERSION")
    try:
        print(f"released template {sys.argv[1]} as {release(sys.argv[1])} in {HISTORY_BUNDLE}")
    except UsageError as error:
        sys.exit(f"Error: {error}")
