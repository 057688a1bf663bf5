"""Share links: tokens never stored, every bad token refused alike, views audited."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, func, inspect, select, text
from sqlalchemy.engine import make_url

from dermadash.sharing import link_wording, share_links
from dermadash.storage.db import transaction
from dermadash.storage.models import ShareLink, ShareLinkView
from dermadash.storage.profiles import ProfileSettings, create_profile, data_revision
from dermadash.storage.validation import ValidationError

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def _every_stored_text(engine: Engine) -> str:
    """Every value of every row of every table, as text."""
    parts: list[str] = []
    with engine.connect() as connection:
        for table in inspect(engine).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                parts.extend(str(value) for value in row)
    return "\n".join(parts)


def test_the_token_is_256_bits_and_only_its_hash_is_stored(engine: Engine, profile_id: int) -> None:
    new = share_links.create_link(engine, profile_id, "Dr Rivera", now=NOW)
    assert len(new.token) == 43  # 32 bytes of URL-safe base64
    stored = _every_stored_text(engine)
    assert new.token not in stored
    assert hashlib.sha256(new.token.encode()).hexdigest() in stored
    with engine.connect() as connection:
        assert connection.scalar(select(ShareLink.token_hash)) == share_links.hash_token(new.token)


def test_the_sqlite_file_never_holds_the_token(sqlite_url: str, sqlite_engine: Engine) -> None:
    profile_id = create_profile(sqlite_engine, ProfileSettings(display_name="Sam"))
    new = share_links.create_link(sqlite_engine, profile_id, "Dr Rivera", now=NOW)
    share_links.record_view(sqlite_engine, new.link_id, now=NOW)
    sqlite_engine.dispose()
    database_file = Path(make_url(sqlite_url).database or "")
    raw = b"".join(
        path.read_bytes()
        for path in database_file.parent.iterdir()
        if path.name.startswith(database_file.name)  # the file, its WAL and shared memory
    )
    assert new.token.encode() not in raw
    assert share_links.hash_token(new.token).encode() in raw


def test_a_valid_token_opens_its_link(engine: Engine, profile_id: int) -> None:
    new = share_links.create_link(engine, profile_id, "Dr Rivera", days=10, now=NOW)
    link = share_links.resolve_token(engine, new.token, now=NOW + timedelta(days=9))
    assert link is not None
    assert link.profile_id == profile_id
    assert link.label == "Dr Rivera"
    assert link.expires_at == NOW + timedelta(days=10)
    assert link.include_photos is False


def _altered(token: str) -> str:
    replacement = "A" if token[5] != "A" else "B"
    return token[:5] + replacement + token[6:]


@pytest.mark.parametrize(
    "make_bad",
    [
        pytest.param(lambda token: secrets.token_urlsafe(32), id="random"),
        pytest.param(lambda token: token[:-1], id="truncated"),
        pytest.param(_altered, id="altered"),
        pytest.param(lambda token: token + "x", id="too-long"),
        pytest.param(lambda token: "", id="empty"),
        pytest.param(lambda token: token[:20] + "%" + token[21:], id="bad-character"),
        pytest.param(lambda token: share_links.hash_token(token), id="the-stored-hash"),
        pytest.param(lambda token: None, id="missing"),
    ],
)
def test_a_wrong_or_malformed_token_opens_nothing(
    engine: Engine, profile_id: int, make_bad: Callable[[str], object]
) -> None:
    new = share_links.create_link(engine, profile_id, "Dr Rivera", now=NOW)
    assert share_links.resolve_token(engine, make_bad(new.token), now=NOW) is None
    assert share_links.resolve_token(engine, new.token, now=NOW) is not None


def test_an_expired_token_opens_nothing(engine: Engine, profile_id: int) -> None:
    new = share_links.create_link(engine, profile_id, "Dr Rivera", days=30, now=NOW)
    expiry = NOW + timedelta(days=30)
    assert share_links.resolve_token(engine, new.token, now=expiry - timedelta(seconds=1))
    assert share_links.resolve_token(engine, new.token, now=expiry) is None
    assert share_links.list_links(engine, profile_id, now=expiry)["status"].tolist() == ["expired"]


def test_revoking_takes_effect_at_once_and_only_for_the_owner(
    engine: Engine, profile_id: int
) -> None:
    other = create_profile(engine, ProfileSettings(display_name="Alex"))
    new = share_links.create_link(engine, profile_id, "Dr Rivera", now=NOW)
    with pytest.raises(share_links.LinkNotFound):
        share_links.revoke_link(engine, other, new.link_id, now=NOW)
    assert share_links.resolve_token(engine, new.token, now=NOW) is not None

    share_links.revoke_link(engine, profile_id, new.link_id, now=NOW)
    assert share_links.resolve_token(engine, new.token, now=NOW) is None
    share_links.revoke_link(engine, profile_id, new.link_id, now=NOW + timedelta(days=1))
    listed = share_links.list_links(engine, profile_id, now=NOW)
    assert listed["status"].tolist() == ["revoked"]
    assert listed["revoked_at"].iloc[0] == NOW  # revoking again keeps the first time


def test_views_are_counted_with_the_last_time(engine: Engine, profile_id: int) -> None:
    new = share_links.create_link(engine, profile_id, "Dr Rivera", now=NOW)
    unseen = share_links.create_link(engine, profile_id, "Clinic", now=NOW + timedelta(hours=1))
    for hours in (2, 5, 3):
        share_links.record_view(engine, new.link_id, now=NOW + timedelta(hours=hours))
    listed = share_links.list_links(engine, profile_id, now=NOW).set_index("link_id")
    assert listed.loc[new.link_id, "views"] == 3
    assert listed.loc[new.link_id, "last_viewed"] == NOW + timedelta(hours=5)
    assert listed.loc[unseen.link_id, "views"] == 0
    assert pd.isna(listed.loc[unseen.link_id, "last_viewed"])
    assert list(listed.index) == [unseen.link_id, new.link_id]  # newest first


def test_links_are_listed_only_for_their_profile(engine: Engine, profile_id: int) -> None:
    other = create_profile(engine, ProfileSettings(display_name="Alex"))
    share_links.create_link(engine, profile_id, "Dr Rivera", now=NOW)
    share_links.create_link(engine, other, "Dr Okafor", now=NOW)
    assert share_links.list_links(engine, profile_id)["label"].tolist() == ["Dr Rivera"]
    assert share_links.list_links(engine, other)["label"].tolist() == ["Dr Okafor"]


def test_photos_flag_is_carried_to_the_view(engine: Engine, profile_id: int) -> None:
    with_photos = share_links.create_link(engine, profile_id, "A", include_photos=True, now=NOW)
    without = share_links.create_link(engine, profile_id, "B", now=NOW)
    assert share_links.resolve_token(engine, with_photos.token, now=NOW).include_photos is True  # type: ignore[union-attr]  # None fails
    assert share_links.resolve_token(engine, without.token, now=NOW).include_photos is False  # type: ignore[union-attr]  # None fails


@pytest.mark.parametrize(
    ("label", "days", "field"),
    [("", 30, "label"), ("   ", 30, "label"), ("x" * 101, 30, "label"), ("Dr", 0, "days"),
     ("Dr", 366, "days"), ("Dr", 2.5, "days")],
)  # fmt: skip
def test_bad_input_creates_nothing(
    engine: Engine, profile_id: int, label: str, days: int, field: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        share_links.create_link(engine, profile_id, label, days=days, now=NOW)
    assert raised.value.field == field
    assert share_links.list_links(engine, profile_id).empty


def test_sharing_leaves_the_health_data_revision_alone(engine: Engine, profile_id: int) -> None:
    before = data_revision(engine, profile_id)
    new = share_links.create_link(engine, profile_id, "Dr Rivera", now=NOW)
    share_links.record_view(engine, new.link_id, now=NOW)
    share_links.revoke_link(engine, profile_id, new.link_id, now=NOW)
    assert data_revision(engine, profile_id) == before


def test_the_longest_link_lasts_a_year(engine: Engine, profile_id: int) -> None:
    new = share_links.create_link(engine, profile_id, "Dr", days=share_links.MAX_DAYS, now=NOW)
    assert new.expires_at == NOW + timedelta(days=365)


@pytest.mark.parametrize(
    ("configured", "page_url", "base_path", "expected"),
    [
        (None, "http://127.0.0.1:8501/share", "", "http://127.0.0.1:8501"),
        (None, "https://derma.example.org/app/share", "app", "https://derma.example.org/app"),
        ("https://derma.example.org/", "http://127.0.0.1:8501/", "", "https://derma.example.org"),
        (None, None, "", share_links.DEFAULT_PUBLIC_URL),
    ],
)
def test_the_app_address(
    monkeypatch: pytest.MonkeyPatch,
    configured: str | None,
    page_url: str | None,
    base_path: str,
    expected: str,
) -> None:
    if configured:
        monkeypatch.setenv(share_links.PUBLIC_URL_VARIABLE, configured)
    else:
        monkeypatch.delenv(share_links.PUBLIC_URL_VARIABLE, raising=False)
    assert share_links.app_base_url(page_url, base_path) == expected


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("http://127.0.0.1:8501", True),
        ("http://localhost:8501", True),
        ("http://[::1]:8501", True),
        ("https://derma.example.org", False),
        ("http://192.168.1.20:8501", False),
    ],
)
def test_local_only_addresses(url: str, local: bool) -> None:
    assert share_links.is_local_only(url) is local


def test_share_url_shape() -> None:
    assert share_links.share_url("https://x.org/", "abc") == "https://x.org/?share=abc"


def _mark_restored(engine: Engine, link_id: int) -> None:
    with transaction(engine) as session:
        link = session.get(ShareLink, link_id)
        assert link is not None
        link.restored_at = NOW


def test_a_restored_link_never_opens_and_says_why(engine: Engine, profile_id: int) -> None:
    # Even a token matching the stored hash opens nothing once the link is marked restored.
    new = share_links.create_link(engine, profile_id, "Dr Rivera", days=7, now=NOW)
    _mark_restored(engine, new.link_id)
    assert share_links.resolve_token(engine, new.token, now=NOW) is None
    row = share_links.list_links(engine, profile_id, now=NOW).iloc[0].to_dict()
    assert row["status"] == share_links.RESTORED
    assert link_wording.describe_link(row, "Europe/London") == (
        f"Created Mon 2 Mar 2026, 12:00 · {share_links.RESTORED_EXPLANATION} · not opened yet"
        " · without notes · without photos · whole course"
    )


def test_delete_link_removes_it_with_its_views(engine: Engine, profile_id: int) -> None:
    other = create_profile(engine, ProfileSettings(display_name="Alex"))
    new = share_links.create_link(engine, profile_id, "Dr Rivera", now=NOW)
    share_links.record_view(engine, new.link_id, now=NOW)
    with pytest.raises(share_links.LinkNotFound):
        share_links.delete_link(engine, other, new.link_id)  # not Alex's link
    share_links.delete_link(engine, profile_id, new.link_id)
    assert share_links.list_links(engine, profile_id).empty
    with transaction(engine) as session:
        assert session.scalar(select(func.count()).select_from(ShareLinkView)) == 0


# --- What the owner chose: notes, photos, first day, passcode -------------------------


def test_a_link_carries_the_owners_choices(engine: Engine, profile_id: int) -> None:
    plain = share_links.create_link(engine, profile_id, "Dr Rivera", now=NOW)
    shaped = share_links.create_link(
        engine,
        profile_id,
        "Dr Okafor",
        include_notes=True,
        include_photos=True,
        since=date(2026, 2, 1),
        now=NOW,
    )
    default = share_links.resolve_token(engine, plain.token, now=NOW)
    chosen = share_links.resolve_token(engine, shaped.token, now=NOW)
    assert default is not None
    assert chosen is not None
    assert default.options == share_links.LinkOptions()  # notes off, no photos, whole course
    assert chosen.options == share_links.LinkOptions(True, True, date(2026, 2, 1))
    listed = share_links.list_links(engine, profile_id, now=NOW).set_index("label")
    assert listed.loc["Dr Okafor", "since_date"] == date(2026, 2, 1)
    assert bool(listed.loc["Dr Okafor", "include_notes"]) is True
    assert bool(listed.loc["Dr Rivera", "include_notes"]) is False
    assert "with notes · with photos · since Sun 1 Feb 2026" in link_wording.describe_link(
        listed.reset_index().iloc[0].to_dict(), "UTC"
    )


def test_a_link_cannot_start_in_the_future(engine: Engine, profile_id: int) -> None:
    with pytest.raises(ValidationError, match="cannot be in the future"):
        share_links.create_link(engine, profile_id, "Dr Rivera", since=date(2026, 3, 9), now=NOW)
    assert share_links.list_links(engine, profile_id).empty


def test_the_passcode_is_shown_once_and_stored_as_an_argon2_hash(
    engine: Engine, profile_id: int
) -> None:
    new = share_links.create_link(engine, profile_id, "Dr Rivera", passcode=True, now=NOW)
    assert new.passcode is not None
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", new.passcode)
    stored = _every_stored_text(engine)
    assert new.passcode not in stored
    assert share_links.normalise_passcode(new.passcode) not in stored
    with engine.connect() as connection:
        assert connection.scalar(select(ShareLink.passcode_hash)).startswith("$argon2id$")
    link = share_links.resolve_token(engine, new.token, now=NOW)
    assert link is not None
    assert link.needs_passcode
    typed = new.passcode.lower().replace("-", " ")  # case, spaces and dashes do not matter
    assert share_links.check_passcode(engine, new.link_id, typed).accepted
    without = share_links.create_link(engine, profile_id, "Clinic", now=NOW)
    assert without.passcode is None
    assert not share_links.check_passcode(engine, without.link_id, "ANY-THING").accepted


def test_ten_wrong_passcodes_switch_the_link_off_and_say_why(
    engine: Engine, profile_id: int
) -> None:
    new = share_links.create_link(engine, profile_id, "Dr Rivera", passcode=True, now=NOW)
    assert new.passcode is not None
    answers = [
        share_links.check_passcode(engine, new.link_id, f"WRONG-{index:04d}", now=NOW)
        for index in range(share_links.MAX_PASSCODE_FAILURES - 1)
    ]
    assert [answer.tries_left for answer in answers] == list(range(9, 0, -1))
    with engine.connect() as connection:
        assert connection.scalar(select(ShareLink.passcode_failures)) == 9
    assert share_links.resolve_token(engine, new.token, now=NOW) is not None  # still open
    last = share_links.check_passcode(engine, new.link_id, "WRONG-LAST", now=NOW)
    assert (last.accepted, last.tries_left) == (False, 0)
    # Switched off for good: the token opens nothing, the right passcode neither.
    assert share_links.resolve_token(engine, new.token, now=NOW) is None
    assert not share_links.check_passcode(engine, new.link_id, new.passcode).accepted
    row = share_links.list_links(engine, profile_id, now=NOW).iloc[0].to_dict()
    assert row["status"] == share_links.DISABLED
    assert row["disabled_reason"] == share_links.TOO_MANY_PASSCODES_REASON
    assert "10 wrong passcodes" in link_wording.describe_link(row, "UTC")
    # Revoking still works, and wins.
    share_links.revoke_link(engine, profile_id, new.link_id, now=NOW)
    assert share_links.list_links(engine, profile_id, now=NOW)["status"].tolist() == ["revoked"]


def test_a_right_passcode_does_not_reset_the_count(engine: Engine, profile_id: int) -> None:
    new = share_links.create_link(engine, profile_id, "Dr Rivera", passcode=True, now=NOW)
    assert new.passcode is not None
    for _ in range(3):
        share_links.check_passcode(engine, new.link_id, "NOPE-NOPE", now=NOW)
    assert share_links.check_passcode(engine, new.link_id, new.passcode).tries_left == 7


def test_wrong_passcodes_tried_at_once_are_all_counted(database_url: str) -> None:
    """Two replicas (two engines, two threads) guessing together: no try is lost."""
    from concurrent.futures import ThreadPoolExecutor

    from dermadash.storage import db

    first, second = db.make_engine(database_url), db.make_engine(database_url)
    try:
        db.upgrade(first)
        owner = create_profile(first, ProfileSettings(display_name="Sam"))
        new = share_links.create_link(first, owner, "Dr Rivera", passcode=True)

        def guess(engine: Engine) -> None:
            for _ in range(5):
                share_links.check_passcode(engine, new.link_id, "WRONG-CODE")

        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(guess, (first, second)))
        with first.connect() as connection:
            assert connection.scalar(select(ShareLink.passcode_failures)) == 10
        assert share_links.resolve_token(first, new.token) is None
        assert share_links.list_links(first, owner)["status"].tolist() == [share_links.DISABLED]
    finally:
        first.dispose()
        second.dispose()
