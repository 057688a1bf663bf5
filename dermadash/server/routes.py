"""Every HTTP route dermadash adds beside Streamlit's: adding one is one line here."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from dermadash.calendar import endpoint as calendar_endpoint
from dermadash.server import shared_photos
from dermadash.server.health import healthz

ROUTES: list[BaseRoute] = [
    Route("/healthz", healthz, methods=["GET"]),
    Route(shared_photos.ROUTE_PATH, shared_photos.shared_photo_route, methods=["GET"]),
    Route(
        shared_photos.COMPARISON_ROUTE_PATH,
        shared_photos.shared_comparison_route,
        methods=["GET"],
    ),
    Route(calendar_endpoint.PATH, calendar_endpoint.calendar_feed, methods=["GET"]),
]
