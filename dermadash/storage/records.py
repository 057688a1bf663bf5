"""Writing a profile's records: sessions, check-ins, scar ratings and rollers.

Every function validates its input with the one validation layer, writes in one
transaction and bumps the profile's data revision; nothing is half-written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from dermadash.columns import (
    CHECK_IN_INPUT_FIELDS,
    ROLLER_INPUT_FIELDS,
    SESSION_COUNT_FIELDS,
    SESSION_INPUT_FIELDS,
)
from dermadash.storage import validation
from dermadash.storage.db import reading, transaction
from dermadash.storage.models import CheckIn, Roller, RollingSession, ScarRating, SessionArea
from dermadash.storage.profiles import mark_changed
from dermadash.storage.validation import Problem, ValidationError, raise_if_any


class RecordNotFound(LookupError):
    """The record does not exist or belongs to another profile."""


@dataclass(frozen=True)
class SessionInput:
    """A dermarolling session as a person enters it; None means not recorded."""

    started_at: datetime
    areas: list[str]
    needle_mm: float
    roller_id: int | None = None
    passes_vertical: int | None = None
    passes_horizontal: int | None = None
    passes_diagonal: int | None = None
    sterilized_before: bool | None = None
    sterilized_after: bool | None = None
    skin_cleansed: bool | None = None
    active_acne: bool | None = None
    retinoid_48h: bool | None = None
    pinpoint_bleeding: bool | None = None
    pain: int | None = None
    mask_applied: bool | None = None
    notes: str | None = None
    is_demo: bool = False
    import_key: str | None = None

    def normalised_areas(self) -> list[str]:
        return validation.normalise_areas(self.areas)

    def validate(self) -> None:
        raise_if_any(
            [
                validation.moment_problem("started_at", "Session date and time", self.started_at),
                validation.areas_problem("areas", self.normalised_areas()),
                validation.number_problem("needle_mm", self.needle_mm)
                if self.needle_mm is not None
                else Problem("needle_mm", "Needle length is required."),
                *(
                    validation.number_problem(name, getattr(self, name))
                    for name in SESSION_COUNT_FIELDS
                ),
                validation.text_problem("notes", "Notes", self.notes, validation.NOTES_MAX_CHARS),
            ]
        )


@dataclass(frozen=True)
class CheckInInput:
    """How the skin reacted after a session; None means not recorded."""

    redness_hours: float | None = None
    stinging_minutes: float | None = None
    peeling: bool | None = None
    side_effect: str | None = None
    makeup_48h: bool | None = None
    sun_24h: bool | None = None
    notes: str | None = None

    def validate(self) -> None:
        raise_if_any(
            [
                validation.number_problem("redness_hours", self.redness_hours),
                validation.number_problem("stinging_minutes", self.stinging_minutes),
                validation.choice_problem(
                    "side_effect",
                    "Side effect",
                    self.side_effect,
                    validation.SIDE_EFFECTS,
                ),
                validation.text_problem("notes", "Notes", self.notes, validation.NOTES_MAX_CHARS),
            ]
        )


@dataclass(frozen=True)
class ScarRatingInput:
    rated_on: date
    area: str
    severity: int
    notes: str | None = None
    is_demo: bool = False
    import_key: str | None = None

    def validate(self) -> None:
        area = validation.normalise_area(self.area or "")
        raise_if_any(
            [
                validation.day_problem("rated_on", "Rating date", self.rated_on),
                validation.areas_problem("area", [area] if area else []),
                validation.number_problem("severity", self.severity)
                if self.severity is not None
                else Problem("severity", "Scar severity is required."),
                validation.text_problem("notes", "Notes", self.notes, validation.NOTES_MAX_CHARS),
            ]
        )


@dataclass(frozen=True)
class RollerInput:
    name: str
    needle_mm: float
    needle_count: int | None = None
    first_used: date | None = None
    retired_on: date | None = None
    shared: bool = False
    is_demo: bool = False

    def validate(self) -> None:
        raise_if_any(
            [
                validation.required_text_problem(
                    "name", "Roller name", self.name, validation.NAME_MAX_CHARS
                ),
                validation.number_problem("needle_mm", self.needle_mm)
                if self.needle_mm is not None
                else Problem("needle_mm", "Needle length is required."),
                validation.number_problem("needle_count", self.needle_count),
                validation.day_problem("first_used", "First used", self.first_used, required=False),
                validation.day_problem("retired_on", "Retired on", self.retired_on, required=False),
                Problem("retired_on", "A roller cannot be retired before it was first used.")
                if self.first_used and self.retired_on and self.retired_on < self.first_used
                else None,
            ]
        )


OwnedRecord = TypeVar("OwnedRecord", RollingSession, ScarRating, Roller)


def _owned(
    session: Session, model: type[OwnedRecord], record_id: int, profile_id: int
) -> OwnedRecord:
    """The profile's record with this id; RecordNotFound for anyone else's."""
    record = session.get(model, record_id)
    if record is None or record.profile_id != profile_id:
        raise RecordNotFound(f"{model.__name__} {record_id}")
    return record


def _owned_session(session: Session, session_id: int, profile_id: int) -> RollingSession:
    record: RollingSession = _owned(session, RollingSession, session_id, profile_id)
    return record


def _check_roller(session: Session, roller_id: int | None, profile_id: int) -> None:
    if roller_id is None:
        return
    roller = session.get(Roller, roller_id)
    if roller is None or roller.profile_id != profile_id:
        raise ValidationError.single("roller_id", "That roller does not exist.")


def _apply_session(
    session: Session, record: RollingSession, data: SessionInput, profile_id: int
) -> None:
    _check_roller(session, data.roller_id, profile_id)
    for name in SESSION_INPUT_FIELDS:
        setattr(record, name, getattr(data, name))
    record.notes = (data.notes or "").strip() or None
    record.areas = [
        SessionArea(area=area, position=position)
        for position, area in enumerate(data.normalised_areas())
    ]


def insert_session(session: Session, profile_id: int, data: SessionInput) -> int:
    """Add a session inside the caller's transaction; returns its id."""
    data.validate()
    record = RollingSession(profile_id=profile_id, is_demo=data.is_demo, import_key=data.import_key)
    _apply_session(session, record, data, profile_id)
    session.add(record)
    mark_changed(session, profile_id)
    session.flush()
    return record.id


