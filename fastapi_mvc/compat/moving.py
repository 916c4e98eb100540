"""`fastapi-mvc update` on a project made by the original fastapi-mvc: say what happens instead.

Such a project records the original's template (github.com/fastapi-mvc/copier-project, 0.1.0 to
0.6.1) as its `_src_path`. Updating it along that template would need the network and would
leave it on a template we do not maintain; moving it onto ours, keeping the user's edits, is a
three-way merge (ours rendered with the mapped answers, against the original's template at the
recorded `_commit`) that is not implemented yet. Until it is, `update` refuses before it touches
anything, and names what does work on the project as it is.
"""

from __future__ import annotations

from fastapi_mvc.compat.poetry import made_by_original
from fastapi_mvc.errors import UsageError
from fastapi_mvc.project import Project

GUIDE = "docs/coming-from-the-original.md"


def refuse_original_update(project: Project) -> None:
    """Raise a usage error naming the way forward when the project was made by the original."""
    if not made_by_original(project.root):
        return
    commit = project.answers.get("_commit", "?")
    raise UsageError(
        f"{project.root.name} was made by the original fastapi-mvc (its template "
        f"copier-project {commit}, with Poetry); `update` does not follow the original's "
        "template, and moving the project onto ours while keeping your edits is not available "
        "yet, so nothing was changed",
        "generate, destroy, run and routes work on it as it is; to move it by hand, create a "
        f"project with `fastapi-mvc new` and carry your code over ({GUIDE})",
    )
