"""The Insights page and the dashboard's insights section (AppTest, both databases)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine

from dermadash import demo
from dermadash.dashboard import insights
from dermadash.sharing import share_links
from dermadash.storage import records
from tests.apptest import assert_no_exception, open_app, seen_texts, texts
from tests.test_app_typed_text import AREA, assert_shown_literally

INSIGHTS = "views/insights.py"
START = datetime(2026, 1, 5, 20, 0, tzinfo=UTC)


@pytest.fixture
def needle_log(app_engine: Engine, me: int) -> None:
    """0.5 mm sessions with far longer redness than 0.25 mm ones; a falling Chin rating;
    a Forehead rated twice only."""
    for week, (needle, hours) in enumerate(
        [
            *((0.25, hours) for hours in (2.0, 3.0, 5.0, 6.0)),
            *((0.5, hours) for hours in (20.0, 24.0, 30.0, 36.0)),
        ]
    ):
        session_id = records.add_session(
            app_engine,
            me,
            records.SessionInput(
                started_at=START + timedelta(weeks=week), areas=["Chin"], needle_mm=needle
            ),
        )
        records.save_check_in(app_engine, me, session_id, records.CheckInInput(redness_hours=hours))
    for index, severity in enumerate([8, 7, 6, 5, 4, 3]):
        day = date(2026, 1, 5) + timedelta(weeks=2 * index)
        records.add_scar_rating(app_engine, me, records.ScarRatingInput(day, "Chin", severity))
    for index, severity in enumerate([5, 5]):
        day = date(2026, 1, 5) + timedelta(weeks=index)
        records.add_scar_rating(app_engine, me, records.ScarRatingInput(day, "Forehead", severity))


def test_an_empty_log_says_what_to_do(app_engine: Engine, me: int) -> None:
    app = open_app(INSIGHTS)
    assert_no_exception(app)
    shown = texts(app)
    assert "No scar ratings yet" in shown
    assert "No check-ins yet" in shown
    assert not app.dataframe


def test_the_insights_page_shows_progress_and_every_factor(
    app_engine: Engine, me: int, needle_log: None
) -> None:
    app = open_app(INSIGHTS)
    assert_no_exception(app)
    shown = texts(app)
    assert (
        ":green-badge[Improving] **Chin**: 8/10 → 3/10 (−5) since Mon 5 Jan 2026 (6 ratings)."
        in shown
    )
    assert "Trend −2.17 points a month (95 % interval −2.17 to −2.17)." in shown
    assert "a trend needs 2 more ratings, the last on or after Mon 2 Feb 2026" in shown
    (redness,) = (frame.value for frame in app.dataframe)
    first = redness.iloc[0]
    assert first["Factor"] == "A needle above 0.25 mm"
    assert first["With"] == "27 h (4 sessions)"
    assert first["Without"] == "4 h (4 sessions)"
    assert first["Difference"] == "+23 h"
    assert first["Test"] == "p = 0.029"
    # Every session was in the evening: nothing to compare it with.
    assert (
        "Rolling in the evening (from 18:00): not enough data yet (8 with, 0 without)"
        in seen_texts(app)
    )
    assert "Rolling in the evening" not in " ".join(redness["Factor"])
    assert "No check-in has recorded stinging yet." in shown
    assert "is not “causes”" in shown
    assert "causes" not in " ".join(redness.to_numpy().ravel())


def test_the_dashboard_shows_the_top_few_and_links_to_the_page(
    app_engine: Engine, me: int, needle_log: None
) -> None:
    app = open_app()
    assert_no_exception(app)
    shown = texts(app)
    assert "Is it working?" in [item.value for item in app.subheader]
    assert ":green-badge[Improving] **Chin**" in shown
    assert (
        "- **A needle above 0\\.25 mm goes with longer redness \\(\\+23 h\\)**: median 27 h "
        in shown
    )
    found = insights.profile_insights(app_engine, me)
    top_lines = [line for line in shown.splitlines() if line.startswith("- **")]
    assert len(top_lines) == len(found.top(insights.REDNESS)) <= insights.TOP_FEW
    links = [(link.proto.label, link.proto.page) for link in app.get("page_link")]
    assert ("Every factor on the Insights page", "insights") in links
    assert len(app.table) == 1  # the key figures' area table only


def test_the_shared_view_shows_the_insights_with_every_factor_inside(
    app_engine: Engine, me: int, needle_log: None
) -> None:
    link = share_links.create_link(app_engine, me, "Dr Rivera", include_notes=True)
    app = open_app(query={"share": link.token})
    assert_no_exception(app)
    shown = texts(app)
    assert ":green-badge[Improving] **Chin**" in shown
    assert [tab.label for tab in app.tabs] == ["The largest differences", "Every factor"]
    (every,) = [tab for tab in app.tabs if tab.label == "Every factor"]
    (redness,) = [frame.value for frame in every.dataframe]  # no stinging recorded
    assert redness["Factor"].iloc[0] == "A needle above 0.25 mm"
    assert "Notes" in app.dataframe[-1].value  # the sessions table stays last
    assert not app.get("page_link")  # nothing leads to an owner page


def test_the_demo_dashboard_draws_the_section_without_error(app_engine: Engine, me: int) -> None:
    demo.load_demo(app_engine, me)
    app = open_app()
    assert_no_exception(app)
    assert "Is it working?" in [item.value for item in app.subheader]
    page = open_app(INSIGHTS)
    assert_no_exception(page)
    assert len(page.dataframe) == 2  # redness, stinging


def test_area_names_are_shown_literally_on_the_insights_page(app_engine: Engine, me: int) -> None:
    for week in range(8):
        area = AREA if week % 2 else "Nose"
        session_id = records.add_session(
            app_engine,
            me,
            records.SessionInput(
                started_at=START + timedelta(weeks=week), areas=[area], needle_mm=0.25
            ),
        )
        records.save_check_in(
            app_engine, me, session_id, records.CheckInInput(redness_hours=float(week))
        )
    for index, severity in enumerate([6, 5, 5, 4]):
        day = date(2026, 1, 5) + timedelta(weeks=2 * index)
        records.add_scar_rating(app_engine, me, records.ScarRatingInput(day, AREA, severity))
    page = open_app(INSIGHTS)
    assert_shown_literally(page, AREA)
    assert f"Treating {AREA}" in list(page.dataframe[0].value["Factor"])  # plain cells
    home = open_app()
    assert_shown_literally(home, AREA)
    assert f"Treating {AREA} goes with longer redness (+1 h)" in seen_texts(home)


def test_a_link_from_a_first_day_shows_the_insights_of_that_period_only(
    app_engine: Engine, me: int, needle_log: None
) -> None:
    """Chin was rated six times from 5 Jan; a link since 2 Mar shows its last two only,
    so its viewer sees no trend, and no redness comparison of sessions before 2 Mar."""
    link = share_links.create_link(app_engine, me, "Dr Rivera", since=date(2026, 3, 2))
    viewer = open_app(query={"share": link.token})
    assert_no_exception(viewer)
    shown = seen_texts(viewer)
    assert "Over everything this link shows" in shown
    assert "**Chin**: 2 ratings so far" in shown
    assert "6 ratings" not in shown
    assert "0.25 mm" not in shown
