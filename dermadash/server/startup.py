"""What the server does once when it starts: bring the database up to date, then import
what the pages use and set it aside from the garbage collector (``long_lived``)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from starlette.concurrency import run_in_threadpool

from dermadash.server import long_lived
from dermadash.server.database import server_engine
from dermadash.storage import db

LOGGER = logging.getLogger("dermadash")
Lifespan = Callable[[object], AbstractAsyncContextManager[None]]


def lifespan(page_modules: Sequence[str] = ()) -> Lifespan:
    """The server's start: the schema upgraded before the first request (a failure is
    logged in plain words and left to ``/healthz`` and the pages to report, so the
    server still answers), then ``page_modules`` imported and frozen with the rest."""

    @asynccontextmanager
    async def start(_app: object) -> AsyncIterator[None]:
        try:
            await run_in_threadpool(db.upgrade, server_engine())
        except db.DatabaseUnavailable as problem:
            LOGGER.error("%s", problem)
        await run_in_threadpool(long_lived.settle, page_modules)
        yield

    return start
