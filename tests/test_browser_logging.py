"""A person logs a session and its check-in on a phone, then finds them in History.

Real app (``streamlit run``), real Chromium, real SQLite file.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from dermadash import demo
from dermadash.storage import queries
from tests.browser import (  # noqa: F401  (pytest fixtures)
    LAPTOP,
    LOAD_SECONDS,
    PHONE,
    browser,
    live_app,
    live_database_url,
    open_page,
    open_store,
    save_screenshot,
    screenshot_on_failure,
    settle,
)

pytestmark = pytest.mark.browser
PHONE_LAYOUT_MAX_WIDTH = 640


def _menu(page: Any) -> Any:
    """The navigation menu, opened first when the phone layout has it folded away."""
    expand = page.get_by_test_id("stExpandSidebarButton")
    if expand.count() and expand.is_visible():
        expand.click()
    return page.get_by_test_id("stSidebarNav")


def _go(page: Any, link: str, title: str) -> None:
    _menu(page).get_by_text(link, exact=True).click()
    page.get_by_role("heading", name=title, exact=True).wait_for(timeout=LOAD_SECONDS * 1000)
    if page.viewport_size["width"] < PHONE_LAYOUT_MAX_WIDTH:
        # On a phone the menu covers the page until it is folded away again.
        page.get_by_test_id("stSidebarCollapseButton").locator("button").click(force=True)
        page.get_by_test_id("stExpandSidebarButton").wait_for()


def _answer(page: Any, question: str, answer: str) -> None:
    group = page.get_by_role("radiogroup", name=re.compile("^" + re.escape(question)))
    group.get_by_role("radio", name=answer, exact=True).click()


def test_log_a_session_and_its_check_in_on_a_phone(
    browser: Any,  # noqa: F811
    live_app: str,  # noqa: F811
    live_database_url: str,  # noqa: F811
) -> None:
    engine, profile_id = open_store(live_database_url)
    context = browser.new_context(viewport=PHONE, timezone_id="Europe/London")
    page = context.new_page()
    try:
        with screenshot_on_failure(page, "log-session-phone"):
            # Opened from the start page, as a person would (the router runs first).
            open_page(page, live_app, "dermadash")
            _go(page, "Log a session", "Log a session")
            areas = page.get_by_test_id("stMultiSelect")
            areas.click()
            page.keyboard.type("left cheek")
            page.keyboard.press("Enter")
            page.keyboard.press("Escape")
            settle(page)
            needle = page.get_by_label("Needle (mm)")
            needle.fill("0.25")
            needle.press("Tab")
            settle(page)
            for question in (
                "Roller sterilised before",
                "Roller sterilised after",
                "Skin cleansed",
            ):
                _answer(page, question, "Yes")
                settle(page)
            for question in ("Active acne", "Retinoid used", "Pinpoint bleeding"):
                _answer(page, question, "No")
                settle(page)
            _answer(page, "Pain", "3")
            settle(page)
            # A double tap on Save must still store one session.
            page.get_by_role("button", name="Save session").dblclick()
            page.get_by_text("Session saved.").wait_for(timeout=LOAD_SECONDS * 1000)
            settle(page)
            assert queries.session_count(engine, profile_id) == 1
            save_screenshot(page, "flow-phone-log-saved")

            # The menu shows the check-in waiting.
            _go(page, "Check-in (1)", "Check-in")
            page.get_by_text("1 session still waits for a check-in").wait_for()
            page.get_by_label("Redness lasted (hours)").fill("12")
            page.get_by_label("Redness lasted (hours)").press("Tab")
            settle(page)
            page.get_by_label("Stinging lasted (minutes)").fill("10")
            page.get_by_label("Stinging lasted (minutes)").press("Tab")
            settle(page)
            _answer(page, "Side effect", "None")
            settle(page)
            page.get_by_role("button", name="Save check-in").click()
            page.get_by_text("Check-in saved").wait_for(timeout=LOAD_SECONDS * 1000)
            settle(page)
            save_screenshot(page, "flow-phone-check-in-saved")

            _go(page, "History", "History")
            # The card streams in element by element: wait for its last line, the check-in.
            checked_in = "Check-in: redness 12 h, stinging 10 min, no side effects."
            page.get_by_text(checked_in).wait_for(timeout=LOAD_SECONDS * 1000)
            body = page.locator("body").inner_text()
            assert "Sessions (1)" in body
            assert "Left cheek" in body
            assert "0.25 mm" in body
            assert "pain 3/10" in body
            assert checked_in in body
            save_screenshot(page, "flow-phone-history")
    finally:
        context.close()

    sessions = queries.sessions_frame(engine, profile_id)
    assert len(sessions) == 1
    assert sessions.iloc[0]["areas"] == ["Left cheek"]
    assert sessions.iloc[0]["redness_hours"] == 12.0
    engine.dispose()


@pytest.mark.parametrize(("viewport_name", "viewport"), [("phone", PHONE), ("laptop", LAPTOP)])
def test_logging_pages_render_with_example_data(
    browser: Any,  # noqa: F811
    live_app: str,  # noqa: F811
    live_database_url: str,  # noqa: F811
    viewport_name: str,
    viewport: dict,
) -> None:
    """Every logging page opens cleanly on demo data; screenshots go to test-artifacts/."""
    engine, profile_id = open_store(live_database_url)
    demo.load_demo(engine, profile_id)
    engine.dispose()
    context = browser.new_context(viewport=viewport, timezone_id="Europe/London")
    page = context.new_page()
    try:
        open_page(page, live_app, "dermadash")
        for path, title, last_text in (
            ("log_session", "Log a session", "Save session"),
            ("check_in", "Check-in", "Save changes"),
            ("scar_ratings", "Scar ratings", "Latest rating per area"),
            ("rollers", "Rollers", "Starter roller"),
            ("history", "History", "Show older sessions"),
        ):
            with screenshot_on_failure(page, f"{viewport_name}-{path}"):
                open_page(page, f"{live_app}/{path}", title)
                page.get_by_text(last_text).first.wait_for(timeout=LOAD_SECONDS * 1000)
                settle(page)
                body = page.locator("body").inner_text()
                assert "Something went wrong" not in body
                assert "Traceback" not in body
                save_screenshot(page, f"{viewport_name}-{path}")
    finally:
        context.close()
