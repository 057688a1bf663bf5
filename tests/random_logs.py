"""Session and roller frames shaped exactly like ``dermadash.storage.queries`` returns them.

Used by the rule tests (frames from a few hand-written records) and by the benchmark
(a large random log built with numpy in a second or two).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from dermadash.columns import ROLLER, ROLLER_FRAME_COLUMNS, SESSION, SESSION_FRAME_COLUMNS, typed

BREACH = 0.03

# A check-in's values (not its notes): any of them given means the session has one.
CHECK_IN_FIELDS = tuple(
    column.name
    for column in SESSION
    if column.source == "check_in" and column.name != "check_in_notes"
)


def typed_sessions(columns: Mapping[str, Any]) -> pd.DataFrame:
    """A sessions frame with the dtypes ``queries.sessions_frame`` gives."""
    frame = pd.DataFrame({name: columns.get(name) for name in SESSION_FRAME_COLUMNS})
    frame["has_check_in"] = frame["has_check_in"].fillna(False)
    frame["is_demo"] = frame["is_demo"].fillna(False)
    return typed(frame, SESSION)


def sessions_frame(records: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """A sessions frame from dicts; a missing key means not recorded.

    ``session_id`` defaults to the position (from 1); ``has_check_in`` defaults to
    whether any check-in field is given. Rows are put in time order like the query.
    """
    rows = []
    for position, record in enumerate(records, start=1):
        row = {name: record.get(name) for name in SESSION_FRAME_COLUMNS}
        row["session_id"] = record.get("session_id", position)
        row["areas"] = list(record.get("areas", ["Left cheek"]))
        row["needle_mm"] = record.get("needle_mm", 0.25)
        row["is_demo"] = False
        if "has_check_in" not in record:
            row["has_check_in"] = any(record.get(name) is not None for name in CHECK_IN_FIELDS)
        rows.append(row)
    columns = {name: [row[name] for row in rows] for name in SESSION_FRAME_COLUMNS}
    columns["areas"] = pd.Series([row["areas"] for row in rows], dtype=object)
    frame = typed_sessions(columns)
    return frame.sort_values(["started_at", "session_id"], kind="stable").reset_index(drop=True)


def rollers_frame(records: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """A rollers frame from dicts (``roller_id`` and ``shared`` matter to the rules)."""
    rows = [
        {
            "roller_id": record["roller_id"],
            "name": record.get("name", f"Roller {record['roller_id']}"),
            "needle_mm": record.get("needle_mm", 0.25),
            "needle_count": record.get("needle_count"),
            "first_used": record.get("first_used"),
            "retired_on": record.get("retired_on"),
            "shared": bool(record.get("shared", False)),
            "is_demo": False,
            "sessions_used": record.get("sessions_used", 0),
        }
        for record in records
    ]
    return typed(pd.DataFrame(rows, columns=ROLLER_FRAME_COLUMNS), ROLLER)


def _maybe(generator: np.random.Generator, values: np.ndarray, missing: float) -> list[Any]:
    """``values`` with a share of them replaced by None (not recorded)."""
    gone = generator.random(len(values)) < missing
    return [None if absent else value for value, absent in zip(values.tolist(), gone, strict=True)]


def _booleans(
    generator: np.random.Generator, count: int, bad: float, bad_value: bool
) -> list[bool | None]:
    """Mostly the good answer, ``bad`` of the time the bad one, 10% not recorded."""
    draw = generator.random(count)
    values = np.where(draw < bad, bad_value, not bad_value)
    return _maybe(generator, values, 0.1)


def _breach(
    generator: np.random.Generator, low: int, high: int, bad: int, count: int
) -> np.ndarray:
    """Whole numbers from ``low`` to ``high - 1``, and ``bad`` one time in BREACH."""
    values = generator.integers(low, high, count)
    return np.where(generator.random(count) < BREACH, bad, values)


def random_log(
    sessions: int,
    *,
    seed: int = 1,
    areas: int = 2000,
    start: datetime = datetime(2012, 1, 2, tzinfo=UTC),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A large, realistic log: each area rolled about weekly with some slips.

    Session ``i`` treats area ``i % areas`` (and its edge one time in five); about
    a few sessions in a hundred break each rule, so flags stay a minority as in real use.
    """
    generator = np.random.default_rng(seed)
    index = np.arange(sessions)
    week = index // areas
    # Every 8 or 9 days, and now and then (BREACH) four days early.
    slip = np.where(generator.random(sessions) < BREACH, -4, 0)
    day_offset = week * 8 + generator.integers(0, 2, sessions) + slip
    minute = generator.integers(17 * 60, 23 * 60, sessions)
    started = pd.to_datetime(start) + pd.to_timedelta(day_offset * 1440 + minute, unit="min")
    names = [f"Area {number}" for number in range(areas)]
    first_area = index % areas
    second = generator.random(sessions) < 0.2
    area_lists = [
        [names[first], f"{names[first]} edge"] if both else [names[first]]
        for first, both in zip(first_area.tolist(), second.tolist(), strict=True)
    ]
    roller = index // 10 - (generator.random(sessions) < 0.05)
    roller = np.maximum(roller, 0)
    has_check_in = generator.random(sessions) >= BREACH
    redness = np.where(generator.random(sessions) < 0.05, 30.0, 6.0)
    side_effect = np.where(generator.random(sessions) < 0.02, "bruising", "none").astype(object)
    columns: dict[str, Any] = {
        "session_id": index + 1,
        "started_at": started,
        "roller_id": roller,
        "roller_name": None,
        "needle_mm": np.where(generator.random(sessions) < BREACH, 1.0, 0.5),
        "passes_vertical": _maybe(generator, _breach(generator, 4, 7, 8, sessions), 0.1),
        "passes_horizontal": _maybe(generator, generator.integers(4, 7, sessions), 0.1),
        "passes_diagonal": _maybe(generator, generator.integers(0, 7, sessions), 0.1),
        "sterilized_before": _booleans(generator, sessions, 0.03, False),
        "sterilized_after": _booleans(generator, sessions, 0.05, False),
        "skin_cleansed": _booleans(generator, sessions, 0.05, False),
        "active_acne": _booleans(generator, sessions, 0.03, True),
        "retinoid_48h": _booleans(generator, sessions, 0.03, True),
        "pinpoint_bleeding": _booleans(generator, sessions, 0.3, True),
        "pain": _maybe(generator, _breach(generator, 1, 7, 8, sessions), 0.1),
        "mask_applied": _booleans(generator, sessions, 0.5, True),
        "is_demo": False,
        "has_check_in": has_check_in,
        "redness_hours": np.where(has_check_in, redness, np.nan),
        "stinging_minutes": np.where(has_check_in, _breach(generator, 5, 30, 45, sessions), np.nan),
        "side_effect": np.where(has_check_in, side_effect, None),
        "makeup_48h": np.where(has_check_in, _booleans(generator, sessions, 0.03, True), None),
        "sun_24h": np.where(has_check_in, _booleans(generator, sessions, 0.03, True), None),
        "areas": pd.Series(area_lists, dtype=object),
    }
    frame = typed_sessions(columns)
    frame = frame.sort_values(["started_at", "session_id"], kind="stable").reset_index(drop=True)
    roller_ids = np.arange(int(roller.max()) + 1)
    rollers = rollers_frame(
        {"roller_id": int(number), "shared": number % 1000 == 999} for number in roller_ids
    )
    return frame, rollers
