"""The dashboard benchmark runs end to end (its timings are reported, never asserted)."""

from __future__ import annotations

import pytest

from benchmarks import dashboard_vs_floor

pytestmark = pytest.mark.slow


def test_the_benchmark_measures_both_pages_on_a_small_history() -> None:
    result = dashboard_vs_floor.measure(sessions=60, runs=1)
    assert result.sessions == 60
    assert result.dashboard_cold_s > 0
    assert result.floor_cold_s > 0
    assert result.cold_ratio == result.dashboard_cold_s / result.floor_cold_s
    assert "ratio" in result.report()


def test_fill_history_spreads_the_sessions_over_five_years(sqlite_url: str) -> None:
    from dermadash.storage import db, queries

    profile_id = dashboard_vs_floor.fill_history(sqlite_url, sessions=100)
    engine = db.make_engine(sqlite_url)
    sessions = queries.sessions_frame(engine, profile_id)
    engine.dispose()
    assert len(sessions) == 100
    span = sessions["started_at"].max() - sessions["started_at"].min()
    assert 4.9 * 365 <= span.days <= 5 * 365
    assert sessions["has_check_in"].all()
