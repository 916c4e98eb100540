"""fastapi_mvc.files: a user's file is replaced whole or not at all, and keeps its mode."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from fastapi_mvc.files import Transaction, WriteFailed, write_atomic


def test_write_atomic_replaces_the_content_and_keeps_the_mode(tmp_path: Path) -> None:
    path = tmp_path / "router.py"
    path.write_text("old\n")
    path.chmod(0o600)
    write_atomic(path, "new\n")
    assert path.read_text() == "new\n"
    assert path.stat().st_mode & 0o777 == 0o600
    write_atomic(path, b"bytes\n", mode=0o644)
    assert path.stat().st_mode & 0o777 == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["router.py"]


def test_write_atomic_never_truncates_on_a_failed_write(tmp_path: Path) -> None:
    """`ulimit -f` makes the write fail halfway (EFBIG), as a full disk does."""
    path = tmp_path / "big.txt"
    path.write_text("precious\n")
    script = (
        "import resource, sys\n"
        "from pathlib import Path\n"
        "from fastapi_mvc.files import WriteFailed, write_atomic\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))\n"
        "try:\n"
        f"    write_atomic(Path({str(path)!r}), 'x' * 100_000)\n"
        "except WriteFailed as error:\n"
        "    print(error)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.startswith(f"cannot write {path} (File too large)"), done.stderr
    assert path.read_text() == "precious\n"
    assert [p.name for p in tmp_path.iterdir()] == ["big.txt"]


def test_a_transaction_undoes_everything_when_one_step_fails(tmp_path: Path) -> None:
    kept, gone = tmp_path / "kept.txt", tmp_path / "gone.txt"
    kept.write_text("mine\n")
    gone.write_text("old\n")
    (tmp_path / "blocker").write_text("a file where a folder is needed\n")
    transaction = Transaction(root=tmp_path)
    transaction.write(kept, "overwritten\n")
    transaction.remove(gone)
    transaction.write(tmp_path / "new" / "deep" / "file.txt", "new\n")
    transaction.write(tmp_path / "blocker" / "file.txt", "cannot\n")

    with pytest.raises(WriteFailed) as failed:
        transaction.commit()

    assert str(failed.value) == (
        "cannot write blocker/file.txt: blocker is a file where a folder is needed; "
        "move that file away and run again; nothing was changed"
    )
    assert kept.read_text() == "mine\n" and gone.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocker", "gone.txt", "kept.txt"]


def test_a_transaction_restores_what_an_action_changed(tmp_path: Path) -> None:
    edited = tmp_path / "edited.txt"
    edited.write_text("before\n")

    def fail() -> None:
        raise OSError(28, "No space left on device", str(tmp_path / "other"))

    transaction = Transaction(root=tmp_path)
    transaction.write(tmp_path / "created.txt", "x\n")
    transaction.call(edited, lambda: edited.write_text("after\n"))
    transaction.call(tmp_path / "other", fail)

    with pytest.raises(WriteFailed, match="free some disk space"):
        transaction.commit()

    assert edited.read_text() == "before\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["edited.txt"]
