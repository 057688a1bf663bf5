"""The History page's narrowing of the sessions and scar-ratings frames."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dermadash.timezones import local_dates


def last_rating_per_area(ratings: pd.DataFrame) -> pd.DataFrame:
    """The newest row of ``queries.scar_ratings_frame`` for each area, by area name."""
    if ratings.empty:
        return ratings
    ordered = ratings.sort_values(["rated_on", "rating_id"])
    return ordered.groupby("area", sort=True).tail(1).sort_values("area").reset_index(drop=True)


def filter_sessions(
    sessions: pd.DataFrame,
    timezone: str,
    *,
    first_day: date | None = None,
    last_day: date | None = None,
    area: str | None = None,
) -> pd.DataFrame:
    """Sessions between two local dates (inclusive) that treated ``area``, newest first."""
    keep = pd.Series(True, index=sessions.index)
    days = local_dates(sessions["started_at"], timezone)
    if first_day is not None:
        keep &= days >= first_day
    if last_day is not None:
        keep &= days <= last_day
    if area is not None:
        keep &= sessions["areas"].apply(lambda areas: area in areas)
    return sessions[keep].sort_values(["started_at", "session_id"], ascending=False)


def filter_ratings(
    ratings: pd.DataFrame, *, first_day: date | None = None, area: str | None = None
) -> pd.DataFrame:
    """Scar ratings from ``first_day`` on for ``area`` (all when None), newest first."""
    keep = pd.Series(True, index=ratings.index)
    if first_day is not None:
        keep &= ratings["rated_on"].apply(lambda day: day >= first_day)
    if area is not None:
        keep &= ratings["area"] == area
    return ratings[keep].sort_values(["rated_on", "rating_id"], ascending=False)
