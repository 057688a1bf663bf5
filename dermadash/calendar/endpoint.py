"""``GET /calendar/<token>.ics``: a person's calendar feed, as a plain Starlette route.

No sign-in: the token is the permission (see ``calendar.links``). A wrong, revoked,
expired or malformed token gets one and the same ``404``, so the answer never tells
them apart. Feeds are never cached on the way (``Cache-Control: no-store``): a revoked
link must stop at once, and the feed holds private reminders.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from dermadash.calendar import feed, links
from dermadash.server.database import server_engine
from dermadash.server.headers import PRIVATE_RESPONSE
from dermadash.storage import db

PATH = "/calendar/{token}.ics"
MEDIA_TYPE = "text/calendar; charset=utf-8"
NOT_FOUND_TEXT = "No calendar here.\n"
UNAVAILABLE_TEXT = "The calendar cannot be read right now. Your calendar app will try again.\n"
LOGGER = logging.getLogger("dermadash")


def feed_for_token(engine: Engine, token: str, now: datetime | None = None) -> bytes | None:
    """The feed a token opens (recording the fetch), or None when it opens nothing."""
    moment = now or datetime.now(UTC)
    access = links.open_feed(engine, token, moment)
    if access is None:
        return None
    return feed.profile_feed(
        engine, access.profile_id, generic_titles=access.generic_titles, now=moment
    )


def not_found() -> Response:
    return PlainTextResponse(NOT_FOUND_TEXT, status_code=404, headers=PRIVATE_RESPONSE)


async def calendar_feed(request: Request) -> Response:
    """The Starlette endpoint for ``PATH`` (mounted in ``dermadash.server.routes``)."""
    token = str(request.path_params.get("token", ""))
    try:
        body = await run_in_threadpool(lambda: feed_for_token(server_engine(), token))
    except (SQLAlchemyError, db.DatabaseUnavailable) as error:
        # The error's type only: its message could hold a database address or data.
        LOGGER.error("The calendar feed could not be read: %s", type(error).__qualname__)
        return PlainTextResponse(UNAVAILABLE_TEXT, status_code=503, headers=PRIVATE_RESPONSE)
    if body is None:
        return not_found()
    return Response(body, media_type=MEDIA_TYPE, headers=PRIVATE_RESPONSE)
