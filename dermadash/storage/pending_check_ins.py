"""The sessions still waiting for a check-in (asked for during two weeks)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
from sqlalchemy import Engine, func, select

from dermadash.storage.models import CheckIn, RollingSession

# A check-in is about how the skin reacted in the first days; after two weeks it is no
# longer asked for (it can still be added from the Check-in page's full list).
PENDING_WINDOW_DAYS = 14


def _pending_since(now: datetime | None) -> datetime:
    return (now or datetime.now(UTC)) - timedelta(days=PENDING_WINDOW_DAYS)


def pending_check_in_count(engine: Engine, profile_id: int, now: datetime | None = None) -> int:
    """How many recent sessions still wait for a check-in (one COUNT, for the menu)."""
    statement = (
        select(func.count())
        .select_from(RollingSession)
        .outerjoin(CheckIn, CheckIn.session_id == RollingSession.id)
        .where(
            RollingSession.profile_id == profile_id,
            RollingSession.started_at >= _pending_since(now),
            CheckIn.session_id.is_(None),
        )
    )
    with engine.connect() as connection:
        return connection.scalar(statement) or 0


def waiting_for_check_in(sessions: pd.DataFrame, now: datetime | None = None) -> pd.DataFrame:
    """The rows of ``queries.sessions_frame`` still waiting for a check-in, oldest first."""
    recent = sessions["started_at"] >= pd.Timestamp(_pending_since(now))
    waiting = sessions[recent & ~sessions["has_check_in"]]
    return waiting.sort_values(["started_at", "session_id"])
