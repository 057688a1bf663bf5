"""The dashboard's filters and key figures, from hand-made frames."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy import Engine

from dermadash.dashboard import model
from dermadash.dashboard.model import DashboardData, Period
from tests import dashboard_frames as frames
from tests.dashboard_frames import LONDON, three_weekly_sessions

TODAY = date(2026, 3, 2)


def next_safe(rows: list[tuple[str, date, date]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "area": area,
                "last_session": last,
                "next_safe_date": safe,
                "days_to_wait": max(0, (safe - TODAY).days),
                "reason": "7 days after the last session on this area",
            }
            for area, last, safe in rows
        ],
        columns=["area", "last_session", "next_safe_date", "days_to_wait", "reason"],
    )


def data() -> DashboardData:
    sessions = frames.sessions(
        [
            {"started_at": datetime(2025, 12, 1, 21), "areas": ["Left cheek", "Chin"]},
            {"started_at": datetime(2026, 2, 9, 21), "areas": ["Left cheek"]},
            {"started_at": datetime(2026, 2, 12, 21), "areas": ["Chin"]},
            # 00:30 on 1 Mar in London is still in the 30 days up to 2 Mar.
            {"started_at": datetime(2026, 3, 1, 0, 30), "areas": ["Left cheek"]},
        ]
    )
    return DashboardData(
        sessions=sessions,
        ratings=frames.ratings(
            [
                (date(2025, 12, 1), "Left cheek", 7),
                (date(2026, 2, 10), "Left cheek", 6),
                (date(2026, 3, 1), "Left cheek", 5),
                (date(2026, 2, 10), "Chin", 4),
            ]
        ),
        flags=frames.flags(
            [
                ("ask-dermatologist", "info", date(2026, 2, 1), None, None),
                ("too-frequent", "warning", date(2026, 2, 12), 3, "Chin"),
                ("active-acne", "critical", date(2026, 2, 9), 2, None),
                ("check-in-missing", "info", date(2026, 3, 1), 4, None),
            ]
        ),
        intervals=frames.intervals(
            [
                (1, "Left cheek", date(2025, 12, 1), None, 7),
                (1, "Chin", date(2025, 12, 1), None, 7),
                (2, "Left cheek", date(2026, 2, 9), 70, 7),
                (3, "Chin", date(2026, 2, 12), 73, 7),
                (4, "Left cheek", date(2026, 3, 1), 20, 7),
            ]
        ),
        next_safe=next_safe(
            [
                ("Left cheek", date(2026, 3, 1), date(2026, 3, 8)),
                ("Chin", date(2026, 2, 12), date(2026, 2, 19)),
            ]
        ),
        timezone=LONDON,
    )


@pytest.mark.parametrize(
    ("choice", "start"),
    [
        ("30 days", date(2026, 2, 1)),
        ("90 days", date(2025, 12, 3)),
        ("365 days", date(2025, 3, 3)),
        ("All", None),
    ],
)
def test_period_bounds_count_today_as_the_last_day(choice: str, start: date | None) -> None:
    period = model.period_bounds(choice, TODAY)
    assert period == Period(start, TODAY)
    if start is not None:
        assert (period.end - start).days + 1 == model.PERIODS[choice]


def test_custom_period_accepts_the_dates_in_either_order() -> None:
    period = model.period_bounds(model.CUSTOM_PERIOD, TODAY, (date(2026, 2, 1), date(2026, 1, 1)))
    assert period == Period(date(2026, 1, 1), date(2026, 2, 1))
    assert period.describe() == "Thu 1 Jan 2026 to Sun 1 Feb 2026"


def test_areas_are_listed_most_used_first() -> None:
    assert data().areas() == ["Left cheek", "Chin"]


def test_filtering_by_period_keeps_local_days_inside_it() -> None:
    shown = data().filtered(model.period_bounds("30 days", TODAY))
    assert list(shown.sessions["session_id"]) == [2, 3, 4]
    assert list(shown.ratings["severity"]) == [6, 5, 4]
    assert list(shown.intervals["session_id"]) == [2, 3, 4]
    assert list(shown.flags["rule"]) == [
        "ask-dermatologist",
        "too-frequent",
        "active-acne",
        "check-in-missing",
    ]


def test_filtering_by_area_keeps_flags_about_that_area_its_sessions_and_the_profile() -> None:
    shown = data().filtered(Period(None, TODAY), "Left cheek")
    assert list(shown.sessions["session_id"]) == [1, 2, 4]
    assert set(shown.ratings["area"]) == {"Left cheek"}
    assert set(shown.intervals["area"]) == {"Left cheek"}
    assert list(shown.next_safe["area"]) == ["Left cheek"]
    # Not the chin's too-frequent flag; the profile-wide and session flags stay.
    assert list(shown.flags["rule"]) == ["ask-dermatologist", "active-acne", "check-in-missing"]


def test_key_figures_for_the_last_30_days() -> None:
    everything = data()
    period = model.period_bounds("30 days", TODAY)
    figures = model.key_figures(everything, everything.filtered(period), period, TODAY)
    by_label = {figure.label: figure for figure in figures.headline}
    assert by_label["Sessions in the period"].value == "3"
    assert by_label["Since the last session"].value == "1 day"
    without = by_label["Sessions without a warning"]
    assert without.value == "33%"
    assert without.delta == "1 of 3 sessions"
    redness = by_label["Redness, last 4 sessions (median)"]
    assert redness.value == "—"
    assert "needs 8 sessions with a check-in" in (redness.note or "")
    assert figures.areas.to_dict("records") == [
        {
            "Area": "Chin",
            "Next safe session": "Today",
            "Scar severity": "4/10",
            "Change since first rating": "— (needs a second rating)",
        },
        {
            "Area": "Left cheek",
            "Next safe session": "Sun 8 Mar 2026 (in 6 days)",
            "Scar severity": "5/10",
            "Change since first rating": "−1 since Tue 10 Feb 2026",
        },
    ]


def test_redness_change_compares_the_last_four_medians_with_the_first_four() -> None:
    redness = [20.0, 18.0, 16.0, 30.0, 9.0, 8.0, 12.0, 6.0, 7.0]
    sessions = frames.sessions(
        [
            {"started_at": datetime(2026, 1, 1, 21) + timedelta(days=7 * week), "redness_hours": h}
            for week, h in enumerate(redness)
        ]
        + [{"started_at": datetime(2026, 3, 1, 21)}]  # not checked in yet: left out
    )
    figure = model.redness_change(sessions)
    # First four: median of 20, 18, 16, 30 = 19; last four: 8, 12, 6, 7 = 7.5.
    assert figure.value == "7.5 h"
    assert figure.delta == "-11.5 h vs the first 4 (19 h)"
    assert figure.delta_is_change
    assert figure.lower_is_better


def test_share_without_a_serious_flag_ignores_notes() -> None:
    sessions = frames.sessions(
        [{"started_at": datetime(2026, 1, day, 21)} for day in (5, 12, 19, 26)]
    )
    flags = frames.flags(
        [
            ("check-in-missing", "info", date(2026, 1, 5), 1, None),
            ("too-painful", "warning", date(2026, 1, 12), 2, None),
            ("not-sterilized", "critical", date(2026, 1, 12), 2, None),
            ("ask-dermatologist", "info", date(2026, 1, 1), None, None),
        ]
    )
    figure = model.share_without_serious_flag(sessions, flags)
    assert figure.value == "75%"
    assert figure.delta == "3 of 4 sessions"


def test_key_figures_with_no_data_say_what_is_missing() -> None:
    empty = DashboardData(
        sessions=frames.sessions([]),
        ratings=frames.ratings([]),
        flags=frames.flags([]),
        intervals=frames.intervals([]),
        next_safe=next_safe([]),
        timezone=LONDON,
    )
    period = model.period_bounds("All", TODAY)
    figures = model.key_figures(empty, empty.filtered(period), period, TODAY)
    assert [figure.value for figure in figures.headline] == ["0", "—", "—", "—"]
    assert figures.areas.empty
    assert list(figures.areas.columns) == model.AREA_COLUMNS
    assert len(figures.notes()) == 3


def test_the_time_axis_spans_the_period_or_starts_at_the_first_entry() -> None:
    everything = data()
    assert everything.time_axis(Period(date(2026, 2, 1), TODAY)) == (date(2026, 2, 1), TODAY)
    assert everything.time_axis(Period(None, TODAY)) == (date(2025, 12, 1), TODAY)


def test_an_area_rated_but_never_treated_says_so() -> None:
    ratings = frames.ratings([(date(2026, 1, 1), "Neck", 3), (date(2026, 2, 1), "Neck", 3)])
    table = model.area_figures(next_safe([]), ratings, TODAY)
    assert table.to_dict("records") == [
        {
            "Area": "Neck",
            "Next safe session": "— (not treated)",
            "Scar severity": "3/10",
            "Change since first rating": "±0 since Thu 1 Jan 2026",
        }
    ]


def test_key_facts_of_logged_sessions(engine: Engine, profile_id: int) -> None:
    frame = three_weekly_sessions(engine, profile_id)
    facts = model.key_facts(frame, "Europe/London")
    assert facts.session_count == 3
    assert facts.first_day == "Tue 3 Feb 2026"
    assert facts.last_day == "Tue 17 Feb 2026"
    assert facts.needle_lengths == "0.25 mm, 0.5 mm"
    assert facts.needle_range == "0.25–0.5 mm"
    one_needle = model.key_facts(frame.assign(needle_mm=0.5), "Europe/London")
    assert one_needle.needle_range == "0.5 mm"
    empty = model.key_facts(frame.iloc[0:0], "UTC")
    assert empty.session_count == 0
    assert empty.needle_range == "none"
