"""In a real Chromium: the owner makes a calendar link on Settings, a calendar client
fetches it from the running app, and the one-off file downloads and parses."""

from __future__ import annotations

import os
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from dermadash import demo
from dermadash.storage import db
from dermadash.storage.profiles import default_profile_id
from tests.browser import (
    LAPTOP,
    PHONE,
    browser,  # noqa: F401  (a fixture)
    running_app,
    save_screenshot,
    screenshot_on_failure,
)
from tests.calendar_helpers import NEXT_SAFE, assert_feed_matches_the_engine, parse_feed

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser
WAIT_MS = 30_000
SHOTS = os.environ.get("DERMADASH_SHOTS_DIR")  # also save phone/laptop, light/dark looks


def _section(page: Page) -> None:
    page.get_by_role("heading", name="Calendar reminders").wait_for(timeout=WAIT_MS)
    page.get_by_role("heading", name="Calendar reminders").scroll_into_view_if_needed()


def test_create_fetch_and_download_the_calendar(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    database_url = f"sqlite:///{tmp_path / 'live.db'}"
    engine = db.make_engine(database_url)
    db.upgrade(engine)
    profile_id = default_profile_id(engine, "Europe/London")
    demo.load_demo(engine, profile_id, today=datetime.now(UTC).date())

    with running_app(database_url) as base_url:
        context = browser.new_context(viewport=LAPTOP, accept_downloads=True)
        page = context.new_page()
        with screenshot_on_failure(page, "calendar-settings"):
            page.goto(f"{base_url}/settings")
            _section(page)
            page.get_by_text("Your calendar provider will see these reminders").wait_for(
                timeout=WAIT_MS
            )
            page.get_by_role("button", name="Create calendar link").click()
            code = page.locator('[data-testid="stCode"]').first
            code.wait_for(timeout=WAIT_MS)
            link = code.inner_text().strip()
            assert link.startswith(f"{base_url}/calendar/")
            assert link.endswith(".ics")
            with urllib.request.urlopen(link, timeout=30) as response:
                assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
                fetched = parse_feed(response.read())
            assert_feed_matches_the_engine(engine, profile_id, fetched, datetime.now(UTC))
            assert fetched.named(NEXT_SAFE)

            with page.expect_download(timeout=WAIT_MS) as waiting:
                page.get_by_role("button", name="Download calendar (.ics)").click()
            download = waiting.value
            assert download.suggested_filename.startswith("dermadash-reminders-")
            assert download.suggested_filename.endswith(".ics")
            downloaded = parse_feed(Path(download.path()).read_bytes())
            assert_feed_matches_the_engine(engine, profile_id, downloaded, datetime.now(UTC))
            assert [e.uid for e in downloaded.events] == [e.uid for e in fetched.events]
        context.close()

        if SHOTS:
            _looks(browser, base_url, Path(SHOTS))
    engine.dispose()


def _looks(chromium: Browser, base_url: str, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for size_name, size in (("phone", PHONE), ("laptop", LAPTOP)):
        for scheme in ("light", "dark"):
            context = chromium.new_context(viewport=size, color_scheme=scheme)
            page = context.new_page()
            page.goto(f"{base_url}/settings")
            _section(page)
            page.get_by_text("How to subscribe").click()
            page.wait_for_timeout(800)
            path = save_screenshot(page, f"calendar-{size_name}-{scheme}")
            path.rename(folder / path.name)
            context.close()
