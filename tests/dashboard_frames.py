"""Hand-made frames shaped like ``queries`` and the rule engine's output (and a few sessions
logged for real and read back), for unit tests."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import Engine

from dermadash.columns import FLAG_FRAME_COLUMNS
from dermadash.storage import queries, records

FLAG_COLUMNS = list(FLAG_FRAME_COLUMNS)  # the rule engine's, from the schema: no engine needed
LONDON = "Europe/London"


def sessions(rows: Sequence[dict[str, Any]], timezone: str = LONDON) -> pd.DataFrame:
    """Sessions like ``queries.sessions_frame``: pass started_at as a naive local datetime."""
    zone = ZoneInfo(timezone)
    records = []
    for index, row in enumerate(rows, start=1):
        redness = row.get("redness_hours")
        stinging = row.get("stinging_minutes")
        records.append(
            {
                "session_id": row.get("session_id", index),
                "started_at": row["started_at"].replace(tzinfo=zone),
                "needle_mm": row.get("needle_mm", 0.25),
                "areas": list(row.get("areas", ["Left cheek"])),
                "has_check_in": redness is not None or stinging is not None,
                "redness_hours": redness,
                "stinging_minutes": stinging,
                "is_demo": False,
            }
        )
    frame = pd.DataFrame(
        records,
        columns=[
            "session_id",
            "started_at",
            "needle_mm",
            "areas",
            "has_check_in",
            "redness_hours",
            "stinging_minutes",
            "is_demo",
        ],
    )
    frame["session_id"] = frame["session_id"].astype("int64")
    frame["started_at"] = pd.to_datetime(frame["started_at"], utc=True)
    frame["needle_mm"] = frame["needle_mm"].astype("float64")
    frame["redness_hours"] = frame["redness_hours"].astype("Float64")
    frame["stinging_minutes"] = frame["stinging_minutes"].astype("Float64")
    return frame


def daily_sessions(count: int, start: date = date(2021, 1, 4), **values: Any) -> pd.DataFrame:
    """``count`` sessions, one a day at 21:00."""
    return sessions(
        [
            {
                "started_at": datetime.combine(start + timedelta(days=day), datetime.min.time())
                + timedelta(hours=21),
                **values,
            }
            for day in range(count)
        ]
    )


def ratings(rows: Sequence[tuple[date, str, int]]) -> pd.DataFrame:
    frame = pd.DataFrame(
        [
            {"rating_id": index, "rated_on": day, "area": area, "severity": severity}
            for index, (day, area, severity) in enumerate(rows, start=1)
        ],
        columns=["rating_id", "rated_on", "area", "severity"],
    )
    frame["notes"] = None
    frame["is_demo"] = False
    return frame


def intervals(rows: Sequence[tuple[int, str, date, int | None, int]]) -> pd.DataFrame:
    """(session_id, area, local_date, days_since_previous, minimum_days) rows."""
    frame = pd.DataFrame(
        rows, columns=["session_id", "area", "local_date", "days_since_previous", "minimum_days"]
    )
    frame["started_at"] = pd.to_datetime(frame["local_date"]).dt.tz_localize("UTC")
    frame["days_since_previous"] = frame["days_since_previous"].astype("Int64")
    days = frame["days_since_previous"]
    frame["too_frequent"] = (days < frame["minimum_days"]).fillna(False).astype(bool)
    frame["critical"] = (days * 2 < frame["minimum_days"]).fillna(False).astype(bool)
    return frame


def flags(rows: Sequence[tuple[str, str, date, int | None, str | None]]) -> pd.DataFrame:
    """(rule, severity, date, session, area) rows."""
    frame = pd.DataFrame(
        [
            {
                "rule": rule,
                "severity": severity,
                "date": day,
                "session": session,
                "area": area,
                "message": f"{rule} happened",
                "advice": "",
                "source": "",
            }
            for rule, severity, day, session, area in rows
        ],
        columns=FLAG_COLUMNS,
    )
    frame["session"] = frame["session"].astype("Int64")
    return frame


def three_weekly_sessions(engine: Engine, profile_id: int) -> pd.DataFrame:
    """Three weekly sessions logged for real (Tue 3, 10 and 17 Feb 2026), read back."""
    for day, needle in ((3, 0.25), (10, 0.5), (17, 0.25)):
        records.add_session(
            engine,
            profile_id,
            records.SessionInput(
                started_at=datetime(2026, 2, day, 21, 0, tzinfo=UTC),
                areas=["cheeks", "forehead"],
                needle_mm=needle,
                passes_vertical=4,
                pain=3,
                notes="fine",
            ),
        )
    return queries.sessions_frame(engine, profile_id)
