"""Insights and the photo blend in a real browser (real app, real Chromium, SQLite file):
phone and laptop, light and dark; screenshots go to test-artifacts/."""

from __future__ import annotations

from typing import Any

import pytest

from dermadash import demo, photos
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
from tests.conftest import DEMO_TODAY
from tests.photo_helpers import skin_picture

pytestmark = pytest.mark.browser
LOOKS = [
    (f"{size}-{scheme}", viewport, scheme)
    for size, viewport in (("phone", PHONE), ("laptop", LAPTOP))
    for scheme in ("light", "dark")
]


@pytest.mark.parametrize(("look", "viewport", "scheme"), LOOKS)
def test_insights_page_and_photo_blend(
    browser: Any,  # noqa: F811
    live_app: str,  # noqa: F811
    live_database_url: str,  # noqa: F811
    look: str,
    viewport: dict,
    scheme: str,
) -> None:
    engine, profile_id = open_store(live_database_url)
    demo.load_demo(engine, profile_id, today=DEMO_TODAY)
    ratings = queries.scar_ratings_frame(engine, profile_id)
    chin = ratings[ratings["area"] == "Chin"]
    for row in (chin.iloc[0], chin.iloc[-1]):
        photos.add_photo(
            engine, profile_id, int(row["rating_id"]), skin_picture(int(row["severity"]))
        )
    engine.dispose()

    context = browser.new_context(
        viewport=viewport, timezone_id="Europe/London", color_scheme=scheme
    )
    page = context.new_page()
    try:
        with screenshot_on_failure(page, f"insights-{look}"):
            open_page(page, f"{live_app}/insights", "Insights")
            page.get_by_text("Improving", exact=True).first.wait_for(timeout=LOAD_SECONDS * 1000)
            settle(page)
            body = page.locator("body").inner_text()
            assert "Something went wrong" not in body
            assert "points a month (95 % interval" in body
            assert "goes with" in body
            frames = page.get_by_test_id("stDataFrame")
            frames.nth(1).wait_for(timeout=LOAD_SECONDS * 1000)  # redness, stinging
            save_screenshot(page, f"insights-{look}")

        with screenshot_on_failure(page, f"blend-{look}"):
            open_page(page, f"{live_app}/photos", "Photos")
            page.get_by_role("radio", name="Blend", exact=True).click()
            settle(page)
            page.get_by_role("slider").focus()
            for _ in range(4):
                page.keyboard.press("ArrowRight")  # 50 % → 70 %
            page.get_by_text("30 % ", exact=False).first.wait_for(timeout=LOAD_SECONDS * 1000)
            settle(page)
            assert "Something went wrong" not in page.locator("body").inner_text()
            save_screenshot(page, f"blend-{look}")
    finally:
        context.close()
