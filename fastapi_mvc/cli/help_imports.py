"""typer's help renderer, loaded without the two rich modules fastapi-mvc's help never uses.

typer formats help and usage errors with `typer.rich_utils`, which imports rich's `Markdown`
(markdown-it) and `Traceback` (pygments, rich's pretty printer) when it loads: a third of
`fastapi-mvc --help`. Our help uses neither: its markup mode is "rich", not "markdown", and
typer's pretty exceptions are off. So while that one module loads, `rich.markdown` and
`rich.traceback` are stand-ins whose class loads the real one the first time it is used (called,
asked for an attribute, or in isinstance); once it has loaded they are gone from sys.modules, so
any later `import rich.markdown` gets the real module. The help printed is the same.

Only for the typer versions it was written against (`TYPER_VERSIONS`); with any other, typer
loads as it ships. tests/unit/test_cli_help_imports.py fails when typer changes underneath.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.machinery import ModuleSpec
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from importlib.abc import Loader

HELP_MODULE = "typer.rich_utils"
DEFERRED = {"rich.markdown": "Markdown", "rich.traceback": "Traceback"}
"""Module: the one name typer's help module takes from it."""
TYPER_VERSIONS = ((0, 20), (1, 0))
"""typer versions the stand-ins apply to: [first, last) as (major, minor)."""


def install() -> None:
    """Load typer's help module without the deferred imports, whenever it is first imported."""
    if HELP_MODULE not in sys.modules and not any(
        isinstance(finder, _HelpModuleFinder) for finder in sys.meta_path
    ):
        sys.meta_path.insert(0, _HelpModuleFinder())


def _typer_version_known() -> bool:
    import typer  # loaded already: its help module is being imported

    try:
        major, minor = (int(part) for part in typer.__version__.split(".")[:2])
    except ValueError:  # not numbers (a local build): trust nothing
        return False
    return TYPER_VERSIONS[0] <= (major, minor) < TYPER_VERSIONS[1]


class _HelpModuleFinder:
    """Finds nothing itself: for typer's help module it wraps the loader the other finders
    give, then steps aside (it acts once)."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> ModuleSpec | None:
        if name != HELP_MODULE:
            return None
        sys.meta_path.remove(self)
        if not _typer_version_known():
            return None
        from importlib.util import find_spec

        spec = find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        spec.loader = cast("Loader", _LoaderWithStandIns(spec.loader))
        return spec


class _LoaderWithStandIns:
    """The module's own loader; only its execution sees the stand-ins."""

    def __init__(self, loader: Any) -> None:
        self._loader = loader

    def create_module(self, spec: ModuleSpec) -> types.ModuleType | None:
        module: types.ModuleType | None = self._loader.create_module(spec)
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        with _stand_ins():
            self._loader.exec_module(module)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._loader, name)


@contextmanager
def _stand_ins() -> Iterator[None]:
    placed = {}
    for module_name, class_name in DEFERRED.items():
        if module_name not in sys.modules:  # already loaded: nothing to save
            module = types.ModuleType(module_name)
            setattr(module, class_name, _Deferred(class_name, (), {"_module": module_name}))
            placed[module_name] = sys.modules[module_name] = module
    try:
        yield
    finally:
        for module_name, module in placed.items():
            if sys.modules.get(module_name) is module:
                del sys.modules[module_name]


class _Deferred(type):
    """A stand-in class: calling it, reading its attributes or an isinstance check loads and
    uses the real class of the same name."""

    _module: str

    def real(cls) -> type:
        real: type = getattr(importlib.import_module(cls._module), cls.__name__)
        return real

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        return cls.real()(*args, **kwargs)

    def __getattr__(cls, name: str) -> Any:
        return getattr(cls.real(), name)

    def __instancecheck__(cls, instance: Any) -> bool:
        return isinstance(instance, cls.real())
