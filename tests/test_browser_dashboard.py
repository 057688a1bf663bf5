"""The dashboard in a real Chromium, at phone and laptop sizes, on the demo data and the
five-year log."""

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
from tests.five_year_log import import_five_year_log

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


# For each chart, the margins plotly ended up drawing with that are wider than the ones
# the figure set: each such margin made plotly draw the whole chart a second time.
_WIDENED_MARGINS_JS = """
() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(plot => {
    const layout = plot._fullLayout;
    const widened = ['l', 'r', 't', 'b'].filter(
        side => Math.round(layout._size[side]) > layout.margin[side]);
    return [layout.title.text.replace(/<[^>]+>/g, ''), widened];
})
"""

# Before the page loads: note each chart whose data plotly computed again after its first
# draw (a new ``calcdata``), which it does when it takes the copy of the figure Streamlit
# hands it right after that draw for new data. Plotly sets ``on`` on each chart it makes.
_NOTE_CHARTS_COMPUTED_AGAIN_JS = """
window.computedAgain = [];
Object.defineProperty(HTMLElement.prototype, 'on', {configurable: true, set(listen) {
    Object.defineProperty(this, 'on', {value: listen, writable: true, configurable: true});
    const chart = this;
    let first = null;
    listen('plotly_afterplot', () => {
        if (first === null) first = chart.calcdata;
        else if (chart.calcdata !== first) window.computedAgain.push(chart.layout.title.text);
    });
}});
"""

# The period's caption changed and the script has finished its rerun.
_RERUN_DONE_JS = """
before => {
    const caption = Array.from(document.querySelectorAll('[data-testid="stCaptionContainer"]'))
        .find(element => element.innerText.startsWith('Showing '));
    return caption && caption.innerText !== before
        && document.querySelector('[data-testid="stApp"]')
            .getAttribute('data-test-script-state') === 'notRunning';
}
"""


def test_on_a_five_year_log_each_chart_is_computed_and_drawn_once_in_every_period(
    browser: Browser,  # noqa: F811
    live_app: str,  # noqa: F811
    live_database_url: str,  # noqa: F811
) -> None:
    """The figures reserve the room their axes and legends take in Streamlit's page, so
    plotly never widens a margin and draws a chart again, and nothing in the copy of a
    figure Streamlit hands plotly after its first draw looks new to it, so it never
    computes a chart again: not for the default period nor after a change, on a laptop.
    (On a phone the flags chart may tilt its year labels and take a second draw.)"""
    engine = db.make_engine(live_database_url)
    db.upgrade(engine)
    import_five_year_log(engine, default_profile_id(engine, "Europe/London"))
    engine.dispose()
    context = browser.new_context(viewport=LAPTOP, timezone_id="Europe/London")
    page = context.new_page()
    page.add_init_script(_NOTE_CHARTS_COMPUTED_AGAIN_JS)  # an injected script: no CSP
    with screenshot_on_failure(page, "dashboard-five-years-margins"):
        page.goto(live_app)
        caption = page.get_by_text("Showing ")
        for period in (None, "Last 30 days", "Last 365 days", "All"):
            if period is not None:
                before = caption.inner_text()
                page.get_by_text(period, exact=True).click()
                page.wait_for_function(
                    _RERUN_DONE_JS, arg=before, polling="raf", timeout=RENDER_TIMEOUT_MS
                )
            page.wait_for_function(
                f"() => document.querySelectorAll('.js-plotly-plot .main-svg').length"
                f" >= {CHART_COUNT}",
                timeout=RENDER_TIMEOUT_MS,
            )
            page.wait_for_timeout(500)
            drawn = page.evaluate(_WIDENED_MARGINS_JS)
            assert len(drawn) == CHART_COUNT
            assert [title for title, widened in drawn if widened] == [], (period, drawn)
            assert page.evaluate("() => window.computedAgain") == [], period
    context.close()
