"""The script generator's own step: check the file name, spell it for the template."""

from __future__ import annotations

import re

from fastapi_mvc.errors import UsageError
from fastapi_mvc.generating.invocation import Invocation
from fastapi_mvc.naming import Name, spellings

SCRIPT_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*(\.sh|\.bash)?$")


def prepare(invocation: Invocation) -> None:
    raw = invocation.arguments["name"]
    if "/" in raw or "\\" in raw or raw.startswith("."):
        raise UsageError(
            f"invalid script name {raw!r}: it contains a path separator or starts with '.'",
            "give a bare file name such as 'deploy.sh' and run the command where it belongs",
        )
    if not SCRIPT_NAME.match(raw):
        raise UsageError(
            f"invalid script name {raw!r}: start with a letter; use letters, digits, '-', '_', "
            f"and optionally end in .sh",
            "e.g. 'deploy.sh'",
        )
    invocation.data["file_name"] = raw
    script = invocation.destination / raw
    if invocation.destroying and not invocation.options["use_nix"] and script.is_file():
        # `destroy script NAME` alone: made with --use-nix, it starts with a nix-shell shebang.
        with script.open("rb") as stream:
            invocation.data["use_nix"] = b"nix-shell" in stream.readline()
    invocation.data["name"] = spellings(Name(raw.rsplit(".", 1)[0] if "." in raw else raw))
