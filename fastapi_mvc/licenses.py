"""The licenses a generated project can carry (the original's choices, same spellings)."""

import enum

LICENSES = (
    "MIT",
    "BSD2",
    "BSD3",
    "ISC",
    "Apache2.0",
    "LGPLv3+",
    "LGPLv3",
    "LGPLv2+",
    "LGPLv2",
    "no",
)

License = enum.Enum("License", {name: name for name in LICENSES}, type=str)  # type: ignore[misc]
