"""The PDF report prints names in any script, and no log line quotes them."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import Engine

from dermadash.report import fonts
from dermadash.report.chromium import chromium_available
from dermadash.report.content import ReportRequest
from dermadash.report.pdf import build_pdf
from dermadash.storage.profiles import ProfileSettings, create_profile
from dermadash.storage.records import SessionInput, add_session

NAMES = ("Łukasz", "Ελένη", "Дмитрий", "山田花子")
# No shipped font draws this hieroglyph: fpdf2 would name it in a warning.
UNDRAWABLE = "𓂀"
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def squashed(data: bytes) -> str:
    reader = PdfReader(BytesIO(data))
    return "".join("".join(page.extract_text() or "" for page in reader.pages).split())


def test_the_fonts_ship_with_the_project() -> None:
    assert fonts.fonts_present()
    assert fonts.FONT_DIR.parent.name == "assets"
    assert (fonts.FONT_DIR / "LICENSE-DejaVu.txt").is_file()
    assert (fonts.FONT_DIR / "LICENSE-DroidSansFallback-Apache-2.0.txt").is_file()


@pytest.mark.skipif(not chromium_available(), reason="no Chromium to draw the charts")
def test_names_in_any_script_come_out_of_the_pdf_and_stay_out_of_the_log(
    sqlite_engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    person = create_profile(
        sqlite_engine, ProfileSettings(display_name=" ".join(NAMES), timezone="Europe/Warsaw")
    )
    for days, area in enumerate([*NAMES, f"Chin {UNDRAWABLE}"]):
        add_session(
            sqlite_engine,
            person,
            SessionInput(
                started_at=NOW - timedelta(days=7 * (days + 1)), areas=[area], needle_mm=0.25
            ),
        )
    with caplog.at_level(logging.DEBUG):
        data = build_pdf(sqlite_engine, person, ReportRequest(now=NOW))
    text = squashed(data)
    for name in NAMES:
        assert name in text
        assert name not in caplog.text
    assert "?ukasz" not in text
    assert UNDRAWABLE not in caplog.text
    assert "missing the following glyphs" not in caplog.text
