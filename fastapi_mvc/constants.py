"""`fastapi_mvc.constants`, the import path the original's generators use (see fastapi_mvc.compat).

Only the names a generator reads are here; the original's template URLs are not, since we render
our own templates (see docs/coming-from-the-original.md).
"""

from importlib.metadata import version

from fastapi_mvc.project import ANSWERS_FILE

VERSION = version("fastapi-mvc")

__all__ = ("ANSWERS_FILE", "VERSION")
