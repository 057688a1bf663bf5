"""The dashboard's figure builders: traces, threshold lines, the numbers behind the points."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable
from datetime import date, datetime, timedelta

import pandas as pd
import plotly.graph_objects as go
import pytest
from sqlalchemy import Engine

from dermadash import demo
from dermadash.dashboard import assembly, chart_theme, figures, model
from dermadash.rules import evaluation
from dermadash.storage import queries
from dermadash.storage.profiles import load_profile
from tests import dashboard_frames as frames
from tests.conftest import DEMO_TODAY, PROJECT_ROOT
from tests.dashboard_frames import LONDON
from tests.random_logs import rollers_frame, sessions_frame
from tests.rule_cases import NOW, at, person

MIN_GRAPHIC_CONTRAST = 3.0  # WCAG 2.2, 1.4.11 non-text contrast
PALETTE_COLOURS = {
    colour for theme in chart_theme.THEMES.values() for colour in theme.palette.values()
}


def trace(figure: go.Figure, name: str) -> go.BaseTraceType:
    matches = [item for item in figure.data if item.name == name]
    assert len(matches) == 1, [item.name for item in figure.data]
    return matches[0]


def names(figure: go.Figure) -> list[str]:
    return [item.name for item in figure.data]


def points_sent(figure: go.Figure) -> int:
    return sum(len(item.x) for item in figure.data if item.x is not None)


def x_days(values: Iterable[str | date]) -> list[date]:
    return [pd.Timestamp(value).date() for value in values]


def assert_readable(figure: go.Figure) -> None:
    """A title and axis titles with units, and only colour-blind-safe colours."""
    assert figure.layout.title.text
    assert figure.layout.xaxis.title.text
    if figure.layout.yaxis.title.text is not None:
        assert "(" in figure.layout.yaxis.title.text  # a unit or a scale
    for item in figure.data:
        marker_colour = item.marker.color if item.marker else None
        if isinstance(marker_colour, str):
            assert marker_colour in PALETTE_COLOURS, (item.name, marker_colour)
        if item.type == "scatter":
            assert item.hovertemplate


@pytest.mark.parametrize(
    "figure",
    [
        figures.sessions_per_week_figure(frames.sessions([]), LONDON),
        figures.interval_figure(frames.intervals([])),
        figures.redness_figure(frames.sessions([]), LONDON),
        figures.stinging_figure(frames.sessions([]), LONDON),
        figures.severity_figure(frames.ratings([]), frames.sessions([]), LONDON),
        figures.flags_figure(frames.flags([])),
    ],
    ids=["week", "interval", "redness", "stinging", "severity", "flags"],
)
def test_every_builder_says_what_to_do_when_empty(figure: go.Figure) -> None:
    message = figures.empty_message(figure)
    assert message
    assert len(figure.data) == 0
    assert figure.layout.title.text
    assert message in [note.text for note in figure.layout.annotations]


def test_sessions_per_week_counts_local_weeks_and_shows_empty_weeks() -> None:
    sessions = frames.sessions(
        [
            {"started_at": datetime(2026, 3, 2, 21)},  # Monday
            {"started_at": datetime(2026, 3, 4, 21)},
            # Sunday 23:30 in London: still the first week however UTC sees it.
            {"started_at": datetime(2026, 3, 8, 23, 30)},
            {"started_at": datetime(2026, 3, 18, 8)},  # two weeks later
        ]
    )
    figure = figures.sessions_per_week_figure(sessions, LONDON)
    bars = figure.data[0]
    assert x_days(bars.x) == [date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16)]
    assert list(bars.y) == [3, 0, 1]
    assert bars.customdata[0] == "week of Mon 2 Mar 2026"
    assert figures.empty_message(figure) is None
    assert_readable(figure)


def test_sessions_per_week_uses_the_persons_time_zone() -> None:
    # 00:30 on Monday in Tokyo is Sunday afternoon in UTC: it belongs to Monday's week.
    sessions = frames.sessions([{"started_at": datetime(2026, 3, 9, 0, 30)}], "Asia/Tokyo")
    figure = figures.sessions_per_week_figure(sessions, "Asia/Tokyo")
    assert x_days(figure.data[0].x) == [date(2026, 3, 9)]


def test_interval_figure_marks_too_soon_and_far_too_soon_sessions() -> None:
    intervals = frames.intervals(
        [
            (1, "Left cheek", date(2026, 1, 5), None, 7),
            (2, "Left cheek", date(2026, 1, 12), 7, 7),
            (3, "Left cheek", date(2026, 1, 17), 5, 7),
            (4, "Left cheek", date(2026, 1, 19), 2, 7),
            (1, "Chin", date(2026, 1, 5), None, 7),
            (4, "Chin", date(2026, 1, 19), 14, 7),
        ]
    )
    figure = figures.interval_figure(intervals, area_order=["Left cheek", "Chin"])
    cheek = trace(figure, "Left cheek")
    assert list(cheek.y) == [7, 5, 2]
    assert x_days(cheek.x) == [date(2026, 1, 12), date(2026, 1, 17), date(2026, 1, 19)]
    assert list(trace(figure, "Chin").y) == [14]
    assert set(trace(figure, "Minimum interval").y) == {7}
    too_soon = trace(figure, "Too soon (under the minimum)")
    assert list(too_soon.y) == [5]
    far_too_soon = trace(figure, "Far too soon (under half of the minimum)")
    assert list(far_too_soon.y) == [2]
    # Shape as well as colour tells them apart.
    assert too_soon.marker.symbol != far_too_soon.marker.symbol
    assert too_soon.marker.color != far_too_soon.marker.color
    # The area keeps its colour whatever is filtered, as long as the order is passed.
    assert cheek.marker.color == figures.area_styles(["Left cheek", "Chin"])["Left cheek"].colour
    assert_readable(figure)


@pytest.mark.parametrize(
    ("overrides", "gap", "legend"),
    [
        ({}, 3, "Far too soon (under half of the minimum)"),
        ({"too-frequent.critical_fraction": 0.75}, 5, "Far too soon (under 75 % of the minimum)"),
    ],
)
def test_the_far_too_soon_legend_names_the_share_the_engine_used(
    overrides: dict[str, float], gap: int, legend: str
) -> None:
    """A 5-day gap on a 7-day minimum is critical under a 0.75 share: the chart's legend
    must say 75 %, as the flag's message does, not the default's "half"."""
    profile = person(rule_overrides=overrides)
    first = date(2026, 2, 2)
    sessions = sessions_frame(
        [
            {"started_at": at(first), "has_check_in": True},
            {"started_at": at(first + timedelta(days=gap)), "has_check_in": True},
        ]
    )
    analysis = evaluation.analyse(profile, sessions, rollers_frame([]), now=NOW)
    data = assembly.dashboard_data(profile, sessions, frames.ratings([]), analysis)
    figure = model.dashboard_charts(data, data.areas(), None)["intervals"]
    too_frequent = analysis.flags[analysis.flags["rule"] == "too-frequent"]
    assert too_frequent["severity"].tolist() == ["critical"]
    assert list(trace(figure, legend).y) == [gap]


def test_interval_figure_without_repeat_sessions_is_empty() -> None:
    intervals = frames.intervals([(1, "Left cheek", date(2026, 1, 5), None, 7)])
    figure = figures.interval_figure(intervals)
    assert "second session" in (figures.empty_message(figure) or "")


def test_interval_figure_aggregates_long_histories_to_the_shortest_gap_per_week() -> None:
    start = date(2021, 1, 4)  # a Monday
    rows = [
        (day, "Left cheek", start + timedelta(days=day), 3 if day % 7 == 2 else 7, 7)
        for day in range(1, 1200)
    ]
    figure = figures.interval_figure(frames.intervals(rows))
    cheek = trace(figure, "Left cheek")
    assert len(cheek.x) <= figures.MAX_POINTS
    assert len(cheek.x) == 172  # one point per calendar week
    # Each week holds a gap of 3 days: the point shows the shortest gap, not an average.
    assert set(cheek.y) == {3}
    assert "Shortest gap" in cheek.hovertemplate
    assert len(trace(figure, "Far too soon (under half of the minimum)").y) == 172


def test_the_point_budget_is_the_charts_not_each_areas() -> None:
    """Four areas rolled weekly for about seven years: 350 sessions each fit the budget
    alone, 1,400 together do not, so the chart draws months (one point per area each)."""
    areas = ("Left cheek", "Right cheek", "Forehead", "Chin")
    start = date(2019, 1, 7)
    rows = [
        (week * 4 + index, area, start + timedelta(weeks=week), 7 if week else None, 7)
        for week in range(350)
        for index, area in enumerate(areas)
    ]
    figure = figures.interval_figure(frames.intervals(rows), area_order=areas)
    drawn = [len(trace(figure, area).x) for area in areas]
    assert sum(drawn) <= figures.MAX_POINTS
    assert drawn == [81] * 4  # one point per calendar month, Jan 2019 to Sep 2025
    assert figure.data[0].customdata[0][0] == "January 2019"  # the hover names the month


def test_redness_figure_draws_the_24_and_72_hour_lines_and_marks_sessions_over_them() -> None:
    sessions = frames.sessions(
        [
            {"started_at": datetime(2026, 1, 5, 21), "redness_hours": 10.0},
            {"started_at": datetime(2026, 1, 12, 21), "redness_hours": 30.0},
            {"started_at": datetime(2026, 1, 19, 21)},  # no check-in yet
            {"started_at": datetime(2026, 1, 26, 21), "redness_hours": 80.0},
            {"started_at": datetime(2026, 2, 2, 21), "redness_hours": 24.0},
        ]
    )
    figure = figures.redness_figure(sessions, LONDON)
    line = trace(figure, "Redness per session")
    assert list(line.y) == [10.0, 30.0, 80.0, 24.0]
    assert line.customdata[0][0] == "Mon 5 Jan 2026"
    assert list(trace(figure, "Over 24 h (warning)").y) == [30.0]
    assert list(trace(figure, "Over 72 h (critical)").y) == [80.0]
    assert sorted(shape.y0 for shape in figure.layout.shapes) == [24, 72]
    labels = [note.text for note in figure.layout.annotations]
    assert any("24 h" in label for label in labels)
    assert any("72 h" in label and "dermatologist" in label for label in labels)
    assert_readable(figure)


def test_stinging_figure_draws_the_30_minute_line() -> None:
    sessions = frames.sessions(
        [
            {"started_at": datetime(2026, 1, 5, 21), "stinging_minutes": 10.0},
            {"started_at": datetime(2026, 1, 12, 21), "stinging_minutes": 45.0},
        ]
    )
    figure = figures.stinging_figure(sessions, LONDON)
    assert list(trace(figure, "Stinging per session").y) == [10.0, 45.0]
    assert list(trace(figure, "Over 30 min (warning)").y) == [45.0]
    assert [shape.y0 for shape in figure.layout.shapes] == [30]
    assert figure.layout.yaxis.title.text == "Stinging (minutes)"


def test_redness_figure_without_check_ins_says_to_add_one() -> None:
    sessions = frames.sessions([{"started_at": datetime(2026, 1, 5, 21)}])
    figure = figures.redness_figure(sessions, LONDON)
    assert "check-in" in (figures.empty_message(figure) or "")
    assert len(figure.layout.shapes) == 0


def test_redness_figure_aggregates_five_years_but_keeps_every_breach() -> None:
    sessions = frames.daily_sessions(1500, redness_hours=10.0)
    sessions.loc[100, "redness_hours"] = 30.0
    sessions.loc[900, "redness_hours"] = 90.0
    figure = figures.redness_figure(sessions, LONDON)
    median = trace(figure, "Median redness per week")
    assert len(median.x) <= figures.MAX_POINTS
    assert median.y[0] == 10.0
    assert list(trace(figure, "Over 24 h (warning)").y) == [30.0]
    assert list(trace(figure, "Over 72 h (critical)").y) == [90.0]
    assert points_sent(figure) < 2 * figures.MAX_POINTS


def test_severity_figure_has_a_trend_and_the_change_since_the_first_rating() -> None:
    ratings = frames.ratings(
        [
            (date(2026, 1, 1), "Left cheek", 7),
            (date(2026, 1, 15), "Left cheek", 6),
            (date(2026, 2, 1), "Left cheek", 6),
            (date(2026, 2, 15), "Left cheek", 4),
            (date(2026, 1, 1), "Chin", 3),
        ]
    )
    sessions = frames.sessions(
        [
            {"started_at": datetime(2026, 1, 5, 21), "needle_mm": 0.25},
            {"started_at": datetime(2026, 1, 12, 21), "needle_mm": 0.25},
            {"started_at": datetime(2026, 1, 19, 21), "needle_mm": 0.5},
        ]
    )
    figure = figures.severity_figure(ratings, sessions, LONDON)
    cheek = trace(figure, "Left cheek (−3 since first rating)")
    assert list(cheek.y) == [7, 6, 6, 4]
    trend = trace(figure, "Left cheek trend")
    assert list(trend.y) == pytest.approx([6.5, 6.33, 5.33, 5.0], abs=0.01)
    assert trend.legendgroup == cheek.legendgroup
    # One rating of the chin: a point, no trend, and a note saying what is needed.
    assert list(trace(figure, "Chin").y) == [3]
    assert "Chin trend" not in names(figure)
    notes = figures.chart_notes(figure)
    assert notes
    assert "at least 3 ratings" in notes[0]
    assert "Chin has 1" in notes[0]
    # The needle change is marked on the day it happened.
    assert [x_days([shape.x0]) for shape in figure.layout.shapes] == [[date(2026, 1, 19)]]
    assert any("0.25 mm → 0.5 mm" in note.text for note in figure.layout.annotations)
    changed = trace(figure, "Needle length changed (dotted line)")
    assert list(changed.customdata) == ["Mon 19 Jan 2026: needle 0.25 mm → 0.5 mm"]
    assert list(figure.layout.yaxis.range) == [-0.3, 10.3]
    assert_readable(figure)


def _weekly_ratings(first: date, weeks: int) -> pd.DataFrame:
    return frames.ratings(
        [(first + timedelta(weeks=week), "Left cheek", 7 - week * 0.05) for week in range(weeks)]
    )


def _needles(*days_and_needles: tuple[date, float]) -> pd.DataFrame:
    return frames.sessions(
        [
            {"started_at": datetime(day.year, day.month, day.day, 21), "needle_mm": needle}
            for day, needle in days_and_needles
        ]
    )


def test_many_needle_changes_are_lines_named_on_hover_not_labels_that_crowd() -> None:
    # Five years of switching back and forth: labels at the chart's top would overlap.
    switches = [
        (date(2022, 1, 3) + timedelta(weeks=13 * step), 0.5 + (step % 2) * 0.5)
        for step in range(21)
    ]
    figure = figures.severity_figure(
        _weekly_ratings(date(2022, 1, 3), 260), _needles(*switches), LONDON
    )
    changes = figures.needle_changes(_needles(*switches), LONDON)
    assert len(changes) == 20
    assert len(figure.layout.shapes) == 20  # every change still drawn as a line
    assert not [note for note in figure.layout.annotations if "Needle" in (note.text or "")]
    changed = trace(figure, "Needle length changed (dotted line)")
    assert list(changed.customdata)[:2] == [
        "Mon 4 Apr 2022: needle 0.5 mm → 1 mm",
        "Mon 4 Jul 2022: needle 1 mm → 0.5 mm",
    ]
    assert len(changed.x) == 20
    assert_readable(figure)


def test_needle_changes_are_labelled_only_when_their_labels_are_apart() -> None:
    ratings = _weekly_ratings(date(2026, 1, 5), 13)
    apart = _needles((date(2026, 1, 5), 0.25), (date(2026, 1, 19), 0.5), (date(2026, 3, 2), 0.25))
    close = _needles((date(2026, 1, 5), 0.25), (date(2026, 2, 2), 0.5), (date(2026, 2, 5), 0.25))
    period = (date(2026, 1, 5), date(2026, 4, 5))
    labelled = figures.severity_figure(ratings, apart, LONDON, x_range=period)
    assert [note.text for note in labelled.layout.annotations if "Needle" in (note.text or "")] == [
        "Needle 0.25 mm → 0.5 mm",
        "Needle 0.5 mm → 0.25 mm",
    ]
    crowded = figures.severity_figure(ratings, close, LONDON, x_range=period)
    assert not [note for note in crowded.layout.annotations if "Needle" in (note.text or "")]
    assert len(crowded.layout.shapes) == 2
    assert len(trace(crowded, "Needle length changed (dotted line)").x) == 2


def test_needle_changes_lists_each_change_once() -> None:
    sessions = frames.sessions(
        [
            {"started_at": datetime(2026, 1, 5, 21), "needle_mm": 0.25},
            {"started_at": datetime(2026, 1, 12, 21), "needle_mm": 0.5},
            {"started_at": datetime(2026, 1, 19, 21), "needle_mm": 0.5},
            {"started_at": datetime(2026, 1, 26, 21), "needle_mm": 0.25},
        ]
    )
    changes = figures.needle_changes(sessions, LONDON)
    assert list(changes["before_mm"]) == [0.25, 0.5]
    assert list(changes["after_mm"]) == [0.5, 0.25]


def test_flags_figure_tells_severity_by_shape_and_colour() -> None:
    flags = frames.flags(
        [
            ("too-frequent", "warning", date(2026, 1, 5), 1, "Left cheek"),
            ("active-acne", "critical", date(2026, 1, 6), 2, None),
            ("too-frequent", "critical", date(2026, 1, 7), 3, "Chin"),
            ("check-in-missing", "info", date(2026, 1, 8), 4, None),
        ]
    )
    figure = figures.flags_figure(flags)
    assert names(figure) == ["Critical", "Warning", "Note"]
    critical = trace(figure, "Critical")
    assert list(critical.y) == ["Active acne", "Too frequent"]
    assert x_days(critical.x) == [date(2026, 1, 6), date(2026, 1, 7)]
    assert critical.customdata[0][2] == "active-acne happened"
    symbols = {item.marker.symbol for item in figure.data}
    colours = {item.marker.color for item in figure.data}
    assert len(symbols) == 3
    assert len(colours) == 3
    # Rules whose worst flag is critical sit on top (plotly lists categories bottom-up).
    assert list(figure.layout.yaxis.categoryarray) == [
        "Check in missing",
        "Too frequent",
        "Active acne",
    ]
    assert_readable(figure)


def test_flags_figure_counts_flags_per_week_for_a_long_history() -> None:
    start = date(2021, 1, 4)
    flags = frames.flags(
        [("check-in-missing", "info", start + timedelta(days=day), day, None) for day in range(700)]
    )
    figure = figures.flags_figure(flags)
    note = trace(figure, "Note")
    assert len(note.x) == 100
    assert {row[1] for row in note.customdata} == {7}


def test_bucket_for_keeps_short_histories_point_by_point() -> None:
    days = pd.Series(pd.date_range("2026-01-01", periods=figures.MAX_POINTS, freq="D"))
    assert figures.bucket_for(days) == "day"
    longer = pd.Series(pd.date_range("2020-01-01", periods=figures.MAX_POINTS + 1, freq="D"))
    assert figures.bucket_for(longer) == "week"
    decades = pd.Series(pd.date_range("1990-01-01", periods=12000, freq="D"))
    assert figures.bucket_for(decades) == "month"


def test_a_period_spans_the_whole_time_axis_even_where_there_is_no_data() -> None:
    flags = frames.flags([("too-painful", "warning", date(2026, 2, 10), 1, None)])
    figure = figures.flags_figure(flags, x_range=(date(2026, 1, 1), date(2026, 3, 31)))
    start, end = (pd.Timestamp(value).date() for value in figure.layout.xaxis.range)
    assert (start, end) == (date(2025, 12, 31), date(2026, 4, 1))


def test_reaction_lines_follow_the_profiles_thresholds() -> None:
    """A threshold moved in Settings moves the chart's line with the flags."""
    from dermadash.rules.protocol import load_protocol
    from dermadash.storage.profiles import ProfileSettings

    overrides = {"redness-too-long.warning_hours": 36, "stinging-too-long.max_minutes": 20}
    protocol = load_protocol().for_profile(ProfileSettings(rule_overrides=overrides))
    limits = figures.ChartLimits.from_protocol(protocol)
    sessions = frames.sessions(
        [
            {
                "started_at": datetime(2026, 1, 5, 21),
                "redness_hours": 30.0,
                "stinging_minutes": 10.0,
            },
            {
                "started_at": datetime(2026, 1, 12, 21),
                "redness_hours": 40.0,
                "stinging_minutes": 25.0,
            },
        ]
    )
    redness = figures.redness_figure(sessions, LONDON, limits=limits)
    assert sorted(shape.y0 for shape in redness.layout.shapes) == [36, 72]
    assert list(trace(redness, "Over 36 h (warning)").y) == [40.0]
    assert any("36 h" in note.text for note in redness.layout.annotations)
    stinging = figures.stinging_figure(sessions, LONDON, limits=limits)
    assert [shape.y0 for shape in stinging.layout.shapes] == [20]
    assert list(trace(stinging, "Over 20 min (warning)").y) == [25.0]


