"""The calendar feed fetched over HTTP from the running app (``streamlit run app.py``),
as a calendar app fetches it, and read back with a second parser."""

from __future__ import annotations

import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from email.message import Message

import pytest

from dermadash.calendar import links
from dermadash.storage import profiles
from dermadash.storage.records import CheckInInput, SessionInput, add_session, save_check_in
from tests.browser import live_app, live_database_url, open_store  # noqa: F401 (fixtures)
from tests.calendar_helpers import (
    CHECK_IN,
    NEXT_SAFE,
    assert_feed_matches_the_engine,
    parse_feed,
)

pytestmark = pytest.mark.slow


def _get(url: str) -> tuple[int, Message, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_the_running_app_serves_the_feed_and_stops_at_once_when_revoked(
    live_app: str,  # noqa: F811
    live_database_url: str,  # noqa: F811
) -> None:
    engine, me = open_store(live_database_url)
    other = profiles.profile_id_for_identity(engine, "oidc:ben", "Ben", "Europe/Berlin")
    started = datetime.now(UTC) - timedelta(hours=5)
    waiting = add_session(
        engine, me, SessionInput(started_at=started, areas=["Left cheek"], needle_mm=0.25)
    )
    done = add_session(
        engine,
        me,
        SessionInput(started_at=started - timedelta(days=2), areas=["Chin"], needle_mm=0.25),
    )
    save_check_in(engine, me, done, CheckInInput(redness_hours=3))
    add_session(engine, other, SessionInput(started_at=started, areas=["Nose"], needle_mm=0.5))
    mine = links.create_link(engine, me)
    links.create_link(engine, other)

    status, headers, body = _get(links.calendar_url(live_app, mine.token))
    assert status == 200
    assert headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert headers["Cache-Control"] == "no-store"
    assert headers["X-Content-Type-Options"] == "nosniff"  # the app's security headers
    assert headers["X-Robots-Tag"] == "noindex, nofollow"
    parsed = parse_feed(body)
    assert_feed_matches_the_engine(engine, me, parsed, datetime.now(UTC))
    assert sorted(event.name for event in parsed.named(NEXT_SAFE)) == [
        f"{NEXT_SAFE}Chin",
        f"{NEXT_SAFE}Left cheek",
    ]
    assert [event.name for event in parsed.named(CHECK_IN)] == [f"{CHECK_IN}Left cheek"]
    assert "Nose" not in body.decode()  # the other profile's area
    [row] = links.list_links(engine, me)
    assert row.last_fetched_at is not None

    save_check_in(engine, me, waiting, CheckInInput(redness_hours=1))
    _, _, after_check_in = _get(links.calendar_url(live_app, mine.token))
    assert parse_feed(after_check_in).named(CHECK_IN) == []

    links.revoke_link(engine, me, mine.link_id)
    revoked = _get(links.calendar_url(live_app, mine.token))
    wrong = _get(links.calendar_url(live_app, mine.token[::-1]))
    assert revoked[0] == wrong[0] == 404
    assert revoked[2] == wrong[2]
    assert revoked[1]["Cache-Control"] == "no-store"
    engine.dispose()
