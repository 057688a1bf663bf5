"""A stored record loaded back as the input its edit form starts from."""

from __future__ import annotations

from sqlalchemy import Engine

from dermadash.columns import CHECK_IN_INPUT_FIELDS, ROLLER_INPUT_FIELDS, SESSION_INPUT_FIELDS
from dermadash.storage.db import reading
from dermadash.storage.models import Roller, RollingSession, ScarRating
from dermadash.storage.records import (
    CheckInInput,
    RecordNotFound,
    RollerInput,
    ScarRatingInput,
    SessionInput,
)


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
