"""How much faster the vectorised rule engine is than the plain row-by-row reference.

Run: ``python -m benchmarks.engine_vs_reference [--sessions N] [--sample N]``.
``python -m dermadash bench`` can call ``run()`` and print ``report()``.

The engine is timed on the whole random log (1,000,000 sessions by default). The
reference is much slower, so by default it is timed on the first ``sample`` sessions
of the same log, never fewer than 10 % of them, and its time is extrapolated per
session (its cost grows linearly: one pass over the sessions, dictionary look-ups per
area and roller). The report says when that was done. Each side runs once untimed
(imports, allocations), then ``runs`` times (at least 3); each time is the median.
Timings depend on the machine and its load; the ratio is what to compare.

Baseline history: at 1357be5 the reference became the independent one in ``tests/``
(its own protocol reading, no messages). It is about 30 % faster than the row-by-row
version it replaced (same machine, same 100,000 sessions, medians of 3: 2.87 and
3.02 s against 3.87 and 4.17 s), so ratios from before that commit and after it are
not comparable: the row fell from 26-33x to 22-26x while the engine itself became
faster (1,000,000 sessions, alternating runs of each tree: 1.19-1.23 s at 3bdbe3a
against 1.49-1.66 s at 8bc1c40, the same 561,692 flags).
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from dermadash.rules import evaluation
from dermadash.storage.profiles import ProfileSettings
from tests.random_logs import random_log
from tests.reference_rules import reference_evaluate

DEFAULT_SESSIONS = 1_000_000
DEFAULT_SAMPLE = 100_000
MIN_SAMPLE_SHARE = 0.10  # the reference is timed on at least a tenth of the sessions
DEFAULT_RUNS = 3
PROFILE = ProfileSettings(timezone="Europe/London", scar_baseline="mild")
NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)
T = TypeVar("T")


@dataclass(frozen=True)
class BenchResult:
    sessions: int
    flags: int
    engine_seconds: float
    reference_sessions: int
    reference_seconds: float  # measured on reference_sessions
    reference_estimated_seconds: float  # for all sessions (measured when not sampled)
    runs: int = DEFAULT_RUNS

    @property
    def extrapolated(self) -> bool:
        return self.reference_sessions < self.sessions

    @property
    def ratio(self) -> float:
        """How many times faster the engine is than the reference on the whole log."""
        return self.reference_estimated_seconds / self.engine_seconds


def _median_seconds(
    function: Callable[..., T], *args: Any, runs: int, **kwargs: Any
) -> tuple[T, float]:
    """The result and the median time of ``runs`` calls, after one untimed call."""
    result = function(*args, **kwargs)
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        function(*args, **kwargs)
        timings.append(time.perf_counter() - start)
    return result, statistics.median(timings)


def reference_sample(sessions: int, sample: int | None) -> int:
    """How many sessions the reference is timed on: ``sample``, but at least 10 %."""
    if sample is None:
        return sessions
    return min(sessions, max(sample, math.ceil(sessions * MIN_SAMPLE_SHARE)))


def run(
    sessions: int = DEFAULT_SESSIONS,
    sample: int | None = DEFAULT_SAMPLE,
    runs: int = DEFAULT_RUNS,
) -> BenchResult:
    """Time the engine on ``sessions`` random sessions and the reference on ``sample``
    of them (at least 10 %; all of them when ``sample`` is None or not smaller)."""
    runs = max(runs, 3)
    log, rollers = random_log(sessions)
    flags, engine_seconds = _median_seconds(
        evaluation.evaluate, PROFILE, log, rollers, now=NOW, runs=runs
    )
    reference_sessions = reference_sample(sessions, sample)
    part = log.iloc[:reference_sessions]
    _, reference_seconds = _median_seconds(
        reference_evaluate, PROFILE, part, rollers, now=NOW, runs=runs
    )
    estimated = reference_seconds * sessions / max(reference_sessions, 1)
    return BenchResult(
        sessions=sessions,
        flags=len(flags),
        engine_seconds=engine_seconds,
        reference_sessions=reference_sessions,
        reference_seconds=reference_seconds,
        reference_estimated_seconds=estimated,
        runs=runs,
    )


def report(result: BenchResult) -> str:
    lines = [
        f"Rule engine vs row-by-row reference on {result.sessions:,} random sessions "
        f"({result.flags:,} flags)",
        f"  engine:    {result.engine_seconds:8.2f} s",
    ]
    if result.extrapolated:
        lines.append(
            f"  reference: {result.reference_estimated_seconds:8.2f} s  (extrapolated per "
            f"session from {result.reference_sessions:,} sessions timed in "
            f"{result.reference_seconds:.2f} s)"
        )
    else:
        lines.append(f"  reference: {result.reference_seconds:8.2f} s")
    lines.append(f"  the engine is {result.ratio:.1f}x faster")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=DEFAULT_SESSIONS)
    parser.add_argument(
        "--sample",
        type=int,
        default=DEFAULT_SAMPLE,
        help="sessions to time the reference on (0: all of them)",
    )
    args = parser.parse_args()
    print(report(run(args.sessions, args.sample or None)))


if __name__ == "__main__":
    main()
