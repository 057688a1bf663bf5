"""The protocol file, overrides within safe bounds, next safe dates and intervals."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
from sqlalchemy import Engine

from dermadash import demo
from dermadash.rules import evaluation, scheduling
from dermadash.rules.protocol import RULE_IDS, load_protocol
from dermadash.storage import queries
from dermadash.storage.profiles import load_profile
from dermadash.storage.validation import ValidationError
from tests.conftest import DEMO_TODAY
from tests.random_logs import sessions_frame
from tests.rule_cases import at, person

DAY = date(2026, 2, 2)


def test_protocol_file_holds_every_rule_in_order() -> None:
    protocol = load_protocol()
    assert len(RULE_IDS) == 20
    assert tuple(spec.id for spec in protocol.rules) == RULE_IDS
    for spec in protocol.rules:
        assert spec.title
        assert spec.source
        assert spec.why
        assert spec.advice
        assert spec.message
        assert set(spec.severities) <= {"info", "warning", "critical"}
        if "critical" in spec.severities and len(spec.severities) > 1:
            assert spec.critical_message
            assert spec.critical_advice


def test_default_thresholds_match_the_product_table() -> None:
    protocol = load_protocol()
    assert protocol.value("needle-too-long.home_max_mm") == 0.5
    assert protocol.value("needle-too-long.experienced_max_mm") == 0.75
    assert protocol.value("too-frequent.short_needle_days") == 7
    assert protocol.value("too-frequent.long_needle_days") == 28
    assert protocol.value("too-many-passes.max_passes") == 6
    assert protocol.value("too-painful.painful_from") == 7
    assert protocol.value("stinging-too-long.max_minutes") == 30
    assert protocol.value("redness-too-long.warning_hours") == 24
    assert protocol.value("redness-too-long.critical_hours") == 72
    assert protocol.value("isotretinoin.months") == 6
    assert protocol.value("roller-worn.max_sessions") == 10
    assert protocol.value("check-in-missing.hours") == 48
    assert protocol.default_passes == 6


def test_override_outside_safe_bounds_is_refused_with_a_clear_message() -> None:
    protocol = load_protocol()
    with pytest.raises(ValidationError) as refused:
        protocol.check_overrides({"needle-too-long.home_max_mm": 1.5})
    assert "between 0.1 mm and 0.5 mm" in str(refused.value)
    assert refused.value.field == "needle-too-long.home_max_mm"
    with pytest.raises(ValidationError, match="whole number"):
        protocol.check_overrides({"too-many-passes.max_passes": 4.5})
    with pytest.raises(ValidationError, match="not a threshold"):
        protocol.check_overrides({"made-up.limit": 1})
    protocol.check_overrides({"too-many-passes.max_passes": 4})


def test_for_profile_applies_overrides_and_clamps_stored_values() -> None:
    profile = person(
        rule_overrides={"too-many-passes.max_passes": 4, "redness-too-long.warning_hours": 500},
        prescribed_interval_days=21,
    )
    protocol = load_protocol().for_profile(profile)
    assert protocol.value("too-many-passes.max_passes") == 4
    assert protocol.threshold("too-many-passes.max_passes").overridden
    assert protocol.value("redness-too-long.warning_hours") == 48  # clamped to the bound
    assert protocol.prescribed_interval_days == 21
    assert protocol.default_passes == 4
    assert protocol.for_profile(profile) == protocol  # applying twice changes nothing
    assert load_protocol().value("too-many-passes.max_passes") == 6  # defaults untouched


def test_next_safe_dates_per_area() -> None:
    sessions = sessions_frame(
        [
            {"started_at": at(DAY), "areas": ["Left cheek", "Chin"], "needle_mm": 0.5},
            {"started_at": at(DAY + timedelta(days=3)), "areas": ["Forehead"], "needle_mm": 1.0},
        ]
    )
    now = at(DAY + timedelta(days=5), 9)
    found = scheduling.next_safe_dates(person(experienced=True), sessions, now=now)
    by_area = found.set_index("area")
    assert list(found.columns) == [
        "area",
        "last_session",
        "next_safe_date",
        "days_to_wait",
        "reason",
    ]
    assert by_area.loc["Chin", "next_safe_date"] == DAY + timedelta(days=7)
    assert by_area.loc["Chin", "days_to_wait"] == 2
    assert by_area.loc["Forehead", "next_safe_date"] == DAY + timedelta(days=31)
    assert "28 days" in by_area.loc["Forehead", "reason"]
    later = scheduling.next_safe_dates(person(), sessions, now=at(DAY + timedelta(days=60)))
    assert set(later["days_to_wait"]) == {0}


def test_next_safe_dates_follow_prescription_redness_and_isotretinoin() -> None:
    sessions = sessions_frame([{"started_at": at(DAY, 21), "redness_hours": 80}])
    prescribed = scheduling.next_safe_dates(
        person(prescribed_interval_days=3), sessions, now=at(DAY)
    )
    # Redness ends Friday 05:00, so Saturday is the first clear day (not Friday).
    assert prescribed.loc[0, "next_safe_date"] == DAY + timedelta(days=5)
    assert "redness" in prescribed.loc[0, "reason"]
    dosed = person(isotretinoin_last_dose=date(2026, 1, 10))
    waiting = scheduling.next_safe_dates(dosed, sessions, now=at(DAY))
    assert waiting.loc[0, "next_safe_date"] == date(2026, 7, 10)
    assert "isotretinoin" in waiting.loc[0, "reason"]


def test_area_intervals() -> None:
    sessions = sessions_frame(
        [
            {"started_at": at(DAY), "areas": ["Left cheek", "Chin"]},
            {"started_at": at(DAY + timedelta(days=3)), "areas": ["Chin"]},
        ]
    )
    intervals = scheduling.area_intervals(person(), sessions)
    assert intervals[["session_id", "area"]].values.tolist() == [
        [1, "Left cheek"],
        [1, "Chin"],
        [2, "Chin"],
    ]
    assert intervals["days_since_previous"].isna().tolist() == [True, True, False]
    assert intervals.loc[2, "days_since_previous"] == 3
    assert intervals["minimum_days"].tolist() == [7, 7, 7]
    assert intervals["too_frequent"].tolist() == [False, False, True]
    assert intervals["critical"].tolist() == [False, False, True]
    assert intervals.loc[2, "local_date"] == DAY + timedelta(days=3)
    assert scheduling.area_intervals(person(), sessions_frame([])).empty


def test_engine_reads_the_real_query_frames(engine: Engine, profile_id: int) -> None:
    """On SQLite and PostgreSQL, the demo's deliberate breaches come out as flags."""
    demo.load_demo(engine, profile_id, today=DEMO_TODAY)
    profile = load_profile(engine, profile_id)
    sessions = queries.sessions_frame(engine, profile_id)
    rollers = queries.rollers_frame(engine, profile_id)
    flags = evaluation.evaluate(profile, sessions, rollers, now=at(DEMO_TODAY, 22))
    expected = {
        "active-acne",
        "not-sterilized",
        "not-cleaned-after",
        "skin-not-clean",
        "too-many-passes",
        "too-painful",
        "stinging-too-long",
        "redness-too-long",
        "side-effect",
        "makeup-too-soon",
        "sun-too-soon",
        "retinoid-too-close",
        "too-frequent",
        "roller-worn",
    }
    assert expected <= set(flags["rule"])
    assert len(scheduling.next_safe_dates(profile, sessions)) == 4


def test_analyse_gives_what_the_three_separate_calls_give(engine: Engine, profile_id: int) -> None:
    """The dashboard's one-pass analysis equals evaluate, area_intervals, next_safe_dates."""
    demo.load_demo(engine, profile_id, today=DEMO_TODAY)
    profile = load_profile(engine, profile_id)
    sessions = queries.sessions_frame(engine, profile_id)
    rollers = queries.rollers_frame(engine, profile_id)
    now = at(DEMO_TODAY, 22)
    analysis = evaluation.analyse(profile, sessions, rollers, now=now)
    pd.testing.assert_frame_equal(
        analysis.flags, evaluation.evaluate(profile, sessions, rollers, now=now)
    )
    pd.testing.assert_frame_equal(analysis.intervals, scheduling.area_intervals(profile, sessions))
    pd.testing.assert_frame_equal(
        analysis.next_safe, scheduling.next_safe_dates(profile, sessions, now=now)
    )
    assert len(analysis.flags) >= 14  # one at least for each of the demo's breaches
    assert set(analysis.next_safe["area"]) == set(analysis.intervals["area"])
    empty = evaluation.analyse(profile, sessions.iloc[0:0], rollers, now=now)
    assert empty.intervals.empty
    assert empty.next_safe.empty
