"""Insights on made logs with known answers, in a real database (SQLite and PostgreSQL):
each figure is checked against a direct computation here, not against scipy again."""

from __future__ import annotations

import json
import statistics
from datetime import UTC, date, datetime, timedelta
from itertools import combinations

import pytest
from sqlalchemy import Engine

from dermadash import cli
from dermadash.dashboard import insights
from dermadash.dashboard.insights import REDNESS, STINGING
from dermadash.storage import records

START = datetime(2026, 1, 5, 20, 0, tzinfo=UTC)
FIRST_RATING = date(2026, 1, 5)


def log_session(
    engine: Engine,
    profile_id: int,
    day: int,
    needle_mm: float,
    redness_hours: float | None,
    stinging_minutes: float | None = None,
    **fields: object,
) -> None:
    """A session ``day`` days after START with a check-in (unless both outcomes are None)."""
    session_id = records.add_session(
        engine,
        profile_id,
        records.SessionInput(
            started_at=START + timedelta(days=day), areas=["Chin"], needle_mm=needle_mm, **fields
        ),
    )
    if redness_hours is not None or stinging_minutes is not None:
        records.save_check_in(
            engine,
            profile_id,
            session_id,
            records.CheckInInput(redness_hours=redness_hours, stinging_minutes=stinging_minutes),
        )


def rate(
    engine: Engine, profile_id: int, area: str, severities: list[int], every_days: int
) -> None:
    for index, severity in enumerate(severities):
        day = FIRST_RATING + timedelta(days=index * every_days)
        records.add_scar_rating(engine, profile_id, records.ScarRatingInput(day, area, severity))


def exact_two_sided_p(first: list[float], second: list[float]) -> float:
    """Mann–Whitney U's exact two-sided p-value, by trying every relabelling (no ties)."""
    pooled = first + second

    def u_statistic(chosen: tuple[int, ...]) -> float:
        group = [pooled[index] for index in chosen]
        rest = [pooled[index] for index in range(len(pooled)) if index not in chosen]
        return sum(1.0 for a in group for b in rest if a > b)

    mean_u = len(first) * len(second) / 2
    observed = abs(u_statistic(tuple(range(len(first)))) - mean_u)
    splits = list(combinations(range(len(pooled)), len(first)))
    extreme = sum(1 for chosen in splits if abs(u_statistic(chosen) - mean_u) >= observed)
    return extreme / len(splits)


def pairwise_median_slope_per_month(days: list[int], severities: list[int]) -> float:
    slopes = [
        (severities[j] - severities[i]) / (days[j] - days[i])
        for i, j in combinations(range(len(days)), 2)
    ]
    return statistics.median(slopes) * 365.25 / 12


def association(
    found: insights.Insights, factor: str, outcome: insights.Outcome
) -> insights.Association:
    (item,) = [
        item for item in found.associations if item.factor == factor and item.outcome == outcome
    ]
    return item


# --- Associations -----------------------------------------------------------------------

LONG_REDNESS = [20.0, 24.0, 30.0, 36.0]  # 0.5 mm
SHORT_REDNESS = [2.0, 3.0, 5.0, 6.0]  # 0.25 mm


@pytest.fixture
def needle_log(engine: Engine, profile_id: int) -> insights.Insights:
    """Four 0.5 mm sessions with far longer redness than four 0.25 mm ones; pinpoint
    bleeding on just two sessions; stinging recorded on two 0.25 mm sessions only."""
    for day, hours in enumerate(SHORT_REDNESS):
        stinging = 10.0 if day < 2 else None
        log_session(engine, profile_id, 7 * day, 0.25, hours, stinging, pinpoint_bleeding=False)
    for day, hours in enumerate(LONG_REDNESS, start=len(SHORT_REDNESS)):
        log_session(
            engine, profile_id, 7 * day, 0.5, hours, pinpoint_bleeding=day in (4, 5), pain=3
        )
    return insights.profile_insights(engine, profile_id)


def test_longer_needles_going_with_longer_redness_is_reported(
    needle_log: insights.Insights,
) -> None:
    needle = association(needle_log, "needle above 0.25 mm", REDNESS)
    assert needle.shown
    assert (needle.n_with, needle.n_without) == (4, 4)
    assert needle.median_with == statistics.median(LONG_REDNESS) == 27.0
    assert needle.median_without == statistics.median(SHORT_REDNESS) == 4.0
    assert needle.difference == 23.0
    assert needle.p_value == pytest.approx(exact_two_sided_p(LONG_REDNESS, SHORT_REDNESS))
    assert needle.p_value == pytest.approx(2 / 70)  # only the two most extreme splits
    assert needle.headline() == "A needle above 0.25 mm goes with longer redness (+23 h)"
    assert "causes" not in needle.headline() + needle.detail()
    # The largest difference comes first, and is on the short list for the dashboard.
    assert needle_log.for_outcome(REDNESS)[0] is needle
    assert needle_log.top(REDNESS)[0] is needle


