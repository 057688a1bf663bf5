"""A first visit in a real Chromium: the safety questions, then the main pages on a phone."""

from __future__ import annotations

from typing import Any

import pytest

from dermadash.storage.profiles import load_profile
from tests.browser import (  # noqa: F401  (fixtures)
    PHONE,
    browser,
    live_app,
    live_database_url,
    open_store,
    screenshot_on_failure,
)

pytestmark = pytest.mark.browser
WAIT_MS = 30_000


def test_a_phone_answers_the_questions_and_reaches_the_main_pages(
    browser: Any,  # noqa: F811
    live_app: str,  # noqa: F811
    live_database_url: str,  # noqa: F811
) -> None:
    context = browser.new_context(viewport=PHONE, timezone_id="Europe/Warsaw", is_mobile=True)
    page = context.new_page()
    try:
        with screenshot_on_failure(page, "first-run-phone"):
            page.goto(live_app)
            page.get_by_role("button", name="Log your first session").wait_for(timeout=WAIT_MS)
            page.get_by_text("Five safety questions first").wait_for(timeout=WAIT_MS)
            page.get_by_text("Your browser says Europe/Warsaw.").wait_for(timeout=WAIT_MS)
            assert not page.get_by_test_id("stSidebarNav").is_visible()  # collapsed on a phone
            page.get_by_text("Yes", exact=True).first.click()  # experienced
            page.get_by_role("button", name="Save answers").click()
            page.get_by_text("Saved your answers").wait_for(timeout=WAIT_MS)
            engine, profile_id = open_store(live_database_url)
            try:
                me = load_profile(engine, profile_id)
            finally:
                engine.dispose()
            assert (me.experienced, me.timezone) == (True, "Europe/Warsaw")
            assert me.safety_answered_at is not None

            links = page.get_by_test_id("stPageLink")
            for name in ("History", "Check-in", "Log a session"):
                link = links.filter(has_text=name).first
                assert link.is_visible()
            links.filter(has_text="History").first.click()
            page.get_by_role("heading", name="History", exact=True).wait_for(timeout=WAIT_MS)
    finally:
        context.close()
