"""The root router of a project made by the original fastapi-mvc, moving onto our template.

The original's `generate controller NAME` registered a controller with two added lines in
`<package>/app/router.py`: `from <package>.app.controllers import NAME` below the APIRouter
import, and `root_api_router.include_router(NAME.router)` at the end. Our template's router is
written differently, so a plain merge of such a router conflicts on every project that has a
controller (and ours, run on such a project, joins the import to the existing one and adds its
marker). When those lines are all that changed, the move registers the same controllers in our
router, the way our generator does; any other edit is left to the merge, and its markers.
"""

from __future__ import annotations

import re
from pathlib import Path

from fastapi_mvc.generating.router_edit import MARKER, RouterRegistration

_INCLUDE = re.compile(r"\w+\.include_router\((\w+)\.router\)")


def registered_controllers(base: str, yours: str, package: str) -> list[str] | None:
    """The controllers `yours` registers beyond `base`, in order, when that is all that changed:
    their imports from `<package>.app.controllers` (as lines of their own or joined to one there
    was), `<router>.include_router(<module>.router)` lines, and our marker, which our generator
    adds to such a router. None when `yours` differs from `base` in any other way."""
    base_rest, base_names, base_includes = _split(base, package)
    rest, names, includes = _split(yours, package)
    added = [module for module in includes if module not in base_includes]
    if (
        rest != base_rest
        or not set(base_includes) <= set(includes)
        or not base_names <= names
        or names - base_names != set(added)
        or len(includes) != len(set(includes))
    ):
        return None
    return added


def _split(text: str, package: str) -> tuple[list[str], set[str], list[str]]:
    """(the other non-blank lines, the modules imported, the modules included plainly)."""
    imported = re.compile(rf"from {re.escape(package)}\.app\.controllers import ([\w, ]+)")
    rest: list[str] = []
    names: set[str] = set()
    includes: list[str] = []
    for line in (line.rstrip() for line in text.splitlines()):
        if match := imported.fullmatch(line):
            names.update(name.strip() for name in match[1].split(","))
        elif match := _INCLUDE.fullmatch(line):
            includes.append(match[1])
        elif line and line.strip() != MARKER:
            rest.append(line)
    return rest, names, includes


def register(router: Path, package: str, controllers: list[str]) -> None:
    """Register `controllers` in our `router` (a file with our marker), in order."""
    for module in controllers:
        change = RouterRegistration(router, package, module).planned_apply()
        if change.text is not None:
            router.write_text(change.text)
