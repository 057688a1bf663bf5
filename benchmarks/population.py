"""Fast bulk data for the benchmarks: one person's long history among many others."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, insert, select

from dermadash.storage.models import CheckIn, Profile, RollingSession, ScarRating, SessionArea

AREAS = ("Left cheek", "Right cheek", "Forehead", "Chin")
CHUNK = 20_000
RATING_FORTNIGHTS = 130  # five years of fortnightly scar ratings


# Days between sessions: everyone else rolls about weekly; the timed person logs more
# often (about 1,500 sessions in five years, the dashboard benchmark's history).
OTHER_GAPS = (5, 6, 7, 7, 7, 8, 9)
PERSON_GAPS = (1, 1, 1, 2)


def _session_rows(
    profile_id: int,
    count: int,
    first_id: int,
    gaps: tuple[int, ...],
    end: datetime,
    rng: random.Random,
) -> tuple[list[dict], list[dict], list[dict]]:
    """``count`` sessions that end near ``end`` (nothing in the future)."""
    sessions: list[dict] = []
    areas: list[dict] = []
    check_ins: list[dict] = []
    mean_gap = sum(gaps) / len(gaps)
    moment = end - timedelta(days=mean_gap * count + 2)
    for offset in range(count):
        session_id = first_id + offset
        moment += timedelta(days=rng.choice(gaps), minutes=rng.randint(-90, 90))
        moment = min(moment, end)
        sessions.append(
            {
                "id": session_id,
                "profile_id": profile_id,
                "started_at": moment,
                "needle_mm": rng.choice([0.25, 0.5, 0.5, 0.75]),
                "passes_vertical": rng.randint(4, 8),
                "passes_horizontal": rng.randint(4, 8),
                "passes_diagonal": rng.randint(0, 4),
                "sterilized_before": rng.random() > 0.05,
                "sterilized_after": rng.random() > 0.05,
                "skin_cleansed": rng.random() > 0.05,
                "active_acne": rng.random() < 0.03,
                "retinoid_48h": rng.random() < 0.03,
                "pinpoint_bleeding": rng.random() < 0.3,
                "pain": rng.randint(1, 8),
                "mask_applied": rng.random() < 0.5,
                "is_demo": False,
                "created_at": moment,
            }
        )
        for position, area in enumerate(rng.sample(AREAS, rng.randint(1, 2))):
            areas.append({"session_id": session_id, "area": area, "position": position})
        check_ins.append(
            {
                "session_id": session_id,
                "redness_hours": round(rng.uniform(2, 40), 1),
                "stinging_minutes": float(rng.randint(0, 45)),
                "side_effect": "none",
                "makeup_48h": rng.random() < 0.05,
                "sun_24h": rng.random() < 0.05,
                "recorded_at": moment,
            }
        )
    return sessions, areas, check_ins


def _flush(engine: Engine, sessions: list[dict], areas: list[dict], check_ins: list[dict]) -> None:
    """Write one chunk through the driver's fastest path (COPY on PostgreSQL)."""
    tables = (
        (RollingSession.__table__, sessions),
        (SessionArea.__table__, areas),
        (CheckIn.__table__, check_ins),
    )
    with engine.begin() as connection:
        for table, rows in tables:
            columns = list(rows[0])
            if engine.dialect.name == "postgresql":
                _copy_rows(connection, table.name, columns, rows)
            else:
                placeholders = ", ".join("?" for _ in columns)
                connection.exec_driver_sql(
                    f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({placeholders})",
                    [tuple(_sqlite_value(row[column]) for column in columns) for row in rows],
                )


