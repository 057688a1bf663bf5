"""Share links for a dermatologist: capability URLs done carefully.

Following the W3C TAG's good practices for capability URLs: the token is 256 random
bits from ``secrets``, shown once and never stored (only its SHA-256 hash is); every
link expires (30 days by default, a year at most), can be revoked at once, and every
opening is recorded. A wrong, expired, revoked or malformed token is answered the
same way (``None``), so the answer never says which of these it was.

Share links and their views are not health data: writing them leaves the profile's
data revision alone (the Share page reads them fresh on every run instead).
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pandas as pd
from sqlalchemy import Engine, func, select

from dermadash import typed_tables, validation
from dermadash.db import transaction
from dermadash.formatting import format_day, format_mm, format_moment
from dermadash.models import Profile, ShareLink, ShareLinkView
from dermadash.validation import ValidationError, raise_if_any

TOKEN_BYTES = 32  # 256 bits
# token_urlsafe(32) gives exactly 43 characters of the URL-safe base64 alphabet.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")
DEFAULT_DAYS = 30
MAX_DAYS = 365
NOT_VALID_MESSAGE = "This link is not valid."
PUBLIC_URL_VARIABLE = "DERMADASH_PUBLIC_URL"
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
]
RESTORED = "restored"
RESTORED_EXPLANATION = (
    "restored from a backup: it cannot be opened (backups never hold a link's secret "
    "address); create a new link"
)


class LinkNotFound(LookupError):
    """No share link with that id belongs to this profile."""


@dataclass(frozen=True)
class NewLink:
    """A link just created: the token exists only here, never in the database."""

    link_id: int
    token: str
    expires_at: datetime


@dataclass(frozen=True)
class LinkInfo:
    """What the shared view may know about a valid link."""

    link_id: int
    profile_id: int
    label: str
    created_at: datetime
    expires_at: datetime
    include_photos: bool


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def hash_token(token: str) -> str:
    """The SHA-256 hex digest of a token: the only form a token is ever stored in."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _validate_new_link(label: str, days: int) -> None:
    days_problem = None
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        days_problem = validation.Problem(
            "days", f"A link must expire after between 1 and {MAX_DAYS} days."
        )
    raise_if_any(
        [
            validation.required_text_problem("label", "Label", label, validation.NAME_MAX_CHARS),
            days_problem,
        ]
    )


def create_link(
    engine: Engine,
    profile_id: int,
    label: str,
    *,
    days: int = DEFAULT_DAYS,
    include_photos: bool = False,
    now: datetime | None = None,
) -> NewLink:
    """Create a link valid for ``days`` days; its token is returned once, here."""
    _validate_new_link(label, days)
    created_at = _now(now)
    token = secrets.token_urlsafe(TOKEN_BYTES)
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
        )
        session.add(link)
        session.flush()
        return NewLink(link_id=link.id, token=token, expires_at=link.expires_at)


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
        )


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
    """``revoked``, ``restored`` (from a backup: never opens), ``expired`` or ``active``."""
    if link.revoked_at is not None:
        return "revoked"
    if link.restored_at is not None:
        return RESTORED
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
                }
            )
    frame = pd.DataFrame(rows, columns=LINK_COLUMNS)
    frame["link_id"] = frame["link_id"].astype("int64")
    frame["views"] = frame["views"].astype("int64")
    frame["include_photos"] = frame["include_photos"].astype(bool)
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
    configured = os.environ.get(PUBLIC_URL_VARIABLE, "").strip().rstrip("/")
    return configured or None


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


# --- What the shared view shows ------------------------------------------------------


@dataclass(frozen=True)
class KeyFacts:
    """The figures a dermatologist reads first, from ``queries.sessions_frame`` output."""

    session_count: int
    first_day: str | None
    last_day: str | None
    needle_lengths: str
    check_ins: int


def key_facts(sessions: pd.DataFrame, timezone: str) -> KeyFacts:
    if sessions.empty:
        return KeyFacts(0, None, None, "none", 0)
    local = sessions["started_at"].dt.tz_convert(timezone)
    lengths = sorted(set(sessions["needle_mm"].dropna().astype(float)))
    return KeyFacts(
        session_count=len(sessions),
        first_day=format_day(local.min()),
        last_day=format_day(local.max()),
        needle_lengths=", ".join(format_mm(length) for length in lengths) or "none",
        check_ins=int(sessions["has_check_in"].sum()),
    )


def _yes_no(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return ""
    return "yes" if bool(value) else "no"


def _with_unit(value: object, unit: str) -> str:
    if value is None or value is pd.NA or pd.isna(value):  # type: ignore[arg-type]
        return ""
    return f"{float(value):g} {unit}"  # type: ignore[arg-type]


def sessions_table(sessions: pd.DataFrame, timezone: str) -> pd.DataFrame:
    """The sessions as a plain, read-only table for the dermatologist, newest first."""
    columns = typed_tables.SESSION_COLUMNS  # the same columns, typed, for the pages
    if sessions.empty:
        return pd.DataFrame(columns=columns)
    ordered = sessions.iloc[::-1]
    local = ordered["started_at"].dt.tz_convert(timezone)

    def passes(row: pd.Series) -> str:
        counts = [row["passes_vertical"], row["passes_horizontal"], row["passes_diagonal"]]
        return "/".join("–" if pd.isna(count) else str(int(count)) for count in counts)

    side_effects = ordered["side_effect"].map(
        lambda value: validation.SIDE_EFFECT_LABELS.get(value, "") if isinstance(value, str) else ""
    )
    return pd.DataFrame(
        {
            "Date": [f"{format_day(moment)}, {moment:%H:%M}" for moment in local],
            "Areas": [", ".join(areas) for areas in ordered["areas"]],
            "Needle": [format_mm(value) for value in ordered["needle_mm"]],
            "Passes (V/H/D)": [passes(row) for _, row in ordered.iterrows()],
            "Sterilized before": [_yes_no(value) for value in ordered["sterilized_before"]],
            "Pain": ["" if pd.isna(value) else f"{int(value)} / 10" for value in ordered["pain"]],
            "Redness": [_with_unit(value, "h") for value in ordered["redness_hours"]],
            "Stinging": [_with_unit(value, "min") for value in ordered["stinging_minutes"]],
            "Side effect": list(side_effects),
            "Notes": [value if isinstance(value, str) else "" for value in ordered["notes"]],
        },
        columns=columns,
    )


def describe_link(link: dict[str, object], timezone: str) -> str:
    """One line about a ``list_links`` row: created, expiry or revocation, views, photos."""

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
    }[str(link["status"])]()
    photos = "with photos" if link["include_photos"] else "without photos"
    return f"Created {moment('created_at')} · {ending} · {opened} · {photos}"
