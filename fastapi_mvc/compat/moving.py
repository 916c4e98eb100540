"""`fastapi-mvc update` on a project made by the original fastapi-mvc: say what to run instead.

Such a project records the original's template (github.com/fastapi-mvc/copier-project, 0.1.0 to
0.6.1) as its `_src_path`. Updating it along that template would need the network and would
leave it on a template we do not maintain, so a plain `update` refuses before it touches
anything, and names the move onto ours that keeps the user's edits: `update --from-original`
(compat.move).
"""

from __future__ import annotations

from fastapi_mvc.compat.poetry import made_by_original
from fastapi_mvc.errors import UsageError
from fastapi_mvc.project import Project

GUIDE = "docs/coming-from-the-original.md"


def refuse_original_update(project: Project) -> None:
    """Raise a usage error naming the move when the project was made by the original."""
    if not made_by_original(project.root):
        return
    commit = project.answers.get("_commit", "?")
    raise UsageError(
        f"{project.root.name} was made by the original fastapi-mvc (its template "
        f"copier-project {commit}, with Poetry), and `update` follows only our template, so "
        "nothing was changed",
        "run `fastapi-mvc update --from-original` to move it onto ours: it renders our template "
        "with your answers and merges your edits in (conflicts marked, the undo command "
        "printed); offline, add --original-template PATH (a clone or bundle of "
        f"github.com/fastapi-mvc/copier-project); see {GUIDE}",
    )
