"""The brake on password guessing: it slows whoever makes the failures, never locks the
owner out, and lives in the database, so every replica and every restart share it.

Per client address (the real peer, or with ``DERMADASH_TRUSTED_PROXIES`` the address
the proxy saw): ``FREE_FAILURES`` tries, then a wait that doubles with each further
failure, up to ``MAX_DELAY_SECONDS``. For everyone together: past
``EVERYONE_CEILING`` failures in the window, every address may try at most once per
``EVERYONE_SPACING_SECONDS``; that slows a crowd of addresses but keeps each one,
the owner's included, a try every few seconds. A right password clears its address.

Checking the brake and counting the try are one transaction (SQLite: ``BEGIN
IMMEDIATE``; PostgreSQL: the rows locked ``FOR UPDATE``, everyone's row first), and
the try is counted *before* the password is checked: concurrent guesses cannot slip
past the count, and only the tries it lets through ever reach argon2.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from dermadash.storage import db
from dermadash.storage.models import SignInAttempts

FREE_FAILURES = 5
FIRST_DELAY_SECONDS = 2.0
MAX_DELAY_SECONDS = 300.0
WINDOW = timedelta(minutes=15)
EVERYONE_CEILING = 50
EVERYONE_SPACING_SECONDS = 10.0
EVERYONE = "everyone"


@dataclass(frozen=True)
class Outcome:
    """What became of one sign-in try."""

    signed_in: bool
    wait_seconds: int = 0  # > 0: refused without checking the password


def address_bucket(address: str) -> str:
    """The row of one client address: its SHA-256, never the address itself."""
    return "address " + hashlib.sha256(address.encode()).hexdigest()[:64]


def delay_after(failures: int, crowded: bool) -> float:
    """Seconds an address waits after its ``failures``-th counted try."""
    own = 0.0
    if failures >= FREE_FAILURES:
        own = min(FIRST_DELAY_SECONDS * 2 ** (failures - FREE_FAILURES), MAX_DELAY_SECONDS)
    return max(own, EVERYONE_SPACING_SECONDS) if crowded else own


def _locked_row(session: Session, bucket: str, now: datetime) -> SignInAttempts:
    """The bucket's row, created when missing, locked until the transaction ends; a
    window older than ``WINDOW`` starts again from nothing."""
    values = {"bucket": bucket, "failures": 0, "window_started_at": now}
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(insert(SignInAttempts).values(**values).on_conflict_do_nothing())
    row = session.scalars(
        select(SignInAttempts)
        .where(SignInAttempts.bucket == bucket)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    if row.window_started_at <= now - WINDOW:
        row.failures = 0
        row.window_started_at = now
    return row


def reserve(engine: Engine, address: str, now: datetime | None = None) -> int:
    """One atomic step: 0 when ``address`` may try now (the try is counted as a failure
    until ``forgive`` says it was right), else the whole seconds it must wait."""
    now = now or datetime.now(UTC)
    with db.transaction(engine) as session:
        everyone = _locked_row(session, EVERYONE, now)
        client = _locked_row(session, address_bucket(address), now)
        if client.next_attempt_at is not None and client.next_attempt_at > now:
            return max(1, math.ceil((client.next_attempt_at - now).total_seconds()))
        everyone.failures += 1
        client.failures += 1
        crowded = everyone.failures > EVERYONE_CEILING
        client.next_attempt_at = now + timedelta(seconds=delay_after(client.failures, crowded))
        return 0


def forgive(engine: Engine, address: str) -> None:
    """The try was right: clear the address, and take it off everyone's count."""
    with db.transaction(engine) as session:
        everyone = _locked_row(session, EVERYONE, datetime.now(UTC))
        everyone.failures = max(0, everyone.failures - 1)
        client = session.get(SignInAttempts, address_bucket(address), with_for_update=True)
        if client is not None:
            session.delete(client)


def sign_in(
    engine: Engine, address: str, password_is_right: Callable[[], bool], now: datetime | None = None
) -> Outcome:
    """Brake, then check the password (argon2) only when the brake lets the try through."""
    wait = db.with_retry(lambda: reserve(engine, address, now))
    if wait:
        return Outcome(signed_in=False, wait_seconds=wait)
    if password_is_right():
        db.with_retry(lambda: forgive(engine, address))
        return Outcome(signed_in=True)
    return Outcome(signed_in=False)
