"""What each flag says, with the protocol's defaults and with every override a profile
may set: the words must follow the numbers the engine used, never the defaults'."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.rule_cases import at, evaluate, of_rule, person

DAY = date(2026, 2, 2)  # a Monday; the rule cases' "now" is 2 Mar 2026, 12:00 UTC


def checked_in(day: date = DAY, **fields: Any) -> dict[str, Any]:
    return {"started_at": at(day), "has_check_in": True, **fields}


def two_apart(days: int, needle: float = 0.25) -> list[dict[str, Any]]:
    return [
        checked_in(needle_mm=needle),
        checked_in(DAY + timedelta(days=days), needle_mm=needle),
    ]


def only_message(flags: Any, rule: str, severity: str) -> str:
    found = of_rule(flags, rule)
    assert found["severity"].tolist() == [severity]
    return str(found["message"].iloc[0])


@pytest.mark.parametrize(
    ("overrides", "days", "expected"),
    [
        ({}, 3, "less than half of the 7 days minimum"),
        ({"too-frequent.critical_fraction": 0.75}, 5, "less than 75 % of the 7 days minimum"),
        ({"too-frequent.critical_fraction": 0.6}, 4, "less than 60 % of the 7 days minimum"),
    ],
)
def test_too_frequent_critical_names_the_share_it_used(
    overrides: dict[str, float], days: int, expected: str
) -> None:
    flags = evaluate(two_apart(days), profile=person(rule_overrides=overrides))
    message = only_message(flags, "too-frequent", "critical")
    assert expected in message
    assert f"rolled {days} days after" in message


def test_too_frequent_warning_between_the_share_and_the_minimum() -> None:
    """6 days on a 7-day minimum with a 0.75 share: 6 >= 5.25, so only a warning."""
    profile = person(rule_overrides={"too-frequent.critical_fraction": 0.75})
    message = only_message(evaluate(two_apart(6), profile=profile), "too-frequent", "warning")
    assert message == (
        "Left cheek was rolled 6 days after its previous session; "
        "the minimum is 7 days (for needles up to 0.5 mm)."
    )


@pytest.mark.parametrize(
    ("overrides", "days", "needle", "expected"),
    [
        ({"too-frequent.short_needle_days": 10}, 9, 0.25, "the minimum is 10 days"),
        ({"too-frequent.long_needle_days": 35}, 30, 0.75, "the minimum is 35 days"),
        (
            {"too-frequent.short_needle_max_mm": 0.25},
            20,
            0.5,
            "the minimum is 28 days (when a needle longer than 0.25 mm is used)",
        ),
    ],
)
def test_too_frequent_minimum_follows_the_override(
    overrides: dict[str, float], days: int, needle: float, expected: str
) -> None:
    profile = person(experienced=True, rule_overrides=overrides)
    message = only_message(
        evaluate(two_apart(days, needle), profile=profile), "too-frequent", "warning"
    )
    assert expected in message


def test_prescribed_interval_is_named_as_the_basis() -> None:
    profile = person(prescribed_interval_days=14)
    message = only_message(evaluate(two_apart(10), profile=profile), "too-frequent", "warning")
    assert "the minimum is 14 days (prescribed by your dermatologist)" in message


@pytest.mark.parametrize(
    ("settings", "session", "rule", "severity", "expected"),
    [
        (
            {"rule_overrides": {"needle-too-long.home_max_mm": 0.3}},
            {"needle_mm": 0.4},
            "needle-too-long",
            "warning",
            "Rolled with a 0.4 mm needle, longer than 0.3 mm",
        ),
        (
            {"experienced": True, "rule_overrides": {"needle-too-long.experienced_max_mm": 0.6}},
            {"needle_mm": 0.7},
            "needle-too-long",
            "critical",
            "Rolled with a 0.7 mm needle, longer than 0.6 mm",
        ),
        (
            {"rule_overrides": {"too-many-passes.max_passes": 4}},
            {"passes_vertical": 5},
            "too-many-passes",
            "warning",
            "more than 4 in one direction",
        ),
        (
            {"rule_overrides": {"too-painful.painful_from": 5}},
            {"pain": 5},
            "too-painful",
            "warning",
            "Pain rated 5 of 10 (5 or more counts as painful).",
        ),
        (
            {"rule_overrides": {"stinging-too-long.max_minutes": 20}},
            {"stinging_minutes": 25},
            "stinging-too-long",
            "warning",
            "Stinging lasted 25 min (more than 20 min).",
        ),
        (
            {"rule_overrides": {"redness-too-long.warning_hours": 36}},
            {"redness_hours": 40},
            "redness-too-long",
            "warning",
            "Redness lasted 40 h (more than 36 h).",
        ),
        (
            {"rule_overrides": {"redness-too-long.critical_hours": 60}},
            {"redness_hours": 65},
            "redness-too-long",
            "critical",
            "Redness lasted 65 h (more than 60 h).",
        ),
        (
            {
                "isotretinoin_last_dose": date(2025, 6, 1),
                "rule_overrides": {"isotretinoin.months": 12},
            },
            {},
            "isotretinoin",
            "critical",
            "within 12 months of the last isotretinoin dose",
        ),
    ],
)
def test_each_override_is_the_number_in_the_message(
    settings: dict[str, Any], session: dict[str, Any], rule: str, severity: str, expected: str
) -> None:
    flags = evaluate([checked_in(**session)], profile=person(**settings))
    assert expected in only_message(flags, rule, severity)


def test_roller_worn_names_the_overridden_limit() -> None:
    sessions = [
        {**checked_in(DAY + timedelta(days=7 * number)), "session_id": number + 1, "roller_id": 1}
        for number in range(4)
    ]
    profile = person(rule_overrides={"roller-worn.max_sessions": 3})
    flags = evaluate(sessions, profile=profile, rollers=[{"roller_id": 1, "name": "Gold roller"}])
    found = of_rule(flags, "roller-worn")
    assert found["message"].tolist() == [
        "Session 4 with Gold roller; a roller is worn out after 3 sessions."
    ]


def test_check_in_missing_names_the_overridden_hours() -> None:
    # Two days before "now" (2 Mar 2026 12:00 UTC), no check-in.
    session = {"started_at": at(date(2026, 2, 28), 10)}
    profile = person(rule_overrides={"check-in-missing.hours": 24})
    message = only_message(evaluate([session], profile=profile), "check-in-missing", "info")
    assert message == "No check-in recorded more than 24 h after the session."
