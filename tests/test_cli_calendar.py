"""``calendar create|list|revoke`` in a real subprocess on a real database."""

from __future__ import annotations

import re

from dermadash.calendar import endpoint, links
from dermadash.storage import db
from dermadash.storage.profiles import default_profile_id
from tests.test_cli_sharing import run_cli

FEED_URL = re.compile(r"^http://127\.0\.0\.1:8501/calendar/([A-Za-z0-9_-]{43})\.ics$", re.M)


def test_create_list_revoke(database_url: str) -> None:
    created = run_cli(database_url, "calendar", "create", "--generic")
    assert created.returncode == 0, created.stderr
    assert "generic titles" in created.stdout
    assert "until you revoke it: python -m dermadash calendar revoke 1" in created.stdout
    assert "only opens on this computer" in created.stdout  # no DERMADASH_PUBLIC_URL set
    [token] = FEED_URL.findall(created.stdout)
    assert created.stdout.rstrip().endswith(f"{token}.ics")  # the secret is printed last

    engine = db.make_engine(database_url)
    try:
        profile_id = default_profile_id(engine)
        assert endpoint.feed_for_token(engine, token) is not None

        listed = run_cli(database_url, "calendar", "list")
        assert listed.returncode == 0, listed.stderr
        [row] = [line.split() for line in listed.stdout.splitlines()[1:]]
        assert row[:2] == ["1", "active"]
        assert "generic" in row
        assert token not in listed.stdout

        revoked = run_cli(database_url, "calendar", "revoke", "1")
        assert revoked.returncode == 0, revoked.stderr
        assert endpoint.feed_for_token(engine, token) is None
        assert links.list_links(engine, profile_id)[0].status == links.REVOKED
    finally:
        engine.dispose()


def test_an_expiry_can_be_chosen_and_bad_input_changes_nothing(sqlite_url: str) -> None:
    empty = run_cli(sqlite_url, "calendar", "list")
    assert "No calendar links yet. Create one with: python -m dermadash calendar create" in (
        empty.stdout
    )
    month = run_cli(sqlite_url, "calendar", "create", "--days", "30")
    assert month.returncode == 0, month.stderr
    assert "titles that name the areas" in month.stdout
    assert re.search(r"until \w{3} \d+ \w{3} \d{4}, \d\d:\d\d:", month.stdout)

    too_long = run_cli(sqlite_url, "calendar", "create", "--days", "4000")
    assert too_long.returncode == 2
    assert "between 1 and 365 days" in too_long.stderr
    assert "Traceback" not in too_long.stderr
    missing = run_cli(sqlite_url, "calendar", "revoke", "99")
    assert missing.returncode == 2
    assert "There is no calendar link with id 99." in missing.stderr
    listed = run_cli(sqlite_url, "calendar", "list")
    assert len(listed.stdout.splitlines()) == 2  # the header and the one link made