def add_session(engine: Engine, profile_id: int, data: SessionInput) -> int:
    """Store a new session; returns its id."""
    with transaction(engine) as session:
        return insert_session(session, profile_id, data)


def update_session(engine: Engine, profile_id: int, session_id: int, data: SessionInput) -> None:
    data.validate()
    with transaction(engine) as session:
        record = _owned_session(session, session_id, profile_id)
        record.areas.clear()
        session.flush()
        _apply_session(session, record, data, profile_id)
        mark_changed(session, profile_id)


def delete_session(engine: Engine, profile_id: int, session_id: int) -> None:
    with transaction(engine) as session:
        session.delete(_owned_session(session, session_id, profile_id))
        mark_changed(session, profile_id)


def put_check_in(session: Session, profile_id: int, session_id: int, data: CheckInInput) -> None:
    """Create or replace a session's check-in inside the caller's transaction."""
    data.validate()
    record = _owned_session(session, session_id, profile_id)
    check_in = record.check_in or CheckIn(session_id=session_id)
    for name in CHECK_IN_INPUT_FIELDS:
        setattr(check_in, name, getattr(data, name))
    check_in.notes = (data.notes or "").strip() or None
    record.check_in = check_in
    mark_changed(session, profile_id)


def save_check_in(engine: Engine, profile_id: int, session_id: int, data: CheckInInput) -> None:
    """Create or replace the check-in of a session."""
    with transaction(engine) as session:
        put_check_in(session, profile_id, session_id, data)


def delete_check_in(engine: Engine, profile_id: int, session_id: int) -> None:
    with transaction(engine) as session:
        _owned_session(session, session_id, profile_id)
        session.execute(delete(CheckIn).where(CheckIn.session_id == session_id))
        mark_changed(session, profile_id)


def _apply_rating(record: ScarRating, data: ScarRatingInput) -> None:
    record.rated_on = data.rated_on
    record.area = validation.normalise_area(data.area)
    record.severity = data.severity
    record.notes = (data.notes or "").strip() or None


def insert_scar_rating(session: Session, profile_id: int, data: ScarRatingInput) -> int:
    """Add a scar rating inside the caller's transaction; returns its id."""
    data.validate()
    record = ScarRating(profile_id=profile_id, is_demo=data.is_demo, import_key=data.import_key)
    _apply_rating(record, data)
    session.add(record)
    mark_changed(session, profile_id)
    session.flush()
    return record.id


def add_scar_rating(engine: Engine, profile_id: int, data: ScarRatingInput) -> int:
    with transaction(engine) as session:
        return insert_scar_rating(session, profile_id, data)


def update_scar_rating(
    engine: Engine, profile_id: int, rating_id: int, data: ScarRatingInput
) -> None:
    data.validate()
    with transaction(engine) as session:
        _apply_rating(_owned(session, ScarRating, rating_id, profile_id), data)
        mark_changed(session, profile_id)


def delete_scar_rating(engine: Engine, profile_id: int, rating_id: int) -> None:
    with transaction(engine) as session:
        session.delete(_owned(session, ScarRating, rating_id, profile_id))
        mark_changed(session, profile_id)


def _apply_roller(record: Roller, data: RollerInput) -> None:
    for name in ROLLER_INPUT_FIELDS:
        setattr(record, name, getattr(data, name))
    record.name = data.name.strip()


def insert_roller(session: Session, profile_id: int, data: RollerInput) -> int:
    """Add a roller inside the caller's transaction; returns its id."""
    data.validate()
    record = Roller(profile_id=profile_id, is_demo=data.is_demo)
    _apply_roller(record, data)
    session.add(record)
    mark_changed(session, profile_id)
    session.flush()
    return record.id


def add_roller(engine: Engine, profile_id: int, data: RollerInput) -> int:
    with transaction(engine) as session:
        return insert_roller(session, profile_id, data)


def update_roller(engine: Engine, profile_id: int, roller_id: int, data: RollerInput) -> None:
    data.validate()
    with transaction(engine) as session:
        _apply_roller(_owned(session, Roller, roller_id, profile_id), data)
        mark_changed(session, profile_id)


def retire_roller(engine: Engine, profile_id: int, roller_id: int, retired_on: date) -> None:
    raise_if_any([validation.day_problem("retired_on", "Retired on", retired_on)])
    with transaction(engine) as session:
        _owned(session, Roller, roller_id, profile_id).retired_on = retired_on
        mark_changed(session, profile_id)


def roller_ids(engine: Engine, profile_id: int) -> list[int]:
    with reading(engine) as session:
        return list(
            session.scalars(
                select(Roller.id).where(Roller.profile_id == profile_id).order_by(Roller.id)
            )
        )
