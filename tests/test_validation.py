"""The one validation layer: plain messages naming the field and the allowed range."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dermadash.storage.records import CheckInInput, ScarRatingInput, SessionInput
from dermadash.storage.validation import ValidationError, normalise_area, normalise_areas


def a_session(**changes: object) -> SessionInput:
    fields: dict[str, object] = {
        "started_at": datetime(2026, 3, 2, 21, 0, tzinfo=UTC),
        "areas": ["Left cheek"],
        "needle_mm": 0.25,
    }
    fields.update(changes)
    return SessionInput(**fields)  # type: ignore[arg-type]  # a dict types no field


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"needle_mm": -1.0}, "needle_mm", "Needle length must be between 0.1 and 3 mm"),
        ({"needle_mm": 3.5}, "needle_mm", "between 0.1 and 3 mm (you entered 3.5)"),
        ({"pain": 11}, "pain", "Pain must be between 0 and 10"),
        ({"pain": 2.5}, "pain", "Pain must be a whole number"),
        ({"passes_vertical": 31}, "passes_vertical", "Vertical passes must be between 0 and 30"),
        ({"notes": "x" * 2001}, "notes", "at most 2000 characters"),
        ({"areas": []}, "areas", "at least one face area"),
        ({"areas": ["  "]}, "areas", "at least one face area"),
        (
            {"started_at": datetime(2099, 1, 1, tzinfo=UTC)},
            "started_at",
            "cannot be more than one day in the future",
        ),
        (
            {"started_at": datetime(1999, 12, 31, tzinfo=UTC)},
            "started_at",
            "on or after 1 Jan 2000",
        ),
        ({"started_at": datetime(2026, 3, 2, 21, 0)}, "started_at", "must include a time zone"),
    ],
)
def test_session_problems_name_the_field_and_range(
    changes: dict[str, object], field: str, words: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        a_session(**changes).validate()
    assert raised.value.field == field
    assert words in str(raised.value)


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ValidationError) as raised:
        a_session(needle_mm=9.0, pain=-1, passes_diagonal=40).validate()
    assert [problem.field for problem in raised.value.problems] == [
        "needle_mm",
        "passes_diagonal",
        "pain",
    ]


def test_a_session_a_day_ahead_is_allowed_but_not_more() -> None:
    a_session(started_at=datetime.now(UTC) + timedelta(hours=23)).validate()
    with pytest.raises(ValidationError):
        a_session(started_at=datetime.now(UTC) + timedelta(days=1, hours=1)).validate()


def test_range_edges_are_allowed() -> None:
    a_session(needle_mm=0.1, pain=0, passes_vertical=30).validate()
    a_session(needle_mm=3.0, pain=10, passes_vertical=0).validate()
    CheckInInput(redness_hours=720, stinging_minutes=1440).validate()
    ScarRatingInput(datetime(2026, 1, 1).date(), "Chin", 10).validate()


@pytest.mark.parametrize(
    ("check_in", "words"),
    [
        (CheckInInput(redness_hours=721), "Redness duration must be between 0 and 720 hours"),
        (CheckInInput(stinging_minutes=-5), "Stinging duration must be between 0 and 1440 minutes"),
        (CheckInInput(side_effect="rash"), "Side effect must be one of: none, bruising"),
    ],
)
def test_check_in_problems(check_in: CheckInInput, words: str) -> None:
    with pytest.raises(ValidationError) as raised:
        check_in.validate()
    assert words in str(raised.value)


def test_severity_range() -> None:
    with pytest.raises(ValidationError, match="Scar severity must be between 0 and 10"):
        ScarRatingInput(datetime(2026, 1, 1).date(), "Chin", 11).validate()


def test_areas_are_normalised_and_deduplicated() -> None:
    assert normalise_area("  left   CHEEK ") == "Left cheek"
    assert normalise_areas(["chin", "Chin ", "forehead"]) == ["Chin", "Forehead"]
