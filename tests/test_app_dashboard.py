"""The dashboard page (AppTest) on the demo data, with each filter, on both databases."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, available_timezones

import pandas as pd
import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from dermadash import demo
from dermadash.dashboard import chart_theme
from dermadash.storage import db
from dermadash.storage.profiles import default_profile_id
from dermadash.storage.records import SessionInput, insert_session
from dermadash.timezones import local_today
from tests.apptest import TIMEOUT_SECONDS, assert_no_exception, new_app, open_app, texts

CHART_TITLES = {
    "Sessions per week",
    "Days between sessions on the same area",
    "How long redness lasted",
    "How long stinging lasted",
    "Scar severity (your own rating)",
    "Safety flags over time",
}
HEADLINE_FIGURES = (
    "Sessions in the period",
    "Since the last session",
    "Sessions without a warning",
    "Redness, last 4 sessions (median)",
)
DEMO_AREAS = ("Left cheek", "Right cheek", "Forehead", "Chin")


@pytest.fixture
def demo_profile(app_engine: Engine) -> int:
    """The default profile of the app's database, filled with the example data."""
    profile_id = default_profile_id(app_engine, "Europe/London")
    demo.load_demo(app_engine, profile_id)
    return profile_id


def chart_titles(app: AppTest) -> list[str]:
    return [
        json.loads(chart.proto.spec)["layout"]["title"]["text"] for chart in app.get("plotly_chart")
    ]


def area_table(app: AppTest) -> pd.DataFrame:
    (table,) = app.table
    return table.value


