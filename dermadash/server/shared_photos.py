"""Scar photos for the shared view, served by dermadash's own route, not Streamlit's
``/media/``: each request checks the link in the database, so a revoked or expired
link's photo addresses answer 404 at once, on every replica.

A photo's address is ``/shared-photos/<link>/<photo>/<signature>.jpg``; two photos made
comparable (both at one size, or blended) are
``/shared-photos/<link>/<before>/<after>/<view>/<signature>.jpg``, the view being
``before``, ``after`` or ``mix<percent>``. The signature is an HMAC keyed with the link's
token hash over everything else in the address: only someone holding the token (the
viewer, through the page) can have been given it, and the token itself never appears
in these addresses or in any log of them.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Callable
from datetime import UTC, datetime
from hashlib import sha256

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from dermadash import photo_compare, photos
from dermadash.server.database import server_engine
from dermadash.sharing import share_links
from dermadash.storage import db
from dermadash.storage.models import ShareLink
from dermadash.storage.records import RecordNotFound

ROUTE_PATH = "/shared-photos/{link_id:int}/{photo_id:int}/{signature}.jpg"
COMPARISON_ROUTE_PATH = (
    "/shared-photos/{link_id:int}/{before_id:int}/{after_id:int}/{view}/{signature}.jpg"
)
COMPARISON_VIEW = re.compile(r"before|after|mix(100|[1-9]?[0-9])")
SIGNATURE_CHARS = 32


def _mark(token_hash: str, what: str) -> str:
    return hmac.new(token_hash.encode(), what.encode(), sha256).hexdigest()[:SIGNATURE_CHARS]


def signature(token_hash: str, link_id: int, photo_id: int) -> str:
    return _mark(token_hash, f"{link_id}/{photo_id}")


def comparison_signature(
    token_hash: str, link_id: int, before_id: int, after_id: int, view: str
) -> str:
    return _mark(token_hash, f"{link_id}/{before_id}/{after_id}/{view}")


def photo_path(link_id: int, photo_id: int, token: str) -> str:
    """The address path of one photo for the viewer holding ``token``."""
    mark = signature(share_links.hash_token(token), link_id, photo_id)
    return f"/shared-photos/{link_id}/{photo_id}/{mark}.jpg"


def comparison_path(link_id: int, before_id: int, after_id: int, view: str, token: str) -> str:
    """The address path of two photos made comparable, for the viewer holding ``token``."""
    mark = comparison_signature(share_links.hash_token(token), link_id, before_id, after_id, view)
    return f"/shared-photos/{link_id}/{before_id}/{after_id}/{view}/{mark}.jpg"


def _signed_profile(
    engine: Engine, link_id: int, mark: str, expected: Callable[[str], str], now: datetime | None
) -> int | None:
    """The profile whose photos the address may show: the link is active, includes
    photos and signed ``mark`` (``expected`` gives the signature from the token hash)."""
    with db.reading(engine) as session:
        link = session.get(ShareLink, link_id)
        if link is None or not link.include_photos:
            return None
        if share_links.link_status(link, now or datetime.now(UTC)) != "active":
            return None
        signed = hmac.compare_digest(mark, expected(link.token_hash))
        return link.profile_id if signed else None


def shared_photo(
    engine: Engine, link_id: int, photo_id: int, mark: str, now: datetime | None = None
) -> bytes | None:
    """The JPEG, when the link is active, includes photos, signed this address and the
    photo is its owner's; None otherwise (the same answer for every reason)."""
    profile_id = _signed_profile(
        engine, link_id, mark, lambda key: signature(key, link_id, photo_id), now
    )
    if profile_id is None:
        return None
    try:
        return photos.photo_jpeg(engine, profile_id, photo_id)
    except RecordNotFound:
        return None


def shared_comparison(
    engine: Engine,
    link_id: int,
    before_id: int,
    after_id: int,
    view: str,
    mark: str,
    now: datetime | None = None,
) -> bytes | None:
    """Two of the owner's photos at one size (``before``/``after``) or blended
    (``mix<percent>``), on the same conditions as ``shared_photo``."""
    shape = COMPARISON_VIEW.fullmatch(view)
    if shape is None:
        return None
    profile_id = _signed_profile(
        engine,
        link_id,
        mark,
        lambda key: comparison_signature(key, link_id, before_id, after_id, view),
        now,
    )
    if profile_id is None:
        return None
    try:
        before = photos.photo_jpeg(engine, profile_id, before_id)
        after = photos.photo_jpeg(engine, profile_id, after_id)
    except RecordNotFound:
        return None
    if shape.group(1) is not None:
        return photo_compare.blend(before, after, int(shape.group(1)) / 100)
    return photo_compare.same_size(before, after)[0 if view == "before" else 1]


async def shared_photo_route(request: Request) -> Response:
    params = request.path_params
    jpeg = await run_in_threadpool(
        shared_photo, server_engine(), params["link_id"], params["photo_id"], params["signature"]
    )
    return _jpeg_response(jpeg)


async def shared_comparison_route(request: Request) -> Response:
    params = request.path_params
    jpeg = await run_in_threadpool(
        shared_comparison,
        server_engine(),
        params["link_id"],
        params["before_id"],
        params["after_id"],
        params["view"],
        params["signature"],
    )
    return _jpeg_response(jpeg)


def _jpeg_response(jpeg: bytes | None) -> Response:
    if jpeg is None:
        return PlainTextResponse("Not found", status_code=404)
    return Response(jpeg, media_type="image/jpeg")
