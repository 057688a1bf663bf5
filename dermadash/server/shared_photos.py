"""Scar photos for the shared view, served by dermadash's own route, not Streamlit's
``/media/``: each request checks the link in the database, so a revoked or expired
link's photo addresses answer 404 at once, on every replica.

A photo's address is ``/shared-photos/<link>/<photo>/<signature>.jpg``. The signature
is an HMAC keyed with the link's token hash: only someone holding the token (the
viewer, through the page) can have been given it, and the token itself never appears
in these addresses or in any log of them.
"""

from __future__ import annotations

import hmac
from datetime import UTC, datetime
from hashlib import sha256

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from dermadash import db, photos, sharing
from dermadash.models import ShareLink
from dermadash.records import RecordNotFound
from dermadash.server.database import server_engine

ROUTE_PATH = "/shared-photos/{link_id:int}/{photo_id:int}/{signature}.jpg"
SIGNATURE_CHARS = 32


def signature(token_hash: str, link_id: int, photo_id: int) -> str:
    message = f"{link_id}/{photo_id}".encode()
    return hmac.new(token_hash.encode(), message, sha256).hexdigest()[:SIGNATURE_CHARS]


def photo_path(link_id: int, photo_id: int, token: str) -> str:
    """The address path of one photo for the viewer holding ``token``."""
    mark = signature(sharing.hash_token(token), link_id, photo_id)
    return f"/shared-photos/{link_id}/{photo_id}/{mark}.jpg"


def shared_photo(
    engine: Engine, link_id: int, photo_id: int, mark: str, now: datetime | None = None
) -> bytes | None:
    """The JPEG, when the link is active, includes photos, signed this address and the
    photo is its owner's; None otherwise (the same answer for every reason)."""
    with db.reading(engine) as session:
        link = session.get(ShareLink, link_id)
        if link is None or not link.include_photos:
            return None
        if sharing.link_status(link, now or datetime.now(UTC)) != "active":
            return None
        expected = signature(link.token_hash, link_id, photo_id)
        profile_id = link.profile_id
    if not hmac.compare_digest(mark, expected):
        return None
    try:
        return photos.photo_jpeg(engine, profile_id, photo_id)
    except RecordNotFound:
        return None


async def shared_photo_route(request: Request) -> Response:
    params = request.path_params
    jpeg = await run_in_threadpool(
        shared_photo, server_engine(), params["link_id"], params["photo_id"], params["signature"]
    )
    if jpeg is None:
        return PlainTextResponse("Not found", status_code=404)
    return Response(jpeg, media_type="image/jpeg")
