"""Real processes: concurrent writers lose nothing; a SIGKILL mid-import leaves no trace."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from dermadash import demo
from dermadash.storage import queries
from dermadash.storage.db import transaction
from dermadash.storage.models import Profile, RollingSession
from dermadash.transfer import backup, file_import
from tests.conftest import DEMO_TODAY, PROJECT_ROOT
from tests.workers import START

SESSIONS_PER_WORKER = 500
WORKER_TIMEOUT_SECONDS = 300


def start_worker(database_url: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.workers", args[0], database_url, *args[1:]],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
    )


def wait_for_line(process: subprocess.Popen[str], expected: str) -> None:
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    if line != expected:
        process.kill()
        _, errors = process.communicate()
        pytest.fail(f"worker said {line!r} instead of {expected!r}: {errors}")


@pytest.mark.slow
def test_two_processes_writing_500_sessions_each_lose_nothing(
    engine: Engine, profile_id: int, database_url: str, tmp_path: Path
) -> None:
    go_file = tmp_path / "go"
    workers = [
        start_worker(
            database_url,
            "write-sessions",
            str(profile_id),
            str(SESSIONS_PER_WORKER),
            str(first_hour),
            str(go_file),
        )
        for first_hour in (0, 10_000)
    ]
    for worker in workers:
        wait_for_line(worker, "ready")
    go_file.touch()
    for worker in workers:
        _, errors = worker.communicate(timeout=WORKER_TIMEOUT_SECONDS)
        assert worker.returncode == 0, errors
    with transaction(engine) as session:
        moments = session.scalars(
            select(RollingSession.started_at).where(RollingSession.profile_id == profile_id)
        ).all()
        revision = session.scalar(select(Profile.data_revision).where(Profile.id == profile_id))
    expected = {
        START + timedelta(hours=first_hour + index)
        for first_hour in (0, 10_000)
        for index in range(SESSIONS_PER_WORKER)
    }
    assert len(moments) == 2 * SESSIONS_PER_WORKER
    assert set(moments) == expected
    assert revision == 2 * SESSIONS_PER_WORKER  # no lost update of the shared counter


def big_sessions_file(path: Path, rows: int) -> None:
    start = datetime(2021, 1, 4, 21, 0)
    lines = ["date,area,needle_mm,roller,pain,redness_hours"]
    for index in range(rows):
        moment = (start + timedelta(days=index)).isoformat(sep=" ", timespec="minutes")
        lines.append(f"{moment},Left cheek,0.5,Crash roller,3,{index % 30}")
    path.write_text("\n".join(lines) + "\n")


@pytest.mark.slow
def test_a_killed_import_leaves_the_database_as_it_was(
    engine: Engine, profile_id: int, database_url: str, tmp_path: Path
) -> None:
    demo.load_demo(engine, profile_id, today=DEMO_TODAY)
    before = backup.build_backup(engine, profile_id)
    source = tmp_path / "big.csv"
    big_sessions_file(source, 400)
    worker = start_worker(database_url, "import-and-hang", str(profile_id), str(source))
    wait_for_line(worker, "halfway")
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)
    assert worker.returncode == -signal.SIGKILL
    after = backup.build_backup(engine, profile_id)
    before.pop("exported_at")
    after.pop("exported_at")
    assert after == before
    # The database is not left locked: the same file imports fine now.
    result = file_import.apply_import(
        engine, profile_id, file_import.parse_upload(source.read_bytes(), "Europe/London")
    )
    assert (result.new, result.already_there) == (400, 0)
    assert queries.session_count(engine, profile_id) == len(before["sessions"]) + 400


@pytest.mark.slow
def test_the_same_file_imported_twice_at_once_is_written_once(
    engine: Engine, profile_id: int, database_url: str, tmp_path: Path
) -> None:
    source = tmp_path / "same.csv"
    big_sessions_file(source, 600)
    environment = {**os.environ, "DERMADASH_DATABASE_URL": database_url}
    imports = [
        subprocess.Popen(
            [sys.executable, "-m", "dermadash", "import", str(source)],
            cwd=PROJECT_ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=WORKER_TIMEOUT_SECONDS) for process in imports]
    assert [process.returncode for process in imports] == [0, 0], outputs
    reports = sorted(output for output, _ in outputs)
    assert "0 new sessions, 600 already there" in reports[0]
    assert "600 new sessions, 0 already there" in reports[1]
    assert queries.session_count(engine, profile_id) == 600
    assert len(queries.rollers_frame(engine, profile_id)) == 1
