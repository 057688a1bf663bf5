"""``GET /healthz``: does the database answer, and is its schema the one this code needs?

No health data and no sign-in: only the state of the service, for a load balancer.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from dermadash.server.database import server_engine
from dermadash.storage import db

CHECK_TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True)
class Health:
    """The answer of ``/healthz``: its HTTP status and JSON body."""

    status_code: int
    body: dict[str, str]


def _unavailable(database: str, reason: str, schema: str | None = None) -> Health:
    body = {"status": "unavailable", "database": database, "reason": reason}
    if schema is not None:
        body["schema"] = schema
    return Health(503, body)


def check(engine: Engine) -> Health:
    """Ask the database for its schema revision and compare it with this code's."""
    try:
        current = db.current_revision(engine)
    except (SQLAlchemyError, OSError):
        return _unavailable("unreachable", "The database does not answer.")
    head = db.head_revision()
    if current != head:
        return _unavailable(
            "ok",
            f"The database schema is at revision {current or 'none'}, but this version "
            f"of dermadash needs {head}: run `python -m dermadash init`.",
            schema=current or "none",
        )
    return Health(200, {"status": "ok", "database": "ok", "schema": head})


async def checked(engine: Engine, timeout: float = CHECK_TIMEOUT_SECONDS) -> Health:
    """``check`` off the event loop; a database that hangs counts as unreachable."""
    try:
        return await asyncio.wait_for(run_in_threadpool(check, engine), timeout)
    except TimeoutError:
        return _unavailable("unreachable", "The database did not answer in time.")


async def healthz(_request: Request) -> JSONResponse:
    health = await checked(server_engine())
    return JSONResponse(
        health.body, status_code=health.status_code, headers={"Cache-Control": "no-store"}
    )