def test_a_factor_with_two_sessions_on_one_side_is_not_shown(
    needle_log: insights.Insights,
) -> None:
    bleeding = association(needle_log, "pinpoint bleeding", REDNESS)
    assert (bleeding.n_with, bleeding.n_without) == (2, 6)
    assert not bleeding.shown
    assert bleeding.median_with is None
    assert bleeding.p_value is None
    assert bleeding.not_enough_text() == "not enough data yet (2 with, 6 without)"
    assert bleeding not in needle_log.top(REDNESS)
    # Only sessions whose check-in recorded the outcome count: two recorded stinging.
    stinging = association(needle_log, "needle above 0.25 mm", STINGING)
    assert (stinging.n_with, stinging.n_without) == (0, 2)
    assert not stinging.shown
    assert needle_log.top(STINGING) == []
    # Pain recorded on the 0.5 mm sessions only: unknown is neither with nor without.
    pain = association(needle_log, "pain 5 or more", REDNESS)
    assert (pain.n_with, pain.n_without) == (0, 4)


def test_every_listed_factor_is_considered(needle_log: insights.Insights) -> None:
    names = {item.factor for item in needle_log.associations}
    assert names == {
        "needle above 0.25 mm",
        "passes above 12 in total",
        "pinpoint bleeding",
        "retinoid in the 48 h before",
        "makeup within 48 h after",
        "sun within 24 h after",
        "mask applied",
        "pain 5 or more",
        "evening (from 18:00)",
        "area Chin",
    }
    assert {item.outcome.name for item in needle_log.associations} == {"redness", "stinging"}
    # Shown ones come first, largest difference first, within each outcome.
    for outcome in insights.OUTCOMES:
        listed = needle_log.for_outcome(outcome)
        shown = [item for item in listed if item.shown]
        assert listed[: len(shown)] == shown
        sizes = [abs(item.difference or 0) for item in shown]
        assert sizes == sorted(sizes, reverse=True)


def test_passes_and_time_of_day_are_split_where_the_reader_expects(
    engine: Engine, profile_id: int
) -> None:
    # 6+6+2 = 14 passes (above 12) at 07:00 UTC; 6+6+0 = 12 (not above) at 20:00 UTC.
    morning = START.replace(hour=7)
    for week in range(3):
        for moment, diagonal, hours in ((morning, 2, 20.0 + week), (START, 0, 5.0 + week)):
            session_id = records.add_session(
                engine,
                profile_id,
                records.SessionInput(
                    started_at=moment + timedelta(weeks=week),
                    areas=["Chin"],
                    needle_mm=0.25,
                    passes_vertical=6,
                    passes_horizontal=6,
                    passes_diagonal=diagonal,
                ),
            )
            records.save_check_in(
                engine, profile_id, session_id, records.CheckInInput(redness_hours=hours)
            )
    found = insights.profile_insights(engine, profile_id)  # the profile is in Europe/London
    passes = association(found, "passes above 12 in total", REDNESS)
    evening = association(found, "evening (from 18:00)", REDNESS)
    assert (passes.n_with, passes.n_without) == (3, 3)
    assert (passes.median_with, passes.median_without) == (21.0, 6.0)
    assert (evening.median_with, evening.median_without) == (6.0, 21.0)
    assert evening.headline().endswith("goes with shorter redness (−15 h)")


# --- Progress ---------------------------------------------------------------------------


def test_a_flat_severity_series_is_no_clear_change(engine: Engine, profile_id: int) -> None:
    rate(engine, profile_id, "Left cheek", [5, 5, 5, 5, 5], every_days=14)
    (area,) = insights.profile_insights(engine, profile_id).progress
    assert area.verdict == insights.NO_CLEAR_CHANGE
    assert area.change == 0
    assert area.slope_per_month == 0
    assert area.ci_low is not None
    assert area.ci_high is not None
    assert area.ci_low <= 0 <= area.ci_high