def _assert_valid_plotly(figure: go.Figure) -> None:
    """Plotly's own validation accepts the figure and changes nothing in it.

    The builders skip plotly's per-property validation for speed (``_Draft.to_figure``);
    a property plotly does not know, or a value it would coerce, fails here. The template
    is left out: the builders leave it empty for the page and the report to set.
    """
    validated = go.Figure(figure.to_dict())  # validates every property; raises if invalid
    assert _without_template(validated) == _without_template(figure)


def _without_template(figure: go.Figure) -> dict[str, object]:
    sent = json.loads(figure.to_json())
    sent["layout"].pop("template", None)
    return sent


def _long_history_figures() -> list[go.Figure]:
    """Figures whose data is aggregated per week or month, plus the empty ones."""
    start = date(2021, 1, 4)
    sessions = frames.daily_sessions(1500, redness_hours=10.0, stinging_minutes=40.0)
    sessions.loc[100, "redness_hours"] = 90.0
    interval_rows = [
        (day, area, start + timedelta(days=day), 3 if day % 7 == 2 else 7, 7)
        for day in range(1, 1200)
        for area in ("Left cheek", "Forehead")
    ]
    ratings = frames.ratings(
        [(start + timedelta(days=day), "Chin", day % 10) for day in range(0, 1500, 2)]
    )
    flags = frames.flags(
        [
            ("too-frequent", "warning", start + timedelta(days=day), day, "Chin")
            for day in range(900)
        ]
    )
    return [
        figures.sessions_per_week_figure(frames.daily_sessions(4000), LONDON),  # per month
        figures.sessions_per_week_figure(sessions, LONDON),
        figures.interval_figure(frames.intervals(interval_rows)),
        figures.redness_figure(sessions, LONDON),
        figures.stinging_figure(sessions, LONDON),
        figures.severity_figure(ratings, sessions, LONDON),
        figures.flags_figure(flags),
        figures.sessions_per_week_figure(frames.sessions([]), LONDON),
        figures.interval_figure(frames.intervals([])),
        figures.severity_figure(frames.ratings([]), frames.sessions([]), LONDON),
        figures.flags_figure(frames.flags([])),
    ]


