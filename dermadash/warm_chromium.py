"""One Chromium kept warm for kaleido: opened once, reused by every chart of every report.

Starting Chromium and loading plotly.js into its page costs seconds; drawing a chart in
a page already open costs a fraction of one. ``WarmChartDrawer`` keeps one kaleido
session (one Chromium process) open on a thread of its own with its own event loop, so
it serves callers from any thread (the command line, Streamlit script threads), one
report at a time. ``warm_up()`` starts it in the background, so Chromium launches while
the report's content is being read and worded.

If Chromium dies or a drawing fails, the session is closed and the next call opens a
fresh one.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import Any

import plotly.graph_objects as go

START_TIMEOUT_SECONDS = 60
TABS = 2  # charts drawn two at a time: the machine has at least two cores
IMAGE_FORMAT = "jpeg"  # fpdf embeds a JPEG as it is; a PNG with alpha it re-encodes
Progress = Callable[[int, int], None]


class WarmChartDrawer:
    """A kaleido session in a Chromium kept open between calls (thread-safe)."""

    def __init__(self, path: str, *, scale: float, timeout: float) -> None:
        self.path = path
        self.scale = scale
        self.timeout = timeout
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido: Any = None
        self._opened: Future[None] | None = None
        self._stop: asyncio.Event | None = None

    # --- life cycle ------------------------------------------------------------------

    def warm_up(self) -> None:
        """Start Chromium in the background (returns at once; idempotent)."""
        with self._lock:
            self._start()

    def _start(self) -> Future[None]:
        if self._opened is not None and self._thread is not None and self._thread.is_alive():
            return self._opened
        opened: Future[None] = Future()
        self._opened = opened
        self._thread = threading.Thread(
            target=self._serve, args=(opened,), name="dermadash-chromium", daemon=True
        )
        self._thread.start()
        return opened

    def _serve(self, opened: Future[None]) -> None:
        import kaleido  # only here: the HTML report and the app pages never need it

        async def main() -> None:
            self._loop = asyncio.get_running_loop()
            self._stop = asyncio.Event()
            try:
                # An explicit path: kaleido never looks for (or fetches) a browser.
                async with kaleido.Kaleido(
                    path=self.path, mathjax=False, n=TABS, timeout=self.timeout
                ) as drawer:
                    self._kaleido = drawer
                    opened.set_result(None)
                    await self._stop.wait()
            except BaseException as error:  # handed to whoever waits for the opening
                if not opened.done():
                    opened.set_exception(error)
                raise
            finally:
                self._kaleido = None

        # An error was handed over already, or Chromium died: the next call reopens.
        with contextlib.suppress(BaseException):
            asyncio.run(main())

    def close(self) -> None:
        """Close Chromium (the next drawing opens a fresh one)."""
        with self._lock:
            self._close()

    def _close(self) -> None:
        loop, stop, thread = self._loop, self._stop, self._thread
        if loop is not None and stop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(stop.set)
        if thread is not None:
            thread.join(timeout=30)
        self._opened = self._thread = self._loop = self._stop = None

    # --- drawing ---------------------------------------------------------------------

    def draw(self, charts: Sequence[go.Figure], progress: Progress | None = None) -> list[bytes]:
        """Each chart as image bytes (``IMAGE_FORMAT``), in order; ``progress(done,
        total)`` after each one."""
        with self._lock:
            self._start().result(timeout=START_TIMEOUT_SECONDS)
            try:
                return self._draw_all(charts, progress)
            except BaseException:
                self._close()  # a broken Chromium is not kept warm
                raise

    def _draw_all(self, charts: Sequence[go.Figure], progress: Progress | None) -> list[bytes]:
        loop, drawer = self._loop, self._kaleido
        if loop is None or drawer is None:
            raise RuntimeError("Chromium closed before drawing")
        done = 0

        def drawn(_future: object) -> None:
            nonlocal done
            done += 1
            if progress is not None:
                progress(done, len(charts))

        futures = []
        for chart in charts:
            options = {
                "format": IMAGE_FORMAT,
                "width": chart.layout.width,
                "height": chart.layout.height,
                "scale": self.scale,
            }
            future = asyncio.run_coroutine_threadsafe(drawer.calc_fig(chart, opts=options), loop)
            future.add_done_callback(drawn)
            futures.append(future)
        return [bytes(future.result(timeout=self.timeout + 5)) for future in futures]


_drawers: dict[tuple[str, float, float], WarmChartDrawer] = {}
_drawers_lock = threading.Lock()


def drawer_for(path: str, *, scale: float, timeout: float) -> WarmChartDrawer:
    """The process's one warm drawer for this Chromium and these settings."""
    key = (path, scale, timeout)
    with _drawers_lock:
        if key not in _drawers:
            _drawers[key] = WarmChartDrawer(path, scale=scale, timeout=timeout)
        return _drawers[key]


@atexit.register
def _close_all() -> None:
    for drawer in list(_drawers.values()):
        drawer.close()
