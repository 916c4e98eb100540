"""`fastapi-mvc --help` loads typer's help module without rich's Markdown and Traceback, and
prints what typer prints with them.

These tests fail when typer changes underneath fastapi_mvc.cli.help_imports (its help module
takes other names from rich, or is outside the versions the module knows): then read typer's
changelog and adapt (or drop) the module.
"""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys

import pytest

from fastapi_mvc.cli import help_imports

UNUSED = ("markdown_it", "pygments", "rich.markdown", "rich.traceback", "rich.pretty")


def python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`code` in a fresh interpreter (the stand-ins act on a process's first import)."""
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env={"COLUMNS": "100", "PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
    )


MAIN = "from fastapi_mvc.cli import main\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
MODULES = "print('modules', sorted(m for m in sys.modules if m.startswith({prefixes})))\n"


def test_typers_help_module_takes_just_these_names_from_the_deferred_modules() -> None:
    """... and our help uses neither: no Markdown markup, no pretty tracebacks."""
    from fastapi_mvc.cli.root import app

    assert help_imports._typer_version_known(), "typer is outside the versions help_imports knows"
    source = inspect.getsource(importlib.import_module("typer.rich_utils"))
    for module, name in help_imports.DEFERRED.items():
        assert f"from {module} import {name}\n" in source
    assert app.rich_markup_mode == "rich"
    assert app.pretty_exceptions_enable is False


@pytest.mark.parametrize("args", [["--help"], ["new", "--help"], ["nosuch"], []])
def test_help_and_usage_errors_print_what_typer_prints_without_the_unused_modules(
    args: list[str],
) -> None:
    with_stand_ins = python(
        "import sys\nsys.argv[0] = 'fastapi-mvc'\n"
        + MAIN
        + "sys.stdout.flush()\n"
        + MODULES.format(prefixes=repr(UNUSED)),
        *args,
    )
    as_typer_ships = python(
        "import sys\nsys.argv[0] = 'fastapi-mvc'\nimport typer.rich_utils\n" + MAIN, *args
    )
    *printed, modules = with_stand_ins.stdout.splitlines()
    assert modules == "modules []"
    assert printed == as_typer_ships.stdout.splitlines()
    assert printed or with_stand_ins.stderr
    assert with_stand_ins.stderr == as_typer_ships.stderr


def test_the_stand_ins_give_the_real_classes_and_leave_the_modules_importable() -> None:
    probe = (
        "import sys\nfrom fastapi_mvc.cli import help_imports\nhelp_imports.install()\n"
        "import typer.rich_utils as utils\n"
        "assert 'rich.markdown' not in sys.modules and 'rich.traceback' not in sys.modules\n"
        "made = utils.Markdown('# title')\n"
        "import rich.markdown, rich.traceback\n"
        "assert type(made) is rich.markdown.Markdown\n"
        "assert isinstance(made, utils.Markdown)\n"
        "assert utils.Traceback.from_exception == rich.traceback.Traceback.from_exception\n"
        "print('ok')\n"
    )
    result = python(probe)
    assert result.stdout == "ok\n", result.stderr