def test_aggregated_and_empty_figures_pass_plotlys_validation() -> None:
    for figure in _long_history_figures():
        _assert_valid_plotly(figure)


def test_a_figure_s_data_revision_follows_its_data_and_only_its_data() -> None:
    """Plotly redraws a chart's data only when ``datarevision`` changes: the same data
    gives the same revision, one changed value (or hover text) a new one."""
    sessions = frames.daily_sessions(60, redness_hours=10.0, stinging_minutes=20.0)
    revision = figures.redness_figure(sessions, LONDON).layout.datarevision
    assert figures.redness_figure(sessions.copy(), LONDON).layout.datarevision == revision
    longer = sessions.copy()
    longer.loc[30, "redness_hours"] = 11.0
    assert figures.redness_figure(longer, LONDON).layout.datarevision != revision
    renamed = sessions.copy()
    renamed["areas"] = [["Chin"]] * len(renamed)
    assert figures.redness_figure(renamed, LONDON).layout.datarevision != revision


def test_the_page_s_figures_carry_their_frame_and_nothing_plotly_js_compares_by_identity() -> None:
    """What Streamlit's page gets: no template (the frame is in the layout), ``meta`` as
    text and numbers as lists, never typed arrays (see ``chart_theme``)."""
    for figure in _long_history_figures():
        sent = json.loads(figures.for_the_page(figure).to_json())
        layout = sent["layout"]
        assert layout["template"] is None
        assert isinstance(layout["meta"], str)
        assert layout["paper_bgcolor"] == chart_theme.TRANSPARENT
        assert layout["font"]["family"] == chart_theme.FONT_FAMILY
        assert '"bdata"' not in json.dumps(sent["data"])


