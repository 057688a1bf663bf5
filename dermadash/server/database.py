"""One engine per database URL for the server layer (the pages keep their own, cached)."""

from __future__ import annotations

from functools import cache

from sqlalchemy import Engine

from dermadash.settings import database_url
from dermadash.storage import db


@cache
def _engine_for(url: str) -> Engine:
    return db.make_engine(url)


def server_engine() -> Engine:
    """The configured database's engine, made once per URL in this process."""
    return _engine_for(database_url())