def test_a_steadily_falling_series_is_improving_with_an_interval_below_zero(
    engine: Engine, profile_id: int
) -> None:
    severities = [8, 7, 6, 5, 4, 3]
    rate(engine, profile_id, "Chin", severities, every_days=14)
    (area,) = insights.profile_insights(engine, profile_id).progress
    days = [14 * index for index in range(len(severities))]
    expected = pairwise_median_slope_per_month(days, severities)
    assert expected == pytest.approx(-1 / 14 * 365.25 / 12)  # one point a fortnight
    assert area.slope_per_month == pytest.approx(expected)
    assert area.ci_high is not None
    assert area.ci_high < 0
    assert area.ci_low == pytest.approx(expected)  # every pair has the same slope
    assert area.verdict == insights.IMPROVING
    assert (area.first, area.last, area.change, area.ratings) == (8, 3, -5, 6)
    assert area.trend_text() == "−2.17 points a month (95 % interval −2.17 to −2.17)"


def test_a_noisy_series_agrees_with_the_median_of_pairwise_slopes(
    engine: Engine, profile_id: int
) -> None:
    severities = [7, 8, 6, 7, 5, 6, 4]
    rate(engine, profile_id, "Forehead", severities, every_days=10)
    (area,) = insights.profile_insights(engine, profile_id).progress
    days = [10 * index for index in range(len(severities))]
    assert area.slope_per_month == pytest.approx(pairwise_median_slope_per_month(days, severities))
    assert area.ci_low is not None
    assert area.ci_high is not None
    assert area.ci_low <= area.slope_per_month <= area.ci_high


def test_rising_severity_is_worsening(engine: Engine, profile_id: int) -> None:
    rate(engine, profile_id, "Nose", [2, 3, 4, 5, 6], every_days=14)
    (area,) = insights.profile_insights(engine, profile_id).progress
    assert area.verdict == insights.WORSENING
    assert area.ci_low is not None
    assert area.ci_low > 0


def test_too_few_ratings_say_how_many_more_are_needed_not_a_number(
    engine: Engine, profile_id: int
) -> None:
    rate(engine, profile_id, "Chin", [6, 5], every_days=14)  # 2 ratings over 2 weeks
    rate(engine, profile_id, "Nose", [6, 5, 5, 4], every_days=7)  # 4 ratings over 3 weeks
    chin, nose = insights.profile_insights(engine, profile_id).progress
    assert chin.verdict == insights.NOT_ENOUGH
    assert chin.slope_per_month is None
    assert chin.change is None
    assert chin.needs() == "2 more ratings, the last on or after Mon 2 Feb 2026"
    assert chin.trend_text() == "needs 2 more ratings, the last on or after Mon 2 Feb 2026"
    assert nose.needs() == "a rating on or after Mon 2 Feb 2026"
    assert (
        nose.record()["verdict"] == "not enough data yet: needs a rating on or after Mon 2 Feb 2026"
    )
    assert nose.record()["slope_per_month"] is None


# --- Command line -------------------------------------------------------------------------


def test_insights_json_has_exactly_the_named_fields(
    engine: Engine,
    profile_id: int,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DERMADASH_DATABASE_URL", database_url)
    me = profile_id  # the first profile: the command line's default one
    rate(engine, me, "Chin", [8, 7, 6, 5, 4, 3], every_days=14)
    for day, hours in enumerate(SHORT_REDNESS):
        log_session(engine, me, 7 * day, 0.25, hours)
    for day, hours in enumerate(LONG_REDNESS, start=4):
        log_session(engine, me, 7 * day, 0.5, hours)

    assert cli.main(["insights", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    (chin,) = printed["areas"]
    assert list(chin) == [
        "area", "ratings", "first", "last", "change", "slope_per_month", "ci_low", "ci_high",
        "verdict",
    ]  # fmt: skip
    assert chin["verdict"] == "improving"
    assert chin["slope_per_month"] == pytest.approx(-2.174, abs=0.001)
    needle = printed["factors"][0]
    assert list(needle) == [
        "factor", "outcome", "n_with", "n_without", "median_with", "median_without",
        "difference", "p_value", "shown",
    ]  # fmt: skip
    assert needle == {
        "factor": "needle above 0.25 mm",
        "outcome": "redness",
        "n_with": 4,
        "n_without": 4,
        "median_with": 27.0,
        "median_without": 4.0,
        "difference": 23.0,
        "p_value": pytest.approx(0.0286, abs=0.0001),
        "shown": True,
    }

    assert cli.main(["insights"]) == 0
    text = capsys.readouterr().out
    assert "Chin: improving." in text
    assert "A needle above 0.25 mm goes with longer redness (+23 h)" in text
    assert "causes:" not in text.replace("“causes”:", "")
