"""Browser-test helpers: the real app in a subprocess, driven by the system's Chromium.

Use in a test module with ``from tests.browser import browser, live_app, live_database_url``
(pytest finds fixtures imported into a module) and mark the tests ``browser``.
``live_app`` yields the app's base URL; ``live_database_url`` is its own SQLite file,
which a test may fill (e.g. with the demo data) before or after opening a page.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import Engine

from dermadash.settings import DEFAULT_BROWSER_PATH
from dermadash.storage import db
from dermadash.storage.profiles import default_profile_id
from tests.conftest import PROJECT_ROOT
from tests.live_server import streamlit_server

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, ViewportSize

CHROMIUM = DEFAULT_BROWSER_PATH  # Debian's Chromium, the one the report uses too
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
PHONE: ViewportSize = {"width": 390, "height": 844}
LAPTOP: ViewportSize = {"width": 1366, "height": 900}


@contextmanager
def running_app(database_url: str, **extra_env: str) -> Iterator[str]:
    """Start ``streamlit run app.py`` on a free port with its own database (and any extra
    environment variables, e.g. ``DERMADASH_AUTH``); yield its URL."""
    with streamlit_server(PROJECT_ROOT / "app.py", database_url, **extra_env) as base_url:
        yield base_url


@pytest.fixture
def live_database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'live.db'}"


@pytest.fixture
def live_app(live_database_url: str) -> Iterator[str]:
    with running_app(live_database_url) as base_url:
        yield base_url


@contextmanager
def chromium() -> Iterator[Browser]:
    """A headless Chromium (Playwright ``Browser``); the test is skipped without one."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def browser() -> Iterator[Browser]:
    """A headless Chromium for one test; skipped when it is not installed."""
    with chromium() as launched:
        yield launched


# Streamlit scrolls inside its own container, so a "full page" screenshot would stop at
# the viewport: measure the tallest scrolling content instead.
_CONTENT_HEIGHT_JS = """
Math.max(document.documentElement.scrollHeight,
         ...Array.from(document.querySelectorAll('[data-testid="stMain"], section, main'))
             .map(element => element.scrollHeight))
"""


def save_screenshot(page: Page, name: str) -> Path:
    """A PNG of the whole page under test-artifacts/ (for failures and for looking at pages)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    viewport = page.viewport_size
    height = int(page.evaluate(_CONTENT_HEIGHT_JS))
    if viewport and height > viewport["height"]:
        page.set_viewport_size({"width": viewport["width"], "height": height})
        page.wait_for_timeout(800)
    try:
        page.screenshot(path=str(path), full_page=True)
    finally:
        if viewport:
            page.set_viewport_size(viewport)
    return path


@contextmanager
def screenshot_on_failure(page: Page, name: str) -> Iterator[None]:
    try:
        yield
    except BaseException:
        save_screenshot(page, f"FAILED-{name}")
        raise


LOAD_SECONDS = 30


def open_store(url: str) -> tuple[Engine, int]:
    """The live app's database and its one-person profile (as the app creates it)."""
    engine = db.make_engine(url)
    db.upgrade(engine)
    return engine, default_profile_id(engine, "Europe/London")


def open_page(page: Any, url: str, title: str) -> None:
    """Go to ``url`` and wait for the page heading ``title``."""
    page.goto(url)
    page.get_by_role("heading", name=title, exact=True).wait_for(timeout=LOAD_SECONDS * 1000)


def settle(page: Any) -> None:
    """Wait until Streamlit has finished the rerun a click started."""
    page.wait_for_timeout(300)
    page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=LOAD_SECONDS * 1000)
