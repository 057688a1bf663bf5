"""Timing helpers: the median of repeated runs, so one slow run does not decide."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_seconds(work: Callable[[], object], repeats: int = 7, warmups: int = 1) -> float:
    for _ in range(warmups):
        work()
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)
