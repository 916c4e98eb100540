"""`new` runs the project's own `make install` and shows its output when it fails."""

from __future__ import annotations

import os

from support import run_tool


def test_a_failing_install_shows_its_output_and_the_fix(tmp_path):
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    make = fake_bin / "make"
    make.write_text("#!/bin/sh\necho 'pip: no matching distribution for fastapi' >&2\nexit 2\n")
    make.chmod(0o755)
    result = run_tool(
        "new",
        "-n",
        str(tmp_path / "blog"),
        env={"PATH": f"{fake_bin}{os.pathsep}{os.environ['PATH']}"},
    )
    assert result.returncode == 1
    assert "pip: no matching distribution for fastapi" in result.stderr
    assert "`make install` failed" in result.stderr and "then run `make install`" in result.stderr
    # The project itself was made; only its installation failed.
    assert (tmp_path / "blog" / ".fastapi-mvc.yml").is_file()
