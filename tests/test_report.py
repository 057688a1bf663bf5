"""The PDF and HTML reports, built from a real database and read back (pypdf)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from io import BytesIO

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import Engine

from dermadash import demo
from dermadash.dashboard import figures, model, typed_tables
from dermadash.formatting import format_day
from dermadash.report.chart_images import ChromiumMissing
from dermadash.report.chromium import BROWSER_PATH_VARIABLE, chromium_available, drawer
from dermadash.report.content import (
    COMPLETE_LISTS,
    DISCLAIMER,
    NEEDLE_COLUMNS,
    RECENT_SESSIONS,
    ReportPhoto,
    ReportRequest,
    compact_sessions,
    needle_usage,
    report_content,
    stored_photos,
    worded_sessions,
)
from dermadash.report.html_page import build_html, escape_html
from dermadash.report.pdf import build_pdf
from dermadash.rules import flagging
from dermadash.sharing import share_links
from dermadash.storage import queries
from dermadash.storage.profiles import ProfileSettings, create_profile
from tests.conftest import DEMO_TODAY
from tests.dashboard_frames import three_weekly_sessions
from tests.five_year_log import import_five_year_log

NOW = datetime(DEMO_TODAY.year, DEMO_TODAY.month, DEMO_TODAY.day, 12, 0, tzinfo=UTC)
needs_chromium = pytest.mark.skipif(
    not chromium_available(), reason="no Chromium to draw the charts"
)


def _squashed(text: str) -> str:
    """Without any whitespace: PDF lines wrap wherever the page ends."""
    return "".join(text.split())


def _pdf_text(data: bytes) -> tuple[str, int]:
    reader = PdfReader(BytesIO(data))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    images = sum(len(page.images) for page in reader.pages)
    return text, images


@pytest.fixture
def demo_profile(engine: Engine, profile_id: int) -> int:
    demo.load_demo(engine, profile_id, today=DEMO_TODAY)
    return profile_id


def _charts_with_data(engine: Engine, profile_id: int) -> int:
    content = report_content(engine, profile_id, ReportRequest(now=NOW))
    return len([chart for chart in content.charts if not figures.empty_message(chart)])


def _jpeg(colour: str) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (60, 40), colour).save(buffer, format="JPEG")
    return buffer.getvalue()


@needs_chromium
def test_pdf_holds_summary_charts_flags_and_sessions(engine: Engine, demo_profile: int) -> None:
    data = build_pdf(engine, demo_profile, ReportRequest(now=NOW))
    assert data.startswith(b"%PDF")
    text, images = _pdf_text(data)
    squashed = _squashed(text)
    sessions = queries.sessions_frame(engine, demo_profile)
    facts = model.key_facts(sessions, "Europe/London")

    assert "Dermarolling progress report: Sam" in text
    assert _squashed(f"Period covered {facts.first_day} to {facts.last_day}") in squashed
    assert _squashed("Generated Mon 2 Mar 2026, 12:00 (Europe/London)") in squashed
    assert squashed.count(_squashed(DISCLAIMER)) == 1
    assert "Key figures" in text
    assert _squashed(f"Sessions in the period {len(sessions)}") in squashed
    # Every chart with data is in as an image.
    charts = _charts_with_data(engine, demo_profile)
    assert charts == 6
    assert images >= charts
    # Flags per rule; the recent critical ones in full; every recent one on a line.
    flags = flagging.profile_flags(engine, demo_profile, now=NOW)
    assert not flags.empty
    for title in set(flags["title"]):
        assert _squashed(title) in squashed
    today = NOW.date()
    critical = typed_tables.flags_to_read_in_full(flags, today)
    assert not critical.empty
    for flag in critical.itertuples():
        assert _squashed(f"What to do: {flag.advice}") in squashed
    for flag in typed_tables.flags_since(flags, today).itertuples():
        assert _squashed(flag.message) in squashed
    # Sessions per month, and the most recent sessions one row each.
    for month in {f"{moment:%b %Y}" for moment in sessions["started_at"]}:
        assert _squashed(month) in squashed
    table = compact_sessions(sessions, "Europe/London").head(RECENT_SESSIONS)
    for row in table.itertuples(index=False):
        assert _squashed(row.Date) in squashed
    assert _squashed(COMPLETE_LISTS) in squashed
    assert "Needle lengths used" in text
    for length in sorted(set(sessions["needle_mm"])):
        assert f"{length:g} mm" in text
    # Photos only when asked for.
    assert "Scar photos" not in text


@needs_chromium
def test_pdf_shows_photos_only_when_included(sqlite_engine: Engine) -> None:
    person = create_profile(sqlite_engine, ProfileSettings(display_name="Kim", timezone="UTC"))
    demo.load_demo(sqlite_engine, person, today=DEMO_TODAY)
    photos = [ReportPhoto("Left cheek, Mon 2 Feb 2026", _jpeg("peru"))]
    without = build_pdf(sqlite_engine, person, ReportRequest(now=NOW))
    with_photos = build_pdf(sqlite_engine, person, ReportRequest(now=NOW, photos=photos))
    text_without, images_without = _pdf_text(without)
    text_with, images_with = _pdf_text(with_photos)
    assert "Left cheek, Mon 2 Feb 2026" not in text_without
    assert "Left cheek, Mon 2 Feb 2026" in text_with
    assert images_with == images_without + 1


def test_an_empty_profile_gets_a_report_that_says_so(sqlite_engine: Engine) -> None:
    person = create_profile(sqlite_engine, ProfileSettings(display_name="Kim", timezone="UTC"))
    # No chart has data, so no Chromium is needed.
    text, images = _pdf_text(build_pdf(sqlite_engine, person, ReportRequest(now=NOW)))
    assert "Period covered no sessions yet" in text
    assert "No sessions logged yet." in text
    assert "No flags: every session logged follows the safety protocol." in text
    assert images == 0
    page = build_html(sqlite_engine, person, ReportRequest(now=NOW))
    assert "no sessions yet" in page
    assert "Plotly.newPlot" not in page


def test_html_report_is_self_contained_with_charts_and_flags(
    engine: Engine, demo_profile: int
) -> None:
    page = build_html(engine, demo_profile, ReportRequest(now=NOW))
    assert page.startswith("<!DOCTYPE html>")
    # Nothing fetched from anywhere: no external script, stylesheet, font or image.
    assert not re.search(r"<script[^>]*\ssrc=", page, re.IGNORECASE)
    assert not re.search(r"<link[^>]*\shref=", page, re.IGNORECASE)
    assert not re.search(r"<img[^>]*\ssrc=[\"']?https?:", page, re.IGNORECASE)
    assert not re.search(r"url\(\s*[\"']?https?:", page, re.IGNORECASE)
    assert "@import" not in page
    assert len(page) > 1_000_000  # plotly.js itself is inlined
    assert page.count("Plotly.newPlot(") == _charts_with_data(engine, demo_profile)
    for title in ("Sessions per week", "How long redness lasted", "Safety flags over time"):
        assert title in page
    assert "Dermarolling progress report: Sam" in page
    assert page.count(DISCLAIMER) == 1
    flags = flagging.profile_flags(engine, demo_profile, now=NOW)
    for flag in typed_tables.flags_since(flags, NOW.date()).itertuples():
        assert escape_html(flag.message) in page
    for title in set(flags["title"]):
        assert escape_html(title) in page
    assert escape_html(COMPLETE_LISTS) in page
    assert "Scar photos" not in page


def test_html_escapes_what_people_typed(sqlite_engine: Engine) -> None:
    person = create_profile(
        sqlite_engine, ProfileSettings(display_name="<script>x</script>", timezone="UTC")
    )
    photos = [ReportPhoto('<img src="http://evil">', _jpeg("white"))]
    page = build_html(sqlite_engine, person, ReportRequest(now=NOW, photos=photos))
    assert "<script>x</script>" not in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page
    assert '<img src="http://evil">' not in page
    assert "data:image/jpeg;base64," in page


def test_no_chromium_means_no_pdf_and_says_why(
    sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    person = create_profile(sqlite_engine, ProfileSettings(display_name="Kim", timezone="UTC"))
    demo.load_demo(sqlite_engine, person, today=DEMO_TODAY)
    monkeypatch.setenv(BROWSER_PATH_VARIABLE, "/nonexistent/chromium")
    assert not chromium_available()
    with pytest.raises(ChromiumMissing, match="HTML report"):
        build_pdf(sqlite_engine, person, ReportRequest(now=NOW))
    assert "Plotly.newPlot(" in build_html(sqlite_engine, person, ReportRequest(now=NOW))


def test_needle_usage_counts_each_length(engine: Engine, demo_profile: int) -> None:
    sessions = queries.sessions_frame(engine, demo_profile)
    usage = needle_usage(sessions, "Europe/London")
    assert list(usage.columns) == NEEDLE_COLUMNS
    assert sum(int(count) for count in usage["Sessions"]) == len(sessions)
    assert list(usage["Needle"]) == [f"{length:g} mm" for length in sorted(set(sessions.needle_mm))]
    assert all(re.fullmatch(r"\w{3} \d{1,2} \w{3} \d{4}", day) for day in usage["First used"])


@needs_chromium
def test_stored_photos_reach_the_report_only_when_asked(sqlite_engine: Engine) -> None:
    from dermadash import photos

    person = create_profile(sqlite_engine, ProfileSettings(display_name="Kim", timezone="UTC"))
    demo.load_demo(sqlite_engine, person, today=DEMO_TODAY)
    rating = queries.scar_ratings_frame(sqlite_engine, person).iloc[-1]
    photos.add_photo(sqlite_engine, person, int(rating["rating_id"]), _jpeg("peru"))
    stored = stored_photos(sqlite_engine, person)
    assert [photo.caption for photo in stored] == [
        f"{rating['area']}, {format_day(rating['rated_on'])}, severity {rating['severity']}/10"
    ]
    with_photos = build_pdf(sqlite_engine, person, ReportRequest(now=NOW, photos=stored))
    text, _images = _pdf_text(with_photos)
    assert stored[0].caption in _squashed(text) or stored[0].caption in text


def _log_weekly(engine: Engine, profile_id: int, weeks: int, note: str) -> None:
    from dermadash.storage import records

    for week in range(weeks):
        records.add_session(
            engine,
            profile_id,
            records.SessionInput(
                started_at=datetime(2026, 1, 5, 20, 0, tzinfo=UTC) + timedelta(weeks=week),
                areas=["Left cheek"],
                needle_mm=0.25,
                pain=2,
                notes=f"{note} week {week}",
            ),
        )


@needs_chromium
def test_a_report_from_a_link_covers_its_period_and_names_it_in_the_footer(
    sqlite_engine: Engine,
) -> None:
    person = create_profile(sqlite_engine, ProfileSettings(display_name="Kim", timezone="UTC"))
    _log_weekly(sqlite_engine, person, 6, "private-note")  # 5 Jan to 9 Feb 2026
    options = share_links.LinkOptions(include_notes=False, since=date(2026, 1, 26))
    data = build_pdf(sqlite_engine, person, ReportRequest(NOW, options, "Dr Example"))
    reader = PdfReader(BytesIO(data))
    footer = "made for Dr Example on Mon 2 Mar 2026, 12:00 (UTC)"
    for page in reader.pages:  # every page names the link and when it was made
        assert _squashed(footer) in _squashed(page.extract_text() or "")
    text, _images = _pdf_text(data)
    assert "since Mon 26 Jan 2026 (sessions Mon 26 Jan 2026 to Mon 9 Feb 2026)" in text
    assert "Sessions logged 3" in text
    assert "Mon 19 Jan 2026" not in text  # before the link's first day
    assert "private-note" not in text
    page = build_html(sqlite_engine, person, ReportRequest(NOW, options, "Dr Example"))
    assert footer in page
    assert "private-note" not in page
    assert "Mon 19 Jan 2026" not in page
    owner = build_html(sqlite_engine, person, ReportRequest(now=NOW))
    assert "Mon 5 Jan 2026 to Mon 9 Feb 2026" in owner  # the owner's own: whole course
    assert "made for" not in owner


@pytest.fixture
def five_years(sqlite_engine: Engine) -> int:
    person = create_profile(sqlite_engine, ProfileSettings(display_name="Kim", timezone="UTC"))
    import_five_year_log(sqlite_engine, person, today=NOW.date())
    return person


@needs_chromium
@pytest.mark.slow
def test_a_five_year_pdf_fits_in_twelve_pages_with_every_recent_critical_flag(
    sqlite_engine: Engine, five_years: int
) -> None:
    steps: list[tuple[str, float]] = []
    data = build_pdf(
        sqlite_engine,
        five_years,
        ReportRequest(now=NOW),
        lambda what, done: steps.append((what, done)),
    )
    reader = PdfReader(BytesIO(data))
    assert len(reader.pages) <= 12
    text = _squashed("\n".join(page.extract_text() or "" for page in reader.pages))
    flags = flagging.profile_flags(sqlite_engine, five_years, now=NOW)
    assert len(flags) >= 1000
    critical = typed_tables.flags_to_read_in_full(flags, NOW.date())
    assert len(critical) >= 3
    for flag in critical.itertuples():
        assert _squashed(f"{flag.title} · {format_day(flag.date)}") in text
        assert _squashed(flag.message) in text
        assert _squashed(f"What to do: {flag.advice}") in text
    # Every rule that ever flagged is counted, with its first and last date.
    for rule, mine in flags.groupby("rule"):
        assert _squashed(format_day(mine["date"].max())) in text, rule
    assert _squashed(COMPLETE_LISTS) in text
    # Progress is told in order, up to done.
    fractions = [done for _what, done in steps]
    assert fractions == sorted(fractions)
    assert steps[-1] == ("The report is ready", 1.0)
    assert any(what == "Drawing the charts (6 of 6)" for what, _done in steps)


@needs_chromium
def test_one_chromium_stays_warm_between_reports(engine: Engine, demo_profile: int) -> None:
    build_pdf(engine, demo_profile, ReportRequest(now=NOW))
    warm = drawer()
    first = warm._thread
    assert first is not None
    assert first.is_alive()
    build_pdf(engine, demo_profile, ReportRequest(now=NOW))
    assert warm._thread is first  # the same Chromium session drew the second report


def test_a_links_report_has_only_the_photos_rated_since_its_first_day(app_database: str) -> None:
    """The report made from a share link shows its photos as the link does: none rated
    before the link's first day."""
    from dermadash.storage import db
    from tests.photo_helpers import add_rated_photo
    from views import report_parts

    engine = db.make_engine(app_database)
    db.upgrade(engine)
    person = create_profile(engine, ProfileSettings(display_name="Kim", timezone="UTC"))
    add_rated_photo(engine, person, "Chin", date(2026, 1, 5), 6)
    add_rated_photo(engine, person, "Chin", date(2026, 2, 9), 4)
    engine.dispose()
    since = [photo.caption for photo in report_parts.report_photos(person, date(2026, 2, 1))]
    assert since == ["Chin, Mon 9 Feb 2026, severity 4/10"]
    assert len(report_parts.report_photos(person)) == 2


def test_the_worded_sessions_table(engine: Engine, profile_id: int) -> None:
    frame = three_weekly_sessions(engine, profile_id)
    table = worded_sessions(frame, "Europe/London")
    assert table["Date"].iloc[0] == "Tue 17 Feb 2026, 21:00"  # newest first
    assert table["Areas"].iloc[0] == "Cheeks, Forehead"
    assert table["Passes (V/H/D)"].iloc[0] == "4/–/–"
    assert table["Pain"].iloc[0] == "3 / 10"
    assert worded_sessions(frame.iloc[0:0], "UTC").empty
