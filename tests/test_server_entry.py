"""One entry, every way it is started: ``streamlit run app.py`` and ``uvicorn app:app``
serve the same pages, middleware and routes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from dermadash.storage import db
from tests.conftest import PROJECT_ROOT
from tests.live_server import START_TIMEOUT_SECONDS, free_port
from tests.streamlit_client import run_once

BIN = Path(sys.executable).parent
COMMANDS = {
    "streamlit run": lambda port: [
        str(BIN / "streamlit"), "run", "app.py", "--server.port", str(port),
        "--server.address", "127.0.0.1", "--server.headless", "true",
    ],
    "uvicorn": lambda port: [
        str(BIN / "uvicorn"), "app:app", "--host", "127.0.0.1", "--port", str(port),
        "--no-access-log",
    ],
}  # fmt: skip


@contextmanager
def serving(how: str, database_url: str) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        COMMANDS[how](port),
        cwd=PROJECT_ROOT,
        env={**os.environ, "DERMADASH_DATABASE_URL": database_url, "DERMADASH_AUTH": "none"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            assert process.poll() is None, f"{how} stopped"
            try:
                urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, f"{how} did not start"
                time.sleep(0.3)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.mark.slow
@pytest.mark.parametrize("how", list(COMMANDS))
def test_every_way_of_starting_serves_the_same_app(how: str, sqlite_url: str) -> None:
    with serving(how, sqlite_url) as base_url:
        with urllib.request.urlopen(f"{base_url}/healthz", timeout=30) as response:
            assert response.status == 200
            assert f'"schema":"{db.head_revision()}"' in response.read().decode()
        with urllib.request.urlopen(f"{base_url}/?share=x", timeout=30) as response:
            assert response.headers["Referrer-Policy"] == "no-referrer"
            assert response.headers["Cache-Control"] == "no-store"
        assert "No sessions yet" in run_once(base_url)  # the router, with the proof
        assert "DERMADASH_AUTH=password" in run_once(base_url, host="rebind.example")