def test_the_builders_leave_plotly_s_default_look_out_of_their_figures() -> None:
    """No plotly colours or fonts for a page or report to undo (and no copy of plotly's
    default template, thousands of objects, made for every chart)."""
    for figure in _long_history_figures():
        assert figure.to_plotly_json()["layout"]["template"] == {}


def test_the_light_charts_titles_are_in_the_page_s_own_text_colour() -> None:
    """The chart frame (``chart_theme``) holds the text colour the app's Streamlit
    config sets for light pages: a change to one must reach the other."""
    config = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text())
    assert chart_theme.LIGHT.heading == config["theme"]["light"]["textColor"]


def _demo_data(engine: Engine, profile_id: int) -> model.DashboardData:
    """The example data's dashboard frames, as the page reads them."""
    demo.load_demo(engine, profile_id, today=DEMO_TODAY)
    profile = load_profile(engine, profile_id)
    sessions = queries.sessions_frame(engine, profile_id)
    analysis = evaluation.analyse(profile, sessions, queries.rollers_frame(engine, profile_id))
    data = model.DashboardData(
        sessions=sessions,
        ratings=queries.scar_ratings_frame(engine, profile_id),
        flags=analysis.flags,
        intervals=analysis.intervals,
        next_safe=analysis.next_safe,
        timezone=profile.timezone,
    )
    return data


