"""An update that rewrites the root router keeps the controllers the user's generators registered.

`generate` registers a controller in `<package>/app/router.py` (an import, an include line). When a
template version changes the lines around those (0.35.0 made the root router an `ApiRouter`), the
merge of the project's router with the new one conflicts on every project that has a controller.
When the registrations are all the user changed, the update takes the new router and registers
the same controllers in it, as `generate` would have; any other edit is left to the merge, and
its conflict markers. The original fastapi-mvc's projects moving onto ours get the same care
(compat.move).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi_mvc import git
from fastapi_mvc.compat.moved_router import register, registered_controllers

_ROUTER = "project/{{package_name}}/app/router.py.jinja"  # in the template's repository


def keep_registrations(
    router: Path,
    yours: str,
    repo: Path,
    refs: tuple[str, str],
    answers: tuple[dict[str, Any], dict[str, Any]],
) -> bool:
    """Replace the conflicted `router` with the new template's, with the controllers `yours`
    (the project's router before the update) registered beyond the old template's. `refs` and
    `answers` are the old and the new template version's. False, with `router` untouched, when
    the user changed more than registrations or a version's router cannot be rendered here."""
    old, new = (_rendered(repo, ref, given) for ref, given in zip(refs, answers, strict=True))
    package = answers[1].get("package_name")
    if old is None or new is None or not isinstance(package, str):
        return False
    controllers = registered_controllers(old, yours, package)
    if controllers is None:
        return False
    router.write_text(new)
    register(router, package, controllers)
    router.with_name(router.name + ".rej").unlink(missing_ok=True)
    return True


def _rendered(repo: Path, ref: str, answers: dict[str, Any]) -> str | None:
    """The router of the template at `ref`, rendered with `answers`, as copier renders it."""
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    source = git.show(repo, ref, _ROUTER)
    if source is None:
        return None
    env = SandboxedEnvironment(keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    try:
        return env.from_string(source).render(answers)
    except jinja2.TemplateError:
        return None
