"""One Chromium kept warm for kaleido: opened once, reused by every chart of every report.

Starting Chromium and loading plotly.js into its page costs seconds; drawing a chart in
a page already open costs a fraction of one. ``WarmChartDrawer`` keeps one kaleido
session (one Chromium process) open on a thread of its own with its own event loop, so
it serves callers from any thread (the command line, Streamlit script threads), one
report at a time. ``warm_up()`` starts it in the background, so Chromium launches while
the report's content is being read and worded; ``drawing()`` hands it the charts and
lets the caller lay out the pages that need no image while they are drawn.

If Chromium dies or a drawing fails, the session is closed and the next call opens a
fresh one. This module imports nothing heavy (no plotly, no pandas), so
``python -m dermadash report --out x.pdf`` can start Chromium before the rest of
dermadash is even imported (``start_early``).
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import contextlib
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dermadash import settings

if TYPE_CHECKING:
    import plotly.graph_objects as go

BROWSER_PATH_VARIABLE = settings.BROWSER_PATH_VARIABLE
START_TIMEOUT_SECONDS = 60
CHART_TIMEOUT_SECONDS = 60
# One tab: a cold start loads plotly.js once; warm, a chart takes a fraction of a second.
TABS = 1
IMAGE_FORMAT = "jpeg"  # fpdf embeds a JPEG as it is; a PNG with alpha it re-encodes
Progress = Callable[[int, int], None]


def chromium_path() -> str:
    """The Chromium to use: ``BROWSER_PATH`` when set, else Debian's /usr/bin/chromium."""
    return settings.browser_path()


def chromium_available() -> bool:
    """Whether charts can be drawn here (a Chromium to draw them with)."""
    path = Path(chromium_path())
    return path.is_file() and os.access(path, os.X_OK)


class WarmChartDrawer:
    """A kaleido session in a Chromium kept open between calls (thread-safe)."""

    def __init__(self, path: str, *, timeout: float = CHART_TIMEOUT_SECONDS) -> None:
        self.path = path
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
        # Only here: the HTML report and the app pages never need kaleido.
        from dermadash.report.batch_kaleido import BatchKaleido

        async def main() -> None:
            self._loop = asyncio.get_running_loop()
            self._stop = asyncio.Event()
            try:
                # An explicit path: kaleido never looks for (or fetches) a browser.
                async with BatchKaleido(
                    path=self.path, mathjax=False, n=TABS, timeout=self.timeout
                ) as session:
                    self._kaleido = session
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

    @contextlib.contextmanager
    def drawing(self, charts: Sequence[go.Figure], *, scale: float) -> Iterator[PendingImages]:
        """Start drawing ``charts`` and let the block do other work meanwhile (Chromium
        draws in a process of its own); ``images()`` in the block waits for them.

        One report at a time: the block holds the drawer. Raises ``ChromiumFailed`` when
        Chromium cannot start or draw; such a Chromium is closed, so the next report
        starts a fresh one instead of waiting on this one.
        """
        with self._lock:
            try:
                self._start().result(timeout=START_TIMEOUT_SECONDS)
                pending = self._submit(charts, scale)
            except BaseException as error:
                self._close()
                if isinstance(error, Exception):
                    raise ChromiumFailed(error) from error
                raise
            try:
                yield pending
            finally:
                # Whatever the block did, Chromium is done with these charts before the
                # next report may use it.
                if not pending.finish():
                    self._close()

    def _submit(self, charts: Sequence[go.Figure], scale: float) -> PendingImages:
        loop, session = self._loop, self._kaleido
        if loop is None or session is None:
            raise RuntimeError("Chromium closed before drawing")
        futures = [
            asyncio.run_coroutine_threadsafe(
                session.calc_fig(
                    chart,
                    opts={
                        "format": IMAGE_FORMAT,
                        "width": chart.layout.width,
                        "height": chart.layout.height,
                        "scale": scale,
                    },
                ),
                loop,
            )
            for chart in charts
        ]
        # A fresh page for the next report, loaded after these charts (it queues behind
        # them for the tab) while nobody waits for it. Should it fail, Chromium is
        # broken, and the next report finds that out and starts a fresh one.
        asyncio.run_coroutine_threadsafe(session.refresh(), loop)
        return PendingImages(futures, wait=self.timeout * max(1, len(futures)) + 5)


class ChromiumFailed(RuntimeError):
    """Chromium could not start or could not draw a chart (the cause is chained)."""


class PendingImages:
    """Charts handed to Chromium and not yet collected."""

    def __init__(self, futures: Sequence[Future[Any]], *, wait: float) -> None:
        self._futures = futures
        self._wait = wait

    def images(self, progress: Progress | None = None) -> list[bytes]:
        """Wait for the charts: image bytes in order; ``progress(done, total)`` after each
        one, on the caller's thread. Raises ``ChromiumFailed``."""
        total = len(self._futures)
        try:
            finished = concurrent.futures.as_completed(self._futures, self._wait)
            for done, _future in enumerate(finished, start=1):
                if progress is not None:
                    progress(done, total)
            return [bytes(future.result()) for future in self._futures]
        except Exception as error:
            raise ChromiumFailed(error) from error

    def finish(self) -> bool:
        """Wait until Chromium is done with these charts; False if any failed."""
        done, not_done = concurrent.futures.wait(self._futures, self._wait)
        return not not_done and all(future.exception() is None for future in done)


_drawers: dict[str, WarmChartDrawer] = {}
_drawers_lock = threading.Lock()


def drawer() -> WarmChartDrawer:
    """The process's one warm drawer for the Chromium ``chromium_path()`` names."""
    path = chromium_path()
    with _drawers_lock:
        if path not in _drawers:
            _drawers[path] = WarmChartDrawer(path)
        return _drawers[path]


def warm_up() -> None:
    """Start Chromium in the background when there is one (returns at once)."""
    if chromium_available():
        drawer().warm_up()


def start_early(arguments: Sequence[str]) -> None:
    """For ``report --out x.pdf``: start Chromium before dermadash's imports, which it
    then overlaps (it runs on the other core)."""
    if "report" in arguments and any(value.lower().endswith(".pdf") for value in arguments):
        warm_up()


@atexit.register
def _close_all() -> None:
    for warm in list(_drawers.values()):
        warm.close()
