"""The root router of a project made by the original fastapi-mvc, moving onto our template.

The original's `generate controller NAME` registered a controller with two added lines in
`<package>/app/router.py`: `from <package>.app.controllers import NAME` below the APIRouter
import, and `root_api_router.include_router(NAME.router)` at the end. Our template's router is
written differently, so a plain merge of such a router conflicts on every project that has a
controller. When those lines are all that changed, the move registers the same controllers in
our router, the way our generator does; any other edit is left to the merge, and its markers.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from fastapi_mvc.generating.router_edit import RouterRegistration

_INCLUDE = re.compile(r"\w+\.include_router\((\w+)\.router\)")


def registered_controllers(base: str, yours: str, package: str) -> list[str] | None:
    """The controllers `yours` registers beyond `base` the way the original's generator did,
    in order; None when `yours` differs from `base` in any other way."""
    imported = re.compile(rf"from {re.escape(package)}\.app\.controllers import (\w+)")
    old, new = base.splitlines(), yours.splitlines()
    imports: set[str] = set()
    includes: list[str] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, _, _, start, end in matcher.get_opcodes():
        if tag == "equal":
            continue
        if tag != "insert":
            return None
        for line in new[start:end]:
            if match := imported.fullmatch(line.rstrip()):
                imports.add(match[1])
            elif match := _INCLUDE.fullmatch(line.rstrip()):
                includes.append(match[1])
            elif line.strip():
                return None
    if imports != set(includes) or len(includes) != len(set(includes)):
        return None
    return includes


def register(router: Path, package: str, controllers: list[str]) -> None:
    """Register `controllers` in our `router` (a file with our marker), in order."""
    for module in controllers:
        change = RouterRegistration(router, package, module).planned_apply()
        if change.text is not None:
            router.write_text(change.text)
