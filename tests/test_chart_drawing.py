"""The report's charts drawn by kaleido in the warm Chromium: one page for a whole report,
drawn while the caller does other work, each chart as it would be drawn alone."""

from __future__ import annotations

from io import BytesIO

import plotly.graph_objects as go
import pytest
from PIL import Image, ImageChops

from dermadash.report import chart_images
from dermadash.report.batch_kaleido import overrides_kaleido
from dermadash.report.chromium import chromium_available, drawer

needs_chromium = pytest.mark.skipif(
    not chromium_available(), reason="no Chromium to draw the charts"
)


def _chart(title: str, ys: list[float], colour: str) -> go.Figure:
    figure = go.Figure(go.Scatter(x=list(range(len(ys))), y=ys, line_color=colour))
    figure.update_layout(title_text=title)
    return figure


def _difference(first: bytes, second: bytes) -> int:
    """The largest difference of any pixel's channel between two JPEGs (0 to 255)."""
    with Image.open(BytesIO(first)) as one, Image.open(BytesIO(second)) as other:
        if one.size != other.size:
            return 255
        extrema = ImageChops.difference(one.convert("RGB"), other.convert("RGB")).getextrema()
    return max(high for _low, high in extrema)


def test_kaleido_still_has_the_method_the_batch_session_replaces() -> None:
    assert overrides_kaleido()


@needs_chromium
def test_charts_drawn_in_a_row_are_each_as_if_drawn_alone() -> None:
    rising = _chart("Rising", [1, 2, 3, 4], "#1f77b4")
    falling = _chart("Falling", [9, 5, 3, 1], "#d62728")
    with chart_images.drawing([rising]) as pending:
        alone = pending.images()
    with chart_images.drawing([falling, rising, falling]) as pending:
        in_a_row = pending.images()
    assert len(in_a_row) == 3
    # Nothing of the chart before reaches the next one (JPEG noise aside).
    assert _difference(in_a_row[1], alone[0]) <= 8
    assert _difference(in_a_row[0], in_a_row[2]) <= 8
    assert _difference(in_a_row[0], in_a_row[1]) > 64


@needs_chromium
def test_other_work_is_done_while_chromium_draws_and_a_failure_there_keeps_chromium() -> None:
    chart = _chart("Rising", [1, 2, 3, 4], "#1f77b4")
    steps: list[tuple[int, int]] = []
    with chart_images.drawing([chart, chart]) as pending:
        laid_out = sum(range(1000))  # the caller's own work while the charts are drawn
        images = pending.images(lambda done, total: steps.append((done, total)))
    assert laid_out == 499500
    assert steps == [(1, 2), (2, 2)]
    assert [Image.open(BytesIO(image)).format for image in images] == ["JPEG", "JPEG"]
    warm = drawer()._thread
    # The caller's own error reaches the caller as it is, and Chromium stays warm.
    with pytest.raises(ZeroDivisionError), chart_images.drawing([chart]):
        _ = 1 / 0
    assert drawer()._thread is warm
    assert warm is not None
    assert warm.is_alive()


def test_no_charts_need_no_chromium(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    with chart_images.drawing([]) as pending:
        assert pending.images() == []
    one_chart = [_chart("A", [1], "red")]
    with pytest.raises(chart_images.ChromiumMissing), chart_images.drawing(one_chart):
        pass


def test_a_printed_chart_makes_room_for_its_larger_axis_text() -> None:
    chart = _chart("Rising", [1, 2, 3, 4], "#1f77b4")
    chart.update_layout(margin={"b": 20})  # the screen's tight margin
    printed = chart_images.printable_chart(chart)
    assert all(axis.automargin for axis in printed.select_xaxes())
    assert chart.layout.xaxis.automargin is None  # the screen's chart is left as it was
