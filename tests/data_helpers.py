"""Filling a profile with everything a backup holds: demo data, settings, photos, share links."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from dermadash import demo, photos
from dermadash.sharing.share_links import LinkOptions
from dermadash.storage import db, queries
from dermadash.storage.db import transaction
from dermadash.storage.models import ShareLink, ShareLinkView
from dermadash.storage.profiles import ProfileSettings, load_profile, update_settings
from dermadash.storage.records import SessionInput, add_session
from dermadash.transfer import backup
from dermadash.transfer.import_report import ImportProblem
from tests.conftest import DEMO_TODAY
from tests.photo_helpers import jpeg_with_gps, png_bytes


def add_share_link(
    engine: Engine,
    profile_id: int,
    label: str,
    created_at: datetime,
    views: list[datetime],
    revoked_at: datetime | None = None,
    options: LinkOptions | None = None,
) -> None:
    options = options or LinkOptions()
    with transaction(engine) as session:
        session.add(
            ShareLink(
                profile_id=profile_id,
                label=label,
                token_hash=hashlib.sha256(uuid.uuid4().bytes).hexdigest(),
                created_at=created_at,
                expires_at=created_at + timedelta(days=30),
                revoked_at=revoked_at,
                include_photos=options.include_photos,
                include_notes=options.include_notes,
                since_date=options.since,
                views=[ShareLinkView(viewed_at=moment) for moment in views],
            )
        )


def add_photos(engine: Engine, profile_id: int) -> None:
    """Two photos of the first rating (two angles), one of the latest."""
    ratings = queries.scar_ratings_frame(engine, profile_id)["rating_id"].tolist()
    photos.add_photo(engine, profile_id, ratings[0], jpeg_with_gps((1200, 900)))
    photos.add_photo(engine, profile_id, ratings[0], png_bytes((300, 400)))
    photos.add_photo(engine, profile_id, ratings[-1], jpeg_with_gps((4032, 3024), orientation=6))


def fill_everything(engine: Engine, profile_id: int) -> None:
    """Demo data plus the parts demo data lacks: settings, photos, share links, odd text."""
    current = load_profile(engine, profile_id)
    update_settings(
        engine,
        profile_id,
        ProfileSettings(
            display_name="Sam Ångström",
            experienced=True,
            scar_baseline="moderate",
            prescribed_interval_days=10,
            isotretinoin_last_dose=date(2024, 5, 1),
            timezone=current.timezone,
            rule_overrides={"too-many-passes.max_passes": 8},
        ),
        answered_at=datetime(2026, 1, 5, 9, 30, 12, 345678, tzinfo=UTC),  # the safety questions
    )
    demo.load_demo(engine, profile_id, today=DEMO_TODAY)
    add_session(
        engine,
        profile_id,
        SessionInput(
            started_at=datetime(2026, 3, 1, 8, 15, 7, 123456, tzinfo=UTC),
            areas=["Nose", "Chin"],
            needle_mm=0.3,
            notes='=HYPERLINK("http://x") — «notes» with ünïcode',
            import_key="k" * 64,
        ),
    )
    add_photos(engine, profile_id)
    start = datetime(2026, 2, 1, 10, 0, tzinfo=UTC)
    add_share_link(
        engine,
        profile_id,
        "Dr Okafor",
        start,
        [start + timedelta(hours=h) for h in (1, 30)],
        options=LinkOptions(include_notes=True, include_photos=True, since=date(2025, 12, 1)),
    )
    add_share_link(
        engine, profile_id, "Old clinic", start - timedelta(days=40), [], start - timedelta(days=20)
    )


@contextmanager
def fresh_database_like(url: str, folder: Path) -> Iterator[Engine]:
    """A second, empty, migrated database of the same kind as ``url``."""
    if make_url(url).get_backend_name() == "sqlite":
        engine = db.make_engine(f"sqlite:///{folder / f'other-{uuid.uuid4().hex[:8]}.db'}")
        db.upgrade(engine)
        yield engine
        engine.dispose()
        return
    name = f"dermadash_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = db.make_engine(make_url(url).set(database=name).render_as_string(hide_password=False))
    try:
        db.upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def parse_document(document: Any) -> tuple[backup.BackupContent | None, list[ImportProblem]]:
    """Check a backup already in memory, as ``backup.parse_backup`` checks a file's bytes."""
    data = json.dumps(document, ensure_ascii=False).encode("utf-8", "surrogatepass")
    return backup.parse_backup(data)
