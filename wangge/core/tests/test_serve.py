from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wangge(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wangge.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def sqlite_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WANGGE_")}
    return {**env, "WANGGE_DATA_DIR": str(tmp_path), "WANGGE_DB": f"sqlite:///{tmp_path}/w.sqlite3"}


def test_serve_refuses_to_start_without_a_secret_key(sqlite_env: dict[str, str]) -> None:
    result = wangge("serve", env=sqlite_env)
    assert result.returncode != 0
    assert "WANGGE_SECRET_KEY" in result.stderr


def test_serve_refuses_a_database_without_migrations(sqlite_env: dict[str, str]) -> None:
    result = wangge("serve", env={**sqlite_env, "WANGGE_SECRET_KEY": "k" * 50})
    assert result.returncode != 0
    assert "wangge migrate" in result.stderr


def test_serve_answers_healthz_from_a_real_server(sqlite_env: dict[str, str]) -> None:
    env = {**sqlite_env, "WANGGE_SECRET_KEY": "k" * 50}
    assert wangge("migrate", "-v", "0", env=env).returncode == 0
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "wangge.cli",
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        body = b""
        for _ in range(100):
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/healthz", timeout=2
                ) as response:
                    assert response.status == 200
                    body = response.read()
                    break
            except OSError:
                time.sleep(0.2)
        assert b'"status": "ok"' in body
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/login/", timeout=5) as response:
            page = response.read().decode()
        assert "登录" in page  # the administration speaks Chinese by default
        # Static files come from the server itself (whitenoise), not a separate web server.
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/static/admin/css/base.css", timeout=5
        ) as response:
            assert response.status == 200
    finally:
        server.terminate()
        server.wait(timeout=20)
