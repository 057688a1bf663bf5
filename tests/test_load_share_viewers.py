"""Load: twenty people open the same share link at the same moment on one live app.

Each viewer is a browser context of its own (no shared cookies or session) in one
Chromium, all opened before any is waited for, so the server runs their script runs
side by side. Every viewer must get the whole read-only page (key figures, sessions
table and every chart on it drawn), no error, and the audit must count each opening.

Twenty pages drawing their charts at once keep both cores of a small machine busy for
about a minute, mostly in Chromium, not in the app. So the test runs alone (``solo``:
``make test`` runs it after the parallel run) and all viewers share one generous
deadline: it proves every viewer is served in full, not how fast; the benchmarks time
the page.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from dermadash import demo
from dermadash.sharing import share_links
from dermadash.storage import db, queries
from dermadash.storage.profiles import default_profile_id
from tests.browser import (  # noqa: F401  (pytest fixtures)
    PHONE,
    browser,
    live_app,
    live_database_url,
    save_screenshot,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.solo]
VIEWERS = 20
DEADLINE_SECONDS = 300

# At least one chart is on the page, and every chart there has its traces (or at least
# its axes) drawn.
_ALL_CHARTS_DRAWN_JS = """
() => {
    const plots = Array.from(document.querySelectorAll('.js-plotly-plot'));
    return plots.length > 0
        && plots.every(plot => plot.querySelector('.main-svg g.trace, .main-svg g.xtick'));
}
"""


def test_twenty_viewers_at_once_all_get_the_whole_page(
    browser: Any,  # noqa: F811
    live_app: str,  # noqa: F811
    live_database_url: str,  # noqa: F811
) -> None:
    engine = db.make_engine(live_database_url)
    db.upgrade(engine)
    profile_id = default_profile_id(engine, "Europe/London")
    demo.load_demo(engine, profile_id)
    session_count = queries.session_count(engine, profile_id)
    link = share_links.create_link(engine, profile_id, "Dr Rivera", days=7)
    url = share_links.share_url(live_app, link.token)

    contexts = [
        browser.new_context(viewport=PHONE, timezone_id="Europe/London") for _ in range(VIEWERS)
    ]
    pages = [context.new_page() for context in contexts]
    current = pages[0]
    try:
        for page in pages:  # all twenty ask before any answer is awaited
            page.goto(url, wait_until="commit")
        deadline = time.monotonic() + DEADLINE_SECONDS

        def left_ms() -> float:
            return max(1_000.0, (deadline - time.monotonic()) * 1000)

        for current in pages:
            current.get_by_text("Read-only view shared with Dr Rivera").wait_for(timeout=left_ms())
            current.get_by_text("Sessions logged").wait_for(timeout=left_ms())
            # The sessions table is the last one; earlier ones may sit in a closed tab.
            current.get_by_test_id("stDataFrame").last.wait_for(timeout=left_ms())
            current.wait_for_function(_ALL_CHARTS_DRAWN_JS, timeout=left_ms())
            current.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=left_ms())
            body = current.locator("body").inner_text()
            assert current.get_by_test_id("stMetricValue").first.inner_text() == str(session_count)
            assert "Something went wrong" not in body
            assert share_links.NOT_VALID_MESSAGE not in body
            assert current.get_by_test_id("stException").count() == 0
        save_screenshot(pages[-1], "load-share-viewer-20")
    except BaseException:
        save_screenshot(current, "FAILED-load-share-viewers")
        raise
    finally:
        for context in contexts:
            context.close()

    links = share_links.list_links(engine, profile_id)
    assert int(links.loc[links["link_id"] == link.link_id, "views"].iloc[0]) == VIEWERS
    engine.dispose()
