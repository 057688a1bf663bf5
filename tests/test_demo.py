"""Example data: deterministic, realistic, marked, removable, refused over real entries."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from dermadash import demo
from dermadash.storage import db, queries
from dermadash.storage.profiles import ProfileSettings, create_profile
from dermadash.storage.records import SessionInput, add_session
from tests.conftest import DEMO_TODAY


def test_demo_is_realistic(engine: Engine, profile_id: int) -> None:
    summary = demo.load_demo(engine, profile_id, today=DEMO_TODAY)
    sessions = queries.sessions_frame(engine, profile_id)
    assert 25 <= summary.sessions == len(sessions) <= 35
    span = sessions["started_at"].max() - sessions["started_at"].min()
    assert 150 <= span.days <= 190
    areas = queries.session_areas_frame(engine, profile_id)["area"].unique()
    assert 3 <= len(areas) <= 4
    rollers = queries.rollers_frame(engine, profile_id)
    assert set(rollers["needle_mm"]) == {0.25, 0.5}  # a 0.5 mm roller is replaced once
    assert sessions["has_check_in"].sum() >= len(sessions) - 3
    assert sessions["is_demo"].all()


def test_demo_scar_ratings_improve(engine: Engine, profile_id: int) -> None:
    demo.load_demo(engine, profile_id, today=DEMO_TODAY)
    ratings = queries.scar_ratings_frame(engine, profile_id)
    for _area, rows in ratings.groupby("area"):
        first, last = rows["severity"].iloc[:3].mean(), rows["severity"].iloc[-3:].mean()
        assert last < first


def test_demo_is_deterministic(sqlite_url: str, tmp_path: Path) -> None:
    frames = []
    for name in ("one.db", "two.db"):
        engine = db.make_engine(f"sqlite:///{tmp_path / name}")
        db.upgrade(engine)
        profile = create_profile(engine, ProfileSettings(timezone="Europe/London"))
        demo.load_demo(engine, profile, today=DEMO_TODAY)
        frame = queries.sessions_frame(engine, profile).drop(columns=["session_id"])
        frames.append(frame.astype(str))
        engine.dispose()
    assert frames[0].equals(frames[1])


def test_demo_is_refused_over_real_entries(engine: Engine, profile_id: int) -> None:
    add_session(
        engine,
        profile_id,
        SessionInput(datetime(2026, 1, 5, 21, tzinfo=UTC), ["Chin"], 0.25),
    )
    with pytest.raises(demo.DemoRefused, match="already has entries"):
        demo.load_demo(engine, profile_id, today=DEMO_TODAY)
    assert queries.session_count(engine, profile_id) == 1


def test_demo_is_removed_in_one_action_and_keeps_real_entries(
    engine: Engine, profile_id: int
) -> None:
    demo.load_demo(engine, profile_id, today=DEMO_TODAY)
    add_session(
        engine, profile_id, SessionInput(datetime(2026, 3, 1, 21, tzinfo=UTC), ["Chin"], 0.25)
    )
    assert demo.has_demo_data(engine, profile_id)
    demo.remove_demo(engine, profile_id)
    assert not demo.has_demo_data(engine, profile_id)
    assert queries.session_count(engine, profile_id) == 1
    assert queries.scar_ratings_frame(engine, profile_id).empty
    assert queries.rollers_frame(engine, profile_id).empty
