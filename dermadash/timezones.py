"""Time-zone names and the calendar day a moment falls on for a person."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

import pandas as pd


@cache
def known_timezones() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


def is_known_timezone(name: str) -> bool:
    return name in known_timezones()


def local_today(timezone: str, now: datetime | None = None) -> date:
    """Today's date where the person is."""
    return (now or datetime.now(UTC)).astimezone(ZoneInfo(timezone)).date()


def local_dates(started_at: pd.Series, timezone: str) -> pd.Series:
    """Each moment's calendar day where the person lives (as datetime.date)."""
    if started_at.empty:
        return pd.Series([], dtype=object, index=started_at.index)
    days: pd.Series = started_at.dt.tz_convert(timezone).dt.date
    return days
