"""The backup format itself: its published schema, photos re-encoded, bounded memory."""

from __future__ import annotations

import base64
import copy
import io
import json
import struct
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest
from PIL import Image
from sqlalchemy import Engine, func, select

from dermadash import photos
from dermadash.storage import queries
from dermadash.storage.db import reading
from dermadash.storage.models import ShareLinkView
from dermadash.transfer import backup, backup_format
from tests.data_helpers import fill_everything, parse_document
from tests.photo_helpers import jpeg_with_gps, two_tone

ROOT = Path(__file__).resolve().parent.parent
COMMITTED_SCHEMA = ROOT / "docs" / "backup.schema.json"
FIXTURE_V1 = Path(__file__).parent / "data" / "backup_v1.json"


def test_the_committed_schema_is_the_one_the_models_make() -> None:
    committed = json.loads(COMMITTED_SCHEMA.read_text(encoding="utf-8"))
    assert committed == backup_format.json_schema(), (
        "docs/backup.schema.json is out of date: "
        "python -m dermadash schema backup > docs/backup.schema.json"
    )
    assert committed["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(committed)


def test_schema_backup_prints_the_schema() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "dermadash", "schema", "backup"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == backup_format.json_schema()


def test_a_real_backup_meets_the_schema_and_a_damaged_one_does_not(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    from dermadash.storage.profiles import default_profile_id

    profile_id = default_profile_id(sqlite_engine)
    fill_everything(sqlite_engine, profile_id)
    document = backup.build_backup(sqlite_engine, profile_id)
    validator = jsonschema.Draft202012Validator(backup_format.json_schema())
    assert list(validator.iter_errors(document)) == []
    damaged = copy.deepcopy(document)
    damaged["sessions"][0]["needle_mm"] = 9
    damaged["profile"]["rule_overrides"] = {"too-many-passes.max_passes": "8"}
    assert len(list(validator.iter_errors(damaged))) == 2


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def smuggling_jpeg() -> bytes:
    """A JPEG with GPS EXIF, a second JPEG inside an APP segment and bytes after its end."""
    thumbnail = io.BytesIO()
    two_tone((64, 48)).save(thumbnail, format="JPEG")
    base = jpeg_with_gps((800, 600))
    embedded = _segment(0xE2, b"THUMB\x00" + thumbnail.getvalue())
    return base[:2] + embedded + base[2:] + b"TRAILING-SECRET" + thumbnail.getvalue()


def test_a_restored_photo_is_re_encoded_like_an_upload(engine: Engine, profile_id: int) -> None:
    raw = smuggling_jpeg()
    assert raw.count(b"\xff\xd8\xff") == 3  # the photo, the one inside it, the one after
    document = backup.upgrade_document(json.loads(FIXTURE_V1.read_text()))
    document["photos"] = [
        {
            "rating_ref": 1,
            "jpeg_base64": base64.b64encode(raw).decode(),
            "width": 800,
            "height": 600,
        }
    ]
    content, problems = parse_document(document)
    assert content is not None, problems
    backup.restore_backup(engine, profile_id, content)
    [photo_id] = photos.photos_frame(engine, profile_id)["photo_id"].tolist()
    stored = photos.photo_jpeg(engine, profile_id, photo_id)
    assert stored == photos.prepare_photo(raw).jpeg  # exactly what an upload stores
    assert stored.count(b"\xff\xd8\xff") == 1
    assert stored.endswith(b"\xff\xd9")
    assert b"TRAILING-SECRET" not in stored
    assert b"THUMB" not in stored
    assert b"Exif" not in stored
    assert b"PhoneMaker" not in stored
    picture = Image.open(io.BytesIO(stored))
    assert picture.size == (800, 600)
    assert "exif" not in picture.info


def generated_backup(target_bytes: int) -> bytes:
    """A backup of about ``target_bytes``: a few hundred sessions and a share link's
    views, the kind of record that took 13 times its size to read before."""
    document = backup.upgrade_document(json.loads(FIXTURE_V1.read_text()))
    template = document["sessions"][0]
    start = datetime(2025, 1, 1, tzinfo=UTC)
    document["sessions"] = [
        {
            **template,
            "ref": ref,
            "started_at": (start + timedelta(hours=ref)).isoformat(),
            "import_key": None,
        }
        for ref in range(1, 501)
    ]
    links = document["share_links"]
    base = len(backup.dumps(document))
    links[1]["views"] = [{"viewed_at": start.isoformat()}] * 1000
    per_view = (len(backup.dumps(document)) - base) / 1000
    links[1]["views"] = [
        {"viewed_at": (start + timedelta(seconds=second)).isoformat()}
        for second in range(int((target_bytes - base) / per_view))
    ]
    return backup.dumps(document).encode()


@pytest.mark.slow
def test_reading_and_restoring_a_20_mb_backup_needs_at_most_3x_its_size(
    engine: Engine, profile_id: int, database_url: str, tmp_path: Path
) -> None:
    data = generated_backup(20 * 1024 * 1024)
    assert len(data) >= 19 * 1024 * 1024
    backup_file = tmp_path / "backup.json"
    backup_file.write_bytes(data)
    worker = [sys.executable, "-m", "tests.restore_peak_worker"]
    done = subprocess.run(
        [*worker, database_url, str(profile_id), str(backup_file)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    peak = json.loads(done.stdout)["peak_bytes"]
    ratio = peak / len(data)
    assert ratio <= 3, f"peak {peak / 2**20:.1f} MB for a {len(data) / 2**20:.1f} MB backup"
    assert queries.session_count(engine, profile_id) == 500
    with reading(engine) as session:
        views = session.scalar(select(func.count()).select_from(ShareLinkView))
    assert views == data.count(b'"viewed_at"') > 100_000
