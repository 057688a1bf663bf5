"""Models and constraints on a real SQLite file and a real PostgreSQL database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, func, inspect, select, text
from sqlalchemy.exc import IntegrityError

from dermadash.storage.db import transaction
from dermadash.storage.models import CheckIn, Profile, Roller, RollingSession, SessionArea
from dermadash.storage.records import (
    CheckInInput,
    RollerInput,
    SessionInput,
    add_roller,
    add_session,
    save_check_in,
)
from dermadash.storage.validation import ValidationError


def session_count(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(RollingSession)) or 0


def a_session(**changes: object) -> SessionInput:
    fields: dict[str, object] = {
        "started_at": datetime(2026, 3, 2, 21, 0, tzinfo=ZoneInfo("Europe/London")),
        "areas": ["Left cheek", "forehead"],
        "needle_mm": 0.25,
        "pain": 3,
    }
    fields.update(changes)
    return SessionInput(**fields)  # type: ignore[arg-type]  # a dict types no field


@pytest.mark.parametrize(
    "changes",
    [
        {"needle_mm": -0.5},
        {"pain": 11},
        {"started_at": datetime(2099, 6, 1, tzinfo=UTC)},
    ],
)
def test_bad_values_through_the_package_write_nothing(
    engine: Engine, profile_id: int, changes: dict[str, object]
) -> None:
    with pytest.raises(ValidationError):
        add_session(engine, profile_id, a_session(**changes))
    assert session_count(engine) == 0


@pytest.mark.parametrize(
    ("attribute", "value"),
    [("needle_mm", -1.0), ("pain", 11), ("started_at", datetime(2099, 1, 1, tzinfo=UTC))],
)
def test_the_orm_refuses_bad_values_directly(
    engine: Engine, profile_id: int, attribute: str, value: object
) -> None:
    record = RollingSession(
        profile_id=profile_id, started_at=datetime(2026, 1, 1, tzinfo=UTC), needle_mm=0.25
    )
    with pytest.raises(ValidationError):
        setattr(record, attribute, value)
    with transaction(engine) as session:
        session.add(record)
    assert session_count(engine) == 1
    with transaction(engine) as session:
        session.delete(session.get(RollingSession, record.id))
    assert session_count(engine) == 0


@pytest.mark.parametrize(
    "column_values",
    [
        "needle_mm, pain) VALUES (:profile, :moment, -1, 3",
        "needle_mm, pain) VALUES (:profile, :moment, 0.5, 11",
        "needle_mm, pain) VALUES (:profile, :moment, 4.0, 0",
    ],
)
def test_check_constraints_refuse_raw_sql(
    engine: Engine, profile_id: int, column_values: str
) -> None:
    statement = text(
        "INSERT INTO sessions (profile_id, started_at, is_demo, created_at, "
        + column_values.replace(":moment", ":moment, false, :moment")
        + ")"
    )
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(statement, {"profile": profile_id, "moment": datetime(2026, 1, 1)})
    assert session_count(engine) == 0


def test_times_come_back_aware_and_in_utc(engine: Engine, profile_id: int) -> None:
    local = datetime(2026, 7, 1, 23, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    session_id = add_session(engine, profile_id, a_session(started_at=local))
    with transaction(engine) as session:
        stored = session.get(RollingSession, session_id)
        assert stored is not None
        assert stored.started_at.tzinfo is not None
        assert stored.started_at.utcoffset() == timedelta(0)
        assert stored.started_at == local


def test_areas_check_in_and_cascade(engine: Engine, profile_id: int) -> None:
    roller_id = add_roller(engine, profile_id, RollerInput("Roller", 0.5))
    session_id = add_session(engine, profile_id, a_session(roller_id=roller_id))
    save_check_in(engine, profile_id, session_id, CheckInInput(redness_hours=5))
    with transaction(engine) as session:
        areas = session.scalars(select(SessionArea.area).order_by(SessionArea.position)).all()
        assert areas == ["Left cheek", "Forehead"]
        session.delete(session.get(Profile, profile_id))
    with engine.connect() as connection:
        for model in (RollingSession, SessionArea, CheckIn, Roller):
            assert connection.scalar(select(func.count()).select_from(model)) == 0


def test_a_roller_of_another_profile_is_refused(engine: Engine, profile_id: int) -> None:
    from dermadash.storage.profiles import ProfileSettings, create_profile

    other = create_profile(engine, ProfileSettings(display_name="Other"))
    foreign_roller = add_roller(engine, other, RollerInput("Theirs", 0.5))
    with pytest.raises(ValidationError, match="roller does not exist"):
        add_session(engine, profile_id, a_session(roller_id=foreign_roller))
    assert session_count(engine) == 0


def test_indexes_serve_one_profile_in_time_order(engine: Engine) -> None:
    inspector = inspect(engine)
    session_indexes = {tuple(index["column_names"]) for index in inspector.get_indexes("sessions")}
    assert ("profile_id", "started_at") in session_indexes
    rating_indexes = {
        tuple(index["column_names"]) for index in inspector.get_indexes("scar_ratings")
    }
    assert ("profile_id", "rated_on") in rating_indexes


def test_sqlite_is_tuned(sqlite_engine: Engine) -> None:
    with sqlite_engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000


def test_sqlite_reads_do_not_wait_for_a_writer(sqlite_engine: Engine, sqlite_url: str) -> None:
    """A write transaction holds SQLite's write lock; reads (deferred) go on meanwhile,
    while a second writer would have to wait."""
    from dermadash.storage import queries
    from dermadash.storage.db import make_engine
    from dermadash.storage.profiles import ProfileSettings, create_profile, load_profile

    profile = create_profile(sqlite_engine, ProfileSettings(display_name="Sam"))
    other = make_engine(sqlite_url)
    with transaction(sqlite_engine) as writing:
        writing.add(
            RollingSession(
                profile_id=profile, started_at=datetime(2026, 1, 1, tzinfo=UTC), needle_mm=0.25
            )
        )
        writing.flush()
        assert load_profile(other, profile).display_name == "Sam"
        assert queries.sessions_frame(other, profile).empty  # not committed yet
    assert len(queries.sessions_frame(other, profile)) == 1
    other.dispose()
