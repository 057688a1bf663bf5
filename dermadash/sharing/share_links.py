"""Share links for a dermatologist: capability URLs done carefully.

Following the W3C TAG's good practices for capability URLs: the token is 256 random
bits from ``secrets``, shown once and never stored (only its SHA-256 hash is); every
link expires (30 days by default, a year at most), can be revoked at once, and every
opening is recorded. A wrong, expired, revoked or malformed token is answered the
same way (``None``), so the answer never says which of these it was.

The owner shapes each link (``LinkOptions``): whether notes and photos are shared, and
the first day it covers. A link may also need a passcode, generated here and shown once
(only its argon2 hash is kept); wrong passcodes are counted in the database, so every
replica sees the same count, and the tenth disables the link with the reason recorded.

Share links and their views are not health data: writing them leaves the profile's
data revision alone (the Share page reads them fresh on every run instead).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

import pandas as pd
from argon2 import PasswordHasher
from sqlalchemy import Engine, func, select, update

from dermadash import auth, settings
from dermadash.formatting import format_day
from dermadash.storage import validation
from dermadash.storage.db import transaction
from dermadash.storage.models import Profile, ShareLink, ShareLinkView
from dermadash.storage.validation import ValidationError, raise_if_any

TOKEN_BYTES = 32  # 256 bits
# token_urlsafe(32) gives exactly 43 characters of the URL-safe base64 alphabet.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")
DEFAULT_DAYS = 30
MAX_DAYS = 365
NOT_VALID_MESSAGE = "This link is not valid."
PUBLIC_URL_VARIABLE = settings.PUBLIC_URL_VARIABLE
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8501"
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]", "0.0.0.0"})
LINK_COLUMNS = [
    "link_id",
    "label",
    "status",
    "created_at",
    "expires_at",
    "revoked_at",
    "include_photos",
    "restored_at",
    "views",
    "last_viewed",
    "include_notes",
    "since_date",
    "has_passcode",
    "disabled_at",
    "disabled_reason",
]
RESTORED = "restored"
RESTORED_EXPLANATION = (
    "restored from a backup: it cannot be opened (backups never hold a link's secret "
    "address); create a new link"
)


DISABLED = "disabled"
MAX_PASSCODE_FAILURES = 10
# No 0/O, 1/I/L: a passcode read out over the phone or copied by hand stays right.
PASSCODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
PASSCODE_GROUPS = 2
PASSCODE_GROUP_CHARS = 4
TOO_MANY_PASSCODES_REASON = (
    f"{MAX_PASSCODE_FAILURES} wrong passcodes were entered, so dermadash switched the "
    "link off in case someone was guessing; create a new link"
)


@dataclass(frozen=True)
class LinkOptions:
    """What a link shows, as the owner chose it: notes off and the whole course unless
    chosen otherwise."""

    include_notes: bool = False
    include_photos: bool = False
    since: date | None = None

    def describe(self) -> str:
        """'without notes · with photos · since Mon 2 Mar 2026'."""
        parts = [
            "with notes" if self.include_notes else "without notes",
            "with photos" if self.include_photos else "without photos",
            f"since {format_day(self.since)}" if self.since else "whole course",
        ]
        return " · ".join(parts)


class LinkNotFound(LookupError):
    """No share link with that id belongs to this profile."""


@dataclass(frozen=True)
class NewLink:
    """A link just created: the token exists only here, never in the database."""

    link_id: int
    token: str
    expires_at: datetime
    passcode: str | None = None


@dataclass(frozen=True)
class LinkInfo:
    """What the shared view may know about a valid link."""

    link_id: int
    profile_id: int
    label: str
    created_at: datetime
    expires_at: datetime
    include_photos: bool
    include_notes: bool = False
    since: date | None = None
    needs_passcode: bool = False

    @property
    def options(self) -> LinkOptions:
        """The owner's choices, for the view, the report and the exports made from it."""
        return LinkOptions(self.include_notes, self.include_photos, self.since)


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def hash_token(token: str) -> str:
    """The SHA-256 hex digest of a token: the only form a token is ever stored in."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_passcode() -> str:
    """A passcode to read out or type: 'K7QM-3XTP' (about 40 random bits)."""
    groups = (
        "".join(secrets.choice(PASSCODE_ALPHABET) for _ in range(PASSCODE_GROUP_CHARS))
        for _ in range(PASSCODE_GROUPS)
    )
    return "-".join(groups)


def normalise_passcode(typed: str) -> str:
    """What the viewer typed, without case, spaces or dashes ('k7qm 3xtp' = 'K7QM-3XTP')."""
    return "".join(character for character in typed.upper() if character.isalnum())


def _validate_new_link(label: str, days: int, since: date | None, today: date) -> None:
    since_problem = None
    # A day of slack: "today" where the person lives may already be tomorrow in UTC.
    if since is not None and since > today + timedelta(days=1):
        since_problem = validation.Problem(
            "since", "The first day a link covers cannot be in the future."
        )
    days_problem = None
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        days_problem = validation.Problem(
            "days", f"A link must expire after between 1 and {MAX_DAYS} days."
        )
    raise_if_any(
        [
            validation.required_text_problem("label", "Label", label, validation.NAME_MAX_CHARS),
            days_problem,
            since_problem,
        ]
    )


def create_link(
    engine: Engine,
    profile_id: int,
    label: str,
    *,
    days: int = DEFAULT_DAYS,
    include_photos: bool = False,
    include_notes: bool = False,
    since: date | None = None,
    passcode: bool = False,
    now: datetime | None = None,
) -> NewLink:
    """Create a link valid for ``days`` days; its token (and passcode, when asked for)
    is returned once, here."""
    created_at = _now(now)
    _validate_new_link(label, days, since, created_at.date())
    token = secrets.token_urlsafe(TOKEN_BYTES)
    code = new_passcode() if passcode else None
    with transaction(engine) as session:
        if session.get(Profile, profile_id) is None:
            raise ValidationError.single("profile", "That profile does not exist.")
        link = ShareLink(
            profile_id=profile_id,
            label=label.strip(),
            token_hash=hash_token(token),
            created_at=created_at,
            expires_at=created_at + timedelta(days=days),
            revoked_at=None,
            include_photos=include_photos,
            include_notes=include_notes,
            since_date=since,
            passcode_hash=PasswordHasher().hash(normalise_passcode(code)) if code else None,
            passcode_failures=0,
        )
        session.add(link)
        session.flush()
        return NewLink(link_id=link.id, token=token, expires_at=link.expires_at, passcode=code)


def resolve_token(engine: Engine, token: object, now: datetime | None = None) -> LinkInfo | None:
    """The link a token opens, or None when it is wrong, expired, revoked or malformed."""
    if not isinstance(token, str) or TOKEN_PATTERN.fullmatch(token) is None:
        return None
    # Looking the hash up is safe against timing attacks: guessing needs 2**256 tries.
    with transaction(engine) as session:
        link = session.scalar(select(ShareLink).where(ShareLink.token_hash == hash_token(token)))
        if link is None or link_status(link, _now(now)) != "active":
            return None
        return LinkInfo(
            link_id=link.id,
            profile_id=link.profile_id,
            label=link.label,
            created_at=link.created_at,
            expires_at=link.expires_at,
            include_photos=link.include_photos,
            include_notes=link.include_notes,
            since=link.since_date,
            needs_passcode=link.passcode_hash is not None,
        )


@dataclass(frozen=True)
class PasscodeAnswer:
    """The outcome of one passcode try: right, or wrong with the tries left (0: the link
    is now disabled)."""

    accepted: bool
    tries_left: int


def check_passcode(
    engine: Engine, link_id: int, typed: str, now: datetime | None = None
) -> PasscodeAnswer:
    """Check a passcode for an active link; a wrong one is counted in the database, and
    the tenth disables the link (a disabled or passcode-less link accepts nothing)."""
    with transaction(engine) as session:
        link = session.get(ShareLink, link_id)
        if link is None or link.passcode_hash is None or link.disabled_at is not None:
            return PasscodeAnswer(False, 0)
        if _passcode_matches(link.passcode_hash, typed):
            return PasscodeAnswer(True, MAX_PASSCODE_FAILURES - link.passcode_failures)
        # One UPDATE adds the failure, so tries made at once on two replicas both count.
        session.execute(
            update(ShareLink)
            .where(ShareLink.id == link_id)
            .values(passcode_failures=ShareLink.passcode_failures + 1)
        )
        session.refresh(link)
        failures = link.passcode_failures
        if failures >= MAX_PASSCODE_FAILURES:
            link.disabled_at = _now(now)
            link.disabled_reason = TOO_MANY_PASSCODES_REASON
        return PasscodeAnswer(False, max(MAX_PASSCODE_FAILURES - failures, 0))


def _passcode_matches(passcode_hash: str, typed: str) -> bool:
    """The same argon2 check as the owner's password (a broken hash never matches)."""
    return auth.verify_password(passcode_hash, normalise_passcode(typed))


