"""In a real Chromium: what a link does not share never reaches the viewer's browser.

Streamlit sends every element over its WebSocket, so the frames are read as they
arrive (``framereceived``): a note left out only by the layout would still show there.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from pypdf import PdfReader

from dermadash.sharing import share_links
from dermadash.storage import db, records
from dermadash.storage.profiles import default_profile_id
from tests.browser import (
    LAPTOP,
    PHONE,
    browser,  # noqa: F401  (a fixture)
    running_app,
    save_screenshot,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, WebSocket

pytestmark = pytest.mark.browser
WAIT_MS = 30_000
DOWNLOAD_WAIT_MS = 120_000
SESSION_NOTE = "zebra-session-note"
CHECK_IN_NOTE = "zebra-check-in-note"
RATING_NOTE = "zebra-rating-note"
NOTES = (SESSION_NOTE, CHECK_IN_NOTE, RATING_NOTE)


def _log_with_notes(database_url: str) -> int:
    engine = db.make_engine(database_url)
    db.upgrade(engine)
    profile_id = default_profile_id(engine, "Europe/London")
    start = datetime(2026, 1, 5, 20, 0, tzinfo=UTC)
    for week in range(4):
        session_id = records.add_session(
            engine,
            profile_id,
            records.SessionInput(
                started_at=start + timedelta(weeks=week),
                areas=["Left cheek"],
                needle_mm=0.25,
                pain=3,
                notes=f"{SESSION_NOTE} {week}",
            ),
        )
        records.save_check_in(
            engine,
            profile_id,
            session_id,
            records.CheckInInput(redness_hours=6, notes=f"{CHECK_IN_NOTE} {week}"),
        )
    records.add_scar_rating(
        engine,
        profile_id,
        records.ScarRatingInput(
            rated_on=date(2026, 1, 6), area="Left cheek", severity=6, notes=RATING_NOTE
        ),
    )
    engine.dispose()
    return profile_id


def _received_text(page: Page, url: str) -> list[str]:
    """Open ``url`` and gather every WebSocket frame the browser receives, as text."""
    frames: list[str] = []

    def watch(socket: WebSocket) -> None:
        socket.on(
            "framereceived",
            lambda payload: frames.append(
                payload.decode("utf-8", "replace") if isinstance(payload, bytes) else payload
            ),
        )

    page.on("websocket", watch)
    page.goto(url)
    return frames


def test_notes_left_out_never_reach_the_browser_nor_the_report(
    browser: Browser,  # noqa: F811
    tmp_path: Path,
) -> None:
    database_url = f"sqlite:///{tmp_path / 'live.db'}"
    profile_id = _log_with_notes(database_url)
    engine = db.make_engine(database_url)
    without = share_links.create_link(engine, profile_id, "Dr Rivera", include_photos=True)
    with_notes = share_links.create_link(engine, profile_id, "Dr Okafor", include_notes=True)
    with running_app(database_url) as base_url:
        context = browser.new_context(viewport=PHONE, accept_downloads=True)
        page = context.new_page()
        try:
            frames = _received_text(page, f"{base_url}/?share={without.token}")
            page.get_by_text("Read-only view shared with Dr Rivera").wait_for(timeout=WAIT_MS)
            page.locator('[data-testid="stDataFrame"]').last.wait_for(timeout=WAIT_MS)
            page.get_by_text("Every safety flag").wait_for(timeout=WAIT_MS)
            page.wait_for_timeout(1000)  # the last frames of the run
            received = "\n".join(frames)
            assert "Left cheek" in received  # the frames are read: the view's text is there
            for note in NOTES:
                assert note not in received
            page.get_by_role("button", name="Make the PDF report").click()
            download = page.get_by_role("button", name="Download PDF report")
            download.wait_for(timeout=DOWNLOAD_WAIT_MS)
            with page.expect_download(timeout=DOWNLOAD_WAIT_MS) as download_info:
                download.click()
            saved = tmp_path / "report.pdf"
            download_info.value.save_as(saved)
            text = "".join(sheet.extract_text() for sheet in PdfReader(saved).pages)
            assert "madeforDrRiveraon" in "".join(text.split())  # the footer names the link
            for note in NOTES:
                assert note not in text

            # The same page for a link that shares notes does carry them: the check is real.
            control = context.new_page()
            control_frames = _received_text(control, f"{base_url}/?share={with_notes.token}")
            control.get_by_text("Read-only view shared with Dr Okafor").wait_for(timeout=WAIT_MS)
            control.locator('[data-testid="stDataFrame"]').last.wait_for(timeout=WAIT_MS)
            control.wait_for_timeout(1000)
            assert SESSION_NOTE in "\n".join(control_frames)
            control.close()
        except BaseException:
            save_screenshot(page, "FAILED-share-options")
            raise
        finally:
            context.close()
            engine.dispose()


def test_the_new_link_dialog_stays_until_the_owner_closes_it(
    browser: Browser,  # noqa: F811
    tmp_path: Path,
) -> None:
    database_url = f"sqlite:///{tmp_path / 'live.db'}"
    _log_with_notes(database_url)
    with running_app(database_url) as base_url:
        context = browser.new_context(viewport=LAPTOP)
        page = context.new_page()
        try:
            page.goto(f"{base_url}/share")
            page.get_by_label("Who is it for?").fill("Dr Rivera")
            page.get_by_text("Protect it with a passcode").click()
            page.get_by_role("button", name="Create link").click()
            dialog = page.get_by_role("dialog")
            dialog.get_by_text("shown once", exact=True).wait_for(timeout=WAIT_MS)
            codes = dialog.locator('[data-testid="stCode"]')
            codes.nth(1).wait_for(timeout=WAIT_MS)
            assert codes.count() == 2  # the link and its passcode
            link = codes.nth(0).inner_text().strip()
            assert link.startswith(f"{base_url}/?share=")
            # Escape and a click beside it leave it open: only its own button closes it.
            page.keyboard.press("Escape")
            page.mouse.click(5, 5)
            page.wait_for_timeout(800)
            assert dialog.get_by_text("shown once", exact=True).is_visible()
            save_screenshot(page, "share-new-link-dialog-laptop")
            dialog.get_by_role("button", name="I have copied it: close").click()
            dialog.wait_for(state="detached", timeout=WAIT_MS)
            page.get_by_text("needs a passcode").first.wait_for(timeout=WAIT_MS)
            assert page.locator('[data-testid="stCode"]').count() == 0
        except BaseException:
            save_screenshot(page, "FAILED-share-dialog")
            raise
        finally:
            context.close()
