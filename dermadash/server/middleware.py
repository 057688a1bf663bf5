"""The middleware dermadash wraps around Streamlit's, outermost first."""

from __future__ import annotations

from starlette.middleware import Middleware

from dermadash.server.headers import SecurityHeaders
from dermadash.server.this_computer import ThisComputerMiddleware

MIDDLEWARE: list[Middleware] = [
    Middleware(SecurityHeaders),
    Middleware(ThisComputerMiddleware),
]
