"""Where the packaged template and generators live.

In a wheel they sit inside the package (`fastapi_mvc/template`); in a source checkout they sit
beside it at the top of the repository.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _packaged(name: str) -> Path:
    inside = _PACKAGE / name
    return inside if inside.is_dir() else _PACKAGE.parent / name


TEMPLATE_DIR = _packaged("template")
GENERATORS_DIR = _packaged("generators")
# Released template versions as a git bundle: `fastapi-mvc update` replays them offline.
HISTORY_BUNDLE = _PACKAGE / "template-history.bundle"
