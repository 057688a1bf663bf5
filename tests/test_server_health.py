"""``GET /healthz`` on SQLite and PostgreSQL: ok, schema behind, database not answering."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from dermadash.server import health
from dermadash.storage import db
from tests.browser import running_app
from tests.live_server import free_port


def test_a_current_database_is_healthy(engine: Engine) -> None:
    answer = health.check(engine)
    assert answer.status_code == 200
    assert answer.body == {"status": "ok", "database": "ok", "schema": db.head_revision()}


def test_a_schema_one_revision_behind_is_unavailable(database_url: str) -> None:
    engine = db.make_engine(database_url)
    head = db.head_revision()
    behind = ScriptDirectory(str(db.MIGRATIONS_DIR)).get_revision(head).down_revision
    assert isinstance(behind, str)
    db.upgrade(engine, behind)
    try:
        answer = health.check(engine)
    finally:
        engine.dispose()
    assert answer.status_code == 503
    assert answer.body["database"] == "ok"
    assert answer.body["schema"] == behind
    assert head in answer.body["reason"]
    assert "python -m dermadash init" in answer.body["reason"]


def test_an_empty_database_is_unavailable(sqlite_url: str) -> None:
    engine = db.make_engine(sqlite_url)
    answer = health.check(engine)
    engine.dispose()
    assert answer.status_code == 503
    assert answer.body["schema"] == "none"


def test_a_postgresql_that_does_not_answer_is_unavailable() -> None:
    closed = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/dermadash"
    engine = db.make_engine(closed)
    answer = asyncio.run(health.checked(engine))
    engine.dispose()
    assert answer.status_code == 503
    assert answer.body == {
        "status": "unavailable",
        "database": "unreachable",
        "reason": "The database does not answer.",
    }


def _get(url: str) -> tuple[int, dict[str, object], dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return (
                response.status,
                json.load(response),
                {k.lower(): v for k, v in response.headers.items()},
            )
    except urllib.error.HTTPError as error:
        return error.code, json.load(error), {k.lower(): v for k, v in error.headers.items()}


@pytest.mark.slow
def test_healthz_served_by_the_app(database_url: str) -> None:
    with running_app(database_url) as base_url:
        status, body, headers = _get(f"{base_url}/healthz")
    assert status == 200
    assert body == {"status": "ok", "database": "ok", "schema": db.head_revision()}
    assert headers["cache-control"] == "no-store"
    assert headers["x-content-type-options"] == "nosniff"


@pytest.mark.slow
def test_healthz_when_postgresql_is_down() -> None:
    """The app starts even so (it says why in its log) and answers 503, no traceback."""
    closed = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/dermadash"
    with running_app(closed) as base_url:
        status, body, _headers = _get(f"{base_url}/healthz")
    assert status == 503
    assert body["database"] == "unreachable"
