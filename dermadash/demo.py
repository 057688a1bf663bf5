"""Deterministic example data: six months of realistic logging with a few breaches.

Everything written here is marked ``is_demo`` so it can be removed in one action.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from dermadash.storage.db import transaction
from dermadash.storage.models import Roller, RollingSession, ScarRating
from dermadash.storage.profiles import load_profile, mark_changed
from dermadash.storage.queries import has_any_entries
from dermadash.storage.records import (
    CheckInInput,
    RollerInput,
    ScarRatingInput,
    SessionInput,
    insert_roller,
    insert_scar_rating,
    insert_session,
    put_check_in,
)
from dermadash.timezones import local_today

SEED = 20260301
WEEKS = 26
REPLACED_WEEK = 19
CHEEKS = ["Left cheek", "Right cheek"]
EXTRA_AREAS = ["Forehead", "Chin"]
START_SEVERITY = {"Left cheek": 7, "Right cheek": 6, "Forehead": 5, "Chin": 4}


class DemoRefused(RuntimeError):
    """Example data is only loaded into a profile with no entries of its own."""


@dataclass(frozen=True)
class DemoSummary:
    sessions: int
    ratings: int
    rollers: int


@dataclass(frozen=True)
class _Breach:
    """A deliberate protocol breach on one demo session (by week)."""

    session_changes: dict[str, object]
    check_in_changes: dict[str, object]


# Week number → what goes wrong that week, so every flag has something to show.
BREACHES: dict[int, _Breach] = {
    3: _Breach({"active_acne": True, "notes": "A spot on my left cheek, rolled anyway."}, {}),
    6: _Breach({}, {"redness_hours": 30.0, "stinging_minutes": 45.0}),
    9: _Breach({"sterilized_before": False}, {"makeup_48h": True}),
    12: _Breach({"passes_vertical": 8, "pain": 7}, {}),
    15: _Breach({"skin_cleansed": False, "sterilized_after": False}, {"sun_24h": True}),
    19: _Breach({"retinoid_48h": True}, {"side_effect": "bruising", "redness_hours": 80.0}),
}
# Extra sessions a few days after the weekly one: deliberately too frequent.
TOO_SOON_WEEKS = {7: 3, 17: 4}


def load_demo(engine: Engine, profile_id: int, today: date | None = None) -> DemoSummary:
    """Fill an empty profile with about six months of example data ending ``today``."""
    if has_any_entries(engine, profile_id):
        raise DemoRefused(
            "Example data can only be loaded into an empty profile: this one already has "
            "entries of its own. Remove them first, or use a new database."
        )
    profile = load_profile(engine, profile_id)
    zone = ZoneInfo(profile.timezone)
    today = today or local_today(profile.timezone)
    first_day = today - timedelta(weeks=WEEKS) + timedelta(days=1)
    generator = random.Random(SEED)
    with transaction(engine) as session:
        return _fill(session, profile_id, generator, zone, first_day, today)


def _fill(
    session: Session,
    profile_id: int,
    generator: random.Random,
    zone: ZoneInfo,
    first_day: date,
    today: date,
) -> DemoSummary:
    fine_roller = insert_roller(
        session,
        profile_id,
        RollerInput(
            "Starter roller",
            0.25,
            192,
            first_day,
            first_day + timedelta(weeks=8),
            is_demo=True,
        ),
    )
    main_roller = insert_roller(
        session,
        profile_id,
        RollerInput(
            "Titanium roller",
            0.5,
            540,
            first_day + timedelta(weeks=8),
            first_day + timedelta(weeks=REPLACED_WEEK),
            is_demo=True,
        ),
    )
    # The same model, bought new once the first one had been used a little too long
    # (so the roller-worn flag shows on a couple of sessions, not on every later one).
    replacement = insert_roller(
        session,
        profile_id,
        RollerInput(
            "Titanium roller (new)",
            0.5,
            540,
            first_day + timedelta(weeks=REPLACED_WEEK),
            is_demo=True,
        ),
    )
    sessions = 0
    for week in range(WEEKS):
        day = first_day + timedelta(weeks=week)
        if week < 8:
            roller, needle = fine_roller, 0.25
        else:
            roller, needle = (main_roller if week < REPLACED_WEEK else replacement), 0.5
        areas = [*CHEEKS, EXTRA_AREAS[week % 2]] if week % 3 else CHEEKS
        moment = _evening(day, generator, zone)
        _add_demo_session(
            session, profile_id, generator, moment, areas, roller, needle, week, today
        )
        sessions += 1
        if week in TOO_SOON_WEEKS:
            later = _evening(day + timedelta(days=TOO_SOON_WEEKS[week]), generator, zone)
            _add_demo_session(
                session,
                profile_id,
                generator,
                later,
                ["Left cheek"],
                roller,
                needle,
                -1,
                today,
            )
            sessions += 1
    ratings = _add_demo_ratings(session, profile_id, generator, first_day, today)
    return DemoSummary(sessions=sessions, ratings=ratings, rollers=3)


def _evening(day: date, generator: random.Random, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(21, generator.choice([0, 15, 30, 45])), zone)


def _add_demo_session(
    session: Session,
    profile_id: int,
    generator: random.Random,
    moment: datetime,
    areas: list[str],
    roller_id: int,
    needle_mm: float,
    week: int,
    today: date,
) -> None:
    breach = BREACHES.get(week, _Breach({}, {}))
    fields: dict[str, object] = {
        "started_at": moment,
        "areas": areas,
        "needle_mm": needle_mm,
        "roller_id": roller_id,
        "passes_vertical": 6,
        "passes_horizontal": 6,
        "passes_diagonal": generator.choice([0, 2, 4]),
        "sterilized_before": True,
        "sterilized_after": True,
        "skin_cleansed": True,
        "active_acne": False,
        "retinoid_48h": False,
        "pinpoint_bleeding": needle_mm >= 0.5 and generator.random() < 0.4,
        "pain": generator.randint(2, 5),
        "mask_applied": generator.random() < 0.6,
        "notes": None,
        "is_demo": True,
    }
    fields.update(breach.session_changes)
    session_id = insert_session(session, profile_id, SessionInput(**fields))  # type: ignore[arg-type]  # a dict types no field
    # The newest session waits for its check-in, as it would in real life; one older
    # one was never checked in, so the reminder and its flag have something to show.
    if moment.date() >= today - timedelta(days=1) or week == 22:
        return
    check_in: dict[str, object] = {
        "redness_hours": round(generator.uniform(3, 14 if needle_mm < 0.5 else 20), 1),
        "stinging_minutes": float(generator.choice([5, 10, 15, 20])),
        "peeling": generator.random() < 0.3,
        "side_effect": "none",
        "makeup_48h": False,
        "sun_24h": False,
    }
    check_in.update(breach.check_in_changes)
    put_check_in(session, profile_id, session_id, CheckInInput(**check_in))  # type: ignore[arg-type]  # a dict types no field


def _add_demo_ratings(
    session: Session,
    profile_id: int,
    generator: random.Random,
    first_day: date,
    today: date,
) -> int:
    count = 0
    fortnights = WEEKS // 2
    for fortnight in range(fortnights + 1):
        day = min(first_day + timedelta(weeks=2 * fortnight), today)
        progress = fortnight / fortnights
        for area, start in START_SEVERITY.items():
            expected = start - 2.5 * progress
            severity = max(0, min(10, round(expected + generator.uniform(-0.8, 0.8))))
            insert_scar_rating(
                session,
                profile_id,
                ScarRatingInput(day, area, severity, is_demo=True),
            )
            count += 1
    return count


def remove_demo(engine: Engine, profile_id: int) -> int:
    """Delete every example entry of a profile; returns how many sessions went."""
    with transaction(engine) as session:
        removed = len(
            session.scalars(
                select(RollingSession.id).where(
                    RollingSession.profile_id == profile_id, RollingSession.is_demo
                )
            ).all()
        )
        for model in (RollingSession, ScarRating, Roller):
            session.execute(delete(model).where(model.profile_id == profile_id, model.is_demo))
        mark_changed(session, profile_id)
    return removed


def has_demo_data(engine: Engine, profile_id: int) -> bool:
    with engine.connect() as connection:
        return (
            connection.scalar(
                select(RollingSession.id)
                .where(RollingSession.profile_id == profile_id, RollingSession.is_demo)
                .limit(1)
            )
            is not None
        )
