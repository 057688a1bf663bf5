"""The vectorised engine agrees with the plain row-by-row reference on random logs.

Values are drawn around every threshold (0.5 mm, 7 and 28 days, 24 and 72 h, ...),
times at whole minutes over spring and autumn clock changes, in several time zones,
with overrides and prescribed intervals, so exact-threshold cases come up often.
Each log passes the real input validation, is written to a real SQLite database and
read back with the real queries, which both sides then read. They are compared on
what each flag is about (rule, severity, date, session, area, areas); the texts are
tested in ``tests/test_flag_messages.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, Engine, insert

from dermadash.rules import evaluation, scheduling
from dermadash.storage import db, queries
from dermadash.storage.models import CheckIn, Roller, RollingSession, SessionArea
from dermadash.storage.profiles import (
    ProfileSettings,
    ProfileSnapshot,
    create_profile,
    load_profile,
)
from dermadash.storage.records import CheckInInput, RollerInput, SessionInput
from tests.random_logs import rollers_frame, sessions_frame
from tests.reference_rules import REFERENCE_COLUMNS, reference_evaluate

AREAS = ["Left cheek", "Right cheek", "Forehead", "Chin"]
ZONES = ["UTC", "Europe/London", "America/New_York", "Pacific/Auckland", "Asia/Kolkata"]
START = datetime(2026, 3, 1, tzinfo=UTC)  # clocks change in March (and April down under)

maybe_bool = st.sampled_from([None, True, False])


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


@st.composite
def session_records(draw: st.DrawFn) -> list[dict[str, Any]]:
    count = draw(st.integers(min_value=0, max_value=14))
    records = []
    for number in range(count):
        minutes = draw(st.integers(min_value=0, max_value=60 * 24 * 70))
        has_check_in = draw(st.booleans())
        record: dict[str, Any] = {
            "session_id": draw(st.integers(min_value=1, max_value=10_000)) * 100 + number,
            "started_at": START + timedelta(minutes=minutes),
            "areas": draw(st.lists(st.sampled_from(AREAS), min_size=1, max_size=3, unique=True)),
            "needle_mm": draw(st.sampled_from([0.2, 0.25, 0.5, 0.6, 0.75, 0.8, 1.0, 1.5])),
            "roller_id": draw(maybe(st.integers(min_value=1, max_value=3))),
            "passes_vertical": draw(maybe(st.integers(min_value=0, max_value=10))),
            "passes_horizontal": draw(maybe(st.integers(min_value=0, max_value=10))),
            "passes_diagonal": draw(maybe(st.integers(min_value=0, max_value=10))),
            "sterilized_before": draw(maybe_bool),
            "sterilized_after": draw(maybe_bool),
            "skin_cleansed": draw(maybe_bool),
            "active_acne": draw(maybe_bool),
            "retinoid_48h": draw(maybe_bool),
            "pain": draw(maybe(st.integers(min_value=0, max_value=10))),
            "has_check_in": has_check_in,
        }
        if has_check_in:
            record |= {
                "redness_hours": draw(
                    maybe(st.sampled_from([0, 6, 23.75, 24, 24.25, 48, 71.5, 72, 72.25, 200]))
                ),
                "stinging_minutes": draw(maybe(st.sampled_from([0, 10, 29.5, 30, 31, 90]))),
                "side_effect": draw(
                    maybe(st.sampled_from(["none", "bruising", "infection", "allergy"]))
                ),
                "makeup_48h": draw(maybe_bool),
                "sun_24h": draw(maybe_bool),
            }
        records.append(record)
    # Session ids are unique, as in the database.
    return list({record["session_id"]: record for record in records}.values())


overrides = st.fixed_dictionaries(
    {},
    optional={
        "needle-too-long.home_max_mm": st.sampled_from([0.25, 0.5]),
        "too-frequent.short_needle_days": st.integers(min_value=7, max_value=20),
        "too-frequent.critical_fraction": st.sampled_from([0.5, 0.75]),
        "too-many-passes.max_passes": st.integers(min_value=1, max_value=10),
        "redness-too-long.warning_hours": st.sampled_from([12, 24, 48]),
        "roller-worn.max_sessions": st.integers(min_value=3, max_value=5),
        "check-in-missing.hours": st.sampled_from([12, 48, 100]),
        "isotretinoin.months": st.integers(min_value=6, max_value=8),
    },
)

profiles = st.builds(
    ProfileSettings,
    experienced=st.booleans(),
    scar_baseline=st.sampled_from(["mild", "moderate", "severe"]),
    prescribed_interval_days=maybe(st.integers(min_value=1, max_value=40)),
    isotretinoin_last_dose=maybe(st.dates(date(2025, 6, 1), date(2026, 6, 1))),
    timezone=st.sampled_from(ZONES),
    rule_overrides=overrides,
)

roller_records = st.lists(st.booleans(), min_size=3, max_size=3).map(
    lambda shared: [
        {"roller_id": number, "name": f"Roller {number}", "shared": flag}
        for number, flag in enumerate(shared, start=1)
    ]
)

moments = st.integers(min_value=0, max_value=60 * 24 * 80).map(
    lambda minutes: START + timedelta(minutes=minutes)
)


@dataclass(frozen=True)
class StoredLog:
    """A random log as the real queries read it back from the database."""

    profile: ProfileSnapshot
    sessions: pd.DataFrame
    rollers: pd.DataFrame


@pytest.fixture(scope="module")
def log_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """One SQLite file for every example of a test; each example has a profile of its own."""
    path = tmp_path_factory.mktemp("rules") / "dermadash.db"
    engine = db.make_engine(f"sqlite:///{path}")
    db.upgrade(engine)
    yield engine
    engine.dispose()


SESSION_FIELDS = (
    "passes_vertical",
    "passes_horizontal",
    "passes_diagonal",
    "sterilized_before",
    "sterilized_after",
    "skin_cleansed",
    "active_acne",
    "retinoid_48h",
    "pain",
)
CHECK_IN_FIELDS = ("redness_hours", "stinging_minutes", "side_effect", "makeup_48h", "sun_24h")


def stored_log(
    engine: Engine,
    profile: ProfileSettings,
    session_rows: list[dict[str, Any]],
    roller_rows: list[dict[str, Any]],
) -> StoredLog:
    """Write the log to the database's tables, then read it back with the real queries.

    Each record passes the real input validation; the rows then go in as one plain
    insert per table in one transaction: the ``records`` functions' per-row bookkeeping
    (the revision bump, the ORM's flushes) made this test five times slower and is
    tested elsewhere.
    """
    profile_id = create_profile(engine, profile)
    rollers = [_valid_roller(row) for row in roller_rows]
    with engine.begin() as connection:
        inserted = _inserted_ids(
            connection, Roller, [{"profile_id": profile_id, **asdict(r)} for r in rollers]
        )
        roller_ids = {row["roller_id"]: id_ for row, id_ in zip(roller_rows, inserted, strict=True)}
        sessions = [_valid_session(row, roller_ids) for row in session_rows]
        session_ids = _inserted_ids(
            connection,
            RollingSession,
            [
                {
                    "profile_id": profile_id,
                    "started_at": session.started_at,
                    "needle_mm": session.needle_mm,
                    "roller_id": session.roller_id,
                    **{name: getattr(session, name) for name in SESSION_FIELDS},
                }
                for session in sessions
            ],
        )
        _insert_all(
            connection,
            SessionArea,
            [
                {"session_id": session_id, "area": area, "position": position}
                for session_id, session in zip(session_ids, sessions, strict=True)
                for position, area in enumerate(session.areas)
            ],
        )
        _insert_all(
            connection,
            CheckIn,
            [
                {
                    "session_id": session_id,
                    "recorded_at": session.started_at,
                    **{name: getattr(check_in, name) for name in CHECK_IN_FIELDS},
                }
                for session_id, session, row in zip(
                    session_ids, sessions, session_rows, strict=True
                )
                if (check_in := _valid_check_in(row)) is not None
            ],
        )
    return StoredLog(
        profile=load_profile(engine, profile_id),
        sessions=queries.sessions_frame(engine, profile_id),
        rollers=queries.rollers_frame(engine, profile_id),
    )


def _valid_roller(row: dict[str, Any]) -> RollerInput:
    roller = RollerInput(name=row["name"], needle_mm=0.25, shared=row["shared"])
    roller.validate()
    return roller


def _valid_session(row: dict[str, Any], roller_ids: dict[int, int]) -> SessionInput:
    session = SessionInput(
        started_at=row["started_at"],
        areas=row["areas"],
        needle_mm=row["needle_mm"],
        roller_id=roller_ids.get(row["roller_id"]),
        **{name: row[name] for name in SESSION_FIELDS},
    )
    session.validate()
    return session


def _valid_check_in(row: dict[str, Any]) -> CheckInInput | None:
    if not row["has_check_in"]:
        return None
    check_in = CheckInInput(**{name: row[name] for name in CHECK_IN_FIELDS})
    check_in.validate()
    return check_in


def _inserted_ids(
    connection: Connection, table: type[Roller | RollingSession], rows: list[dict[str, Any]]
) -> list[int]:
    """Insert ``rows`` in one statement; their new ids, in the order of ``rows``."""
    if not rows:
        return []
    statement = insert(table).returning(table.id, sort_by_parameter_order=True)
    return [int(row_id) for row_id in connection.scalars(statement, rows)]


def _insert_all(
    connection: Connection, table: type[SessionArea | CheckIn], rows: list[dict[str, Any]]
) -> None:
    if rows:
        connection.execute(insert(table), rows)


def comparable(flags: pd.DataFrame) -> list[list[Any]]:
    if flags.empty:
        return []
    rows = flags[REFERENCE_COLUMNS].astype(object).to_numpy().tolist()
    return [[None if value is pd.NA else value for value in row] for row in rows]


@pytest.mark.slow
@settings(
    max_examples=1500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(records=session_records(), profile=profiles, rollers=roller_records, now=moments)
def test_engine_agrees_with_the_reference(
    log_database: Engine,
    records: list[dict[str, Any]],
    profile: ProfileSettings,
    rollers: list[dict[str, Any]],
    now: datetime,
) -> None:
    log = stored_log(log_database, profile, records, rollers)
    assert len(log.sessions) == len(records)
    engine_flags = evaluation.evaluate(log.profile, log.sessions, log.rollers, now=now)
    reference_flags = reference_evaluate(log.profile, log.sessions, log.rollers, now=now)
    assert comparable(engine_flags) == comparable(reference_flags)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=session_records(), profile=profiles)
def test_area_intervals_agree_with_too_frequent_flags(
    records: list[dict[str, Any]], profile: ProfileSettings
) -> None:
    """Two engine functions agree with each other: frames typed as the queries type them
    (``tests/test_columns.py``) are enough, without the database's round trip."""
    sessions = sessions_frame(records)
    intervals = scheduling.area_intervals(profile, sessions)
    flags = evaluation.evaluate(profile, sessions, rollers_frame([]), now=START)
    too_frequent = flags[flags["rule"] == "too-frequent"]
    flagged = set(zip(too_frequent["session"].astype(int), too_frequent["area"], strict=True))
    from_intervals = intervals[intervals["too_frequent"]]
    assert flagged == set(zip(from_intervals["session_id"], from_intervals["area"], strict=True))
    assert len(intervals) == sum(len(record["areas"]) for record in records)
