"""Small helpers to write rule tests as a few sessions in plain words."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from dermadash.rules import evaluation
from dermadash.storage.profiles import ProfileSettings
from tests.random_logs import rollers_frame, sessions_frame

LONDON = "Europe/London"
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def at(day: date, hour: int = 21, minute: int = 0, timezone: str = LONDON) -> datetime:
    """A moment on a local calendar day."""
    return datetime.combine(day, time(hour, minute), ZoneInfo(timezone))


def person(**settings: Any) -> ProfileSettings:
    return ProfileSettings(**{"timezone": LONDON, **settings})


def evaluate(
    sessions: Iterable[Mapping[str, Any]],
    *,
    profile: ProfileSettings | None = None,
    rollers: Iterable[Mapping[str, Any]] = (),
    now: datetime = NOW,
) -> pd.DataFrame:
    """Flags for sessions given as dicts (a missing key means not recorded)."""
    return evaluation.evaluate(
        profile or person(),
        sessions_frame(sessions),
        rollers_frame(rollers),
        now=now,
    )


def of_rule(flags: pd.DataFrame, rule: str) -> pd.DataFrame:
    return flags[flags["rule"] == rule].reset_index(drop=True)


def severities(flags: pd.DataFrame, rule: str) -> list[str]:
    return of_rule(flags, rule)["severity"].tolist()
