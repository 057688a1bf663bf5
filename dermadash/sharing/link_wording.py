"""Share links in words, for the Share page: when made, until when, how often opened."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dermadash.formatting import format_moment
from dermadash.sharing.share_links import DISABLED, RESTORED, RESTORED_EXPLANATION, LinkOptions


def describe_link(link: dict[str, object], timezone: str) -> str:
    """One line about a ``list_links`` row: created, expiry or revocation, views, photos."""

    # The row's cells are typed ``object``: a moment for pd.Timestamp, a count for int().
    def moment(key: str) -> str:
        return format_moment(pd.Timestamp(link[key]).to_pydatetime(), timezone)  # type: ignore[arg-type]

    views = int(link["views"])  # type: ignore[call-overload]
    opened = (
        "not opened yet"
        if views == 0
        else f"opened {views} {'time' if views == 1 else 'times'}, last on {moment('last_viewed')}"
    )
    ending = {
        "active": lambda: f"expires {moment('expires_at')}",
        "expired": lambda: f"expired {moment('expires_at')}",
        "revoked": lambda: f"revoked {moment('revoked_at')}",
        RESTORED: lambda: RESTORED_EXPLANATION,
        DISABLED: lambda: f"switched off {moment('disabled_at')}: {link['disabled_reason']}",
    }[str(link["status"])]()
    since = link.get("since_date")
    options = LinkOptions(
        include_notes=bool(link.get("include_notes")),
        include_photos=bool(link["include_photos"]),
        since=since if isinstance(since, date) else None,
    ).describe()
    passcode = " · needs a passcode" if link.get("has_passcode") else ""
    return f"Created {moment('created_at')} · {ending} · {opened} · {options}{passcode}"
