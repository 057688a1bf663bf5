"""The report's charts as images: the dashboard's plotly figures drawn by kaleido.

kaleido drives a Chromium already installed on the machine (``/usr/bin/chromium``, or
the one named by ``BROWSER_PATH``), kept warm by ``dermadash.report.chromium``.
dermadash never downloads a browser: without one, ``chart_images`` raises
``ChromiumMissing`` and the HTML report (plotly.js inlined) is the way to go.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import plotly.graph_objects as go

from dermadash.dashboard import figures
from dermadash.report.chromium import (
    ChromiumFailed,
    PendingImages,
    chromium_available,
    chromium_path,
    drawer,
)

NO_CHROMIUM_MESSAGE = (
    "The PDF report needs Chromium to draw its charts, and none is installed here "
    "(looked for {path}). The HTML report has the same content and works offline."
)

# Charts are drawn 800 px wide and printed 180 mm wide: 15 px text is about 9 pt.
CHART_WIDTH_PX = 800
CHART_SCALE = 2
CHART_FONT_PX = 15


class ChromiumMissing(RuntimeError):
    """No Chromium to draw the charts with: offer the HTML report instead."""


class ChartDrawingFailed(RuntimeError):
    """Chromium is there but could not draw the charts."""


def printable_chart(chart: go.Figure) -> go.Figure:
    """A copy sized for A4: explicit width and height, larger text, white background."""
    printed = go.Figure(chart.to_dict(), _validate=False)  # a copy; the chart is valid
    height = int(chart.layout.height or figures.CHART_HEIGHT) + 40
    printed.update_layout(
        template="plotly_white",
        width=CHART_WIDTH_PX,
        height=height,
        font={"size": CHART_FONT_PX, "color": "#222222"},
        title_font_size=CHART_FONT_PX + 4,
        title_subtitle_font_size=CHART_FONT_PX - 1,
        legend_font_size=CHART_FONT_PX - 1,
    )
    for annotation in printed.layout.annotations:
        annotation.font.size = CHART_FONT_PX - 2
    return printed


ChartProgress = Callable[[int, int], None]


class PendingCharts:
    """The report's charts being drawn: ``images()`` waits for them."""

    def __init__(self, pending: PendingImages | None) -> None:
        self._pending = pending

    def images(self, progress: ChartProgress | None = None) -> list[bytes]:
        """Each chart as JPEG bytes, in order; ``progress(done, total)`` after each one.
        Raises ``ChartDrawingFailed``."""
        if self._pending is None:
            return []
        try:
            return self._pending.images(progress)
        except ChromiumFailed as error:
            raise _drawing_failed(error) from error


@contextmanager
def drawing(charts: Sequence[go.Figure]) -> Iterator[PendingCharts]:
    """Hand ``charts`` to the warm Chromium (kaleido) and do other work in the block while
    it draws them; ``images()`` then waits for them. Raises ``ChromiumMissing`` when no
    Chromium is installed and ``ChartDrawingFailed`` when it cannot draw."""
    if not charts:
        yield PendingCharts(None)
        return
    if not chromium_available():
        raise ChromiumMissing(NO_CHROMIUM_MESSAGE.format(path=chromium_path()))
    printed = [printable_chart(chart) for chart in charts]
    try:
        with drawer().drawing(printed, scale=CHART_SCALE) as pending:
            yield PendingCharts(pending)
    except ChromiumFailed as error:
        raise _drawing_failed(error) from error


def chart_images(charts: Sequence[go.Figure], progress: ChartProgress | None = None) -> list[bytes]:
    """Each chart as image bytes (JPEG), drawn by kaleido in the system's Chromium, kept warm
    between charts and between reports; ``progress(done, total)`` after each chart."""
    with drawing(charts) as pending:
        return pending.images(progress)


def _drawing_failed(error: ChromiumFailed) -> ChartDrawingFailed:
    cause = error.__cause__ or error
    return ChartDrawingFailed(
        f"Chromium ({chromium_path()}) could not draw the charts "
        f"({type(cause).__name__}). The HTML report has the same content."
    )