def record_view(engine: Engine, link_id: int, now: datetime | None = None) -> None:
    """Add one opening of a link to its audit trail."""
    with transaction(engine) as session:
        session.add(ShareLinkView(share_link_id=link_id, viewed_at=_now(now)))


def revoke_link(engine: Engine, profile_id: int, link_id: int, now: datetime | None = None) -> None:
    """Revoke one of the profile's links at once; revoking twice keeps the first time."""
    with transaction(engine) as session:
        link = session.scalar(
            select(ShareLink).where(ShareLink.id == link_id, ShareLink.profile_id == profile_id)
        )
        if link is None:
            raise LinkNotFound(link_id)
        if link.revoked_at is None:
            link.revoked_at = _now(now)


def link_status(link: ShareLink, now: datetime) -> str:
    """``revoked``, ``restored`` (from a backup: never opens), ``disabled`` (too many wrong
    passcodes), ``expired`` or ``active``."""
    if link.revoked_at is not None:
        return "revoked"
    if link.restored_at is not None:
        return RESTORED
    if link.disabled_at is not None:
        return DISABLED
    if link.expires_at <= now:
        return "expired"
    return "active"


def delete_link(engine: Engine, profile_id: int, link_id: int) -> None:
    """Delete one of the profile's links with its view history (e.g. a restored one)."""
    with transaction(engine) as session:
        link = session.scalar(
            select(ShareLink).where(ShareLink.id == link_id, ShareLink.profile_id == profile_id)
        )
        if link is None:
            raise LinkNotFound(link_id)
        session.delete(link)


