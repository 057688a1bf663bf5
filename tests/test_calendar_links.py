"""Calendar links: 256-bit tokens stored only as hashes, revocable, fetches recorded."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select, text

from dermadash.calendar import links
from dermadash.storage import erase
from dermadash.storage.models import CalendarLink
from dermadash.storage.profiles import ProfileSettings, create_profile, data_revision, load_profile
from dermadash.storage.validation import ValidationError
from tests.test_sharing import _every_stored_text

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def test_the_token_is_256_bits_and_only_its_hash_is_stored(engine: Engine, profile_id: int) -> None:
    new = links.create_link(engine, profile_id, now=NOW)
    assert len(new.token) == 43  # 32 bytes of URL-safe base64
    stored = _every_stored_text(engine)
    assert new.token not in stored
    assert hashlib.sha256(new.token.encode()).hexdigest() in stored


def test_a_link_has_no_expiry_unless_one_is_chosen(engine: Engine, profile_id: int) -> None:
    forever = links.create_link(engine, profile_id, now=NOW)
    assert forever.expires_at is None
    assert links.open_feed(engine, forever.token, NOW + timedelta(days=3650)) is not None
    month = links.create_link(engine, profile_id, days=30, now=NOW)
    assert month.expires_at == NOW + timedelta(days=30)
    assert links.open_feed(engine, month.token, NOW + timedelta(days=29)) is not None
    assert links.open_feed(engine, month.token, NOW + timedelta(days=30)) is None


@pytest.mark.parametrize("days", [0, -1, 366, True, 2.5])
def test_a_bad_expiry_is_refused_and_nothing_is_written(
    engine: Engine, profile_id: int, days: object
) -> None:
    with pytest.raises(ValidationError, match="between 1 and 365 days"):
        links.create_link(engine, profile_id, days=days, now=NOW)  # type: ignore[arg-type]  # wrong on purpose
    assert links.list_links(engine, profile_id, NOW) == []


def test_opening_records_the_fetch_and_says_whose_feed_it_is(
    engine: Engine, profile_id: int
) -> None:
    new = links.create_link(engine, profile_id, generic_titles=True, now=NOW)
    [before] = links.list_links(engine, profile_id, NOW)
    assert before.last_fetched_at is None
    access = links.open_feed(engine, new.token, NOW + timedelta(hours=5))
    assert access == links.FeedAccess(new.link_id, profile_id, generic_titles=True)
    [after] = links.list_links(engine, profile_id, NOW)
    assert after.last_fetched_at == NOW + timedelta(hours=5)
    assert "last fetched Mon 2 Mar 2026, 17:00" in after.describe("Europe/London")


def test_writing_links_leaves_the_data_revision_alone(engine: Engine, profile_id: int) -> None:
    revision = data_revision(engine, profile_id)
    new = links.create_link(engine, profile_id, now=NOW)
    links.open_feed(engine, new.token, NOW)
    links.revoke_link(engine, profile_id, new.link_id, NOW)
    assert data_revision(engine, profile_id) == revision


def test_revoking_stops_the_link_at_once_and_keeps_the_first_time(
    engine: Engine, profile_id: int
) -> None:
    new = links.create_link(engine, profile_id, now=NOW)
    links.revoke_link(engine, profile_id, new.link_id, NOW + timedelta(minutes=1))
    assert links.open_feed(engine, new.token, NOW + timedelta(minutes=1)) is None
    links.revoke_link(engine, profile_id, new.link_id, NOW + timedelta(days=1))
    [row] = links.list_links(engine, profile_id, NOW + timedelta(days=2))
    assert (row.status, row.revoked_at) == (links.REVOKED, NOW + timedelta(minutes=1))
    assert row.last_fetched_at is None  # a refused fetch is not recorded


def test_nobody_revokes_another_profiles_link(engine: Engine, profile_id: int) -> None:
    other = create_profile(engine, ProfileSettings(display_name="Alex"))
    theirs = links.create_link(engine, other, now=NOW)
    with pytest.raises(links.CalendarLinkNotFound):
        links.revoke_link(engine, profile_id, theirs.link_id, NOW)
    assert links.open_feed(engine, theirs.token, NOW) is not None
    assert links.list_links(engine, profile_id, NOW) == []


@pytest.mark.parametrize(
    "token",
    ["", "short", "A" * 43, "A" * 44, "../" + "A" * 40, None, 42, "é" * 43],
)
def test_malformed_or_unknown_tokens_open_nothing(
    engine: Engine, profile_id: int, token: object
) -> None:
    links.create_link(engine, profile_id, now=NOW)
    assert links.open_feed(engine, token, NOW) is None


def test_listing_is_newest_first_with_status(engine: Engine, profile_id: int) -> None:
    old = links.create_link(engine, profile_id, days=1, now=NOW - timedelta(days=5))
    revoked = links.create_link(engine, profile_id, now=NOW - timedelta(days=2))
    links.revoke_link(engine, profile_id, revoked.link_id, NOW - timedelta(days=1))
    active = links.create_link(engine, profile_id, now=NOW)
    rows = links.list_links(engine, profile_id, NOW)
    assert [(row.link_id, row.status) for row in rows] == [
        (active.link_id, links.ACTIVE),
        (revoked.link_id, links.REVOKED),
        (old.link_id, links.EXPIRED),
    ]
    zone = load_profile(engine, profile_id).timezone
    assert rows[0].describe(zone) == (
        "Created Mon 2 Mar 2026, 12:00 · not fetched yet · no expiry · titles name the areas"
    )
    assert "revoked Sun 1 Mar 2026, 12:00" in rows[1].describe(zone)
    assert "expired Thu 26 Feb 2026, 12:00" in rows[2].describe(zone)


def test_deleting_the_profile_deletes_its_links(engine: Engine, profile_id: int) -> None:
    links.create_link(engine, profile_id, now=NOW)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM profiles WHERE id = :id"), {"id": profile_id})
    with engine.connect() as connection:
        assert connection.scalar(select(CalendarLink.id)) is None


def test_feed_addresses() -> None:
    url = links.calendar_url("https://derma.example.org/app/", "T" * 43)
    assert url == f"https://derma.example.org/app/calendar/{'T' * 43}.ics"
    assert links.webcal_url(url) == f"webcal://derma.example.org/app/calendar/{'T' * 43}.ics"


def test_erasing_the_profiles_data_ends_its_calendar_links(engine: Engine, profile_id: int) -> None:
    new = links.create_link(engine, profile_id, now=NOW)
    erase.erase_profile_data(engine, profile_id, erase.CONFIRMATION_WORD)
    assert links.open_feed(engine, new.token, NOW) is None
    assert links.list_links(engine, profile_id, NOW) == []