def _sqlite_value(value: object) -> object:
    """SQLite stores UTC times as naive text, as dermadash's column type does."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")
    return value


def _copy_rows(
    connection: Connection, table: str, columns: list[str], rows: list[dict[str, Any]]
) -> None:
    cursor = connection.connection.driver_connection.cursor()
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[column] for column in columns])


Rows = tuple[list[dict], list[dict], list[dict]]


def _spread(rows: Rows, parts: int) -> list[Rows]:
    """``rows`` (sessions, areas, check-ins, ids from 0) cut into ``parts`` consecutive
    slices of nearly equal size, each session with its areas and check-in."""
    sessions, areas, check_ins = rows
    areas_of: dict[int, list[dict]] = {}
    for row in areas:
        areas_of.setdefault(row["session_id"], []).append(row)
    bounds = [round(len(sessions) * index / parts) for index in range(parts + 1)]
    return [
        (
            sessions[start:stop],
            [row for session in sessions[start:stop] for row in areas_of[session["id"]]],
            check_ins[start:stop],
        )
        for start, stop in itertools.pairwise(bounds)
    ]


def _renumbered(rows: Rows, first_id: int) -> Rows:
    """The same rows with session ids from ``first_id`` on, in order."""
    sessions, areas, check_ins = rows
    if not sessions:
        return rows
    offset = first_id - sessions[0]["id"]
    return (
        [{**row, "id": row["id"] + offset} for row in sessions],
        [{**row, "session_id": row["session_id"] + offset} for row in areas],
        [{**row, "session_id": row["session_id"] + offset} for row in check_ins],
    )


def populate(
    engine: Engine,
    *,
    profiles: int,
    sessions_per_other_profile: int,
    person_sessions: int,
    seed: int = 7,
) -> int:
    """Fill an empty, migrated database; returns the id of the person whose dashboard is timed."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    end = now.replace(hour=21, minute=0, second=0, microsecond=0) - timedelta(days=1)
    with engine.begin() as connection:
        connection.execute(
            insert(Profile),
            [
                {
                    "display_name": f"Person {number}",
                    "experienced": False,
                    "scar_baseline": "mild",
                    "timezone": "Europe/London",
                    "rule_overrides": {},
                    "data_revision": 0,
                    "created_at": now,
                }
                for number in range(profiles)
            ],
        )
        profile_ids = list(connection.scalars(select(Profile.id).order_by(Profile.id)))
    # The first profile is the one-person default, so the app opens its dashboard. Its
    # sessions go in interleaved with everyone else's (ids and storage order), as in a
    # clinic where people log at the same time, not all first.
    person = profile_ids[0]
    others = profile_ids[1:]
    person_rows = _session_rows(person, person_sessions, 0, PERSON_GAPS, end, rng)
    person_parts = _spread(person_rows, len(others) + 1)
    next_id = 1
    batch: tuple[list[dict], list[dict], list[dict]] = ([], [], [])
    for position in range(len(others) + 1):
        parts = [_renumbered(person_parts[position], next_id)]
        next_id += len(person_parts[position][0])
        if position < len(others):
            count = sessions_per_other_profile
            parts.append(_session_rows(others[position], count, next_id, OTHER_GAPS, end, rng))
            next_id += count
        for rows in parts:
            for target, new in zip(batch, rows, strict=True):
                target.extend(new)
        if len(batch[0]) >= CHUNK:
            _flush(engine, *batch)
            batch = ([], [], [])
    if batch[0]:
        _flush(engine, *batch)
    first_rating = end - timedelta(weeks=2 * RATING_FORTNIGHTS)
    _add_ratings(engine, person, first_rating, rng)
    return person


def _add_ratings(engine: Engine, profile_id: int, start: datetime, rng: random.Random) -> None:
    rows = [
        {
            "profile_id": profile_id,
            "rated_on": (start + timedelta(weeks=2 * fortnight)).date(),
            "area": area,
            "severity": max(0, 8 - fortnight // 20 + rng.randint(-1, 1)),
            "is_demo": False,
            "created_at": start,
        }
        for fortnight in range(RATING_FORTNIGHTS)
        for area in AREAS
    ]
    with engine.begin() as connection:
        connection.execute(insert(ScarRating), rows)
