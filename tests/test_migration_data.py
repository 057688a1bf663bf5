"""Upgrading keeps every row: a database made by the first migration, filled, then
upgraded to the newest schema, still holds every row of every table, value for value.

The rows are written with plain SQL against the first migration's tables (not the
models, which follow the newest schema), so this test keeps working as migrations land.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, MetaData, inspect, select

from dermadash.storage import db

FIRST_REVISION = "0001"
T0 = datetime(2025, 1, 6, 20, 0, tzinfo=UTC)
SESSIONS = 60


def rows_for_first_schema() -> dict[str, list[dict[str, Any]]]:
    """Rows for every table of revision 0001, touching every column and both null and set."""
    profiles = [
        {
            "id": number,
            "display_name": f"Person {number}",
            "experienced": number == 2,
            "scar_baseline": ("mild", "severe")[number - 1],
            "prescribed_interval_days": (None, 14)[number - 1],
            "isotretinoin_last_dose": (None, date(2023, 6, 1))[number - 1],
            "timezone": ("Europe/London", "America/New_York")[number - 1],
            "rule_overrides": ({}, {"too_many_passes": 8})[number - 1],
            "owner_identity": (None, "person2@example.org")[number - 1],
            "data_revision": 5 * number,
            "created_at": T0 - timedelta(days=30),
        }
        for number in (1, 2)
    ]
    rollers = [
        {
            "id": number,
            "profile_id": 1 + number % 2,
            "name": f"Roller {number}",
            "needle_mm": (0.25, 0.5, 1.0)[number - 1],
            "needle_count": (192, None, 540)[number - 1],
            "first_used": date(2025, 1, number),
            "retired_on": (None, date(2025, 6, 1), None)[number - 1],
            "shared": number == 3,
            "is_demo": number == 1,
        }
        for number in (1, 2, 3)
    ]
    sessions, areas, check_ins = [], [], []
    for number in range(1, SESSIONS + 1):
        profile = 1 + number % 2
        sessions.append(
            {
                "id": number,
                "profile_id": profile,
                "started_at": T0 + timedelta(days=3 * number, minutes=number),
                "roller_id": (None, 1, 2, 3)[number % 4],
                "needle_mm": 0.25 + 0.05 * (number % 5),
                "passes_vertical": number % 7,
                "passes_horizontal": None if number % 3 else 6,
                "passes_diagonal": 2,
                "sterilized_before": bool(number % 2),
                "sterilized_after": None if number % 5 == 0 else True,
                "skin_cleansed": True,
                "active_acne": number % 11 == 0,
                "retinoid_48h": False,
                "pinpoint_bleeding": None,
                "pain": number % 11,
                "mask_applied": number % 2 == 0,
                "notes": None if number % 4 else f"Notes for session {number} — ünïcode",
                "is_demo": number < 5,
                "import_key": None if number % 3 else f"{number:064d}",
                "created_at": T0 + timedelta(days=3 * number, minutes=number + 5),
            }
        )
        for position, area in enumerate(("Left cheek", "Chin")[: 1 + number % 2]):
            areas.append({"session_id": number, "area": area, "position": position})
        if number % 6:
            check_ins.append(
                {
                    "session_id": number,
                    "redness_hours": number * 0.5,
                    "stinging_minutes": None if number % 2 else 15.0,
                    "peeling": number % 3 == 0,
                    "side_effect": ("none", "bruising", "infection", "allergy", None)[number % 5],
                    "makeup_48h": False,
                    "sun_24h": number % 7 == 0,
                    "notes": None if number % 2 else "fine",
                    "recorded_at": T0 + timedelta(days=3 * number + 1),
                }
            )
    ratings = [
        {
            "id": number,
            "profile_id": 1 + number % 2,
            "rated_on": date(2025, 1, 1) + timedelta(days=7 * number),
            "area": ("Left cheek", "Forehead")[number % 2],
            "severity": number % 11,
            "notes": None if number % 2 else "after a week",
            "is_demo": number < 3,
            "import_key": None if number % 2 else f"r{number:063d}",
            "created_at": T0 + timedelta(days=7 * number),
        }
        for number in range(1, 21)
    ]
    links = [
        {
            "id": number,
            "profile_id": 1 + number % 2,
            "label": f"Dr {number}",
            "token_hash": f"{number:064x}",
            "created_at": T0 + timedelta(days=number),
            "expires_at": T0 + timedelta(days=30 + number),
            "revoked_at": None if number % 2 else T0 + timedelta(days=10),
            "include_photos": number == 2,
        }
        for number in (1, 2)
    ]
    views = [
        {"id": number, "share_link_id": 1 + number % 2, "viewed_at": T0 + timedelta(hours=number)}
        for number in range(1, 6)
    ]
    return {
        "profiles": profiles,
        "rollers": rollers,
        "sessions": sessions,
        "session_areas": areas,
        "check_ins": check_ins,
        "scar_ratings": ratings,
        "share_links": links,
        "share_link_views": views,
    }


def user_tables(engine: Engine) -> list[str]:
    return sorted(set(inspect(engine).get_table_names()) - {"alembic_version"})


def snapshot(engine: Engine, columns: dict[str, list[str]]) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the given tables and columns, in a stable order."""
    metadata = MetaData()
    metadata.reflect(engine, only=list(columns))
    found = {}
    with engine.connect() as connection:
        for name, names in columns.items():
            table = metadata.tables[name]
            rows = connection.execute(select(*(table.c[column] for column in names))).all()
            found[name] = sorted((tuple(row) for row in rows), key=repr)
    return found


def test_every_row_survives_upgrading_from_the_first_migration(database_url: str) -> None:
    engine = db.make_engine(database_url)
    try:
        db.upgrade(engine, FIRST_REVISION)
        rows = rows_for_first_schema()
        assert user_tables(engine) == sorted(rows)  # every table of 0001 gets rows
        metadata = MetaData()
        metadata.reflect(engine)
        with engine.begin() as connection:
            for name, table_rows in rows.items():  # parents before children
                connection.execute(metadata.tables[name].insert(), table_rows)
        columns = {
            name: [column["name"] for column in inspect(engine).get_columns(name)] for name in rows
        }
        for name, names in columns.items():
            assert set(names) == set(rows[name][0]), f"{name}: fill every column of 0001"
        before = snapshot(engine, columns)
        assert {name: len(found) for name, found in before.items()} == {
            name: len(table_rows) for name, table_rows in rows.items()
        }
        db.upgrade(engine, "head")
        assert db.current_revision(engine) == db.head_revision()
        assert snapshot(engine, columns) == before
    finally:
        engine.dispose()
