"""The served app imports its pages' parts at start and freezes what start-up made, so
Streamlit's full collection after each script run walks only what the runs made; what
they leave behind is still collected (``dermadash.server.long_lived``)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine

from dermadash import demo
from dermadash.storage.profiles import default_profile_id
from tests.live_server import run_peer

# After one dashboard run, a full collection walks at most this share of the objects the
# process holds (measured: about 5 %; without the freeze it walks all of them).
WALKED_SHARE_AT_MOST = 0.2


def _start_and_run_home(database_url: str) -> dict[str, object]:
    """``tests.start_up_peer`` in a fresh process: what the collector holds after one run."""
    printed = run_peer("tests.start_up_peer", database_url)
    report: dict[str, object] = json.loads(printed.strip().splitlines()[-1])
    return report


@pytest.mark.slow
def test_start_up_objects_are_frozen_and_a_run_leaves_little_to_walk(
    sqlite_url: str, sqlite_engine: Engine
) -> None:
    demo.load_demo(sqlite_engine, default_profile_id(sqlite_engine))
    report = _start_and_run_home(sqlite_url)
    assert report["drew_charts"] == 6  # the dashboard really ran, charts and all
    assert report["imported_at_start"] == report["page_modules"]
    assert "views.dashboard_parts" in report["page_modules"]
    assert "scipy.stats" in report["page_modules"]
    frozen, walked = report["frozen"], report["walked"]
    assert isinstance(frozen, int)
    assert isinstance(walked, int)
    assert walked <= WALKED_SHARE_AT_MOST * (frozen + walked)
    assert report["cycle_collected"] is True
