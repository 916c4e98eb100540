"""support.start_postgres: the real PostgreSQL the data-layer tests run against."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
from support import alive, free_port, postgres_bin, run_ok, start_postgres, stop_process

pytestmark = pytest.mark.integration


def test_a_throwaway_postgres_starts_answers_and_stops(tmp_path: Path) -> None:
    port = free_port()
    server = start_postgres(port, tmp_path / "pg")
    try:
        owner = next(
            line.split()[1]
            for line in Path(f"/proc/{server.pid}/status").read_text().splitlines()
            if line.startswith("Uid:")
        )
        # PostgreSQL never runs as root; as root the helper hands it to the `postgres` user.
        assert int(owner) != 0 and (os.getuid() == 0 or int(owner) == os.getuid())
        psql = [postgres_bin("psql"), "-X", "-q", "-A", "-t", "-U", "postgres", "-d", "postgres"]
        run_ok(*psql, "-h", "127.0.0.1", "-p", str(port), "-c", "CREATE TABLE t (n int)")
        run_ok(*psql, "-h", "127.0.0.1", "-p", str(port), "-c", "INSERT INTO t VALUES (41), (1)")
        summed = run_ok(*psql, "-h", "127.0.0.1", "-p", str(port), "-c", "SELECT sum(n) FROM t")
        assert summed.stdout.strip() == "42"
    finally:
        stop_process(server)
    assert server.returncode == 0, "postgres did not shut down cleanly"
    assert not alive(server.pid)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
