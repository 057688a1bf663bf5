"""Calendar links: capability URLs for a person's calendar feed, done like share links.

The token is 256 random bits, shown once; only its SHA-256 hash is stored (the
helpers are ``dermadash.sharing.share_links``'s). A link works until it is revoked, unless an
expiry was chosen, and each fetch records when it happened, so the person sees which
links their calendar apps still use. A wrong, revoked, expired or malformed token is
answered the same way (``None``).

Calendar links are not health data: writing them leaves the profile's data revision
alone.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select

from dermadash.formatting import format_moment
from dermadash.sharing.share_links import MAX_DAYS, TOKEN_BYTES, TOKEN_PATTERN, hash_token
from dermadash.storage import validation
from dermadash.storage.db import reading, transaction
from dermadash.storage.models import CalendarLink, Profile
from dermadash.storage.validation import ValidationError

ACTIVE = "active"
REVOKED = "revoked"
EXPIRED = "expired"


class CalendarLinkNotFound(LookupError):
    """No calendar link with that id belongs to this profile."""


@dataclass(frozen=True)
class NewCalendarLink:
    """A link just created: the token exists only here, never in the database."""

    link_id: int
    token: str
    expires_at: datetime | None
    generic_titles: bool


@dataclass(frozen=True)
class FeedAccess:
    """What serving a feed may know about the valid link that asked for it."""

    link_id: int
    profile_id: int
    generic_titles: bool


@dataclass(frozen=True)
class CalendarLinkRow:
    """One of a profile's calendar links, as the Settings page and ``calendar list`` show it."""

    link_id: int
    status: str
    created_at: datetime
    last_fetched_at: datetime | None
    revoked_at: datetime | None
    expires_at: datetime | None
    generic_titles: bool

    def describe(self, timezone: str) -> str:
        """'Created …· never fetched yet · no expiry · titles name the areas'."""
        fetched = (
            f"last fetched {format_moment(self.last_fetched_at, timezone)}"
            if self.last_fetched_at
            else "not fetched yet"
        )
        if self.status == REVOKED and self.revoked_at is not None:
            ending = f"revoked {format_moment(self.revoked_at, timezone)}"
        elif self.expires_at is None:
            ending = "no expiry"
        else:
            verb = "expired" if self.status == EXPIRED else "expires"
            ending = f"{verb} {format_moment(self.expires_at, timezone)}"
        titles = "generic titles" if self.generic_titles else "titles name the areas"
        return (
            f"Created {format_moment(self.created_at, timezone)} · {fetched} · {ending} · {titles}"
        )


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def _days_problem(days: int | None) -> validation.Problem | None:
    if days is None:
        return None
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        return validation.Problem(
            "days", f"An expiry must be between 1 and {MAX_DAYS} days away, or none."
        )
    return None


def create_link(
    engine: Engine,
    profile_id: int,
    *,
    generic_titles: bool = False,
    days: int | None = None,
    now: datetime | None = None,
) -> NewCalendarLink:
    """A new feed link (no expiry unless ``days`` is given); its token is returned once."""
    validation.raise_if_any([_days_problem(days)])
    created_at = _now(now)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with transaction(engine) as session:
        if session.get(Profile, profile_id) is None:
            raise ValidationError.single("profile", "That profile does not exist.")
        link = CalendarLink(
            profile_id=profile_id,
            token_hash=hash_token(token),
            created_at=created_at,
            last_fetched_at=None,
            revoked_at=None,
            expires_at=None if days is None else created_at + timedelta(days=days),
            generic_titles=generic_titles,
        )
        session.add(link)
        session.flush()
        return NewCalendarLink(link.id, token, link.expires_at, generic_titles)


def link_status(link: CalendarLink, now: datetime) -> str:
    if link.revoked_at is not None:
        return REVOKED
    if link.expires_at is not None and link.expires_at <= now:
        return EXPIRED
    return ACTIVE


def open_feed(engine: Engine, token: object, now: datetime | None = None) -> FeedAccess | None:
    """The link a token opens, recording the fetch; None when wrong, revoked or expired."""
    if not isinstance(token, str) or TOKEN_PATTERN.fullmatch(token) is None:
        return None
    moment = _now(now)
    # Looking the hash up is safe against timing attacks: guessing needs 2**256 tries.
    with transaction(engine) as session:
        link = session.scalar(
            select(CalendarLink).where(CalendarLink.token_hash == hash_token(token))
        )
        if link is None or link_status(link, moment) != ACTIVE:
            return None
        link.last_fetched_at = moment
        return FeedAccess(link.id, link.profile_id, link.generic_titles)


def revoke_link(engine: Engine, profile_id: int, link_id: int, now: datetime | None = None) -> None:
    """Revoke one of the profile's links at once; revoking twice keeps the first time."""
    with transaction(engine) as session:
        link = session.scalar(
            select(CalendarLink).where(
                CalendarLink.id == link_id, CalendarLink.profile_id == profile_id
            )
        )
        if link is None:
            raise CalendarLinkNotFound(link_id)
        if link.revoked_at is None:
            link.revoked_at = _now(now)


def list_links(
    engine: Engine, profile_id: int, now: datetime | None = None
) -> list[CalendarLinkRow]:
    """The profile's calendar links, newest first."""
    moment = _now(now)
    statement = (
        select(CalendarLink)
        .where(CalendarLink.profile_id == profile_id)
        .order_by(CalendarLink.created_at.desc(), CalendarLink.id.desc())
    )
    with reading(engine) as session:
        return [
            CalendarLinkRow(
                link_id=link.id,
                status=link_status(link, moment),
                created_at=link.created_at,
                last_fetched_at=link.last_fetched_at,
                revoked_at=link.revoked_at,
                expires_at=link.expires_at,
                generic_titles=link.generic_titles,
            )
            for link in session.scalars(statement)
        ]


def calendar_url(base_url: str, token: str) -> str:
    """A feed's address: ``<app address>/calendar/<token>.ics``."""
    return f"{base_url.rstrip('/')}/calendar/{token}.ics"


def webcal_url(feed_url: str) -> str:
    """The same address with the ``webcal`` scheme, which opens the calendar app to subscribe."""
    scheme, _, rest = feed_url.partition("://")
    return f"webcal://{rest}" if scheme in ("http", "https") else feed_url
