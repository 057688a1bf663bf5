"""The server layer in a real Chromium: the Content-Security-Policy lets every chart and
photo draw, and a revoked link's photos stop answering at once."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import Engine

from dermadash import demo, photos
from dermadash.sharing import share_links
from dermadash.storage import queries
from tests.browser import (  # noqa: F401  (pytest fixtures)
    LAPTOP,
    LOAD_SECONDS,
    browser,
    live_app,
    live_database_url,
    open_page,
    open_store,
    screenshot_on_failure,
    settle,
)
from tests.photo_helpers import skin_picture
from tests.test_browser_photos import _images_loaded

pytestmark = pytest.mark.browser

# Every CSP violation the page meets, as the browser reports it.
_RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
    event => window.__violations.push(event.violatedDirective + ' ' + event.blockedURI));
"""
_HEADER_COMPLAINT = re.compile("Content Security Policy|Permissions-Policy")
_IMAGE_SOURCES = "() => [...document.querySelectorAll('[data-testid=stImage] img')].map(i => i.src)"


def _demo_with_photos(engine: Engine, profile_id: int) -> str:
    """Demo data ending today, a photo with each chin rating, a share link with photos."""
    demo.load_demo(engine, profile_id)
    ratings = queries.scar_ratings_frame(engine, profile_id)
    for number, row in enumerate(ratings[ratings["area"] == "Chin"].itertuples()):
        photos.add_photo(engine, profile_id, row.rating_id, skin_picture(row.severity, seed=number))
    return share_links.create_link(engine, profile_id, "Dr Rivera", include_photos=True).token


def _violations(page: Any, console: list[str]) -> list[str]:
    return [*page.evaluate("window.__violations"), *console]


def test_the_policy_lets_charts_and_photos_draw(
    browser: Any,  # noqa: F811
    live_app: str,  # noqa: F811
    live_database_url: str,  # noqa: F811
) -> None:
    engine, profile_id = open_store(live_database_url)
    token = _demo_with_photos(engine, profile_id)
    engine.dispose()
    context = browser.new_context(viewport=LAPTOP, timezone_id="Europe/London")
    context.add_init_script(_RECORD_VIOLATIONS)
    page = context.new_page()
    console: list[str] = []
    # The browser's word on each header it could not apply, or on what the CSP blocked.
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if _HEADER_COMPLAINT.search(message.text) else None
        ),
    )
    try:
        for name, url, title in (
            ("home", f"{live_app}/", "dermadash"),
            ("shared", f"{live_app}/?share={token}", "Dermarolling progress"),
        ):
            with screenshot_on_failure(page, f"csp-{name}"):
                page.goto(url)
                page.get_by_role("heading", name=title).first.wait_for(timeout=LOAD_SECONDS * 1000)
                charts = page.get_by_test_id("stPlotlyChart")
                charts.first.locator(".main-svg").first.wait_for(timeout=LOAD_SECONDS * 1000)
                settle(page)
                assert charts.count() >= 2, name
                assert _violations(page, console) == [], name
        _images_loaded(page, 2)  # the shared view's photos, through the shared-photo route
        assert _violations(page, console) == []
        open_page(page, f"{live_app}/photos", "Photos")
        _images_loaded(page, 2)  # the owner's photos, through Streamlit's /media/
        settle(page)
        assert _violations(page, console) == []
    finally:
        context.close()


def test_a_revoked_link_stops_its_photos_at_once(
    browser: Any,  # noqa: F811
    live_app: str,  # noqa: F811
    live_database_url: str,  # noqa: F811
) -> None:
    engine, profile_id = open_store(live_database_url)
    token = _demo_with_photos(engine, profile_id)
    context = browser.new_context(viewport=LAPTOP, timezone_id="Europe/London")
    page = context.new_page()
    try:
        with screenshot_on_failure(page, "revoke-photos"):
            open_page(page, f"{live_app}/?share={token}", "Dermarolling progress")
            _images_loaded(page, 2)
            sources = page.evaluate(_IMAGE_SOURCES)
            assert sources
            assert all("/shared-photos/" in source for source in sources)
            assert not any(token in source for source in sources)
            for source in sources:
                answer = page.request.get(source)
                assert answer.status == 200
                assert answer.headers["content-type"] == "image/jpeg"
                assert answer.headers["cache-control"] == "no-store"
                assert answer.headers["x-robots-tag"] == "noindex, nofollow"

            link_id = int(share_links.list_links(engine, profile_id)["link_id"].iloc[0])
            share_links.revoke_link(engine, profile_id, link_id)
            for source in sources:  # no rerun, no wait: the very next request
                assert page.request.get(source).status == 404
    finally:
        context.close()
        engine.dispose()
