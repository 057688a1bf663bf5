"""The logging pages driven through AppTest on both databases: create, edit, delete,
validation messages, the pending check-ins and their count, remembered defaults."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Selectbox

from dermadash.storage import queries
from dermadash.storage.records import (
    CheckInInput,
    RollerInput,
    ScarRatingInput,
    SessionInput,
    add_roller,
    add_scar_rating,
    add_session,
    save_check_in,
)
from dermadash.timezones import local_today
from tests import test_app_typed_text as typed_text
from tests.apptest import assert_no_exception, open_app, seen_texts, texts

LOG = "views/log_session.py"
CHECK_IN = "views/check_in.py"
RATINGS = "views/scar_ratings.py"
ROLLERS = "views/rollers.py"
HISTORY = "views/history.py"
ANSWERS = {
    "sterilized_before": True,
    "sterilized_after": True,
    "skin_cleansed": True,
    "active_acne": False,
    "retinoid_48h": False,
    "pinpoint_bleeding": False,
    "mask_applied": True,
}


def click(app: AppTest, label: str) -> AppTest:
    matches = [button for button in app.button if button.label == label]
    assert len(matches) == 1, f"{label!r} in {[button.label for button in app.button]}"
    return matches[0].click().run()


def nav_titles(_app: AppTest) -> list[str]:
    """The page titles in the navigation menu, as a fresh visit draws them.

    AppTest keeps the registry of ``st.navigation`` only for the first run of an app
    (after ``switch_page`` it lists the files of a pages folder), so a new visit reads it.
    """
    fresh = open_app()
    return [info["page_name"] for info in fresh._registered_pages.values()]


def session_choice(app: AppTest) -> Selectbox[Any]:
    matches = [box for box in app.selectbox if box.label == "Session"]
    assert len(matches) == 1
    return matches[0]


def tab_labels(app: AppTest) -> list[str]:
    return [tab.label for tab in app.tabs]


def days_ago(days: int, hour: int = 21) -> datetime:
    today = local_today("Europe/London")
    return datetime.combine(today - timedelta(days=days), time(hour), UTC)


def store_session(engine: Engine, profile_id: int, days: int, **changes: object) -> int:
    fields: dict[str, object] = {
        "started_at": days_ago(days),
        "areas": ["Left cheek"],
        "needle_mm": 0.25,
    }
    fields.update(changes)
    return add_session(engine, profile_id, SessionInput(**fields))  # type: ignore[arg-type]  # a dict types no field


def fill_session(app: AppTest, areas: list[str] | None = None, **values: object) -> None:
    if areas is not None:
        app.multiselect(key="log_areas").set_value(areas)
    for name, answer in ANSWERS.items():
        app.segmented_control(key=f"log_{name}").set_value(answer)
    for name, value in values.items():
        widget = {
            "pain": app.pills,
            "notes": app.text_area,
            "day": app.date_input,
            "time": app.time_input,
        }.get(name, app.number_input)
        widget(key=f"log_{name}").set_value(value)


# --- Log a session ---------------------------------------------------------------------


def test_logging_a_first_session(app_engine: Engine, me: int) -> None:
    app = open_app(page=LOG)
    assert_no_exception(app)
    assert app.number_input(key="log_passes_vertical").value == 6
    assert app.number_input(key="log_passes_horizontal").value == 6
    assert app.number_input(key="log_passes_diagonal").value == 0
    fill_session(
        app,
        areas=["  left   CHEEK "],
        needle_mm=0.25,
        pain=3,
        notes="First time.",
        day=date(2026, 3, 2),
        time=time(21, 30),
    )
    click(app, "Save session")
    assert_no_exception(app)
    assert "Session saved." in texts(app)
    assert "Mon 2 Mar 2026, 21:30 · Left cheek" in seen_texts(app)
    assert "Later today or tomorrow, add a check-in" in texts(app)

    sessions = queries.sessions_frame(app_engine, me)
    assert len(sessions) == 1
    row = sessions.iloc[0]
    assert row["areas"] == ["Left cheek"]
    assert row["started_at"] == datetime(2026, 3, 2, 21, 30, tzinfo=UTC)  # London winter
    assert (row["pain"], row["notes"], bool(row["mask_applied"])) == (3, "First time.", True)
    assert bool(row["active_acne"]) is False


def test_the_time_is_read_in_the_profiles_time_zone(app_engine: Engine, me: int) -> None:
    app = open_app(page=LOG)
    fill_session(app, areas=["Chin"], needle_mm=0.25, day=date(2026, 7, 1), time=time(9, 0))
    click(app, "Save session")
    started = queries.sessions_frame(app_engine, me).iloc[0]["started_at"]
    assert started == datetime(2026, 7, 1, 8, 0, tzinfo=UTC)  # London summer time


def test_the_next_session_remembers_areas_and_roller(app_engine: Engine, me: int) -> None:
    add_roller(app_engine, me, RollerInput("Fine", 0.25))
    main = add_roller(app_engine, me, RollerInput("Main", 0.5))
    app = open_app(page=LOG)
    # With no session yet, the newest roller in use is chosen and its needle filled in.
    assert app.selectbox(key="log_roller_id").value == main
    assert app.number_input(key="log_needle_mm").value == 0.5
    fill_session(app, areas=["Chin", "Forehead"])
    click(app, "Save session")
    click(app, "Log another session")
    assert_no_exception(app)
    assert app.multiselect(key="log_areas").value == ["Chin", "Forehead"]
    assert app.selectbox(key="log_roller_id").value == main

    # A fresh visit remembers them too.
    again = open_app(page=LOG)
    assert again.multiselect(key="log_areas").value == ["Chin", "Forehead"]
    assert again.number_input(key="log_needle_mm").value == 0.5


def test_choosing_another_roller_fills_in_its_needle(app_engine: Engine, me: int) -> None:
    fine = add_roller(app_engine, me, RollerInput("Fine", 0.25))
    add_roller(app_engine, me, RollerInput("Main", 0.5))
    app = open_app(page=LOG)
    app.selectbox(key="log_roller_id").set_value(fine).run()
    assert app.number_input(key="log_needle_mm").value == 0.25
    assert "Fine · 0.25 mm" in app.selectbox(key="log_roller_id").options


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"areas": [], "needle_mm": 0.25}, "Choose at least one face area."),
        ({"areas": ["Chin"]}, "Needle length is required."),
        ({"areas": ["Chin"], "needle_mm": 5.0}, "Needle length must be between 0.1 and 3 mm"),
        (
            {"areas": ["Chin"], "needle_mm": 0.25, "passes_vertical": 31},
            "Vertical passes must be between 0 and 30 passes",
        ),
        (
            {"areas": ["Chin"], "needle_mm": 0.25, "passes_diagonal": -1},
            "Diagonal passes must be between 0 and 30 passes",
        ),
        (
            {"areas": ["Chin"], "needle_mm": 0.25, "notes": "x" * 2001},
            "Notes must be at most 2000 characters",
        ),
        ({"areas": ["x" * 61], "needle_mm": 0.25}, "at most 60 characters"),
    ],
)
def test_log_validation_errors_keep_what_was_typed(
    app_engine: Engine, me: int, values: dict[str, object], message: str
) -> None:
    app = open_app(page=LOG)
    fill_session(app, **values)  # type: ignore[arg-type]  # values: fill_session's keywords
    click(app, "Save session")
    assert_no_exception(app)
    assert any(message in error.value for error in app.error), [e.value for e in app.error]
    assert queries.session_count(app_engine, me) == 0
    # What was typed is still there to correct.
    assert app.multiselect(key="log_areas").value == values["areas"]
    assert app.segmented_control(key="log_sterilized_before").value is True
    # Correcting the mistake then saves.
    app.multiselect(key="log_areas").set_value(["Chin"])
    app.number_input(key="log_needle_mm").set_value(0.25)
    app.number_input(key="log_passes_vertical").set_value(6)
    app.number_input(key="log_passes_diagonal").set_value(0)
    app.text_area(key="log_notes").set_value("")
    click(app, "Save session")
    assert "Session saved." in texts(app)
    assert queries.session_count(app_engine, me) == 1


def test_saving_the_same_form_twice_writes_one_session(app_engine: Engine, me: int) -> None:
    app = open_app(page=LOG)
    fill_session(app, areas=["Chin"], needle_mm=0.25)
    click(app, "Save session")
    assert queries.session_count(app_engine, me) == 1
    # The same form again, as a second click arriving late would send it.
    del app.session_state["logged_session_id"]
    app.run()
    click(app, "Save session")
    assert_no_exception(app)
    assert "Session saved." in texts(app)
    assert queries.session_count(app_engine, me) == 1
    # A new form is a new session.
    click(app, "Log another session")
    click(app, "Save session")
    assert queries.session_count(app_engine, me) == 2


# --- Check-in --------------------------------------------------------------------------


def test_pending_check_ins_come_first_oldest_first_with_their_count(
    app_engine: Engine, me: int
) -> None:
    oldest = store_session(app_engine, me, 5, areas=["Chin"])
    newer = store_session(app_engine, me, 2, areas=["Forehead"])
    done = store_session(app_engine, me, 9)
    save_check_in(app_engine, me, done, CheckInInput(redness_hours=4.0))
    store_session(app_engine, me, 40)  # too long ago to be asked about

    app = open_app(page=CHECK_IN)
    assert_no_exception(app)
    assert "Check-in (2)" in nav_titles(app)
    assert "2 sessions still wait for a check-in" in texts(app)
    choice = session_choice(app)
    assert choice.value == oldest
    assert choice.options[0].endswith("Chin — waiting")
    assert choice.options[1].endswith("Forehead — waiting")
    assert not choice.options[2].endswith("waiting")

    app.number_input(key=f"checkin_{oldest}_redness_hours").set_value(12.0)
    app.number_input(key=f"checkin_{oldest}_stinging_minutes").set_value(15.0)
    app.segmented_control(key=f"checkin_{oldest}_side_effect").set_value("none")
    app.segmented_control(key=f"checkin_{oldest}_peeling").set_value(True)
    click(app, "Save check-in")
    assert_no_exception(app)
    assert "Check-in saved" in texts(app)
    assert "dermatologist" not in texts(app)
    assert "Check-in (1)" in nav_titles(app)
    assert "1 session still waits for a check-in" in texts(app)
    assert session_choice(app).value == newer  # on to the next one waiting
    row = queries.sessions_frame(app_engine, me).set_index("session_id").loc[oldest]
    assert (row["redness_hours"], row["stinging_minutes"], bool(row["peeling"])) == (
        12.0,
        15.0,
        True,
    )


def test_a_side_effect_says_see_a_dermatologist(app_engine: Engine, me: int) -> None:
    session_id = store_session(app_engine, me, 1)
    app = open_app(page=CHECK_IN)
    app.segmented_control(key=f"checkin_{session_id}_side_effect").set_value("infection")
    click(app, "Save check-in")
    assert_no_exception(app)
    assert any("see a dermatologist" in error.value for error in app.error)
    assert "Check-in" in nav_titles(app)
    assert "Every recent session has its check-in" in texts(app)


def test_editing_an_existing_check_in(app_engine: Engine, me: int) -> None:
    session_id = store_session(app_engine, me, 3)
    save_check_in(app_engine, me, session_id, CheckInInput(redness_hours=10.0, makeup_48h=False))
    app = open_app(page=CHECK_IN)
    assert session_choice(app).value == session_id
    redness = app.number_input(key=f"checkin_{session_id}_redness_hours")
    assert redness.value == 10.0
    redness.set_value(30.0)
    app.segmented_control(key=f"checkin_{session_id}_makeup_48h").set_value(True)
    click(app, "Save changes")
    assert_no_exception(app)
    row = queries.sessions_frame(app_engine, me).iloc[0]
    assert (row["redness_hours"], bool(row["makeup_48h"])) == (30.0, True)


def test_check_in_validation_error_keeps_the_values(app_engine: Engine, me: int) -> None:
    session_id = store_session(app_engine, me, 1)
    app = open_app(page=CHECK_IN)
    app.number_input(key=f"checkin_{session_id}_redness_hours").set_value(800.0)
    app.number_input(key=f"checkin_{session_id}_stinging_minutes").set_value(20.0)
    click(app, "Save check-in")
    assert any("Redness duration must be between 0 and 720 hours" in e.value for e in app.error)
    assert app.number_input(key=f"checkin_{session_id}_stinging_minutes").value == 20.0
    assert not queries.sessions_frame(app_engine, me).iloc[0]["has_check_in"]
    assert "Check-in (1)" in nav_titles(app)


def test_check_in_without_sessions_says_what_to_do(app_engine: Engine, me: int) -> None:
    app = open_app(page=CHECK_IN)
    assert_no_exception(app)
    assert "No sessions yet" in texts(app)
    assert "Check-in" in nav_titles(app)


# --- Scar ratings ----------------------------------------------------------------------


def test_rating_areas_shows_the_last_rating(app_engine: Engine, me: int) -> None:
    add_scar_rating(app_engine, me, ScarRatingInput(date(2026, 3, 2), "Left cheek", 7, "Before"))
    store_session(app_engine, me, 2, areas=["Left cheek", "Chin"])
    app = open_app(page=RATINGS)
    assert_no_exception(app)
    shown = texts(app)
    assert "0 = no visible scars, 10 = the worst" in shown
    assert "Last rating: 7 / 10 on Mon 2 Mar 2026" in shown
    assert "Not rated yet." in shown
    # Areas: the rated one, then the treated ones, then a free one.
    app.pills(key="rate_severity_0").set_value(6)
    app.text_input(key="rate_notes_0").set_value("Softer edges")
    app.text_input(key="rate_other_area").set_value("  JAWLINE ")
    app.pills(key="rate_severity_2").set_value(2)
    click(app, "Save ratings")
    assert_no_exception(app)
    assert "Saved 2 ratings." in texts(app)
    ratings = queries.scar_ratings_frame(app_engine, me)
    newest = ratings[ratings["rated_on"] == local_today("Europe/London")]
    assert sorted(zip(newest["area"], newest["severity"], strict=True)) == [
        ("Jawline", 2),
        ("Left cheek", 6),
    ]
    assert "Last rating: 6 / 10" in texts(app)
    assert app.pills(key="rate_severity_0").value is None


def test_rating_on_an_empty_profile_offers_common_areas(app_engine: Engine, me: int) -> None:
    app = open_app(page=RATINGS)
    assert_no_exception(app)
    assert "**Left cheek**" in texts(app)
    app.pills(key="rate_severity_1").set_value(5)
    click(app, "Save ratings")
    assert queries.scar_ratings_frame(app_engine, me)["area"].tolist() == ["Right cheek"]


@pytest.mark.parametrize(
    ("fill", "message"),
    [
        ({}, "Choose a severity for at least one area."),
        ({"rate_notes_0": "Notes but no score"}, "Scar severity is required."),
        ({"rate_other_area": "x" * 61, "rate_severity_4": 3}, "at most 60 characters"),
    ],
)
def test_rating_validation_errors(
    app_engine: Engine, me: int, fill: dict[str, object], message: str
) -> None:
    app = open_app(page=RATINGS)
    for key, value in fill.items():
        widget = app.pills if key.startswith("rate_severity") else app.text_input
        widget(key=key).set_value(value)
    click(app, "Save ratings")
    assert_no_exception(app)
    assert any(message in error.value for error in app.error), [e.value for e in app.error]
    assert queries.scar_ratings_frame(app_engine, me).empty
    for key, value in fill.items():
        widget = app.pills if key.startswith("rate_severity") else app.text_input
        assert widget(key=key).value == value


# --- Rollers ---------------------------------------------------------------------------


def test_adding_editing_and_retiring_a_roller(app_engine: Engine, me: int) -> None:
    app = open_app(page=ROLLERS)
    assert_no_exception(app)
    assert "No rollers yet" in texts(app)
    app.text_input(key="roller_new_name").set_value("Titanium roller")
    app.number_input(key="roller_new_needle_mm").set_value(0.5)
    app.number_input(key="roller_new_needle_count").set_value(540)
    click(app, "Add roller")
    assert_no_exception(app)
    assert "Added Titanium roller." in texts(app)
    assert "**Titanium roller** · 0.5 mm" in texts(app)
    assert "Used in 0 sessions" in texts(app)
    roller_id = int(queries.rollers_frame(app_engine, me).iloc[0]["roller_id"])
    store_session(app_engine, me, 3, roller_id=roller_id, needle_mm=0.5)
    app.run()
    assert "Used in 1 session · 540 needles" in texts(app)

    click(app, "Change")
    app.text_input(key=f"roller_{roller_id}_name").set_value("Gold roller")
    app.checkbox(key=f"roller_{roller_id}_shared").check()
    click(app, "Save changes")
    assert_no_exception(app)
    rollers = queries.rollers_frame(app_engine, me)
    assert (rollers.iloc[0]["name"], bool(rollers.iloc[0]["shared"])) == ("Gold roller", True)
    assert "shared with someone else" in texts(app)

    click(app, "Retire")
    assert_no_exception(app)
    assert "Retired Gold roller" in texts(app)
    assert queries.rollers_frame(app_engine, me).iloc[0]["retired_on"] == local_today(
        "Europe/London"
    )
    assert not [button for button in app.button if button.label == "Retire"]


@pytest.mark.parametrize(
    ("name", "needle", "message"),
    [
        ("", 0.5, "Roller name is required."),
        ("Long", 5.0, "Needle length must be between 0.1 and 3 mm"),
        ("Nothing", None, "Needle length is required."),
    ],
)
def test_roller_validation_errors(
    app_engine: Engine, me: int, name: str, needle: float | None, message: str
) -> None:
    app = open_app(page=ROLLERS)
    app.text_input(key="roller_new_name").set_value(name)
    app.number_input(key="roller_new_needle_mm").set_value(needle)
    click(app, "Add roller")
    assert_no_exception(app)
    assert any(message in error.value for error in app.error)
    assert queries.rollers_frame(app_engine, me).empty
    assert app.text_input(key="roller_new_name").value == name


def test_roller_edit_validation_error_and_cancel(app_engine: Engine, me: int) -> None:
    roller_id = add_roller(app_engine, me, RollerInput("Main", 0.5, first_used=date(2026, 3, 1)))
    app = open_app(page=ROLLERS)
    click(app, "Change")
    app.date_input(key=f"roller_{roller_id}_retired_on").set_value(date(2026, 2, 1))
    click(app, "Save changes")
    assert any("cannot be retired before it was first used" in e.value for e in app.error)
    click(app, "Cancel")
    assert_no_exception(app)
    assert queries.rollers_frame(app_engine, me).iloc[0]["retired_on"] is None


# --- History ---------------------------------------------------------------------------


def test_history_lists_sessions_with_check_ins_and_filters(app_engine: Engine, me: int) -> None:
    recent = store_session(app_engine, me, 2, areas=["Chin"], pain=4)
    save_check_in(app_engine, me, recent, CheckInInput(redness_hours=20.0, side_effect="none"))
    store_session(app_engine, me, 60, areas=["Forehead"])
    add_scar_rating(app_engine, me, ScarRatingInput(local_today("Europe/London"), "Chin", 5))
    app = open_app(page=HISTORY)
    assert_no_exception(app)
    shown = texts(app)
    assert tab_labels(app) == ["Sessions (2)", "Scar ratings (1)"]
    assert "Check-in: redness 20 h, no side effects." in shown
    assert "No check-in yet." in shown

    app.selectbox(key="history_period").set_value("Last 30 days").run()
    assert tab_labels(app) == ["Sessions (1)", "Scar ratings (1)"]
    app.selectbox(key="history_period").set_value("Everything")
    app.selectbox(key="history_area").set_value("Forehead").run()
    assert tab_labels(app) == ["Sessions (1)", "Scar ratings (0)"]
    assert "Forehead" in texts(app)


def test_history_empty_state(app_engine: Engine, me: int) -> None:
    app = open_app(page=HISTORY)
    assert_no_exception(app)
    assert "Nothing logged yet" in texts(app)


def test_history_edits_a_session(app_engine: Engine, me: int) -> None:
    session_id = store_session(app_engine, me, 2, areas=["Chin"], pain=4)
    app = open_app(page=HISTORY)
    click(app, "Change session")
    prefix = f"edit_session_{session_id}"
    assert app.multiselect(key=f"{prefix}_areas").value == ["Chin"]
    assert app.pills(key=f"{prefix}_pain").value == 4
    app.number_input(key=f"{prefix}_passes_vertical").set_value(40)
    click(app, "Save changes")
    assert any("Vertical passes must be between 0 and 30" in e.value for e in app.error)
    app.number_input(key=f"{prefix}_passes_vertical").set_value(5)
    app.multiselect(key=f"{prefix}_areas").set_value(["Chin", "Nose"])
    click(app, "Save changes")
    assert_no_exception(app)
    assert "Saved the session" in texts(app)
    row = queries.sessions_frame(app_engine, me).iloc[0]
    assert (row["areas"], row["passes_vertical"], row["pain"]) == (["Chin", "Nose"], 5, 4)


def test_history_deletes_a_session_after_confirmation(app_engine: Engine, me: int) -> None:
    session_id = store_session(app_engine, me, 2)
    save_check_in(app_engine, me, session_id, CheckInInput(redness_hours=3.0))
    app = open_app(page=HISTORY)
    click(app, "Change session")
    click(app, "Delete")
    assert "This cannot be undone." in texts(app)
    click(app, "Keep it")
    assert queries.session_count(app_engine, me) == 1
    click(app, "Delete")
    click(app, "Yes, delete")
    assert_no_exception(app)
    assert "Deleted the session and its check-in." in texts(app)
    assert queries.session_count(app_engine, me) == 0


def test_history_adds_edits_and_deletes_a_check_in(app_engine: Engine, me: int) -> None:
    session_id = store_session(app_engine, me, 2)
    app = open_app(page=HISTORY)
    click(app, "Add check-in")
    prefix = f"edit_check_in_{session_id}"
    app.segmented_control(key=f"{prefix}_side_effect").set_value("allergy")
    click(app, "Save changes")
    assert_no_exception(app)
    assert any("see a dermatologist" in error.value for error in app.error)
    assert queries.sessions_frame(app_engine, me).iloc[0]["side_effect"] == "allergy"

    click(app, "Change check-in")
    assert app.segmented_control(key=f"{prefix}_side_effect").value == "allergy"
    app.number_input(key=f"{prefix}_stinging_minutes").set_value(-5.0)
    click(app, "Save changes")
    assert any("Stinging duration must be between 0 and 1440" in e.value for e in app.error)
    click(app, "Delete")
    click(app, "Yes, delete")
    assert_no_exception(app)
    assert not queries.sessions_frame(app_engine, me).iloc[0]["has_check_in"]


def test_history_edits_and_deletes_a_rating(app_engine: Engine, me: int) -> None:
    add_scar_rating(app_engine, me, ScarRatingInput(date(2026, 3, 2), "Chin", 5))
    app = open_app(page=HISTORY)
    assert "Mon 2 Mar 2026 · Chin: 5 / 10" in texts(app)
    click(app, "Change")
    rating_id = int(queries.scar_ratings_frame(app_engine, me).iloc[0]["rating_id"])
    prefix = f"edit_rating_{rating_id}"
    app.text_input(key=f"{prefix}_area").set_value("")
    click(app, "Save changes")
    assert any("Choose at least one face area." in e.value for e in app.error)
    app.text_input(key=f"{prefix}_area").set_value("nose")
    app.pills(key=f"{prefix}_severity").set_value(3)
    click(app, "Save changes")
    assert_no_exception(app)
    ratings = queries.scar_ratings_frame(app_engine, me)
    assert (ratings.iloc[0]["area"], ratings.iloc[0]["severity"]) == ("Nose", 3)
    click(app, "Change")
    click(app, "Delete")
    click(app, "Yes, delete")
    assert queries.scar_ratings_frame(app_engine, me).empty
    assert "Deleted the scar rating." in texts(app)


# --- Safety flags where the person logs and reviews --------------------------------------


def test_saving_a_session_shows_its_flags_and_the_next_safe_date(
    app_engine: Engine, me: int
) -> None:
    app = open_app(page=LOG)
    fill_session(app, areas=["Chin"], needle_mm=0.25, pain=8, day=date(2026, 3, 2))
    app.segmented_control(key="log_sterilized_before").set_value(False)
    click(app, "Save session")
    assert_no_exception(app)
    shown = texts(app)
    assert "Safety flags for this session" in shown
    assert "This session follows the safety protocol." not in shown
    assert "not sterilized" in shown.lower()
    assert "Pain rated 8 of 10" in shown
    assert "Next safe session, Chin:" in shown
    assert "Mon 9 Mar 2026" in shown  # 7 days after, with needles up to 0.5 mm


def test_a_session_that_follows_the_protocol_says_so(app_engine: Engine, me: int) -> None:
    app = open_app(page=LOG)
    fill_session(app, areas=["Chin"], needle_mm=0.25, pain=3)  # today, as the form starts
    click(app, "Save session")
    assert_no_exception(app)
    assert "This session follows the safety protocol." in texts(app)
    assert "Safety flags for this session" not in texts(app)


def test_history_shows_each_sessions_flags(app_engine: Engine, me: int) -> None:
    store_session(app_engine, me, days=3, active_acne=True, notes="spot")
    store_session(app_engine, me, days=20, notes="calm")
    app = open_app(page=HISTORY)
    assert_no_exception(app)
    shown = texts(app)
    assert "Rolled over active acne" in shown
    assert shown.count("**Rolled over active acne**") == 1  # on the spot session only


def test_deleting_a_rating_says_its_photos_go_with_it(app_engine: Engine, me: int) -> None:
    from io import BytesIO

    from PIL import Image

    from dermadash import photos

    rating_id = add_scar_rating(app_engine, me, ScarRatingInput(date(2026, 3, 2), "Chin", 5))
    picture = BytesIO()
    Image.new("RGB", (80, 60), "peru").save(picture, format="JPEG")
    photos.add_photo(app_engine, me, rating_id, picture.getvalue())
    app = open_app(page=HISTORY)
    click(app, "Change")
    click(app, "Delete")
    assert any("Its 1 photo(s) go with it." in warning.value for warning in app.warning)
    click(app, "Yes, delete")
    assert photos.photos_frame(app_engine, me).empty


def test_saving_a_session_shows_typed_area_and_notes_literally(app_engine: Engine, me: int) -> None:
    """The confirmation after saving repeats the area and notes: as typed, never Markdown."""
    app = open_app(page=LOG)
    fill_session(
        app, areas=[typed_text.AREA], needle_mm=0.25, notes=typed_text.NOTE, day=date(2026, 3, 2)
    )
    click(app, "Save session")
    assert "Session saved." in texts(app)
    (area,) = queries.sessions_frame(app_engine, me).iloc[0]["areas"]
    typed_text.assert_shown_literally(app, area)
    assert queries.sessions_frame(app_engine, me).iloc[0]["notes"] == typed_text.NOTE