def test_the_dashboards_figures_on_the_example_data_pass_plotlys_validation(
    engine: Engine, profile_id: int
) -> None:
    data = _demo_data(engine, profile_id)
    checked = 0
    for choice in ("30 days", "All"):
        period = model.period_bounds(choice, DEMO_TODAY, None)
        for area in (model.ALL_AREAS, data.areas()[0]):
            charts = model.dashboard_charts(
                data.filtered(period, area), data.areas(), data.time_axis(period)
            )
            for figure in charts.values():
                _assert_valid_plotly(figure)
                checked += 1
    assert checked == 24


def test_typed_text_reaches_the_charts_as_plain_text() -> None:
    """An area name or flag message with HTML or a hover placeholder is shown literally."""
    typed = '<a href="https://evil.example">Chin</a> %{y}'
    day = date(2026, 3, 2)
    sessions = frames.sessions(
        [
            {"started_at": datetime(2026, 3, 2, 21), "areas": [typed], "redness_hours": 90.0},
            {"started_at": datetime(2026, 3, 5, 21), "areas": [typed], "redness_hours": 10.0},
        ]
    )
    drawn = [
        figures.interval_figure(
            frames.intervals([(1, typed, day, None, 7), (2, typed, day + timedelta(3), 3, 7)])
        ),
        figures.redness_figure(sessions, LONDON),
        figures.severity_figure(
            frames.ratings([(day + timedelta(weeks=week), typed, 5) for week in range(4)]),
            sessions,
            LONDON,
        ),
        figures.flags_figure(frames.flags([("too-frequent", "warning", day, 2, typed)])),
    ]
    for figure in drawn:
        texts = " ".join(_strings(json.loads(figure.to_json())))
        assert "evil.example" in texts
        assert "<a href" not in texts
        assert "&lt;a href=" in texts
        assert "Chin&lt;/a&gt; %&#123;y}" in texts  # and no hover placeholder


