"""Every HTTP route dermadash adds beside Streamlit's: adding one is one line here."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from dermadash.calendar.endpoint import calendar_routes
from dermadash.server.health import healthz

ROUTES: list[BaseRoute] = [
    Route("/healthz", healthz, methods=["GET"]),
    *calendar_routes(),
]
