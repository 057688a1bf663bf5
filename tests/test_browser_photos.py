"""Progress photos in a real browser: upload a photo with a rating, then compare it with an
earlier one; screenshots of the photo pages on a phone and a laptop.

Real app (``streamlit run``), real Chromium, real SQLite file.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from dermadash import demo, photos
from dermadash.sharing import share_links
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
from tests.photo_helpers import add_rating, skin_picture

pytestmark = pytest.mark.browser


def _images_loaded(page: Any, count: int) -> None:
    """Wait until ``count`` pictures are on the page and every one has loaded."""
    images = page.get_by_test_id("stImage").locator("img")
    images.nth(count - 1).wait_for(timeout=LOAD_SECONDS * 1000)
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=stImage] img')]"
        ".every(img => img.complete && img.naturalWidth > 0)",
        timeout=LOAD_SECONDS * 1000,
    )


def test_upload_a_photo_with_a_rating_and_compare_it(
    browser: Any,  # noqa: F811
    live_app: str,  # noqa: F811
    live_database_url: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    engine, profile_id = open_store(live_database_url)
    earlier = add_rating(engine, profile_id, "Left cheek", date(2026, 1, 5), 7)
    photos.add_photo(engine, profile_id, earlier, skin_picture(7))
    picture = tmp_path / "left-cheek.jpg"
    picture.write_bytes(skin_picture(5, size=(4032, 3024)))

    context = browser.new_context(viewport=LAPTOP, timezone_id="Europe/London")
    page = context.new_page()
    try:
        with screenshot_on_failure(page, "photos-upload"):
            open_page(page, f"{live_app}/scar_ratings", "Scar ratings")
            first_area = page.get_by_role("radiogroup", name="Severity").first
            first_area.get_by_role("radio", name="5", exact=True).click()
            settle(page)
            page.get_by_role("radiogroup", name="Add a photo").first.get_by_role(
                "radio", name="Upload", exact=True
            ).click()
            settle(page)
            page.get_by_test_id("stFileUploader").locator('input[type="file"]').set_input_files(
                str(picture)
            )
            page.get_by_text("left-cheek.jpg").wait_for(timeout=LOAD_SECONDS * 1000)
            settle(page)
            save_screenshot(page, "flow-laptop-rating-with-photo")
            page.get_by_role("button", name="Save ratings").click()
            page.get_by_text("Saved 1 rating.").wait_for(timeout=LOAD_SECONDS * 1000)
            settle(page)

            open_page(page, f"{live_app}/photos", "Photos")
            page.get_by_role("heading", name="Compare: Left cheek").wait_for()
            _images_loaded(page, 4)  # two compared, two in the gallery
            body = page.locator("body").inner_text()
            assert "Severity 7/10 → 5/10" in body
            assert "2 points lower (less visible)" in body
            assert "Something went wrong" not in body
            save_screenshot(page, "flow-laptop-photos-compare")
    finally:
        context.close()

    stored = photos.photos_frame(engine, profile_id)
    assert len(stored) == 2
    assert stored[["width", "height"]].iloc[-1].tolist() == [1600, 1200]
    assert len(queries.scar_ratings_frame(engine, profile_id)) == 2
    engine.dispose()


def _demo_with_photos(engine: Engine, profile_id: int) -> str:
    """Demo data, a photo with each left-cheek and chin rating; a share link with photos."""
    demo.load_demo(engine, profile_id, today=DEMO_TODAY)
    ratings = queries.scar_ratings_frame(engine, profile_id)
    for number, row in enumerate(
        ratings[ratings["area"].isin(["Left cheek", "Chin"])].itertuples()
    ):
        photos.add_photo(engine, profile_id, row.rating_id, skin_picture(row.severity, seed=number))
    return share_links.create_link(engine, profile_id, "Dr Rivera", include_photos=True).token


@pytest.mark.parametrize(("viewport_name", "viewport"), [("phone", PHONE), ("laptop", LAPTOP)])
def test_photo_pages_render(
    browser: Any,  # noqa: F811
    live_app: str,  # noqa: F811
    live_database_url: str,  # noqa: F811
    viewport_name: str,
    viewport: dict,
) -> None:
    """The Photos page and the shared view with photos; screenshots go to test-artifacts/."""
    engine, profile_id = open_store(live_database_url)
    token = _demo_with_photos(engine, profile_id)
    engine.dispose()
    context = browser.new_context(viewport=viewport, timezone_id="Europe/London")
    page = context.new_page()
    try:
        for name, url, title, pictures in (
            ("photos", f"{live_app}/photos", "Photos", 2),
            ("shared-photos", f"{live_app}/?share={token}", "Dermarolling progress", 2),
        ):
            with screenshot_on_failure(page, f"{viewport_name}-{name}"):
                open_page(page, url, title)
                _images_loaded(page, pictures)
                settle(page)
                body = page.locator("body").inner_text()
                assert "Something went wrong" not in body
                assert "Severity" in body
                save_screenshot(page, f"{viewport_name}-{name}")
                # The two compared photos sit side by side, on a phone too.
                first, second = (
                    page.get_by_test_id("stImage").nth(index).bounding_box() for index in (0, 1)
                )
                assert abs(first["y"] - second["y"]) < 5
                assert second["x"] > first["x"] + first["width"] - 5
    finally:
        context.close()
