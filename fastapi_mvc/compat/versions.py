"""`--use-version` as the original fastapi-mvc's users typed it, read against our template.

The original's `--use-version` was any git ref of its template (github.com/fastapi-mvc/
copier-project): a release 0.1.0 to 0.6.1, or the branch `master`, the template's newest state.
Ours takes a release of our own template. Of the original's refs:

- `master` means what it meant there: the newest template this fastapi-mvc carries (the one
  `new` and `update` use without --use-version), so a script written for the original keeps
  working;
- a release of the original's template is refused in one line that says what it is and names
  ours. We do not render the original's template in its place: a project made from it today
  would lack answers ours needs (copier no longer records the `package_name` it computes), run
  the original's copier task (0.1.0), and start on a template `update --from-original` would
  then move off again.
"""

from __future__ import annotations

ORIGINAL_TEMPLATE_URL = "https://github.com/fastapi-mvc/copier-project.git"
# The original template's default branch, and its releases.
NEWEST = "master"
ORIGINAL_RELEASES = ("0.1.0", "0.1.1", "0.2.0", "0.3.0", "0.4.0", "0.5.0", "0.6.0", "0.6.1")


def means_newest(version: str) -> bool:
    """Whether `--use-version VERSION` asks for the newest template, as `master` did."""
    return version == NEWEST


def not_carried(version: str, carried: list[str]) -> tuple[str, str]:
    """The problem and the fix for a `--use-version` this fastapi-mvc does not carry."""
    ours = ", ".join(carried) or "none"
    if version not in ORIGINAL_RELEASES:
        return f"template version {version!r} is not carried by this fastapi-mvc", (
            f"use one of: {ours} (or the id of a commit in their history)"
        )
    return (
        f"template version {version!r} is a release of the original fastapi-mvc's template "
        "(copier-project), not of ours: this fastapi-mvc moves projects made from it onto its own "
        "(`update --from-original`) but does not make new ones",
        f"use one of ours ({ours}), or leave out --use-version for the newest",
    )
