"""`GeneratorCommand`, the click command class of the original's generators, which import it
as `fastapi_mvc.cli.GeneratorCommand`."""

from __future__ import annotations

from typing import Any

import click


class GeneratorCommand(click.Command):
    """`click.Command` with the original's two extra keywords: `alias` and `category`.

    The alias is a second name for `fastapi-mvc generate`; the category was a heading in the
    original's listing (ours groups by origin, so it is kept but not shown).
    """

    def __init__(self, *args: Any, alias: str = "", category: str = "Other", **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.alias = alias
        self.category = category