def metrics(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def assert_full_dashboard(app: AppTest) -> None:
    assert_no_exception(app)
    assert set(chart_titles(app)) == CHART_TITLES
    shown = metrics(app)
    for label in HEADLINE_FIGURES:
        assert label in shown
    assert set(area_table(app)["Area"]) == set(DEMO_AREAS)


def test_home_shows_every_chart_and_key_figure_on_the_demo_data(demo_profile: int) -> None:
    app = open_app()
    assert_full_dashboard(app)
    assert "example data" in texts(app)
    assert app.radio(key="dash_period").value == "90 days"
    shown = metrics(app)
    # The last 90 days of the weekly demo: 12 weekly sessions and one extra too-soon one.
    assert shown["Sessions in the period"] == "13"
    # The last weekly demo session is 25 weeks after the first day, six days ago.
    assert shown["Since the last session"] == "6 days"
    assert shown["Sessions without a warning"].endswith("%")
    assert shown["Redness, last 4 sessions (median)"].endswith(" h")


@pytest.mark.parametrize("period", ["30 days", "365 days", "All"])
def test_each_period_draws_the_whole_dashboard(demo_profile: int, period: str) -> None:
    app = open_app()
    app.radio(key="dash_period").set_value(period).run()
    assert_full_dashboard(app)
    expected = {"30 days": "4", "365 days": "28", "All": "28"}[period]
    assert metrics(app)["Sessions in the period"] == expected


def test_a_custom_period_with_nothing_in_it_says_what_is_missing(demo_profile: int) -> None:
    app = open_app()
    app.radio(key="dash_period").set_value("Custom").run()
    assert_no_exception(app)
    assert app.date_input(key="dash_custom")
    last_year = local_today("Europe/London") - timedelta(days=400)
    app.date_input(key="dash_custom").set_value((last_year, last_year + timedelta(days=30))).run()
    assert_no_exception(app)
    assert chart_titles(app) == []
    page = texts(app)
    assert "No sessions in this period: log a session" in page
    assert "No scar ratings in this period" in page
    assert "No safety flags in this period" in page
    assert "needs 8 sessions with a check-in" in page
    assert metrics(app)["Sessions in the period"] == "0"


def test_the_area_filter_narrows_figures_and_charts(demo_profile: int) -> None:
    app = open_app()
    app.selectbox(key="dash_area").set_value("Chin").run()
    assert_no_exception(app)
    table = area_table(app)
    assert list(table["Area"]) == ["Chin"]
    assert table["Scar severity"].iloc[0].endswith("/10")
    assert "since" in table["Change since first rating"].iloc[0]
    spec = next(
        json.loads(chart.proto.spec)
        for chart in app.get("plotly_chart")
        if "Scar severity" in json.loads(chart.proto.spec)["layout"]["title"]["text"]
    )
    assert [trace["name"].split(" (")[0] for trace in spec["data"]] == ["Chin", "Chin trend"]


def test_a_new_session_shows_at_once(demo_profile: int, app_engine: Engine) -> None:
    app = open_app()
    before = int(metrics(app)["Sessions in the period"])
    with db.transaction(app_engine) as session:
        insert_session(
            session,
            demo_profile,
            SessionInput(started_at=datetime.now(UTC), areas=["Chin"], needle_mm=0.25),
        )
    app.run()
    assert_no_exception(app)
    assert int(metrics(app)["Sessions in the period"]) == before + 1


def _viewer_page(profile_id: int) -> None:
    from views.dashboard_parts import render_dashboard

    render_dashboard(profile_id, for_viewer=True)


def test_the_viewer_sees_the_same_charts_and_no_buttons(demo_profile: int) -> None:
    app = AppTest.from_function(_viewer_page, args=(demo_profile,), default_timeout=TIMEOUT_SECONDS)
    app.run()
    assert_full_dashboard(app)
    assert len(app.button) == 0
    assert "example data" not in texts(app)


def _drawn_colours(app: AppTest) -> set[str]:
    """Every marker and line colour of the page's charts, as sent to the browser."""
    colours: set[str] = set()
    for chart in app.get("plotly_chart"):
        for trace in json.loads(chart.proto.spec)["data"]:
            for part in ("marker", "line"):
                colour = trace.get(part, {}).get("color")
                if isinstance(colour, str):
                    colours.add(colour)
    return colours


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_charts_are_drawn_in_the_browsers_theme(demo_profile: int, theme: str) -> None:
    app = new_app()
    app.context["theme"] = theme
    app.run()
    assert_no_exception(app)
    drawn = _drawn_colours(app)
    palette = set(chart_theme.theme_named(theme).palette.values())
    other = set(chart_theme.theme_named("dark" if theme == "light" else "light").palette.values())
    assert drawn, "no chart colours found"
    assert drawn <= palette | {chart_theme.theme_named(theme).background}
    assert drawn & (palette - other)  # e.g. the warnings' orange, darker on white
    assert not drawn & (other - palette)  # nothing of the other theme's own colours


def _dashboard_flag_rules(app: AppTest) -> set[str]:
    """The rules the dashboard's flags chart shows (none when it says there are none)."""
    for chart in app.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        if spec["layout"]["title"]["text"] == "Safety flags over time":
            return {label for trace in spec["data"] for label in trace["y"]}
    return set()


def _flags_page_rules(app: AppTest) -> set[str]:
    """The rules the Flags page offers to filter by, as the chart labels them."""
    pickers = [picker for picker in app.multiselect if picker.key == "flags_rules"]
    if not pickers:
        return set()
    rule_ids = [option.rsplit("(", 1)[1].rstrip(")") for option in pickers[0].options]
    return {rule.replace("-", " ").capitalize() for rule in rule_ids}


def test_the_dashboard_shows_a_missing_check_in_when_the_flags_page_does(
    app_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two hours later the same day a session's check-in is overdue: the dashboard's
    flags change with the Flags page's, not a day later."""
    from page_support import reads

    morning = datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0)
    profile_id = default_profile_id(app_engine, "Europe/London")
    with db.transaction(app_engine) as session:
        insert_session(
            session,
            profile_id,
            SessionInput(started_at=morning - timedelta(hours=47), areas=["Chin"], needle_mm=0.25),
        )

    def both_pages() -> tuple[set[str], set[str]]:
        app.switch_page("views/home.py").run()
        assert_no_exception(app)
        on_dashboard = _dashboard_flag_rules(app)
        app.switch_page("views/flags.py").run()
        assert_no_exception(app)
        return on_dashboard, _flags_page_rules(app)

    monkeypatch.setattr(reads, "clock", lambda: morning)
    app = open_app()
    on_dashboard, on_flags_page = both_pages()
    assert "Check in missing" not in on_flags_page  # 47 h after the session
    assert on_dashboard == on_flags_page

    monkeypatch.setattr(reads, "clock", lambda: morning + timedelta(hours=2))
    on_dashboard, on_flags_page = both_pages()
    assert "Check in missing" in on_flags_page  # 49 h after: the check-in is overdue
    assert on_dashboard == on_flags_page


@pytest.mark.parametrize("month", [1, 7])  # winter and summer offsets
def test_every_time_zone_s_midnight_starts_a_new_clock_key(
    month: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What moves with the clock is worked out again from each person's new day on
    (India's offset is +5:30, Nepal's +5:45: whole UTC hours would be 30 and 45 min late)."""
    from page_support import reads

    def key_at(moment: datetime) -> str:
        monkeypatch.setattr(reads, "clock", lambda: moment.astimezone(UTC))
        return reads.clock_key()

    late = []
    for name in sorted(available_timezones()):
        midnight = datetime(2026, month, 15, tzinfo=ZoneInfo(name))
        if key_at(midnight - timedelta(microseconds=1)) == key_at(midnight):
            late.append(name)
    assert late == []
    # And within a step the key stays: the cached analysis is reused.
    start = datetime(2026, month, 15, 18, 30, tzinfo=UTC)
    assert key_at(start) == key_at(start + timedelta(minutes=14, seconds=59))
