"""Shared fixtures: a fresh SQLite file or a fresh PostgreSQL database per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from dermadash.storage import db
from dermadash.storage.profiles import ProfileSettings, create_profile, default_profile_id

pytest_plugins = ["tests.plugins.postgres_runs"]

POSTGRES_VARIABLE = "DERMADASH_TEST_POSTGRES_URL"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEMO_TODAY = date(2026, 3, 2)


def postgres_server_url() -> str | None:
    return os.environ.get(POSTGRES_VARIABLE) or None


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'dermadash.storage.db'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A brand-new PostgreSQL database, dropped after the test."""
    server = postgres_server_url()
    if server is None:
        pytest.skip(f"{POSTGRES_VARIABLE} is not set")
    name = f"dermadash_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str:
    """Each test using this runs on a fresh SQLite file and a fresh PostgreSQL database."""
    fixture = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return request.getfixturevalue(fixture)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = db.make_engine(database_url)
    db.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_engine(sqlite_url: str) -> Iterator[Engine]:
    engine = db.make_engine(sqlite_url)
    db.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def profile_id(engine: Engine) -> int:
    return create_profile(engine, ProfileSettings(display_name="Sam", timezone="Europe/London"))


@pytest.fixture
def app_database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point the app (AppTest runs in this process) at a fresh database, with owner
    sign-in by password: AppTest's way in (see ``tests.apptest.as_signed_in_owner``)."""
    monkeypatch.setenv("DERMADASH_DATABASE_URL", database_url)
    monkeypatch.setenv("DERMADASH_AUTH", "password")
    return database_url


@pytest.fixture
def app_engine(app_database: str) -> Iterator[Engine]:
    """An engine on the app's database (``app_database``), migrated, to fill and read."""
    engine = db.make_engine(app_database)
    db.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def me(app_engine: Engine) -> int:
    """The one-person profile the app uses (created the way the app creates it)."""
    return default_profile_id(app_engine, "Europe/London")
