"""The work of `fastapi-mvc new`: answers from options, an atomic render, git, install."""

from __future__ import annotations

import datetime
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi_mvc import git, template_versions
from fastapi_mvc.errors import CommandFailed, FastapiMvcError, UsageError
from fastapi_mvc.licenses import LICENSES
from fastapi_mvc.naming import Name, validate_project
from fastapi_mvc.template_versions import TemplateSource

_UNSAFE_URL = re.compile(r"[\s\"'`\\$\x00-\x1f\x7f]")
FEATURES = ("redis", "aiohttp", "helm", "github_actions", "nix", "vagrantfile", "codecov")


@dataclass
class NewProject:
    """Everything `new` was asked for. Features map to True (on) or False (skipped)."""

    path: Path
    features: dict[str, bool] = field(default_factory=lambda: dict.fromkeys(FEATURES, True))
    license: str | None = None
    repo_url: str | None = None
    use_repo: str | None = None
    use_version: str | None = None
    interactive: bool = False
    force: bool = False
    init_git: bool = True
    install: bool = True
    quiet: bool = False

    @property
    def name(self) -> Name:
        return validate_project(self.path.resolve().name)

    def answers(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """(forced answers, prefilled defaults): forced ones are never asked."""
        name = self.name
        forced: dict[str, Any] = {"project_name": name.raw}
        defaults: dict[str, Any] = {
            "package_name": name.snake,
            "script_name": name.kebab,
            "container_image_name": name.kebab,
            "chart_name": name.kebab,
            "author": git.config_value("user.name") or "Your Name",
            "email": git.config_value("user.email") or "you@example.com",
            "copyright_date": str(datetime.date.today().year),
            "license": "MIT",
        }
        for feature, enabled in self.features.items():
            # A skip flag is an explicit choice; an enabled feature is only a default.
            (defaults if enabled else forced)[feature] = enabled
        if self.license is not None:
            forced["license"] = self.license
        if self.repo_url is not None:
            forced["repo_url"] = self.repo_url
        return forced, defaults


def check(request: NewProject) -> Path:
    """Validate the request before anything is written; return the absolute target."""
    request.name  # noqa: B018 - validates the project name
    if request.license is not None and request.license not in LICENSES:
        raise UsageError(
            f"unknown license {request.license!r}", f"choose one of: {', '.join(LICENSES)}"
        )
    target = request.path.resolve()
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} exists and is not a directory", "choose another path")
    if target.is_dir() and any(target.iterdir()) and not request.force:
        raise UsageError(
            f"{target} exists and is not empty",
            "choose another path, or pass --force to render into it",
        )
    parent = target.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir() or not os.access(parent, os.W_OK):
        raise UsageError(f"cannot write to {parent}", "choose a writable location")
    if request.repo_url is not None and _UNSAFE_URL.search(request.repo_url):
        raise UsageError(
            f"invalid --repo-url {request.repo_url!r}: quotes, backslashes, '$', spaces and "
            "control characters are not allowed in a URL",
            "percent-encode them, e.g. https://example.com/my%20repo",
        )
    if request.use_repo and "://" not in request.use_repo and ":" not in request.use_repo[:4]:
        repo = Path(request.use_repo).expanduser()
        if not repo.exists():
            raise UsageError(
                f"template repository {request.use_repo} does not exist",
                "pass the path or URL of a copier template with --use-repo",
            )
    return target


def template_source(request: NewProject) -> TemplateSource:
    if request.use_repo:
        return TemplateSource(request.use_repo, request.use_version)
    if request.use_version:
        return template_versions.source_for_version(request.use_version)
    return template_versions.current_source()


def render(request: NewProject, target: Path) -> TemplateSource:
    """Render the template into `target`; a failure or Ctrl-C leaves no half-made project."""
    source = template_source(request)
    forced, defaults = request.answers()
    options: dict[str, Any] = {
        "vcs_ref": source.vcs_ref,
        "data": forced,
        "user_defaults": defaults,
        "defaults": not request.interactive,
        "quiet": request.quiet,
    }
    if target.is_dir() and any(target.iterdir()):
        # --force into an existing project: copier reports each conflict and overwrite.
        run_copier(source.src_path, target, overwrite=True, **options)
        return source
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    except OSError as error:
        raise UsageError(
            f"cannot write to {target.parent}: {error.strerror}", "choose a writable location"
        ) from None
    try:
        staging.chmod(0o777 & ~_umask())  # mkdtemp makes it private; a project is not
        run_copier(source.src_path, staging, **options)
        if request.init_git:
            git.init_and_commit(staging, "Initial commit, generated by fastapi-mvc")
        if target.is_dir():
            target.rmdir()
        staging.rename(target)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return source


def run_copier(src_path: str, dst_path: Path, **options: Any) -> None:
    """copier's run_copy, its failures turned into ours."""
    import copier
    from copier.errors import CopierError
    from jinja2 import TemplateError

    try:
        copier.run_copy(src_path, dst_path, unsafe=False, **options)
    except (CopierError, TemplateError) as error:
        raise FastapiMvcError(
            f"rendering the template failed: {error.__class__.__name__}: {error}",
            "nothing was written; report this if the template is fastapi-mvc's own",
        ) from None
    except ValueError as error:
        raise UsageError(f"invalid answer: {error}", "check the values passed to `new`") from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def install(target: Path) -> None:
    """Run the project's own `make install`; raise CommandFailed with its output on failure."""
    if shutil.which("make") is None:
        raise UsageError("make is not installed", "install make, or pass -I/--skip-install")
    result = subprocess.run(
        ["make", "install"], cwd=target, capture_output=True, text=True, check=False
    )
    if result.returncode:
        raise CommandFailed(
            f"`make install` failed in {target} (exit {result.returncode})",
            f"fix the cause shown above, then run `make install` in {target}",
            output=result.stdout + result.stderr,
        )
