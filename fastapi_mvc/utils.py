"""`fastapi_mvc.utils`, the import path the original's generators use (see fastapi_mvc.compat)."""

from fastapi_mvc.compat.project_api import (
    ensure_permissions,
    load_answers_file,
    require_fastapi_mvc_project,
)

__all__ = ("ensure_permissions", "load_answers_file", "require_fastapi_mvc_project")
