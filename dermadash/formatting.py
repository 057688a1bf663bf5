"""Dates and numbers written the way people read them."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo


def format_day(day: date | datetime) -> str:
    """'Mon 3 Mar 2026'."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def format_moment(moment: datetime, timezone: str) -> str:
    """'Mon 3 Mar 2026, 21:30' in the person's time zone."""
    local = moment.astimezone(ZoneInfo(timezone))
    return f"{format_day(local)}, {local:%H:%M}"


def format_number(value: float) -> str:
    return f"{value:g}"


def format_mm(value: float) -> str:
    return f"{value:g} mm"


def format_hours(value: float) -> str:
    return f"{value:g} h"


def format_minutes(value: float) -> str:
    return f"{value:g} min"


def format_days(value: int) -> str:
    return "1 day" if value == 1 else f"{value} days"


def format_share(fraction: float) -> str:
    """A share of a whole as people say it: 'half', '75 %'."""
    return "half" if fraction == 0.5 else f"{fraction * 100:g} %"
