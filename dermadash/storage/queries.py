"""Reading a profile's records as pandas DataFrames (one query per frame).

Column contracts (other modules rely on these names and types): ``sessions_frame``,
``rollers_frame`` and ``scar_ratings_frame`` have the columns of ``dermadash.columns``
(``SESSION``, ``ROLLER``, ``RATING``) in that order; ``session_areas_frame`` has
session_id, started_at, area (one row per area treated).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import Engine, Select, func, select

from dermadash.columns import RATING, ROLLER, SESSION, Column, typed
from dermadash.storage.models import CheckIn, Roller, RollingSession, ScarRating, SessionArea

AnySelect = Select[*tuple[Any, ...]]
"""A SELECT of any columns."""


def _read(engine: Engine, statement: AnySelect) -> pd.DataFrame:
    with engine.connect() as connection:
        result = connection.execute(statement)
        # Plain tuples: given SQLAlchemy rows, pandas probes each one for namedtuple
        # fields, and every miss raises inside the row (half of a five-year read).
        return pd.DataFrame([tuple(row) for row in result], columns=list(result.keys()))


def _in_period(statement: AnySelect, start: datetime | None, end: datetime | None) -> AnySelect:
    if start is not None:
        statement = statement.where(RollingSession.started_at >= start)
    if end is not None:
        statement = statement.where(RollingSession.started_at < end)
    return statement


def sessions_frame(
    engine: Engine,
    profile_id: int,
    start: datetime | None = None,
    end: datetime | None = None,
) -> pd.DataFrame:
    """Every session of a profile in time order, with its check-in and its areas."""
    statement = (
        select(*(_session_frame_column(column) for column in SESSION if column.name != "areas"))
        .outerjoin(Roller, Roller.id == RollingSession.roller_id)
        .outerjoin(CheckIn, CheckIn.session_id == RollingSession.id)
        .where(RollingSession.profile_id == profile_id)
        .order_by(RollingSession.started_at, RollingSession.id)
    )
    frame = _read(engine, _in_period(statement, start, end))
    areas = session_areas_frame(engine, profile_id, start, end)
    # A plain loop: a groupby into lists runs Python code per group anyway, with far more
    # overhead per session.
    area_lists: dict[int, list[str]] = {}
    for session_id, area in zip(areas["session_id"], areas["area"], strict=True):
        area_lists.setdefault(session_id, []).append(area)
    frame["areas"] = [area_lists.get(session_id, []) for session_id in frame["session_id"]]
    return typed(frame, SESSION)


def _session_frame_column(column: Column) -> Any:
    """What the query selects for one column of the sessions frame."""
    computed = {
        "session_id": RollingSession.id.label("session_id"),
        "roller_name": Roller.name.label("roller_name"),
        "has_check_in": CheckIn.session_id.is_not(None).label("has_check_in"),
    }
    if column.name in computed:
        return computed[column.name]
    model = CheckIn if column.source == "check_in" else RollingSession
    return getattr(model, column.model_attribute).label(column.name)


def session_areas_frame(
    engine: Engine,
    profile_id: int,
    start: datetime | None = None,
    end: datetime | None = None,
) -> pd.DataFrame:
    """One row per (session, area) in time order."""
    statement = (
        select(SessionArea.session_id, RollingSession.started_at, SessionArea.area)
        .join(RollingSession, RollingSession.id == SessionArea.session_id)
        .where(RollingSession.profile_id == profile_id)
        .order_by(RollingSession.started_at, SessionArea.session_id, SessionArea.position)
    )
    frame = _read(engine, _in_period(statement, start, end))
    frame["session_id"] = frame["session_id"].astype("int64")
    frame["started_at"] = pd.to_datetime(frame["started_at"], utc=True)
    frame["area"] = frame["area"].astype(object)
    return frame


def rollers_frame(engine: Engine, profile_id: int) -> pd.DataFrame:
    """A profile's rollers with how many sessions each has been used in."""
    used = (
        select(RollingSession.roller_id, func.count().label("sessions_used"))
        .where(RollingSession.profile_id == profile_id)
        .group_by(RollingSession.roller_id)
        .subquery()
    )
    statement = (
        select(
            Roller.id.label("roller_id"),
            Roller.name,
            Roller.needle_mm,
            Roller.needle_count,
            Roller.first_used,
            Roller.retired_on,
            Roller.shared,
            Roller.is_demo,
            func.coalesce(used.c.sessions_used, 0).label("sessions_used"),
        )
        .outerjoin(used, used.c.roller_id == Roller.id)
        .where(Roller.profile_id == profile_id)
        .order_by(Roller.retired_on.is_not(None), Roller.id)
    )
    return typed(_read(engine, statement), ROLLER)


def scar_ratings_frame(engine: Engine, profile_id: int) -> pd.DataFrame:
    """A profile's scar ratings in date order."""
    statement = (
        select(
            ScarRating.id.label("rating_id"),
            ScarRating.rated_on,
            ScarRating.area,
            ScarRating.severity,
            ScarRating.notes,
            ScarRating.is_demo,
        )
        .where(ScarRating.profile_id == profile_id)
        .order_by(ScarRating.rated_on, ScarRating.id)
    )
    return typed(_read(engine, statement), RATING)


def known_areas(engine: Engine, profile_id: int) -> list[str]:
    """Every area the person has treated or rated, most used first."""
    treated = (
        select(SessionArea.area, func.count().label("uses"))
        .join(RollingSession, RollingSession.id == SessionArea.session_id)
        .where(RollingSession.profile_id == profile_id)
        .group_by(SessionArea.area)
    )
    rated = (
        select(ScarRating.area, func.count().label("uses"))
        .where(ScarRating.profile_id == profile_id)
        .group_by(ScarRating.area)
    )
    counts: dict[str, int] = {}
    with engine.connect() as connection:
        for statement in (treated, rated):
            for area, uses in connection.execute(statement):
                counts[area] = counts.get(area, 0) + uses
    return sorted(counts, key=lambda area: (-counts[area], area))


def session_count(engine: Engine, profile_id: int) -> int:
    with engine.connect() as connection:
        return (
            connection.scalar(
                select(func.count())
                .select_from(RollingSession)
                .where(RollingSession.profile_id == profile_id)
            )
            or 0
        )


def has_any_entries(engine: Engine, profile_id: int) -> bool:
    """Whether the profile has any session, rating or roller."""
    with engine.connect() as connection:
        for model in (RollingSession, ScarRating, Roller):
            found = connection.scalar(
                select(model.id).where(model.profile_id == profile_id).limit(1)
            )
            if found is not None:
                return True
    return False
