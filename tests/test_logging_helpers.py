"""The logging pages' package helpers (storage: entry defaults, pending check-ins, record
forms, History filters, saving once) on a real SQLite file and a real PostgreSQL database."""

from __future__ import annotations

import ast
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine

from dermadash.rules.protocol import load_protocol
from dermadash.storage import (
    entry_defaults,
    history_filters,
    pending_check_ins,
    queries,
    record_forms,
    save_once,
)
from dermadash.storage.profiles import ProfileSettings, create_profile
from dermadash.storage.records import (
    CheckInInput,
    RecordNotFound,
    RollerInput,
    ScarRatingInput,
    SessionInput,
    add_roller,
    add_scar_rating,
    add_session,
    retire_roller,
    save_check_in,
)
from dermadash.storage.validation import ValidationError

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
PASSES = load_protocol().default_passes  # what the pages pass (page_support.reads)
STORAGE = Path(entry_defaults.__file__).resolve().parent


def a_session(day: date, **changes: object) -> SessionInput:
    fields: dict[str, object] = {
        "started_at": datetime.combine(day, time(21, 0), LONDON),
        "areas": ["Left cheek"],
        "needle_mm": 0.25,
    }
    fields.update(changes)
    return SessionInput(**fields)  # type: ignore[arg-type]  # a dict types no field


def test_default_passes_come_from_one_place() -> None:
    assert entry_defaults.starting_passes(PASSES) == entry_defaults.Passes(6, 6, 0)


