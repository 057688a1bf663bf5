"""How much slower the dashboard is than a bare page that reads the same rows.

Five years of data (about 1,500 sessions, their check-ins and fortnightly scar ratings)
go into a fresh SQLite file. Then the whole app script (``router.py`` → home → the
dashboard) and ``benchmarks/floor_page.py`` (read the profile, sessions, scar ratings
and rollers the dashboard reads, draw one chart) each run in Streamlit's AppTest,
alternately, several times:

- cold: the profile's data revision bumped (what any write does) and Streamlit's data
  cache cleared before each run: the first view after a change;
- warm: the same script run again (a rerun);
- after a filter change: the owner picks another period on the warm dashboard (its data
  cached, that view not yet), against the floor's warm rerun (target: at most 2x);
- the shared view a dermatologist opens (``/?share=<token>``, period "All"), cold,
  against the floor cold.

The result is a ratio of medians (target: the cold dashboard at most 2x the floor).
Run ``python -m benchmarks.dashboard_vs_floor`` from the project root; ``measure()`` and
``dashboard_to_floor_ratio()`` are there for ``python -m dermadash bench``.
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from dermadash.sharing import share_links
from dermadash.storage import db
from dermadash.storage.profiles import ProfileSettings, create_profile, mark_changed
from dermadash.storage.records import (
    CheckInInput,
    RollerInput,
    ScarRatingInput,
    SessionInput,
    insert_roller,
    insert_scar_rating,
    insert_session,
    put_check_in,
)

if TYPE_CHECKING:
    from streamlit.testing.v1 import AppTest

# Streamlit is imported only where a page runs: filling a history (browser_load,
# long_log_browser) needs none of it.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
APP = PROJECT_ROOT / "router.py"
FLOOR = PROJECT_ROOT / "benchmarks" / "floor_page.py"
TARGET_RATIO = 2.0
FILTER_TARGET_RATIO = 2.0
FILTER_PERIODS = ("365 days", "30 days")  # the owner's default is 90 days
DEFAULT_SESSIONS = 1500
DEFAULT_RUNS = 5
TIMEZONE = "Europe/London"
AREAS = ("Left cheek", "Right cheek", "Forehead", "Chin")
RUN_TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class BenchResult:
    sessions: int
    runs: int
    dashboard_cold_s: float
    floor_cold_s: float
    dashboard_warm_s: float
    floor_warm_s: float
    dashboard_filter_s: float = float("nan")
    shared_cold_s: float = float("nan")

    @property
    def cold_ratio(self) -> float:
        return self.dashboard_cold_s / self.floor_cold_s

    @property
    def warm_ratio(self) -> float:
        return self.dashboard_warm_s / self.floor_warm_s

    @property
    def filter_ratio(self) -> float:
        """The dashboard's rerun after a period change against the floor's warm rerun."""
        return self.dashboard_filter_s / self.floor_warm_s

    @property
    def shared_ratio(self) -> float:
        """The shared view (period "All") cold against the floor cold."""
        return self.shared_cold_s / self.floor_cold_s

    def report(self) -> str:
        verdict = "within" if self.cold_ratio <= TARGET_RATIO else "OVER"
        return "\n".join(
            [
                f"Dashboard vs floor on {self.sessions} sessions, median of {self.runs} runs:",
                f"  cold (cache cleared): dashboard {self.dashboard_cold_s * 1000:.0f} ms, "
                f"floor {self.floor_cold_s * 1000:.0f} ms, ratio {self.cold_ratio:.2f}x "
                f"({verdict} the {TARGET_RATIO:g}x target)",
                f"  warm (rerun):         dashboard {self.dashboard_warm_s * 1000:.0f} ms, "
                f"floor {self.floor_warm_s * 1000:.0f} ms, ratio {self.warm_ratio:.2f}x",
            ]
        )


def fill_history(database_url: str, sessions: int = DEFAULT_SESSIONS) -> int:
    """A profile with ``sessions`` sessions spread over five years; returns its id."""
    engine = db.make_engine(database_url)
    db.upgrade(engine)
    generator = random.Random(7)
    zone = ZoneInfo(TIMEZONE)
    first_day = date.today() - timedelta(days=5 * 365)
    step = 5 * 365 / sessions
    profile_id = create_profile(engine, ProfileSettings(display_name="Bench", timezone=TIMEZONE))
    with db.transaction(engine) as session:
        roller_id = insert_roller(session, profile_id, RollerInput("Bench roller", 0.25))
        for index in range(sessions):
            day = first_day + timedelta(days=int(index * step))
            started_at = datetime.combine(day, clock(21, generator.choice([0, 30])), zone)
            session_id = insert_session(
                session,
                profile_id,
                SessionInput(
                    started_at=started_at,
                    areas=[AREAS[index % 2], AREAS[2 + index % 2]],
                    needle_mm=0.25,
                    roller_id=roller_id,
                    passes_vertical=6,
                    passes_horizontal=6,
                    sterilized_before=True,
                    sterilized_after=True,
                    skin_cleansed=True,
                    active_acne=False,
                    pain=generator.randint(2, 6),
                ),
            )
            put_check_in(
                session,
                profile_id,
                session_id,
                CheckInInput(
                    redness_hours=round(generator.uniform(3, 30), 1),
                    stinging_minutes=float(generator.choice([5, 10, 20, 40])),
                    side_effect="none",
                ),
            )
        for fortnight in range(5 * 26):
            rated_on = first_day + timedelta(weeks=2 * fortnight)
            for area in AREAS:
                severity = max(0, 7 - fortnight // 20 + generator.randint(-1, 1))
                insert_scar_rating(
                    session, profile_id, ScarRatingInput(rated_on, area, min(10, severity))
                )
    engine.dispose()
    return profile_id


@contextmanager
def use_database(url: str) -> Iterator[None]:
    """Point the app (``DERMADASH_DATABASE_URL``) at ``url`` for the block, with owner
    sign-in by password (AppTest's way in, see ``_fresh_app``)."""
    settings = {"DERMADASH_DATABASE_URL": url, "DERMADASH_AUTH": "password"}
    previous = {name: os.environ.get(name) for name in settings}
    os.environ.update(settings)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _clear_caches(*, resources: bool) -> None:
    import streamlit as st

    st.cache_data.clear()
    if resources:
        st.cache_resource.clear()


def _timed_run(app: AppTest) -> float:
    started = time.perf_counter()
    app.run()
    elapsed = time.perf_counter() - started
    if app.exception:
        raise RuntimeError(f"the page failed: {[item.value for item in app.exception]}")
    return elapsed


def _fresh_app(script: Path, query: dict[str, str] | None = None) -> AppTest:
    from streamlit.testing.v1 import AppTest

    from page_support.owner_guard import OWNER_SIGNED_IN_KEY

    app = AppTest.from_file(str(script), default_timeout=RUN_TIMEOUT_SECONDS)
    app.context["timezone"] = TIMEZONE
    # AppTest has no HTTP request to prove "this computer": the owner comes in signed
    # in by password, as in tests/apptest.py (use_database sets DERMADASH_AUTH).
    app.session_state[OWNER_SIGNED_IN_KEY] = True
    for key, value in (query or {}).items():
        app.query_params[key] = value
    return app


def _data_changed(database_url: str, profile_id: int) -> None:
    """What a write does: bump the data revision (and drop the floor's cached read)."""
    engine = db.make_engine(database_url)
    with db.transaction(engine) as session:
        mark_changed(session, profile_id)
    engine.dispose()
    _clear_caches(resources=False)


def cold_and_warm(
    script: Path, database_url: str, profile_id: int, query: dict[str, str] | None = None
) -> tuple[float, float]:
    """One run right after a (simulated) write, then a rerun of the same page: seconds."""
    _data_changed(database_url, profile_id)
    app = _fresh_app(script, query)
    cold = _timed_run(app)
    warm = _timed_run(app)
    return cold, warm


def after_filter_change(database_url: str, profile_id: int) -> float:
    """The warm dashboard, then the owner picks another period: seconds of that rerun."""
    _data_changed(database_url, profile_id)
    app = _fresh_app(APP)
    _timed_run(app)
    timings = []
    for period in FILTER_PERIODS:
        app.radio(key="dash_period").set_value(period)
        timings.append(_timed_run(app))
    return statistics.median(timings)


def share_token(database_url: str, profile_id: int) -> str:
    """A share link for the benchmark's person (the shared view's address carries it)."""
    engine = db.make_engine(database_url)
    try:
        return share_links.create_link(engine, profile_id, "Benchmark").token
    finally:
        engine.dispose()


def measure(sessions: int = DEFAULT_SESSIONS, runs: int = DEFAULT_RUNS) -> BenchResult:
    """Time the dashboard and the floor on ``sessions`` sessions (alternating runs)."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        profile_id = fill_history(url, sessions)
        shared = {"share": share_token(url, profile_id)}
        with use_database(url):
            # One untimed run of each: imports, the engine and migrations are not the page.
            cold_and_warm(APP, url, profile_id)
            cold_and_warm(APP, url, profile_id, shared)
            cold_and_warm(FLOOR, url, profile_id)
            after_filter_change(url, profile_id)
            timings: dict[Path, list[tuple[float, float]]] = {APP: [], FLOOR: []}
            filtered: list[float] = []
            shared_cold: list[float] = []
            for _ in range(runs):
                for script in (APP, FLOOR):
                    timings[script].append(cold_and_warm(script, url, profile_id))
                filtered.append(after_filter_change(url, profile_id))
                shared_cold.append(cold_and_warm(APP, url, profile_id, shared)[0])
        _clear_caches(resources=True)

    def median(script: Path, index: int) -> float:
        return statistics.median(pair[index] for pair in timings[script])

    return BenchResult(
        sessions=sessions,
        runs=runs,
        dashboard_cold_s=median(APP, 0),
        floor_cold_s=median(FLOOR, 0),
        dashboard_warm_s=median(APP, 1),
        floor_warm_s=median(FLOOR, 1),
        dashboard_filter_s=statistics.median(filtered),
        shared_cold_s=statistics.median(shared_cold),
    )


def dashboard_to_floor_ratio(sessions: int = DEFAULT_SESSIONS, runs: int = DEFAULT_RUNS) -> float:
    """The cold-run ratio dashboard / floor (target: at most 2)."""
    return measure(sessions, runs).cold_ratio


if __name__ == "__main__":
    print(measure().report())
