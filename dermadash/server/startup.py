"""What the server does once when it starts: bring the database up to date."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.concurrency import run_in_threadpool

from dermadash.server.database import server_engine
from dermadash.storage import db

LOGGER = logging.getLogger("dermadash")


@asynccontextmanager
async def lifespan(_app: object) -> AsyncIterator[None]:
    """Upgrade the schema before the first request; a failure is logged in plain words
    and left to ``/healthz`` and the pages to report, so the server still answers."""
    try:
        await run_in_threadpool(db.upgrade, server_engine())
    except db.DatabaseUnavailable as problem:
        LOGGER.error("%s", problem)
    yield
