"""In Chromium: how long until the dashboard's charts are drawn, against the floor page,
and how much data the dashboard sends over its WebSocket.

One SQLite file with about 1,500 sessions (``dashboard_vs_floor.fill_history``); the
app (``streamlit run app.py``) and the floor page (``streamlit run
benchmarks/floor_page.py``) each run as a server of their own on a free port. Each
timed visit opens a fresh browser context (no cookies, no cache), loads the page and
waits until every chart has its SVG; the servers' data caches are warm (one untimed
visit each first), as for anyone opening the page after its first visitor. The visits
take turns; the result is a ratio of medians (target: at most 1.5×), and the bytes of
the WebSocket frames the page received until its charts were drawn (target: at most
1 MB).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.dashboard_vs_floor import DEFAULT_SESSIONS, FLOOR, fill_history
from tests.browser import CHROMIUM, CHROMIUM_ARGS
from tests.live_server import SERVED_APP, streamlit_server

DASHBOARD_CHARTS = 6
FLOOR_CHARTS = 1
DEFAULT_RUNS = 5
TARGET_RATIO = 1.5
TARGET_BYTES = 1_000_000
DRAW_TIMEOUT_MS = 120_000
VIEWPORT = {"width": 1366, "height": 900}

# Every chart counted once, when its traces (or at least its axes) have been drawn.
_CHARTS_DRAWN_JS = """
count => Array.from(document.querySelectorAll('.js-plotly-plot'))
    .filter(plot => plot.querySelector('.main-svg g.trace, .main-svg g.xtick')).length >= count
"""


@dataclass(frozen=True)
class LoadResult:
    sessions: int
    runs: int
    dashboard_seconds: float
    floor_seconds: float
    dashboard_bytes: int
    floor_bytes: int

    @property
    def ratio(self) -> float:
        return self.dashboard_seconds / self.floor_seconds


def visit(browser: Any, url: str, charts: int) -> tuple[float, int]:
    """Seconds until ``charts`` charts are drawn in a fresh context, and WebSocket bytes."""
    context = browser.new_context(viewport=VIEWPORT, timezone_id="Europe/London")
    page = context.new_page()
    received = [0]

    def count_frames(websocket: Any) -> None:
        websocket.on(
            "framereceived",
            lambda payload: received.__setitem__(0, received[0] + len(payload)),
        )

    page.on("websocket", count_frames)
    try:
        started = time.perf_counter()
        page.goto(url)
        page.wait_for_function(_CHARTS_DRAWN_JS, arg=charts, timeout=DRAW_TIMEOUT_MS)
        elapsed = time.perf_counter() - started
        return elapsed, received[0]
    finally:
        context.close()


def measure(sessions: int = DEFAULT_SESSIONS, runs: int = DEFAULT_RUNS) -> LoadResult:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is not installed")
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'browser-bench.db'}"
        fill_history(url, sessions)
        with (
            streamlit_server(SERVED_APP, url) as app_url,
            streamlit_server(FLOOR, url) as floor_url,
            sync_playwright() as playwright,
        ):
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            targets = {"dashboard": (app_url, DASHBOARD_CHARTS), "floor": (floor_url, FLOOR_CHARTS)}
            try:
                for target_url, charts in targets.values():  # untimed: warm the servers
                    visit(browser, target_url, charts)
                timings: dict[str, list[tuple[float, int]]] = {name: [] for name in targets}
                for _ in range(runs):
                    for name, (target_url, charts) in targets.items():
                        timings[name].append(visit(browser, target_url, charts))
            finally:
                browser.close()

    def median(name: str, index: int) -> float:
        return statistics.median(visit_[index] for visit_ in timings[name])

    return LoadResult(
        sessions=sessions,
        runs=runs,
        dashboard_seconds=median("dashboard", 0),
        floor_seconds=median("floor", 0),
        dashboard_bytes=int(median("dashboard", 1)),
        floor_bytes=int(median("floor", 1)),
    )


if __name__ == "__main__":
    result = measure()
    print(
        f"Charts drawn: dashboard {result.dashboard_seconds:.2f} s, floor "
        f"{result.floor_seconds:.2f} s, ratio {result.ratio:.2f}x; the dashboard sent "
        f"{result.dashboard_bytes / 1000:.0f} kB (floor {result.floor_bytes / 1000:.0f} kB)"
    )
