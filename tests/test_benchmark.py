"""The benchmark script runs and reports (its timings are not asserted: they belong
to the machine; ``make bench`` / ``python -m benchmarks.engine_vs_reference``)."""

from __future__ import annotations

from benchmarks.engine_vs_reference import reference_sample, report, run


def test_benchmark_runs_small_and_says_when_it_extrapolates() -> None:
    result = run(sessions=3000, sample=1000)
    assert result.sessions == 3000
    assert result.reference_sessions == 1000
    assert result.runs >= 3
    assert result.extrapolated
    assert result.flags > 0
    assert result.ratio > 0
    text = report(result)
    assert "extrapolated per session from 1,000 sessions" in text
    assert "faster" in text


def test_benchmark_without_sample_times_the_reference_on_everything() -> None:
    result = run(sessions=500, sample=None)
    assert not result.extrapolated
    assert result.reference_estimated_seconds == result.reference_seconds


def test_the_reference_is_never_extrapolated_from_less_than_a_tenth() -> None:
    assert reference_sample(1_000_000, 50_000) == 100_000
    assert reference_sample(1_000_000, 200_000) == 200_000
    assert reference_sample(3_000, 10_000) == 3_000
    assert reference_sample(3_000, None) == 3_000
    result = run(sessions=4000, sample=100, runs=1)
    assert result.reference_sessions == 400
    assert result.runs == 3  # never fewer than three timed runs
