"""Settings read from the environment, with the embedded defaults."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
DEFAULT_DATABASE_PATH = DATA_DIR / "dermadash.storage.db"
DATABASE_URL_VARIABLE = "DERMADASH_DATABASE_URL"


def database_url() -> str:
    """The database URL: ``DERMADASH_DATABASE_URL`` or the SQLite file under ``data/``."""
    configured = os.environ.get(DATABASE_URL_VARIABLE, "").strip()
    if configured:
        return configured
    return f"sqlite:///{DEFAULT_DATABASE_PATH}"
