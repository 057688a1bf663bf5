"""``GET /calendar/<token>.ics`` on a small Starlette app with the server's routes: the
feed, its headers, and one identical 404 for every token that opens nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.testclient import TestClient

from dermadash.calendar import endpoint, links
from dermadash.server import database
from dermadash.server.routes import ROUTES
from dermadash.storage import profiles
from dermadash.storage.records import SessionInput, add_session
from tests.calendar_helpers import NEXT_SAFE, assert_feed_matches_the_engine, parse_feed


@pytest.fixture
def client(app_database: str, engine: Engine) -> Iterator[TestClient]:
    database._engine_for.cache_clear()
    with TestClient(Starlette(routes=ROUTES)) as test_client:
        yield test_client
    database._engine_for.cache_clear()


def _path(token: str) -> str:
    return f"/calendar/{token}.ics"


def _roll(engine: Engine, profile_id: int, area: str) -> None:
    moment = datetime.now(UTC) - timedelta(hours=3)
    add_session(engine, profile_id, SessionInput(started_at=moment, areas=[area], needle_mm=0.25))


def test_a_valid_link_serves_the_feed_uncached(
    client: TestClient, engine: Engine, profile_id: int
) -> None:
    _roll(engine, profile_id, "Left cheek")
    new = links.create_link(engine, profile_id)
    response = client.get(_path(new.token))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert response.headers["cache-control"] == "no-store"
    parsed = parse_feed(response.content)
    assert_feed_matches_the_engine(engine, profile_id, parsed, datetime.now(UTC))
    assert [event.name for event in parsed.named(NEXT_SAFE)] == [f"{NEXT_SAFE}Left cheek"]
    [row] = links.list_links(engine, profile_id)
    assert row.last_fetched_at is not None
    assert datetime.now(UTC) - row.last_fetched_at < timedelta(minutes=1)


def test_a_generic_link_serves_generic_titles(
    client: TestClient, engine: Engine, profile_id: int
) -> None:
    _roll(engine, profile_id, "Left cheek")
    new = links.create_link(engine, profile_id, generic_titles=True)
    body = client.get(_path(new.token)).text
    assert "cheek" not in body.lower()
    assert "Private reminders" in body


def test_wrong_revoked_expired_and_malformed_tokens_get_the_same_404(
    client: TestClient, engine: Engine, profile_id: int
) -> None:
    revoked = links.create_link(engine, profile_id)
    assert client.get(_path(revoked.token)).status_code == 200
    links.revoke_link(engine, profile_id, revoked.link_id)
    expired = links.create_link(
        engine, profile_id, days=1, now=datetime.now(UTC) - timedelta(days=2)
    )
    unknown = links.create_link(engine, profile_id).token[::-1]
    answers = [
        client.get(_path(token))
        for token in (revoked.token, expired.token, unknown, "x", "%2e%2e", "A" * 500)
    ]
    assert {answer.status_code for answer in answers} == {404}
    assert {answer.content for answer in answers} == {endpoint.NOT_FOUND_TEXT.encode()}
    assert {answer.headers["cache-control"] for answer in answers} == {"no-store"}
    assert {tuple(sorted(answer.headers)) for answer in answers} == {
        tuple(sorted(answers[0].headers))
    }


def test_revoking_answers_404_at_once(client: TestClient, engine: Engine, profile_id: int) -> None:
    new = links.create_link(engine, profile_id)
    assert client.get(_path(new.token)).status_code == 200
    links.revoke_link(engine, profile_id, new.link_id)
    assert client.get(_path(new.token)).status_code == 404


def test_one_profiles_link_never_serves_anothers_events(client: TestClient, engine: Engine) -> None:
    ana = profiles.profile_id_for_identity(engine, "oidc:ana", "Ana", "Europe/London")
    ben = profiles.profile_id_for_identity(engine, "oidc:ben", "Ben", "Europe/Berlin")
    _roll(engine, ana, "Ana's forehead")
    _roll(engine, ben, "Ben's nose")
    ana_body = client.get(_path(links.create_link(engine, ana).token)).text
    ben_body = client.get(_path(links.create_link(engine, ben).token)).text
    assert "Ana's forehead" in ana_body
    assert "Ben's nose" not in ana_body
    assert "Ben's nose" in ben_body
    assert "Ana's forehead" not in ben_body


def test_a_database_that_cannot_be_read_gets_a_plain_503(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    monkeypatch.setenv("DERMADASH_DATABASE_URL", f"sqlite:///{blocker / 'dermadash.storage.db'}")
    database._engine_for.cache_clear()
    with TestClient(Starlette(routes=ROUTES)) as client:
        response = client.get(_path("A" * 43))
    database._engine_for.cache_clear()
    assert response.status_code == 503
    assert response.text == endpoint.UNAVAILABLE_TEXT
    assert "Traceback" not in response.text