def imported_names(source: str) -> set[str]:
    """Every module (and ``module.name``) a source file imports."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_storage_never_imports_the_protocol() -> None:
    """Storage sits below the rules: a form default the protocol sets is passed in."""
    for module in STORAGE.rglob("*.py"):
        imported = imported_names(module.read_text(encoding="utf-8"))
        assert not {name for name in imported if name.startswith("dermadash.rules")}, module


def test_defaults_for_a_new_profile_are_empty(engine: Engine, profile_id: int) -> None:
    defaults = entry_defaults.session_defaults(engine, profile_id, PASSES)
    assert defaults.areas == []
    assert defaults.roller_id is None
    assert defaults.needle_mm is None
    assert defaults.passes == entry_defaults.Passes(6, 6, 0)


def test_defaults_remember_the_last_session(engine: Engine, profile_id: int) -> None:
    fine = add_roller(engine, profile_id, RollerInput("Fine", 0.25))
    main = add_roller(engine, profile_id, RollerInput("Main", 0.5))
    add_session(engine, profile_id, a_session(date(2026, 3, 2), roller_id=main, needle_mm=0.5))
    add_session(
        engine,
        profile_id,
        a_session(date(2026, 3, 9), areas=["Chin", "forehead"], roller_id=fine),
    )
    # An older session entered later does not change what "last" means.
    add_session(engine, profile_id, a_session(date(2026, 2, 1), areas=["Nose"], roller_id=main))
    defaults = entry_defaults.session_defaults(engine, profile_id, PASSES)
    assert defaults.areas == ["Chin", "Forehead"]
    assert defaults.roller_id == fine
    assert defaults.needle_mm == 0.25


def test_a_retired_last_roller_gives_way_to_one_in_use(engine: Engine, profile_id: int) -> None:
    old = add_roller(engine, profile_id, RollerInput("Old", 0.25))
    new = add_roller(engine, profile_id, RollerInput("New", 0.5))
    add_session(engine, profile_id, a_session(date(2026, 3, 2), roller_id=old))
    retire_roller(engine, profile_id, old, date(2026, 3, 3))
    defaults = entry_defaults.session_defaults(engine, profile_id, PASSES)
    assert (defaults.roller_id, defaults.needle_mm) == (new, 0.5)


def test_defaults_without_a_roller_keep_the_last_needle(engine: Engine, profile_id: int) -> None:
    add_session(engine, profile_id, a_session(date(2026, 3, 2), needle_mm=0.3))
    defaults = entry_defaults.session_defaults(engine, profile_id, PASSES)
    assert (defaults.roller_id, defaults.needle_mm) == (None, 0.3)


def test_area_choices_put_the_persons_own_areas_first(engine: Engine, profile_id: int) -> None:
    add_session(engine, profile_id, a_session(date(2026, 3, 2), areas=["Scalp", "Chin"]))
    add_session(engine, profile_id, a_session(date(2026, 3, 9), areas=["Scalp"]))
    choices = entry_defaults.area_choices(engine, profile_id)
    assert choices[:2] == ["Scalp", "Chin"]
    assert "Left cheek" in choices
    assert choices.count("Chin") == 1


def test_pending_check_ins_count_and_list_agree(engine: Engine, profile_id: int) -> None:
    other = create_profile(engine, ProfileSettings(display_name="Other"))
    add_session(engine, other, a_session(date(2026, 3, 8)))
    first = add_session(engine, profile_id, a_session(date(2026, 3, 5)))
    second = add_session(engine, profile_id, a_session(date(2026, 3, 8)))
    done = add_session(engine, profile_id, a_session(date(2026, 3, 1)))
    add_session(engine, profile_id, a_session(date(2026, 2, 1)))  # too old to ask about
    save_check_in(engine, profile_id, done, CheckInInput(redness_hours=5.0))

    assert pending_check_ins.pending_check_in_count(engine, profile_id, now=NOW) == 2
    waiting = pending_check_ins.waiting_for_check_in(
        queries.sessions_frame(engine, profile_id), now=NOW
    )
    assert waiting["session_id"].tolist() == [first, second]

    save_check_in(engine, profile_id, first, CheckInInput(side_effect="none"))
    assert pending_check_ins.pending_check_in_count(engine, profile_id, now=NOW) == 1


def test_a_session_loads_back_into_its_input(engine: Engine, profile_id: int) -> None:
    roller = add_roller(engine, profile_id, RollerInput("Main", 0.5))
    entered = a_session(
        date(2026, 3, 2),
        areas=["Chin", "Left cheek"],
        roller_id=roller,
        needle_mm=0.5,
        passes_vertical=6,
        passes_horizontal=5,
        passes_diagonal=0,
        sterilized_before=True,
        active_acne=False,
        pain=4,
        notes="Fine.",
    )
    session_id = add_session(engine, profile_id, entered)
    loaded = record_forms.load_session(engine, profile_id, session_id)
    assert loaded.started_at == entered.started_at
    assert loaded.started_at.tzinfo is not None
    assert loaded == SessionInput(**{**entered.__dict__, "started_at": loaded.started_at})
    assert record_forms.load_check_in(engine, profile_id, session_id) is None
    check_in = CheckInInput(redness_hours=12.5, stinging_minutes=10.0, side_effect="bruising")
    save_check_in(engine, profile_id, session_id, check_in)
    assert record_forms.load_check_in(engine, profile_id, session_id) == check_in


def test_records_of_another_profile_do_not_load(engine: Engine, profile_id: int) -> None:
    other = create_profile(engine, ProfileSettings(display_name="Other"))
    session_id = add_session(engine, other, a_session(date(2026, 3, 2)))
    roller_id = add_roller(engine, other, RollerInput("Theirs", 0.5))
    rating_id = add_scar_rating(engine, other, ScarRatingInput(date(2026, 3, 2), "Chin", 5))
    with pytest.raises(RecordNotFound):
        record_forms.load_session(engine, profile_id, session_id)
    with pytest.raises(RecordNotFound):
        record_forms.load_check_in(engine, profile_id, session_id)
    with pytest.raises(RecordNotFound):
        record_forms.load_roller(engine, profile_id, roller_id)
    with pytest.raises(RecordNotFound):
        record_forms.load_scar_rating(engine, profile_id, rating_id)


def test_roller_and_rating_load_back(engine: Engine, profile_id: int) -> None:
    roller = RollerInput("Main", 0.5, 540, date(2026, 1, 1), None, True)
    roller_id = add_roller(engine, profile_id, roller)
    assert record_forms.load_roller(engine, profile_id, roller_id) == roller
    rating = ScarRatingInput(date(2026, 3, 2), "Chin", 5, "Better")
    rating_id = add_scar_rating(engine, profile_id, rating)
    assert record_forms.load_scar_rating(engine, profile_id, rating_id) == rating


def test_last_rating_per_area(engine: Engine, profile_id: int) -> None:
    for day, area, severity in [
        (date(2026, 3, 9), "Chin", 3),
        (date(2026, 3, 2), "Chin", 5),
        (date(2026, 3, 2), "Nose", 6),
    ]:
        add_scar_rating(engine, profile_id, ScarRatingInput(day, area, severity))
    last = history_filters.last_rating_per_area(queries.scar_ratings_frame(engine, profile_id))
    assert list(zip(last["area"], last["severity"], strict=True)) == [("Chin", 3), ("Nose", 6)]


def test_sessions_filter_by_local_date_and_area(engine: Engine, profile_id: int) -> None:
    # 00:30 in London on 1 Jun is still 31 May in UTC: the local date decides.
    early = add_session(
        engine,
        profile_id,
        a_session(date(2026, 6, 1), started_at=datetime(2026, 6, 1, 0, 30, tzinfo=LONDON)),
    )
    before = add_session(engine, profile_id, a_session(date(2026, 5, 31), areas=["Chin"]))
    later = add_session(engine, profile_id, a_session(date(2026, 6, 3), areas=["Chin", "Nose"]))
    sessions = queries.sessions_frame(engine, profile_id)
    since_june = history_filters.filter_sessions(
        sessions, "Europe/London", first_day=date(2026, 6, 1)
    )
    assert since_june["session_id"].tolist() == [later, early]
    chin = history_filters.filter_sessions(sessions, "Europe/London", area="Chin")
    assert chin["session_id"].tolist() == [later, before]
    until = history_filters.filter_sessions(sessions, "Europe/London", last_day=date(2026, 5, 31))
    assert until["session_id"].tolist() == [before]


def test_ratings_filter_by_date_and_area(engine: Engine, profile_id: int) -> None:
    old = add_scar_rating(engine, profile_id, ScarRatingInput(date(2026, 1, 5), "Chin", 6))
    new = add_scar_rating(engine, profile_id, ScarRatingInput(date(2026, 3, 5), "Chin", 4))
    nose = add_scar_rating(engine, profile_id, ScarRatingInput(date(2026, 3, 6), "Nose", 4))
    ratings = queries.scar_ratings_frame(engine, profile_id)
    recent = history_filters.filter_ratings(ratings, first_day=date(2026, 3, 1))
    assert recent["rating_id"].tolist() == [nose, new]
    assert history_filters.filter_ratings(ratings, area="Chin")["rating_id"].tolist() == [new, old]


def test_save_once_writes_once_per_token(engine: Engine, profile_id: int) -> None:
    saved: dict[str, int] = {}
    token = save_once.new_form_token()
    entered = a_session(date(2026, 3, 2))
    first, created = save_once.save_once(
        saved, token, lambda: add_session(engine, profile_id, entered)
    )
    again, created_again = save_once.save_once(
        saved, token, lambda: add_session(engine, profile_id, entered)
    )
    assert (created, created_again) == (True, False)
    assert first == again
    assert queries.session_count(engine, profile_id) == 1
    other_token = save_once.new_form_token()
    assert other_token != token
    save_once.save_once(saved, other_token, lambda: add_session(engine, profile_id, entered))
    assert queries.session_count(engine, profile_id) == 2


def test_a_failed_save_can_be_retried_with_the_same_token(engine: Engine, profile_id: int) -> None:
    saved: dict[str, int] = {}
    with pytest.raises(ValidationError):
        save_once.save_once(
            saved,
            "t",
            lambda: add_session(engine, profile_id, a_session(date(2026, 3, 2), areas=[])),
        )
    assert saved == {}
    save_once.save_once(
        saved, "t", lambda: add_session(engine, profile_id, a_session(date(2026, 3, 2)))
    )
    assert queries.session_count(engine, profile_id) == 1


def test_local_moment_is_the_wall_clock_where_the_person_lives() -> None:
    summer = entry_defaults.local_moment(date(2026, 7, 1), time(21, 30, 15), "Europe/London")
    winter = entry_defaults.local_moment(date(2026, 1, 1), time(21, 30), "Europe/London")
    assert summer.astimezone(UTC).time() == time(20, 30)
    assert winter.astimezone(UTC).time() == time(21, 30)
    assert entry_defaults.local_now("Asia/Tokyo", NOW) == datetime(
        2026, 3, 10, 21, 0, tzinfo=ZoneInfo("Asia/Tokyo")
    )
    assert entry_defaults.local_now("Asia/Tokyo", NOW + timedelta(seconds=42)).second == 0
