"""The daily log: defaults for the next session, check-ins still to do, loading a record
back into its input form, and saving a form only once however often Save is clicked.

Everything here is plain Python over the database or over the ``queries`` frames, so the
pages stay thin and these rules are tested on both databases.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import Engine, func, select

from dermadash.columns import CHECK_IN_INPUT_FIELDS, ROLLER_INPUT_FIELDS, SESSION_INPUT_FIELDS
from dermadash.storage.db import reading
from dermadash.storage.models import CheckIn, Roller, RollingSession, ScarRating
from dermadash.storage.queries import known_areas
from dermadash.storage.records import (
    CheckInInput,
    RecordNotFound,
    RollerInput,
    ScarRatingInput,
    SessionInput,
)
from dermadash.timezones import local_dates

# Face areas offered before the person has logged any of their own.
COMMON_AREAS = ("Left cheek", "Right cheek", "Forehead", "Chin", "Nose", "Temples", "Jawline")
# A check-in is about how the skin reacted in the first days; after two weeks it is no
# longer asked for (it can still be added from the Check-in page's full list).
PENDING_WINDOW_DAYS = 14
T = TypeVar("T")


@dataclass(frozen=True)
class Passes:
    vertical: int
    horizontal: int
    diagonal: int


def starting_passes(per_direction: int) -> Passes:
    """The passes a new session starts with: ``per_direction`` vertically and horizontally
    (step 5 of the step-by-step guide), none diagonally. The number is the protocol's
    (``Protocol.default_passes``), which the caller passes: storage knows no protocol."""
    return Passes(vertical=per_direction, horizontal=per_direction, diagonal=0)


@dataclass(frozen=True)
class SessionDefaults:
    """What the Log a session form starts with: the last session's areas and roller."""

    areas: list[str]
    roller_id: int | None
    needle_mm: float | None
    passes: Passes


def session_defaults(engine: Engine, profile_id: int, passes_per_direction: int) -> SessionDefaults:
    """Areas and roller of the last session (its roller only while it is not retired), and
    ``passes_per_direction`` passes vertically and horizontally."""
    passes = starting_passes(passes_per_direction)
    with reading(engine) as session:
        last = session.scalar(
            select(RollingSession)
            .where(RollingSession.profile_id == profile_id)
            .order_by(RollingSession.started_at.desc(), RollingSession.id.desc())
            .limit(1)
        )
        areas = [item.area for item in last.areas] if last else []
        roller = session.get(Roller, last.roller_id) if last and last.roller_id else None
        if roller is None or roller.retired_on is not None:
            roller = session.scalar(
                select(Roller)
                .where(Roller.profile_id == profile_id, Roller.retired_on.is_(None))
                .order_by(Roller.id.desc())
                .limit(1)
            )
        if roller is not None:
            return SessionDefaults(areas, roller.id, roller.needle_mm, passes)
        needle = last.needle_mm if last else None
        return SessionDefaults(areas, None, needle, passes)


def area_choices(engine: Engine, profile_id: int) -> list[str]:
    """Areas to offer: the person's own (most used first), then the common ones."""
    own = known_areas(engine, profile_id)
    return own + [area for area in COMMON_AREAS if area not in own]


def local_moment(day: date, clock: time, timezone: str) -> datetime:
    """The aware moment a person means by a date and a wall-clock time where they live."""
    return datetime.combine(day, clock.replace(second=0, microsecond=0), ZoneInfo(timezone))


def local_now(timezone: str, now: datetime | None = None) -> datetime:
    """Now, where the person is, to the minute."""
    moment = (now or datetime.now(UTC)).astimezone(ZoneInfo(timezone))
    return moment.replace(second=0, microsecond=0)


# --- check-ins still to do -------------------------------------------------------------


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


# --- a record back into its form -------------------------------------------------------


def load_session(engine: Engine, profile_id: int, session_id: int) -> SessionInput:
    """A stored session as the input its edit form starts from."""
    with reading(engine) as session:
        record = session.get(RollingSession, session_id)
        if record is None or record.profile_id != profile_id:
            raise RecordNotFound(f"session {session_id}")
        values = {name: getattr(record, name) for name in SESSION_INPUT_FIELDS}
        return SessionInput(areas=[item.area for item in record.areas], **values)


def load_check_in(engine: Engine, profile_id: int, session_id: int) -> CheckInInput | None:
    """A session's check-in as form input, or None when it has none yet."""
    with reading(engine) as session:
        record = session.get(RollingSession, session_id)
        if record is None or record.profile_id != profile_id:
            raise RecordNotFound(f"session {session_id}")
        if record.check_in is None:
            return None
        return CheckInInput(
            **{name: getattr(record.check_in, name) for name in CHECK_IN_INPUT_FIELDS}
        )


def load_scar_rating(engine: Engine, profile_id: int, rating_id: int) -> ScarRatingInput:
    with reading(engine) as session:
        record = session.get(ScarRating, rating_id)
        if record is None or record.profile_id != profile_id:
            raise RecordNotFound(f"scar rating {rating_id}")
        return ScarRatingInput(
            rated_on=record.rated_on,
            area=record.area,
            severity=record.severity,
            notes=record.notes,
        )


def load_roller(engine: Engine, profile_id: int, roller_id: int) -> RollerInput:
    with reading(engine) as session:
        record = session.get(Roller, roller_id)
        if record is None or record.profile_id != profile_id:
            raise RecordNotFound(f"roller {roller_id}")
        return RollerInput(**{name: getattr(record, name) for name in ROLLER_INPUT_FIELDS})


# --- scar ratings ----------------------------------------------------------------------


def last_rating_per_area(ratings: pd.DataFrame) -> pd.DataFrame:
    """The newest row of ``queries.scar_ratings_frame`` for each area, by area name."""
    if ratings.empty:
        return ratings
    ordered = ratings.sort_values(["rated_on", "rating_id"])
    return ordered.groupby("area", sort=True).tail(1).sort_values("area").reset_index(drop=True)


# --- history ---------------------------------------------------------------------------


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


# --- saving a form once ----------------------------------------------------------------


def new_form_token() -> str:
    """A fresh idempotency key for one rendering of a form."""
    return uuid.uuid4().hex


def save_once(saved: MutableMapping[str, T], token: str, save: Callable[[], T]) -> tuple[T, bool]:
    """Run ``save`` unless this form token was saved already.

    Returns what ``save`` returned (or returned the first time) and whether this call
    saved. A second click on Save sends the same form again: it finds its token and
    writes nothing. A failed save (it raises) records nothing, so it can be retried.
    """
    if token in saved:
        return saved[token], False
    result = save()
    saved[token] = result
    return result, True


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