def list_links(engine: Engine, profile_id: int, now: datetime | None = None) -> pd.DataFrame:
    """The profile's links, newest first, with status, view count and last view."""
    moment = _now(now)
    views = (
        select(
            ShareLinkView.share_link_id,
            func.count().label("views"),
            func.max(ShareLinkView.viewed_at).label("last_viewed"),
        )
        .group_by(ShareLinkView.share_link_id)
        .subquery()
    )
    statement = (
        select(ShareLink, views.c.views, views.c.last_viewed)
        .outerjoin(views, views.c.share_link_id == ShareLink.id)
        .where(ShareLink.profile_id == profile_id)
        .order_by(ShareLink.created_at.desc(), ShareLink.id.desc())
    )
    rows = []
    with transaction(engine) as session:
        for link, view_count, last_viewed in session.execute(statement):
            rows.append(
                {
                    "link_id": link.id,
                    "label": link.label,
                    "status": link_status(link, moment),
                    "created_at": link.created_at,
                    "expires_at": link.expires_at,
                    "revoked_at": link.revoked_at,
                    "include_photos": link.include_photos,
                    "restored_at": link.restored_at,
                    "views": int(view_count or 0),
                    "last_viewed": _as_utc(last_viewed),
                    "include_notes": link.include_notes,
                    "since_date": link.since_date,
                    "has_passcode": link.passcode_hash is not None,
                    "disabled_at": link.disabled_at,
                    "disabled_reason": link.disabled_reason,
                }
            )
    frame = pd.DataFrame(rows, columns=LINK_COLUMNS)
    frame["link_id"] = frame["link_id"].astype("int64")
    frame["views"] = frame["views"].astype("int64")
    for name in ("include_photos", "include_notes", "has_passcode"):
        frame[name] = frame[name].astype(bool)
    return frame


def _as_utc(moment: datetime | None) -> datetime | None:
    """An aggregate (max) bypasses the UTC column type; SQLite gives it back naive."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# --- Addresses ---------------------------------------------------------------------


def configured_public_url() -> str | None:
    """``DERMADASH_PUBLIC_URL`` without a trailing slash, or None when it is not set."""
    return settings.public_url()


def app_base_url(page_url: str | None, base_url_path: str = "") -> str:
    """Where the app lives: the configured public address, else the one in the browser."""
    configured = configured_public_url()
    if configured:
        return configured
    if not page_url:
        return DEFAULT_PUBLIC_URL
    parts = urlsplit(page_url)
    path = "/" + base_url_path.strip("/") if base_url_path.strip("/") else ""
    return f"{parts.scheme}://{parts.netloc}{path}"


def share_url(base_url: str, token: str) -> str:
    """A share link: ``<app address>/?share=<token>``."""
    return f"{base_url.rstrip('/')}/?share={token}"


def is_local_only(base_url: str) -> bool:
    """Whether an address only works on the computer the app runs on."""
    host = urlsplit(base_url).hostname
    return host is None or host.lower() in LOOPBACK_HOSTS
