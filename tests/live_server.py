"""A real ``streamlit run`` on a free local port, for browser tests and benchmarks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# What a browser is served: the st.App entry, with the server layer's middleware (the
# router alone refuses owner pages, having no proof the request is from this computer).
SERVED_APP = PROJECT_ROOT / "app.py"
START_TIMEOUT_SECONDS = 90  # a loaded 2-core machine can take a while
PEER_TIMEOUT_SECONDS = 180


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_healthy(base_url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early with status {process.returncode}")
        try:
            with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"streamlit did not answer on {base_url} in time")


@contextmanager
def streamlit_server(script: Path, database_url: str, **extra_env: str) -> Iterator[str]:
    """Run ``streamlit run script`` against ``database_url`` (plus any extra environment
    variables) until the block ends; yields its base URL."""
    port = free_port()
    environment = {
        **os.environ,
        "DERMADASH_DATABASE_URL": database_url,
        # The project root on the path: a script outside it (the floor page in
        # benchmarks/) imports dermadash too; Streamlit only adds the script's folder.
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")])
        ),
        **extra_env,
    }
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("streamlit")),
            "run",
            str(script),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(base_url, process)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run_peer(module: str, database_url: str, *arguments: str) -> str:
    """``python -m module arguments`` in a fresh process (Streamlit's runtime is one per
    process), on ``database_url`` with sign-in off; what it printed."""
    result = subprocess.run(
        [sys.executable, "-m", module, *arguments],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DERMADASH_DATABASE_URL": database_url, "DERMADASH_AUTH": "none"},
        capture_output=True,
        text=True,
        timeout=PEER_TIMEOUT_SECONDS,
        check=True,
    )
    return result.stdout
