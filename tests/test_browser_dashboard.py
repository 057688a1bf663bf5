"""The dashboard in a real Chromium, at phone and laptop sizes, on the demo data."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from dermadash import demo
from dermadash.storage import db
from dermadash.storage.profiles import default_profile_id
from tests.browser import (  # noqa: F401 (fixtures)
    LAPTOP,
    PHONE,
    browser,
    live_app,
    live_database_url,
    save_screenshot,
    screenshot_on_failure,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ViewportSize

pytestmark = pytest.mark.browser
CHART_COUNT = 6
RENDER_TIMEOUT_MS = 60_000


def load_demo_into(database_url: str) -> None:
    engine = db.make_engine(database_url)
    db.upgrade(engine)
    demo.load_demo(engine, default_profile_id(engine, "Europe/London"))
    engine.dispose()


@pytest.mark.parametrize(("size_name", "size"), [("phone", PHONE), ("laptop", LAPTOP)])
def test_dashboard_renders_every_chart(
    browser: Browser,  # noqa: F811
    live_app: str,  # noqa: F811
    live_database_url: str,  # noqa: F811
    size_name: str,
    size: ViewportSize,
) -> None:
    load_demo_into(live_database_url)
    context = browser.new_context(viewport=size, timezone_id="Europe/London")
    page = context.new_page()
    with screenshot_on_failure(page, f"dashboard-{size_name}"):
        page.goto(live_app)
        page.get_by_text("Sessions in the period").wait_for(timeout=RENDER_TIMEOUT_MS)
        charts = page.locator(".js-plotly-plot")
        page.wait_for_function(
            # A function, not an expression: Playwright evaluates a bare expression with
            # eval, which the app's Content-Security-Policy forbids.
            f"() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= {CHART_COUNT}",
            timeout=RENDER_TIMEOUT_MS,
        )
        assert charts.count() == CHART_COUNT
        for title in ("Sessions per week", "How long redness lasted", "Safety flags over time"):
            assert page.locator(".gtitle", has_text=title).count() == 1
        assert page.get_by_text("Something went wrong").count() == 0
        # Nothing wider than the screen: a phone never scrolls sideways.
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
        page.wait_for_timeout(500)  # let the charts finish their layout for the picture
        save_screenshot(page, f"dashboard-{size_name}")
    context.close()
