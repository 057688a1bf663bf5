"""The benchmark rows that need Chromium run end to end once, on the five-year log.

Their figures belong to the machine; what is checked is that each row measures what it
says (the five-year log, both sides of each ratio, a real PDF within its page bound).
"""

from __future__ import annotations

import math

import pytest

from benchmarks import long_log_browser, report_speed
from dermadash.report.chromium import chromium_available

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not chromium_available(), reason="no Chromium here"),
]


def test_the_report_row_times_whole_pdf_and_html_runs_on_the_five_year_log() -> None:
    result = report_speed.measure(runs=1, warm_up=False)
    assert result.pdf_seconds > 0
    assert result.html_seconds > 0
    assert 1 <= result.pdf_pages <= 12
    assert math.isfinite(result.ratio)


@pytest.mark.browser
def test_the_long_log_rows_time_each_page_against_the_floor() -> None:
    result = long_log_browser.measure(runs=1, warm_up=False)
    assert result.flags >= 1000
    assert result.sessions >= 700
    for seconds in (
        result.shared_seconds,
        result.flags_page_seconds,
        result.floor_seconds,
        result.filter_seconds,
        result.floor_rerun_seconds,
    ):
        assert 0 < seconds < long_log_browser.DRAW_TIMEOUT_MS / 1000
    assert math.isfinite(result.shared_ratio)
    assert math.isfinite(result.flags_ratio)
    assert math.isfinite(result.filter_ratio)