def _strings(value: object) -> list[str]:
    """Every string in a figure's JSON."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []


# --- Contrast in both themes -----------------------------------------------------------


def _luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of '#RRGGBB'."""
    channels = [channel / 255 for channel in chart_theme.rgb(colour)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _mark_colours(figure: go.Figure) -> list[tuple[str, str]]:
    """(what, colour) of every mark, line and label text a figure draws."""
    found: list[tuple[str, str]] = []
    for item in figure.data:
        marker = getattr(item, "marker", None)
        if marker is not None and isinstance(marker.color, str):
            found.append((f"{item.name} marker", marker.color))
        line = getattr(item, "line", None)
        if line is not None and isinstance(line.color, str):
            found.append((f"{item.name} line", line.color))
    for shape in figure.layout.shapes:
        found.append(("threshold or needle line", shape.line.color))
    for note in figure.layout.annotations:
        if note.font.color:
            found.append((f"label {note.text!r}", note.font.color))
    return found


def test_contrast_is_computed_the_wcag_way() -> None:
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21)
    assert contrast("#F0E442", "#FFFFFF") == pytest.approx(1.32, abs=0.01)  # the old yellow


@pytest.mark.parametrize("theme", list(chart_theme.THEMES.values()), ids=list(chart_theme.THEMES))
def test_every_mark_has_3_to_1_contrast_in_both_themes(
    theme: chart_theme.Theme, engine: Engine, profile_id: int
) -> None:
    data = _demo_data(engine, profile_id)
    # More areas than colours, so every area colour is drawn.
    areas = [*data.areas(), *(f"Area {number}" for number in range(6))]
    period = model.period_bounds("All", DEMO_TODAY, None)
    charts = model.dashboard_charts(data.filtered(period), areas, data.time_axis(period), theme)
    drawn = [colour for chart in charts.values() for colour in _mark_colours(chart)]
    area_colours = {figures.area_styles(areas, theme)[area].colour for area in areas}
    checked = drawn + [("area", colour) for colour in area_colours]
    assert len({colour for _what, colour in checked}) >= 8  # the whole palette is in use
    for what, colour in checked:
        if colour == theme.background:
            continue  # an outline that separates a marker from what is under it
        assert contrast(colour, theme.background) >= MIN_GRAPHIC_CONTRAST, (what, colour)


