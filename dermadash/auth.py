"""Who may open the owner's pages: the sign-in mode and its decisions, without Streamlit.

Three modes, chosen with ``DERMADASH_AUTH``:

- ``none`` (default): no sign-in, for the app running on the person's own computer.
  Refused unless the server layer proved the request local
  (``dermadash.server.this_computer``: real peer address and ``Host``).
- ``password``: one owner, one password, stored only as an argon2 hash (set it with
  ``python -m dermadash password``).
- ``oidc``: several people sign in with an OpenID Connect provider (Streamlit's
  ``st.login``); each identity gets its own profile.

Share links never need sign-in: the token is the permission.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from dermadash import settings
from dermadash.settings import (  # re-exported: callers and tests name them through auth
    AUTH_VARIABLE as AUTH_VARIABLE,
)
from dermadash.settings import PASSWORD_FILE_VARIABLE as PASSWORD_FILE_VARIABLE
from dermadash.settings import PASSWORD_HASH_VARIABLE as PASSWORD_HASH_VARIABLE

MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_CHARS = 1024
IDENTITY_MAX_CHARS = 320
NOT_LOCAL_MESSAGE = (
    "Without sign-in, dermadash opens only on the computer it runs on, at "
    "http://localhost or http://127.0.0.1. This page was reached another way (from "
    "another computer, through a proxy or relay, or under another address), so it "
    "shows nobody's data. Whoever runs it should set DERMADASH_AUTH=password (then run "
    "`python -m dermadash password`) or DERMADASH_AUTH=oidc: see “Deploying for several "
    "people” in the README."
)


class AuthMode(StrEnum):
    NONE = "none"
    PASSWORD = "password"
    OIDC = "oidc"


class AuthConfigError(ValueError):
    """The sign-in configuration is wrong; the message says how to fix it."""


def configured_mode(environ: Mapping[str, str] | None = None) -> AuthMode:
    """The sign-in mode from ``DERMADASH_AUTH`` (``none`` when unset)."""
    value = settings.auth_mode_name(environ)
    try:
        return AuthMode(value)
    except ValueError:
        choices = ", ".join(mode.value for mode in AuthMode)
        raise AuthConfigError(
            f"{AUTH_VARIABLE} must be one of: {choices} (it is '{value}')."
        ) from None


# --- The owner password ---------------------------------------------------------------


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD_CHARS:
        return f"The password must have at least {MIN_PASSWORD_CHARS} characters."
    if len(password) > MAX_PASSWORD_CHARS:
        return f"The password must have at most {MAX_PASSWORD_CHARS} characters."
    return None


def hash_password(password: str) -> str:
    """An argon2id hash of the password (with its own random salt)."""
    problem = password_problem(password)
    if problem:
        raise AuthConfigError(problem)
    return PasswordHasher().hash(password)


def save_password_hash(password_hash: str, path: Path) -> None:
    """Write the hash to ``path``, readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".new")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(password_hash + "\n")
    os.replace(temporary, path)


def stored_password_hash(environ: Mapping[str, str] | None = None) -> str | None:
    """The owner's password hash: ``DERMADASH_OWNER_PASSWORD_HASH``, else the file."""
    configured = settings.owner_password_hash(environ)
    if configured:
        return configured
    path = settings.password_file(environ)
    try:
        stored = path.read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    return stored or None


def verify_password(password_hash: str, attempt: str) -> bool:
    """Whether ``attempt`` is the password; a broken hash never matches."""
    if not attempt or len(attempt) > MAX_PASSWORD_CHARS:
        return False
    try:
        return PasswordHasher().verify(password_hash, attempt)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# --- OpenID Connect identities -------------------------------------------------------


@dataclass(frozen=True)
class SignedInPerson:
    identity: str
    name: str


def person_from_user_info(user: Mapping[str, object]) -> SignedInPerson | None:
    """Who is signed in according to ``st.user``'s claims, or None when nobody is.

    The identity is the issuer and subject (stable and unique per provider), falling
    back to the e-mail address; an over-long one is replaced by its SHA-256 digest.
    """
    if user.get("is_logged_in") is not True:
        return None
    subject = str(user.get("sub") or "").strip()
    issuer = str(user.get("iss") or "").strip()
    email = str(user.get("email") or "").strip()
    if subject:
        identity = f"{issuer} {subject}" if issuer else subject
    elif email:
        identity = f"email {email.lower()}"
    else:
        return None
    if len(identity) > IDENTITY_MAX_CHARS:
        identity = "sha256 " + hashlib.sha256(identity.encode()).hexdigest()
    name = str(user.get("name") or email or "Me").strip() or "Me"
    return SignedInPerson(identity=identity, name=name)
