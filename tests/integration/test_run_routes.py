"""`fastapi-mvc routes` and `fastapi-mvc run` on an installed project."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest
from support import free_port, run_tool

pytestmark = pytest.mark.integration


def test_routes_lists_method_path_controller_and_action(installed_project):
    result = run_tool("routes", cwd=installed_project)
    assert result.returncode == 0, result.stderr
    ready = next(line for line in result.stdout.splitlines() if "/api/ready" in line)
    assert ready.split()[:3] == ["GET", "/api/ready", "demo.app.controllers.ready"]


def test_routes_filter(installed_project):
    shown = run_tool("routes", "-g", "ready", cwd=installed_project).stdout
    hidden = run_tool("routes", "-g", "no-such-route", cwd=installed_project).stdout
    assert "/api/ready" in shown
    assert "/api/ready" not in hidden


def test_run_serves_the_app_with_reload_until_stopped(installed_project):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "fastapi_mvc", "run", "--port", str(port)],
        cwd=installed_project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        body = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and body is None:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/api/ready", timeout=2
                ) as reply:
                    body = json.load(reply)
            except OSError:
                assert server.poll() is None, server.stdout.read()
                time.sleep(0.2)
        assert body == {"status": "ok"}
    finally:
        os.kill(server.pid, signal.SIGTERM)
        output, _ = server.communicate(timeout=30)
    assert "Will watch for changes" in output or "reload" in output.lower()
