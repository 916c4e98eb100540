"""The licenses a generated project can carry: the original's names, and their SPDX ids.

The template (`template/copier.yml`, `pyproject.toml.jinja`) and the generator generator
(`generators/generator/copier.yml`) spell the same list for copier; a unit test keeps them equal
to this one.
"""

import enum

SPDX: dict[str, str | None] = {
    "MIT": "MIT",
    "BSD2": "BSD-2-Clause",
    "BSD3": "BSD-3-Clause",
    "ISC": "ISC",
    "Apache2.0": "Apache-2.0",
    "LGPLv3+": "LGPL-3.0-or-later",
    "LGPLv3": "LGPL-3.0-only",
    "LGPLv2+": "LGPL-2.1-or-later",
    "LGPLv2": "LGPL-2.1-only",
    "no": None,
}
"""Each license name -> its SPDX expression (None: no license, the project is private)."""

LICENSES = tuple(SPDX)

License = enum.Enum("License", {name: name for name in LICENSES}, type=str)  # type: ignore[misc]