def test_the_dark_theme_draws_no_black_mark_and_no_white_label_box() -> None:
    sessions = frames.sessions(
        [
            {"started_at": datetime(2026, 3, 2, 21), "needle_mm": 0.25},
            {"started_at": datetime(2026, 3, 9, 21), "needle_mm": 0.5},
        ]
    )
    ratings = frames.ratings([(date(2026, 3, 1), "Chin", 6), (date(2026, 3, 10), "Chin", 5)])
    figure = figures.severity_figure(ratings, sessions, LONDON, theme=chart_theme.DARK)
    colours = [colour for _what, colour in _mark_colours(figure)]
    assert "#000000" not in colours
    boxes = [note.bgcolor for note in figure.layout.annotations if note.bgcolor]
    assert boxes == ["rgba(23,22,20,0.8)"]  # the needle-change label, on the dark background
    light = figures.severity_figure(ratings, sessions, LONDON)
    assert [note.bgcolor for note in light.layout.annotations if note.bgcolor] == [
        "rgba(255,255,255,0.8)"
    ]


def test_the_bottom_margin_holds_the_legend_one_entry_per_line() -> None:
    """Room for the legend is reserved, whatever the screen's width, so plotly need not
    widen a margin and draw the chart a second time (the browser test checks the page)."""
    for figure in _long_history_figures():
        entries = sum(1 for item in figure.data if item.showlegend is not False)
        shown = figure.layout.showlegend is not False and entries > 0
        assert figure.layout.legend.orientation == "v"
        assert figure.layout.legend.tracegroupgap == 0
        assert figure.layout.margin.b == figures.MARGIN_PX["b"] + (
            figures.LEGEND_ROW_PX * entries if shown else 0
        )


def test_the_flags_chart_makes_room_for_its_longest_rule_name() -> None:
    def left_margin(*rules: str) -> int:
        rows = [
            (rule, "warning", date(2026, 1, 5 + day), day, None) for day, rule in enumerate(rules)
        ]
        return int(figures.flags_figure(frames.flags(rows)).layout.margin.l)

    assert left_margin("sun-too-soon") == figures.CATEGORY_PAD_PX + figures.CATEGORY_CHAR_PX * len(
        "Sun too soon"
    )
    longest = figures.CATEGORY_PAD_PX + figures.CATEGORY_CHAR_PX * len("Retinoid too close")
    assert left_margin("sun-too-soon", "retinoid-too-close") == longest
    assert left_margin("side-effect") >= figures.MARGIN_PX["l"]


def test_date_ticks_stay_on_one_line_at_every_zoom() -> None:
    figure = figures.redness_figure(frames.daily_sessions(30), LONDON)
    formats = [stop.value for stop in figure.layout.xaxis.tickformatstops]
    assert formats == [stop["value"] for stop in figures.DATE_TICKS]
    assert not any("\n" in value or "<br>" in value for value in formats)
