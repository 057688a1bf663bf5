"""Every setting dermadash reads from its environment, typed, with the embedded defaults.

No other module reads the environment: it asks here. ``SETTINGS`` names them all, and
the README's settings table documents each (``tests/test_settings_documented.py``).
Each reader takes an optional mapping in place of ``os.environ`` (for tests).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
DEFAULT_DATABASE_PATH = DATA_DIR / "dermadash.storage.db"
DEFAULT_PASSWORD_FILE = DATA_DIR / "owner-password.argon2"
DEFAULT_BROWSER_PATH = "/usr/bin/chromium"

DATABASE_URL_VARIABLE = "DERMADASH_DATABASE_URL"
PUBLIC_URL_VARIABLE = "DERMADASH_PUBLIC_URL"
AUTH_VARIABLE = "DERMADASH_AUTH"
PASSWORD_FILE_VARIABLE = "DERMADASH_PASSWORD_FILE"
PASSWORD_HASH_VARIABLE = "DERMADASH_OWNER_PASSWORD_HASH"
BROWSER_PATH_VARIABLE = "BROWSER_PATH"  # the variable kaleido's choreographer reads too
TRUSTED_PROXIES_VARIABLE = "DERMADASH_TRUSTED_PROXIES"

SETTINGS = (
    DATABASE_URL_VARIABLE,
    PUBLIC_URL_VARIABLE,
    AUTH_VARIABLE,
    PASSWORD_FILE_VARIABLE,
    PASSWORD_HASH_VARIABLE,
    BROWSER_PATH_VARIABLE,
    TRUSTED_PROXIES_VARIABLE,
)
"""The name of every setting read here."""


def _value(name: str, environ: Mapping[str, str] | None) -> str:
    """The setting's text without surrounding blanks; empty when unset."""
    return (environ if environ is not None else os.environ).get(name, "").strip()


def database_url(environ: Mapping[str, str] | None = None) -> str:
    """The database URL: ``DERMADASH_DATABASE_URL`` or the SQLite file under ``data/``."""
    return _value(DATABASE_URL_VARIABLE, environ) or f"sqlite:///{DEFAULT_DATABASE_PATH}"


def public_url(environ: Mapping[str, str] | None = None) -> str | None:
    """``DERMADASH_PUBLIC_URL`` without a trailing slash, or None when it is not set."""
    return _value(PUBLIC_URL_VARIABLE, environ).rstrip("/") or None


def auth_mode_name(environ: Mapping[str, str] | None = None) -> str:
    """``DERMADASH_AUTH`` in lower case, ``none`` when unset (``auth`` checks the choice)."""
    return _value(AUTH_VARIABLE, environ).lower() or "none"


def password_file(environ: Mapping[str, str] | None = None) -> Path:
    """Where the owner password's hash is kept: ``DERMADASH_PASSWORD_FILE`` or ``data/``."""
    configured = _value(PASSWORD_FILE_VARIABLE, environ)
    return Path(configured).expanduser() if configured else DEFAULT_PASSWORD_FILE


def owner_password_hash(environ: Mapping[str, str] | None = None) -> str | None:
    """``DERMADASH_OWNER_PASSWORD_HASH``, or None when it is not set."""
    return _value(PASSWORD_HASH_VARIABLE, environ) or None


def browser_path(environ: Mapping[str, str] | None = None) -> str:
    """The Chromium to use: ``BROWSER_PATH`` when set, else Debian's /usr/bin/chromium."""
    return _value(BROWSER_PATH_VARIABLE, environ) or DEFAULT_BROWSER_PATH


def trusted_proxy_entries(environ: Mapping[str, str] | None = None) -> list[str]:
    """The entries of ``DERMADASH_TRUSTED_PROXIES`` (comma-separated), blanks dropped."""
    value = _value(TRUSTED_PROXIES_VARIABLE, environ)
    return [entry for entry in (part.strip() for part in value.split(",")) if entry]
