"""Clinic scale: one person's dashboard on a database of 10,000 people and 1,000,000
sessions, against the same person alone, in one run (target: at most 1.2×).

Per-profile queries must not grow with other people's data; the indexes on
(profile_id, started_at) and friends are what keeps them flat. Two things are timed on
each database, alternately:

- the dashboard page: the whole app script (``router.py`` → home → dashboard) in
  Streamlit's AppTest with ``DERMADASH_DATABASE_URL`` pointing at that database, cold
  (the profile's data revision bumped and the caches cleared first, as after a write);
- the reads alone: every query the dashboard makes for the person.

The timed person is the first profile (the one-person default the app opens).
"""

from __future__ import annotations

import statistics
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from benchmarks.dashboard_vs_floor import APP, cold_and_warm, use_database
from benchmarks.population import populate
from benchmarks.timing import median_seconds
from dermadash.storage import db, queries
from dermadash.storage.profiles import data_revision, load_profile

PERSON_SESSIONS = 1_500
PROFILES = 10_000
SESSIONS_PER_OTHER = 100
PAGE_RUNS = 5
TARGET_RATIO = 1.2


@dataclass(frozen=True)
class ScaleResult:
    backend: str
    profiles: int
    total_sessions: int
    person_sessions: int
    small_page_seconds: float
    large_page_seconds: float
    small_reads_seconds: float
    large_reads_seconds: float

    @property
    def ratio(self) -> float:
        """The dashboard page on the large database against the small one."""
        return self.large_page_seconds / self.small_page_seconds

    @property
    def reads_ratio(self) -> float:
        return self.large_reads_seconds / self.small_reads_seconds


def dashboard_reads(engine: Engine, profile_id: int) -> None:
    """Every read the dashboard makes for one person."""
    data_revision(engine, profile_id)
    load_profile(engine, profile_id)
    queries.sessions_frame(engine, profile_id)
    queries.rollers_frame(engine, profile_id)
    queries.scar_ratings_frame(engine, profile_id)


def _fresh_engine(url: str) -> Engine:
    engine = db.make_engine(url)
    db.upgrade(engine)
    return engine


def _page_seconds(urls: dict[str, str], person: int, runs: int) -> dict[str, float]:
    """Median cold dashboard run per database, the databases taking turns."""
    timings: dict[str, list[float]] = {name: [] for name in urls}
    for url in urls.values():  # untimed: imports, engines, migrations checked
        with use_database(url):
            cold_and_warm(APP, url, person)
    for _ in range(runs):
        for name, url in urls.items():
            with use_database(url):
                timings[name].append(cold_and_warm(APP, url, person)[0])
    st.cache_data.clear()
    st.cache_resource.clear()
    return {name: statistics.median(values) for name, values in timings.items()}


def measure(
    small_url: str,
    large_url: str,
    backend: str,
    profiles: int = PROFILES,
    sessions_per_other: int = SESSIONS_PER_OTHER,
    person_sessions: int = PERSON_SESSIONS,
    runs: int = PAGE_RUNS,
) -> ScaleResult:
    small = _fresh_engine(small_url)
    large = _fresh_engine(large_url)
    person_small = populate(
        small, profiles=1, sessions_per_other_profile=0, person_sessions=person_sessions
    )
    person_large = populate(
        large,
        profiles=profiles,
        sessions_per_other_profile=sessions_per_other,
        person_sessions=person_sessions,
    )
    if person_small != person_large:
        raise RuntimeError("the timed person must have the same id in both databases")
    if large.dialect.name == "postgresql":
        with large.begin() as connection:  # fresh statistics, as autovacuum would give
            connection.exec_driver_sql("ANALYZE")
        with small.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
    small_reads = median_seconds(lambda: dashboard_reads(small, person_small))
    large_reads = median_seconds(lambda: dashboard_reads(large, person_large))
    small.dispose()
    large.dispose()
    pages = _page_seconds({"small": small_url, "large": large_url}, person_small, runs)
    return ScaleResult(
        backend=backend,
        profiles=profiles,
        total_sessions=person_sessions + (profiles - 1) * sessions_per_other,
        person_sessions=person_sessions,
        small_page_seconds=pages["small"],
        large_page_seconds=pages["large"],
        small_reads_seconds=small_reads,
        large_reads_seconds=large_reads,
    )


def measure_sqlite(folder: Path, **sizes: int) -> ScaleResult:
    small = folder / "scale-small.db"
    large = folder / "scale-large.db"
    for path in (small, large):
        path.unlink(missing_ok=True)
    return measure(f"sqlite:///{small}", f"sqlite:///{large}", "SQLite", **sizes)


@contextmanager
def throwaway_databases(server_url: str, count: int) -> Iterator[list[str]]:
    """``count`` new databases on a PostgreSQL server, dropped afterwards."""
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    names = [f"dermadash_bench_{uuid.uuid4().hex[:10]}" for _ in range(count)]
    with admin.connect() as connection:
        for name in names:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield [
            make_url(server_url).set(database=name).render_as_string(hide_password=False)
            for name in names
        ]
    finally:
        with admin.connect() as connection:
            for name in names:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def measure_postgres(server_url: str, **sizes: int) -> ScaleResult:
    """Two throwaway databases on the server, dropped afterwards."""
    with throwaway_databases(server_url, 2) as (small, large):
        return measure(small, large, "PostgreSQL", **sizes)
