"""The report's insights section (PDF and HTML), on a made log with known answers."""

from __future__ import annotations

import html
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine

from dermadash.dashboard import insights
from dermadash.report.content import ReportRequest
from dermadash.report.html_page import build_html
from dermadash.report.pdf import build_pdf
from dermadash.storage import records
from dermadash.storage.profiles import ProfileSettings, create_profile
from tests.test_report import NOW, _pdf_text, _squashed

START = datetime(2026, 1, 5, 20, 0, tzinfo=UTC)


@pytest.fixture
def needle_log(engine: Engine, profile_id: int) -> int:
    """Four 0.5 mm sessions with far longer redness than four 0.25 mm ones, and an area
    whose rating falls a point a fortnight; no stinging recorded."""
    hours = [(0.25, 2.0), (0.25, 3.0), (0.25, 5.0), (0.25, 6.0)]
    hours += [(0.5, 20.0), (0.5, 24.0), (0.5, 30.0), (0.5, 36.0)]
    for week, (needle, redness) in enumerate(hours):
        session_id = records.add_session(
            engine,
            profile_id,
            records.SessionInput(
                started_at=START + timedelta(weeks=week), areas=["Chin"], needle_mm=needle
            ),
        )
        records.save_check_in(
            engine, profile_id, session_id, records.CheckInInput(redness_hours=redness)
        )
    for index, severity in enumerate([8, 7, 6, 5, 4, 3]):
        day = date(2026, 1, 5) + timedelta(weeks=2 * index)
        records.add_scar_rating(engine, profile_id, records.ScarRatingInput(day, "Chin", severity))
    return profile_id


def test_the_html_report_holds_progress_and_associations(engine: Engine, needle_log: int) -> None:
    page = build_html(engine, needle_log, ReportRequest(now=NOW))
    assert "<h2>Is it working? (whole course)</h2>" in page
    assert "<td>Chin</td><td>6</td><td>8/10 → 3/10 (−5) since Mon 5 Jan 2026</td>" in page
    assert "−2.17 points a month (95 % interval −2.17 to −2.17)</td><td>improving</td>" in page
    assert "<h3>What goes with longer redness</h3>" in page
    assert (
        "<td>A needle above 0.25 mm</td><td>27 h (4 sessions)</td><td>4 h (4 sessions)</td>"
        "<td>+23 h</td><td>p = 0.029</td>"
    ) in page
    assert "Rolling in the evening (from 18:00) (8 with, 0 without)" in page
    assert "No check-in has recorded stinging yet." in page
    assert html.escape(insights.NOT_CAUSES) in page


def test_the_pdf_report_holds_them_too(sqlite_engine: Engine) -> None:
    person = create_profile(sqlite_engine, ProfileSettings(display_name="Kim", timezone="UTC"))
    for index, severity in enumerate([5, 5, 5, 5]):
        day = date(2026, 1, 5) + timedelta(weeks=2 * index)
        records.add_scar_rating(
            sqlite_engine, person, records.ScarRatingInput(day, "Nose", severity)
        )
    # No session, so no chart with data: the PDF needs no Chromium.
    text, _images = _pdf_text(build_pdf(sqlite_engine, person, ReportRequest(now=NOW)))
    squashed = _squashed(text)
    assert "Isitworking?(wholecourse)" in squashed
    assert _squashed("0.00 points a month (95 % interval 0.00 to 0.00)") in squashed
    assert "noclearchange" in squashed
    assert _squashed("No check-in has recorded redness yet.") in squashed
