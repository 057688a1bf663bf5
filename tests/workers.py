"""Worker processes for the concurrency and crash tests (run as ``python -m tests.workers``).

``write-sessions URL PROFILE COUNT FIRST_HOUR GO_FILE``: wait for GO_FILE, then add COUNT
sessions one transaction each, an hour apart from FIRST_HOUR hours after 2024-01-01.

``upgrade URL 0 GO_FILE``: wait for GO_FILE, bring the schema up to date and print the
revisions applied, as a JSON list.

``import-and-hang URL PROFILE FILE``: import FILE and, half-way through the write, print
"halfway" and sleep inside the open transaction until killed.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from dermadash.storage import db
from dermadash.storage.profiles import load_profile
from dermadash.storage.records import SessionInput, add_session
from dermadash.transfer import file_import

START = datetime(2024, 1, 1, tzinfo=UTC)


def write_sessions(url: str, profile_id: int, count: int, first_hour: int, go_file: Path) -> None:
    engine = db.make_engine(url)
    print("ready", flush=True)
    while not go_file.exists():
        time.sleep(0.01)
    for index in range(count):
        data = SessionInput(
            started_at=START + timedelta(hours=first_hour + index),
            areas=["Chin"],
            needle_mm=0.25,
            notes=f"worker {first_hour} session {index}",
        )
        db.with_retry(lambda data=data: add_session(engine, profile_id, data))
    print("done", flush=True)


def upgrade(url: str, go_file: Path) -> None:
    engine = db.make_engine(url)
    print("ready", flush=True)
    while not go_file.exists():
        time.sleep(0.01)
    print(json.dumps(db.upgrade(engine)), flush=True)


def import_and_hang(url: str, profile_id: int, path: Path) -> None:
    engine = db.make_engine(url)
    parsed = file_import.parse_upload(path.read_bytes(), load_profile(engine, profile_id).timezone)
    assert parsed.ok, parsed.problems

    def hang_half_way(done: int, total: int) -> None:
        if done >= total // 2:
            print("halfway", flush=True)
            time.sleep(600)

    file_import.apply_import(engine, profile_id, parsed, progress=hang_half_way)


def main(argv: list[str]) -> None:
    command, url, profile = argv[0], argv[1], int(argv[2])
    if command == "write-sessions":
        write_sessions(url, profile, int(argv[3]), int(argv[4]), Path(argv[5]))
    elif command == "upgrade":
        upgrade(url, Path(argv[3]))
    elif command == "import-and-hang":
        import_and_hang(url, profile, Path(argv[3]))
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main(sys.argv[1:])
