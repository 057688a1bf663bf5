"""How a share link is described to its owner on the Share page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from dermadash.sharing import link_wording, share_links

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def test_describe_link(engine: Engine, profile_id: int) -> None:
    new = share_links.create_link(engine, profile_id, "Dr Rivera", days=7, now=NOW)
    row = share_links.list_links(engine, profile_id, now=NOW).iloc[0].to_dict()
    assert link_wording.describe_link(row, "Europe/London") == (
        "Created Mon 2 Mar 2026, 12:00 · expires Mon 9 Mar 2026, 12:00 · not opened yet"
        " · without notes · without photos · whole course"
    )
    share_links.record_view(engine, new.link_id, now=NOW + timedelta(hours=1))
    share_links.revoke_link(engine, profile_id, new.link_id, now=NOW + timedelta(hours=2))
    row = share_links.list_links(engine, profile_id, now=NOW).iloc[0].to_dict()
    assert link_wording.describe_link(row, "Europe/London") == (
        "Created Mon 2 Mar 2026, 12:00 · revoked Mon 2 Mar 2026, 14:00 · opened 1 time, "
        "last on Mon 2 Mar 2026, 13:00 · without notes · without photos · whole course"
    )
    row = share_links.list_links(engine, profile_id, now=NOW + timedelta(days=8)).iloc[0].to_dict()
    assert row["status"] == "revoked"  # revoked wins over expired
