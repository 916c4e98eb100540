"""The template's docs page on clients and authentication (docs/clients.rst): in the table of
contents of every project; its authentication part only where there is a database to keep users.
(`sphinx-build -W` of it runs in tests/integration/test_authentication.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from support import assert_file, new_project


@pytest.mark.parametrize(
    ("flags", "title", "authentication"),
    [
        ((), "Clients and authentication", True),
        (("--database", "none"), "Clients", False),
    ],
)
def test_the_clients_page_is_in_the_docs(
    tmp_path: Path, flags: tuple[str, ...], title: str, authentication: bool
) -> None:
    project = new_project(tmp_path, "demo", "--skip-git", *flags)

    page = assert_file(
        project / "docs" / "clients.rst",
        rf"\A{title}\n{'=' * len(title)}\n\n",
        r"^   \$ fastapi-mvc generate client --lang typescript --lang python$",
        r"^``fastapi-mvc generate client --check`` writes nothing and fails",
    )
    assert ("FASTAPI_USER_CACHE_SECONDS" in page) is authentication
    assert ("\nAuthentication\n--------------\n" in page) is authentication
    assert_file(project / "docs" / "index.rst", r"^   clients$")
