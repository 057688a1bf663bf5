"""``python -m dermadash import`` and ``export`` in real subprocesses on real databases."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from sqlalchemy import Engine

from dermadash.storage import db, queries
from dermadash.storage.profiles import default_profile_id
from tests.test_cli_foundation import run_cli

SESSIONS = (
    "date,area,needle_mm,roller,pain,redness_hours\n"
    "2026-01-05 21:00,Left cheek;Right cheek,0.5,Titanium,3,12\n"
    "2026-01-12,Chin,0.5,Titanium,,\n"
)


def sessions_in(database_url: str) -> int:
    engine: Engine = db.make_engine(database_url)
    try:
        return queries.session_count(engine, default_profile_id(engine))
    finally:
        engine.dispose()


def test_import_prints_what_was_imported_and_is_idempotent(
    database_url: str, tmp_path: Path
) -> None:
    source = tmp_path / "log.csv"
    source.write_text(SESSIONS)
    first = run_cli(database_url, "import", str(source))
    assert first.returncode == 0, first.stderr
    assert "2 new sessions, 0 already there; new rollers: Titanium." in first.stdout
    second = run_cli(database_url, "import", str(source))
    assert second.returncode == 0, second.stderr
    assert "0 new sessions, 2 already there." in second.stdout
    assert sessions_in(database_url) == 2


def test_import_lists_every_problem_and_writes_nothing(database_url: str, tmp_path: Path) -> None:
    source = tmp_path / "bad.csv"
    source.write_text(SESSIONS + "2026-01-19,Chin,lots,Titanium,12,\n2026-02-30,,0.5,,,\n")
    result = run_cli(database_url, "import", str(source))
    assert result.returncode == 2
    assert "nothing was imported" in result.stderr
    assert "Row 4, column 'needle_mm'" in result.stderr
    assert "Row 4, column 'pain'" in result.stderr
    assert "Row 5, column 'date'" in result.stderr
    assert "Row 5, column 'area'" in result.stderr
    assert "Traceback" not in result.stderr
    assert sessions_in(database_url) == 0


def test_export_then_restore_a_backup_into_a_new_database(
    database_url: str, sqlite_url: str, tmp_path: Path
) -> None:
    assert run_cli(database_url, "demo").returncode == 0
    backup_file = tmp_path / "backup.json"
    exported = run_cli(database_url, "export", str(backup_file))
    assert exported.returncode == 0, exported.stderr
    assert json.loads(backup_file.read_text())["format"] == "dermadash-backup"
    target = sqlite_url.replace("dermadash.storage.db", "restored.db")
    restored = run_cli(target, "import", str(backup_file))
    assert restored.returncode == 0, restored.stderr
    assert "Restored the backup: 28 sessions" in restored.stdout
    refused = run_cli(target, "import", str(backup_file))
    assert refused.returncode == 2
    assert "empty profile" in refused.stderr
    assert sessions_in(target) == sessions_in(database_url)


def test_export_csv_kinds_and_zip(database_url: str, tmp_path: Path) -> None:
    assert run_cli(database_url, "demo").returncode == 0
    ratings = tmp_path / "ratings.csv"
    result = run_cli(database_url, "export", str(ratings), "--what", "ratings")
    assert result.returncode == 0, result.stderr
    assert ratings.read_text(encoding="utf-8-sig").startswith("date,area,severity,notes")
    sessions = tmp_path / "sessions.csv"
    assert run_cli(database_url, "export", str(sessions)).returncode == 0
    assert sessions.read_text(encoding="utf-8-sig").startswith("date,area,needle_mm,roller")
    bundle = tmp_path / "all.zip"
    assert run_cli(database_url, "export", str(bundle)).returncode == 0
    with zipfile.ZipFile(io.BytesIO(bundle.read_bytes())) as archive:
        assert {"sessions.csv", "scar_ratings.csv", "backup.json"} <= set(archive.namelist())
    wrong = run_cli(database_url, "export", str(tmp_path / "out.xlsx"))
    assert wrong.returncode == 2
    assert ".json, .csv or .zip" in wrong.stderr
