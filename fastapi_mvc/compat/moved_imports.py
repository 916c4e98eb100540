"""Imports of the original's generated API that our template keeps elsewhere, in your files.

The original's `<package>/app/__init__.py` re-exported the application factory, and the test
its `generate controller` wrote for every controller imports it from there:
`from <package>.app import get_application`. Ours keeps the package free of imports (importing
any `<package>.app.*` module must not build the application) and the factory in
`<package>.app.asgi`. So that such a test still runs after the move, the import is pointed at the
new module in the files that have it; the move reports each file.
"""

from __future__ import annotations

import re
from pathlib import Path

MOVED = {"get_application": "asgi"}
"""Name exported by the original's `<package>.app` -> the module of `<package>.app` ours keeps
it in."""


def rewrite(text: str, package: str) -> str:
    """`text` with `from <package>.app import NAME` of each moved name pointed at its module."""
    for name, module in MOVED.items():
        pattern = re.compile(
            rf"^(\s*from\s+{re.escape(package)}\.app)(\s+import\s+{name}\b(?!\s*,))", re.M
        )
        text = pattern.sub(rf"\1.{module}\2", text)
    return text


def rewrite_files(root: Path, package: str) -> list[str]:
    """Rewrite the Python files under `root` (not in `.git`); return those changed, relative."""
    changed = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if ".git" in relative.parts or path.is_symlink():
            continue
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
        new = rewrite(text, package)
        if new != text:
            path.write_text(new, encoding="utf-8", errors="surrogateescape")
            changed.append(relative.as_posix())
    return changed
