"""``python -m dermadash init`` and ``demo`` in a real subprocess on a real database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import PROJECT_ROOT


def run_cli(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "DERMADASH_DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "dermadash", *args],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_init_then_demo_fills_a_new_database(database_url: str) -> None:
    init = run_cli(database_url, "init")
    assert init.returncode == 0, init.stderr
    assert "Database ready" in init.stdout
    filled = run_cli(database_url, "demo")
    assert filled.returncode == 0, filled.stderr
    assert "sessions" in filled.stdout
    again = run_cli(database_url, "demo")
    assert again.returncode == 2
    assert "already has entries" in again.stderr
    assert "Traceback" not in again.stderr
    removed = run_cli(database_url, "demo", "--remove")
    assert removed.returncode == 0
    assert "Removed the example data" in removed.stdout


def test_init_creates_the_data_folder(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new' / 'folder' / 'dermadash.storage.db'}"
    result = run_cli(url, "init")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "new" / "folder" / "dermadash.storage.db").exists()


def test_a_bad_database_url_is_a_plain_message(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = run_cli(f"sqlite:///{blocker / 'x.db'}", "init")
    assert result.returncode == 2
    assert "cannot be created" in result.stderr
    assert "Traceback" not in result.stderr
