"""The original fastapi-mvc's project template (copier-project), given to `new --use-repo`.

The original's docs and tests made projects with `new --use-repo <copier-project>`. Rendered
under us, such a project is a dead end: copier no longer records the `package_name` the
original's copier computed, so `generate` and `update` refuse it. So `new` refuses that template
in one line and says what to do instead. It is recognised by its copier.yml, whatever its URL or
version: every release of it (0.1.0 to 0.6.1, and `master`) asks `fastapi_mvc_version`, the
original tool's own version, which no template of ours asks, and keeps its answers in our
answers file.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi_mvc.errors import UsageError
from fastapi_mvc.project import ANSWERS_FILE

_ITS_OWN_QUESTION = "fastapi_mvc_version"


def is_original(config: Mapping[str, Any]) -> bool:
    """Whether a template's copier.yml (as loaded) is the original's project template's."""
    return config.get("_answers_file") == ANSWERS_FILE and _ITS_OWN_QUESTION in config


def refuse(src: str) -> UsageError:
    """The one line `new --use-repo SRC` fails with when SRC is the original's template."""
    return UsageError(
        f"{src} is the original fastapi-mvc's project template (copier-project): this "
        "fastapi-mvc makes projects from its own template only",
        "drop --use-repo; a project the original made moves onto ours with "
        "`fastapi-mvc update --from-original`",
    )
