"""Each rule of the safety protocol: a case that flags, the threshold itself that does
not, and the warning/critical split where the rule has one."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from dermadash.rules import evaluation
from dermadash.rules.protocol import RULE_IDS
from tests.rule_cases import NOW, at, evaluate, of_rule, person, severities

DAY = date(2026, 2, 2)  # a Monday


def one(**fields: object) -> list[dict[str, object]]:
    """One session on DAY with these fields (checked in, so check-in-missing stays quiet)."""
    return [{"started_at": at(DAY), "has_check_in": True, **fields}]


# ---------------------------------------------------------------- output shape


def test_flags_have_the_contract_columns_and_types() -> None:
    flags = evaluate(one(needle_mm=1.0, pain=9, areas=["Left cheek", "Chin"]))
    assert list(flags.columns[: len(evaluation.FLAG_COLUMNS)]) == evaluation.FLAG_COLUMNS
    assert str(flags["session"].dtype) == "Int64"
    row = of_rule(flags, "needle-too-long").iloc[0]
    assert row["date"] == DAY
    assert isinstance(row["date"], date)
    assert not isinstance(row["date"], datetime)
    assert row["session"] == 1
    assert row["area"] == "Left cheek, Chin"
    assert list(row["areas"]) == ["Left cheek", "Chin"]
    assert row["source"].startswith("Dermarolling, step by step")
    assert row["why"]
    assert row["title"]


def test_no_sessions_gives_an_empty_frame_with_the_columns() -> None:
    flags = evaluate([])
    assert flags.empty
    assert list(flags.columns[: len(evaluation.FLAG_COLUMNS)]) == evaluation.FLAG_COLUMNS


def test_flags_sorted_by_date_then_critical_first() -> None:
    sessions = [
        {"started_at": at(DAY), "has_check_in": True, "pain": 8, "active_acne": True},
        {"started_at": at(DAY - timedelta(days=30)), "has_check_in": True, "makeup_48h": True},
    ]
    flags = evaluate(sessions)
    assert flags["date"].tolist() == [DAY - timedelta(days=30), DAY, DAY]
    assert flags["severity"].tolist() == ["warning", "critical", "warning"]


def test_not_recorded_raises_no_flag() -> None:
    """None everywhere (but a check-in exists): nothing to flag."""
    assert evaluate(one()).empty


# ---------------------------------------------------------------- needle-too-long


@pytest.mark.parametrize(
    ("needle", "experienced", "expected"),
    [
        (0.5, False, []),
        (0.6, False, ["warning"]),
        (0.75, False, ["warning"]),
        (0.6, True, []),
        (0.75, True, []),
        (0.8, True, ["critical"]),
        (1.0, False, ["critical"]),
    ],
)
def test_needle_too_long(needle: float, experienced: bool, expected: list[str]) -> None:
    flags = evaluate(one(needle_mm=needle), profile=person(experienced=experienced))
    assert severities(flags, "needle-too-long") == expected


def test_needle_message_has_the_numbers_and_units() -> None:
    row = of_rule(evaluate(one(needle_mm=0.6)), "needle-too-long").iloc[0]
    assert "0.6 mm" in row["message"]
    assert "0.5 mm" in row["message"]
    assert "0.5 mm" in row["advice"]


def test_needle_override_is_honoured() -> None:
    profile = person(rule_overrides={"needle-too-long.home_max_mm": 0.25})
    assert severities(evaluate(one(needle_mm=0.3), profile=profile), "needle-too-long") == [
        "warning"
    ]
    assert severities(evaluate(one(needle_mm=0.25), profile=profile), "needle-too-long") == []


# ---------------------------------------------------------------- too-frequent


def two(days_apart: int, first: float = 0.25, second: float = 0.25, **extra: object) -> list:
    return [
        {"started_at": at(DAY), "needle_mm": first, "has_check_in": True},
        {
            "started_at": at(DAY + timedelta(days=days_apart)),
            "needle_mm": second,
            "has_check_in": True,
            **extra,
        },
    ]


@pytest.mark.parametrize(
    ("days", "expected"),
    [(7, []), (6, ["warning"]), (4, ["warning"]), (3, ["critical"]), (0, ["critical"])],
)
def test_too_frequent_short_needles(days: int, expected: list[str]) -> None:
    assert severities(evaluate(two(days)), "too-frequent") == expected


@pytest.mark.parametrize(
    ("days", "first", "second", "expected"),
    [
        (28, 0.5, 1.0, []),
        (27, 0.5, 1.0, ["warning"]),
        (27, 1.0, 0.5, ["warning"]),
        (14, 1.0, 1.0, ["warning"]),
        (13, 1.0, 1.0, ["critical"]),
        (10, 0.5, 0.5, []),
    ],
)
def test_too_frequent_longer_needle_needs_a_month(
    days: int, first: float, second: float, expected: list[str]
) -> None:
    flags = evaluate(two(days, first, second), profile=person(experienced=True))
    assert severities(flags, "too-frequent") == expected


@pytest.mark.parametrize(
    ("days", "expected"), [(10, []), (9, ["warning"]), (5, ["warning"]), (4, ["critical"])]
)
def test_prescribed_interval_replaces_both_minimums(days: int, expected: list[str]) -> None:
    profile = person(prescribed_interval_days=10, experienced=True)
    assert severities(evaluate(two(days), profile=profile), "too-frequent") == expected
    # It replaces the 28-day minimum for longer needles too.
    assert severities(evaluate(two(days, 1.0, 1.0), profile=profile), "too-frequent") == (
        severities(evaluate(two(days), profile=profile), "too-frequent")
    )


def test_too_frequent_message_names_area_days_and_minimum() -> None:
    row = of_rule(evaluate(two(4)), "too-frequent").iloc[0]
    assert row["area"] == "Left cheek"
    assert row["session"] == 2
    assert row["date"] == DAY + timedelta(days=4)
    assert "4 days" in row["message"]
    assert "7 days" in row["message"]


def test_interval_override_is_honoured() -> None:
    profile = person(rule_overrides={"too-frequent.short_needle_days": 10})
    assert severities(evaluate(two(9), profile=profile), "too-frequent") == ["warning"]
    assert severities(evaluate(two(10), profile=profile), "too-frequent") == []


def test_weekly_on_mondays_is_weekly_whatever_the_hour() -> None:
    sessions = [
        {"started_at": at(DAY, 23, 45), "has_check_in": True},
        {"started_at": at(DAY + timedelta(days=7), 0, 5), "has_check_in": True},
        {"started_at": at(DAY + timedelta(days=14), 22, 0), "has_check_in": True},
    ]
    assert of_rule(evaluate(sessions), "too-frequent").empty


@pytest.mark.parametrize("sunday", [date(2026, 3, 29), date(2026, 10, 25)])
def test_summer_time_changes_nothing(sunday: date) -> None:
    """Europe/London changes clocks on these Sundays: Mondays stay 7 days apart, and a
    Saturday-to-Friday gap stays 6 days whatever the clock did."""
    before, after = sunday - timedelta(days=6), sunday + timedelta(days=1)
    weekly = [
        {"started_at": at(before, 0, 30), "has_check_in": True},
        {"started_at": at(after, 0, 30), "has_check_in": True},
    ]
    assert of_rule(evaluate(weekly), "too-frequent").empty
    six_days = [
        {"started_at": at(sunday - timedelta(days=1), 23, 30), "has_check_in": True},
        {"started_at": at(sunday + timedelta(days=5), 0, 15), "has_check_in": True},
    ]
    assert severities(evaluate(six_days), "too-frequent") == ["warning"]


def test_multi_area_sessions_count_on_each_area() -> None:
    sessions = [
        {"started_at": at(DAY), "areas": ["Left cheek", "Right cheek"], "has_check_in": True},
        {"started_at": at(DAY + timedelta(days=3)), "areas": ["Forehead"], "has_check_in": True},
        {
            "started_at": at(DAY + timedelta(days=4)),
            "areas": ["Right cheek", "Forehead"],
            "has_check_in": True,
        },
        {"started_at": at(DAY + timedelta(days=8)), "areas": ["Left cheek"], "has_check_in": True},
    ]
    found = of_rule(evaluate(sessions), "too-frequent")
    assert found[["session", "area", "severity"]].values.tolist() == [
        [3, "Forehead", "critical"],
        [3, "Right cheek", "warning"],
    ]


# ---------------------------------------------------------------- ask-dermatologist


@pytest.mark.parametrize(
    ("baseline", "prescribed", "expected"),
    [
        ("mild", None, []),
        ("moderate", None, ["info"]),
        ("severe", None, ["info"]),
        ("severe", 14, []),
    ],
)
def test_ask_dermatologist(baseline: str, prescribed: int | None, expected: list[str]) -> None:
    profile = person(scar_baseline=baseline, prescribed_interval_days=prescribed)
    flags = evaluate([], profile=profile)
    assert severities(flags, "ask-dermatologist") == expected
    if expected:
        row = flags.iloc[0]
        assert row["date"] == date(2026, 3, 2)  # today where the person is
        assert pd.isna(row["session"])
        assert row["area"] is None


# ---------------------------------------------------------------- yes/no rules


@pytest.mark.parametrize(
    ("rule", "field", "bad", "severity"),
    [
        ("active-acne", "active_acne", True, "critical"),
        ("not-sterilized", "sterilized_before", False, "critical"),
        ("not-cleaned-after", "sterilized_after", False, "warning"),
        ("skin-not-clean", "skin_cleansed", False, "warning"),
        ("makeup-too-soon", "makeup_48h", True, "warning"),
        ("sun-too-soon", "sun_24h", True, "warning"),
        ("retinoid-too-close", "retinoid_48h", True, "warning"),
    ],
)
def test_yes_no_rules(rule: str, field: str, bad: bool, severity: str) -> None:
    assert severities(evaluate(one(**{field: bad})), rule) == [severity]
    assert severities(evaluate(one(**{field: not bad})), rule) == []
    assert severities(evaluate(one(**{field: None})), rule) == []


# ---------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"passes_vertical": 6, "passes_horizontal": 6, "passes_diagonal": 6}, []),
        ({"passes_vertical": 7}, ["warning"]),
        ({"passes_horizontal": 7}, ["warning"]),
        ({"passes_diagonal": 12, "passes_vertical": 8}, ["warning"]),
    ],
)
def test_too_many_passes(fields: dict[str, int], expected: list[str]) -> None:
    assert severities(evaluate(one(**fields)), "too-many-passes") == expected


def test_too_many_passes_message_and_override() -> None:
    row = of_rule(evaluate(one(passes_vertical=8, passes_diagonal=9)), "too-many-passes").iloc[0]
    assert row["message"] == (
        "Rolled 8 vertical and 9 diagonal passes, more than 6 in one direction."
    )
    profile = person(rule_overrides={"too-many-passes.max_passes": 4})
    assert severities(evaluate(one(passes_vertical=5), profile=profile), "too-many-passes") == [
        "warning"
    ]
    assert severities(evaluate(one(passes_vertical=4), profile=profile), "too-many-passes") == []


@pytest.mark.parametrize(("pain", "expected"), [(6, []), (7, ["warning"]), (10, ["warning"])])
def test_too_painful(pain: int, expected: list[str]) -> None:
    assert severities(evaluate(one(pain=pain)), "too-painful") == expected


@pytest.mark.parametrize(
    ("minutes", "expected"), [(30, []), (30.5, ["warning"]), (90, ["warning"])]
)
def test_stinging_too_long(minutes: float, expected: list[str]) -> None:
    assert severities(evaluate(one(stinging_minutes=minutes)), "stinging-too-long") == expected


@pytest.mark.parametrize(
    ("hours", "expected"),
    [(24, []), (24.5, ["warning"]), (72, ["warning"]), (72.5, ["critical"])],
)
def test_redness_too_long(hours: float, expected: list[str]) -> None:
    assert severities(evaluate(one(redness_hours=hours)), "redness-too-long") == expected


def test_redness_message_reads_plainly() -> None:
    row = of_rule(evaluate(one(redness_hours=30)), "redness-too-long").iloc[0]
    assert row["message"] == "Redness lasted 30 h (more than 24 h)."


def test_redness_override_is_honoured() -> None:
    profile = person(rule_overrides={"redness-too-long.critical_hours": 48})
    assert severities(evaluate(one(redness_hours=50), profile=profile), "redness-too-long") == [
        "critical"
    ]


# ---------------------------------------------------------------- rolled-on-red-skin


@pytest.mark.parametrize(
    ("gap_hours", "redness", "same_area", "expected"),
    [
        (47, 48.0, True, ["warning"]),
        (48, 48.0, True, []),
        (47, None, True, []),
        (47, 48.0, False, []),
    ],
)
def test_rolled_on_red_skin(
    gap_hours: int, redness: float | None, same_area: bool, expected: list[str]
) -> None:
    start = at(DAY)
    sessions = [
        {"started_at": start, "redness_hours": redness, "has_check_in": True},
        {
            "started_at": start + timedelta(hours=gap_hours),
            "areas": ["Left cheek" if same_area else "Chin"],
            "has_check_in": True,
        },
    ]
    assert severities(evaluate(sessions), "rolled-on-red-skin") == expected


# ---------------------------------------------------------------- side-effect


@pytest.mark.parametrize(
    ("effect", "expected"),
    [("none", []), (None, []), ("bruising", ["critical"]), ("infection", ["critical"])],
)
def test_side_effect(effect: str | None, expected: list[str]) -> None:
    assert severities(evaluate(one(side_effect=effect)), "side-effect") == expected


def test_side_effect_names_the_reaction() -> None:
    row = of_rule(evaluate(one(side_effect="allergy")), "side-effect").iloc[0]
    assert row["message"].startswith("Allergic reaction")


# ---------------------------------------------------------------- isotretinoin


@pytest.mark.parametrize(
    ("session_day", "months", "expected"),
    [
        (date(2026, 3, 14), None, ["critical"]),
        (date(2026, 3, 15), None, []),
        (date(2025, 9, 15), None, ["critical"]),
        (date(2025, 3, 16), None, ["critical"]),
        (date(2025, 3, 15), None, []),
        (date(2026, 3, 15), 12, ["critical"]),
    ],
)
def test_isotretinoin_within_six_calendar_months(
    session_day: date, months: int | None, expected: list[str]
) -> None:
    overrides = {} if months is None else {"isotretinoin.months": months}
    profile = person(isotretinoin_last_dose=date(2025, 9, 15), rule_overrides=overrides)
    now = at(date(2026, 3, 16))
    flags = evaluate(
        [{"started_at": at(session_day), "has_check_in": True}], profile=profile, now=now
    )
    assert severities(flags, "isotretinoin") == expected


def test_no_isotretinoin_dose_no_flag() -> None:
    assert of_rule(evaluate(one()), "isotretinoin").empty


# ---------------------------------------------------------------- rollers


def with_roller(count: int, roller: int = 1, start_id: int = 1) -> list[dict[str, object]]:
    return [
        {
            "session_id": start_id + number,
            "started_at": at(DAY + timedelta(days=7 * number)),
            "roller_id": roller,
            "has_check_in": True,
        }
        for number in range(count)
    ]


def test_roller_worn_flags_the_eleventh_session_onwards() -> None:
    rollers = [{"roller_id": 1, "name": "Titanium roller"}]
    assert of_rule(evaluate(with_roller(10), rollers=rollers), "roller-worn").empty
    found = of_rule(evaluate(with_roller(12), rollers=rollers), "roller-worn")
    assert found["session"].tolist() == [11, 12]
    assert found["message"].iloc[0] == (
        "Session 11 with Titanium roller; a roller is worn out after 10 sessions."
    )


def test_roller_worn_counts_per_roller_in_time_order() -> None:
    rollers = [{"roller_id": 1}, {"roller_id": 2}]
    sessions = with_roller(8, roller=1) + with_roller(8, roller=2, start_id=100)
    assert of_rule(evaluate(sessions, rollers=rollers), "roller-worn").empty
    # Ids in reverse time order: still the latest session is the 11th use.
    reversed_ids = [
        {**session, "session_id": 100 - number} for number, session in enumerate(with_roller(11))
    ]
    found = of_rule(evaluate(reversed_ids, rollers=rollers), "roller-worn")
    assert found["session"].tolist() == [90]


def test_roller_worn_override() -> None:
    profile = person(rule_overrides={"roller-worn.max_sessions": 5})
    flags = evaluate(with_roller(6), profile=profile, rollers=[{"roller_id": 1}])
    found = of_rule(flags, "roller-worn")
    assert found["session"].tolist() == [6]


def test_roller_shared_flags_each_session_with_it() -> None:
    rollers = [{"roller_id": 1, "shared": True}, {"roller_id": 2, "shared": False}]
    sessions = with_roller(2, roller=1) + with_roller(2, roller=2, start_id=10)
    found = of_rule(evaluate(sessions, rollers=rollers), "roller-shared")
    assert found["session"].tolist() == [1, 2]
    assert set(found["severity"]) == {"critical"}


# ---------------------------------------------------------------- check-in-missing


@pytest.mark.parametrize(
    ("hours_ago", "has_check_in", "expected"),
    [(48, False, []), (48.5, False, ["info"]), (200, True, []), (10, False, [])],
)
def test_check_in_missing(hours_ago: float, has_check_in: bool, expected: list[str]) -> None:
    sessions = [{"started_at": NOW - timedelta(hours=hours_ago), "has_check_in": has_check_in}]
    assert severities(evaluate(sessions), "check-in-missing") == expected


def every_rule_flags() -> pd.DataFrame:
    """Flags of a log made to break every rule at least once."""
    sessions = [
        {
            "started_at": at(DAY),
            "needle_mm": 1.0,
            "roller_id": 1,
            "active_acne": True,
            "sterilized_before": False,
            "sterilized_after": False,
            "skin_cleansed": False,
            "passes_vertical": 9,
            "pain": 8,
            "retinoid_48h": True,
            "stinging_minutes": 45,
            "redness_hours": 100,
            "side_effect": "infection",
            "makeup_48h": True,
            "sun_24h": True,
        },
        *[
            {"started_at": at(DAY + timedelta(days=1 + number)), "roller_id": 1}
            for number in range(11)
        ],
    ]
    profile = person(scar_baseline="severe", isotretinoin_last_dose=date(2026, 1, 1))
    return evaluate(sessions, profile=profile, rollers=[{"roller_id": 1, "shared": True}])


def test_every_rule_can_be_raised() -> None:
    assert set(every_rule_flags()["rule"]) == set(RULE_IDS)
