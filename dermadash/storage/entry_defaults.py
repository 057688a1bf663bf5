"""What a new entry's form starts with: the areas offered, the passes, the moment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select

from dermadash.storage.db import reading
from dermadash.storage.models import Roller, RollingSession
from dermadash.storage.queries import known_areas

# Face areas offered before the person has logged any of their own.
COMMON_AREAS = ("Left cheek", "Right cheek", "Forehead", "Chin", "Nose", "Temples", "Jawline")


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
