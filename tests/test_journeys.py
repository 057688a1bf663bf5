"""The main journeys, end to end: the real app (``streamlit run``) in a real Chromium.

Journeys already covered elsewhere, exactly as the product describes them:

- log a session and its check-in on a phone, then find them in History:
  ``tests/test_browser_logging.py::test_log_a_session_and_its_check_in_on_a_phone``;
- create a share link, open it in a fresh browser context (read-only), revoke it, see
  it is no longer valid: ``tests/test_browser_sharing.py::test_share_open_revoke``.

Here: the first start on an empty database, importing a spreadsheet, and a freshly
started password-protected server whose very first request is an owner page.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from dermadash import auth, demo
from dermadash.storage import db, queries
from dermadash.storage.profiles import default_profile_id
from tests.browser import (  # noqa: F401  (pytest fixtures)
    LAPTOP,
    PHONE,
    browser,
    live_app,
    live_database_url,
    running_app,
    save_screenshot,
    screenshot_on_failure,
)

pytestmark = pytest.mark.browser
WAIT_MS = 60_000
CHART_COUNT = 6
SESSIONS_CSV = "\n".join(
    [
        "date,area,needle_mm,roller,passes_vertical,passes_horizontal,sterilized_before,"
        "sterilized_after,skin_cleansed,active_acne,pain,redness_hours,stinging_minutes,"
        "side_effect",
        "2026-01-05 21:00,Left cheek;Right cheek,0.25,Journey roller,"
        "6,6,yes,yes,yes,no,3,12,10,none",
        "2026-01-12 21:00,Left cheek,0.25,Journey roller,6,6,yes,yes,yes,no,4,10,5,none",
        "2026-01-19 21:30,Forehead,0.25,Journey roller,5,5,yes,yes,yes,no,2,,,",
        "",
    ]
)


def _settle(page: Any) -> None:
    """Wait until Streamlit has finished the rerun a click started."""
    page.wait_for_timeout(300)
    page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=WAIT_MS)


def _charts_drawn(page: Any, count: int) -> None:
    page.wait_for_function(
        # A function, not an expression: Playwright would eval it, which the CSP forbids.
        f"() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= {count}",
        timeout=WAIT_MS,
    )


def test_first_start_then_example_data_then_dashboard(
    browser: Any,  # noqa: F811
    live_app: str,  # noqa: F811
    live_database_url: str,  # noqa: F811
) -> None:
    """A new person opens the app on an empty database and asks for example data."""
    context = browser.new_context(viewport=LAPTOP, timezone_id="Europe/London")
    page = context.new_page()
    try:
        with screenshot_on_failure(page, "journey-first-start"):
            page.goto(live_app)
            page.get_by_text("No sessions yet").wait_for(timeout=WAIT_MS)
            assert page.locator(".js-plotly-plot").count() == 0
            save_screenshot(page, "journey-first-start-empty")
            page.get_by_role("button", name="Load example data").click()
            page.get_by_text("Sessions in the period").wait_for(timeout=WAIT_MS)
            _charts_drawn(page, CHART_COUNT)
            assert page.locator(".js-plotly-plot").count() == CHART_COUNT
            assert page.get_by_text("You are looking at example data").count() == 1
            body = page.locator("body").inner_text()
            assert "Something went wrong" not in body
            assert "Traceback" not in body
            save_screenshot(page, "journey-first-start-dashboard")
    finally:
        context.close()

    engine = db.make_engine(live_database_url)
    profile_id = default_profile_id(engine)
    assert demo.has_demo_data(engine, profile_id)
    assert queries.session_count(engine, profile_id) > 0
    engine.dispose()


def test_import_a_sessions_spreadsheet_then_see_it_in_history(
    browser: Any,  # noqa: F811
    live_app: str,  # noqa: F811
    live_database_url: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    spreadsheet = tmp_path / "my-rolling-log.csv"
    spreadsheet.write_text(SESSIONS_CSV, encoding="utf-8")
    context = browser.new_context(viewport=LAPTOP, timezone_id="Europe/London")
    page = context.new_page()
    try:
        with screenshot_on_failure(page, "journey-import"):
            page.goto(f"{live_app}/your_data")
            page.get_by_role("heading", name="Import a spreadsheet").wait_for(timeout=WAIT_MS)
            page.get_by_test_id("stFileUploader").first.locator(
                'input[type="file"]'
            ).set_input_files(str(spreadsheet))
            page.get_by_role("button", name="Check this file").click()
            # The preview: every row, and what would happen, before anything is saved.
            page.get_by_text("Ready:").wait_for(timeout=WAIT_MS)
            preview = page.get_by_test_id("stDataFrame").first
            preview.wait_for()
            assert "my-rolling-log.csv" in page.locator("body").inner_text()
            engine = db.make_engine(live_database_url)
            db.upgrade(engine)
            profile_id = default_profile_id(engine)
            assert queries.session_count(engine, profile_id) == 0
            save_screenshot(page, "journey-import-preview")

            page.get_by_role("button", name=re.compile(r"^Import \d+ entries$")).click()
            page.get_by_text("3 new sessions").wait_for(timeout=WAIT_MS)
            _settle(page)
            assert queries.session_count(engine, profile_id) == 3
            save_screenshot(page, "journey-import-done")

            page.get_by_test_id("stSidebarNav").get_by_text("History", exact=True).click()
            page.get_by_role("heading", name="History", exact=True).wait_for(timeout=WAIT_MS)
            page.get_by_text("Sessions (3)").wait_for(timeout=WAIT_MS)
            # The oldest session's card comes last: once it is there, all three are.
            page.get_by_text("Mon 5 Jan 2026", exact=False).first.wait_for(timeout=WAIT_MS)
            _settle(page)
            body = page.locator("body").inner_text()
            assert "Forehead" in body
            assert "Left cheek" in body
            assert "Mon 12 Jan 2026" in body
            save_screenshot(page, "journey-import-history")
            engine.dispose()
    finally:
        context.close()


def test_first_request_to_a_protected_server_shows_only_the_sign_in(
    browser: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    """A fresh server with a password: an owner page URL first reveals nothing."""
    database_url = f"sqlite:///{tmp_path / 'protected.db'}"
    engine = db.make_engine(database_url)
    db.upgrade(engine)
    demo.load_demo(engine, default_profile_id(engine, "Europe/London"))
    engine.dispose()
    with running_app(
        database_url,
        DERMADASH_AUTH="password",
        DERMADASH_OWNER_PASSWORD_HASH=auth.hash_password("a long owner passphrase"),
    ) as base_url:
        context = browser.new_context(viewport=PHONE, timezone_id="Europe/London")
        page = context.new_page()
        received: list[str] = []
        page.on(
            "websocket",
            lambda socket: socket.on(
                "framereceived",
                lambda frame: received.append(
                    frame if isinstance(frame, str) else frame.decode("latin-1")
                ),
            ),
        )
        try:
            with screenshot_on_failure(page, "journey-protected-first-request"):
                page.goto(f"{base_url}/history")
                page.get_by_text("Sign in to see your dermarolling log").wait_for(timeout=WAIT_MS)
                page.get_by_label("Password", exact=True).wait_for()
                _settle(page)
                body = page.locator("body").inner_text()
                for owner_text in ("Sessions (", "Starter roller", "Left cheek", "Check-in"):
                    assert owner_text not in body
                assert page.get_by_role("heading", name="History", exact=True).count() == 0
                # Nothing of the owner's reached the browser at all, shown or not.
                sent = "".join(received)
                assert received
                for owner_text in ("Starter roller", "Left cheek", "Forehead"):
                    assert owner_text not in sent
                save_screenshot(page, "journey-protected-sign-in")
        finally:
            context.close()
