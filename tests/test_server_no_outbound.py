"""No request leaves the machine: starting the server and a cross-origin WebSocket
attempt never look up an address outside it (Streamlit's "what is my IP")."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT
from tests.live_server import START_TIMEOUT_SECONDS, free_port
from tests.streamlit_client import Refused, run_once


def _launch(log: Path, *arguments: str, database_url: str = "") -> subprocess.Popen[bytes]:
    environment = {**os.environ, "NO_OUTBOUND_LOG": str(log), "PYTHONPATH": str(PROJECT_ROOT)}
    if database_url:
        environment["DERMADASH_DATABASE_URL"] = database_url
    return subprocess.Popen(
        [sys.executable, "-m", "tests.no_outbound_launcher", *arguments],
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_the_detector_catches_streamlits_own_lookup(tmp_path: Path) -> None:
    log = tmp_path / "outbound.log"
    assert _launch(log, "--unpatched-lookup").wait(timeout=60) == 0
    assert "checkip.amazonaws.com" in log.read_text()  # seen, and blocked before it left


def _wait_until_up(base_url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server stopped"
        try:
            with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(base_url)


@pytest.mark.slow
def test_start_and_a_cross_origin_attempt_make_no_outbound_connection(
    tmp_path: Path, sqlite_url: str
) -> None:
    log = tmp_path / "outbound.log"
    port = free_port()
    process = _launch(log, str(port), database_url=sqlite_url)
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base_url, process)
        with pytest.raises(Refused, match="403"):
            run_once(base_url, host=f"127.0.0.1:{port}", origin="https://elsewhere.example")
        assert "No sessions yet" in run_once(base_url)  # the app itself still works
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert not log.exists(), log.read_text()
