"""The report's charts as images: the dashboard's plotly figures drawn by kaleido.

kaleido drives a Chromium already installed on the machine (``/usr/bin/chromium``, or
the one named by ``BROWSER_PATH``), kept warm by ``dermadash.report.chromium``.
dermadash never downloads a browser: without one, ``drawing`` raises
``ChromiumMissing`` and the HTML report (plotly.js inlined) is the way to go.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
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
INK = "#222222"
PAPER = "#FFFFFF"


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
        paper_bgcolor=PAPER,
        plot_bgcolor=PAPER,
        font={"size": CHART_FONT_PX, "color": INK},
        title_font={"size": CHART_FONT_PX + 4, "color": INK},
        title_subtitle_font_size=CHART_FONT_PX - 1,
        legend_font={"size": CHART_FONT_PX - 1, "color": INK},
    )
    # The screen's tick and axis-title sizes are its own (``chart_theme``): print's
    # are larger. Its fixed bottom margin is then too small: let plotly make room, or
    # the axis title and the legend lie across the dates.
    axis_text = {"size": CHART_FONT_PX, "color": INK}
    printed.update_xaxes(automargin=True, tickfont=axis_text, title_font=axis_text)
    printed.update_yaxes(tickfont=axis_text, title_font=axis_text)
    for annotation in printed.layout.annotations:
        annotation.font.size = CHART_FONT_PX - 2
    return printed


@contextmanager
def drawing(charts: Sequence[go.Figure]) -> Iterator[PendingImages]:
    """Hand ``charts`` to the warm Chromium (kaleido) and do other work in the block while
    it draws them; ``images(progress)`` in the block then waits for them (JPEG bytes, in
    order). Raises ``ChromiumMissing`` when no Chromium is installed and
    ``ChartDrawingFailed`` when it cannot draw."""
    if not charts:
        yield PendingImages((), wait=0)
        return
    if not chromium_available():
        raise ChromiumMissing(NO_CHROMIUM_MESSAGE.format(path=chromium_path()))
    printed = [printable_chart(chart) for chart in charts]
    try:
        with drawer().drawing(printed, scale=CHART_SCALE) as pending:
            yield pending
    except ChromiumFailed as error:  # from the start, or from images() in the block
        cause = error.__cause__ or error
        raise ChartDrawingFailed(
            f"Chromium ({chromium_path()}) could not draw the charts "
            f"({type(cause).__name__}). The HTML report has the same content."
        ) from error
