"""Security headers on every HTTP response the app sends, set by the app itself.

A proxy in front may add more (``Strict-Transport-Security`` needs to know the site is
served over HTTPS), but nothing here depends on one.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Streamlit's index.html has one inline script (``window.prerenderReady = false``);
# its hash lets it run without allowing inline scripts in general.
_INDEX_INLINE_SCRIPT = "'sha256-THxz9J9+wf7rhwR2YkXJoSZ13UCmYyC+3lNDv2+8ugA='"
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        # Streamlit's frontend compiles WebAssembly; JavaScript eval stays forbidden.
        f"script-src 'self' 'wasm-unsafe-eval' {_INDEX_INLINE_SCRIPT}",
        "style-src 'self' 'unsafe-inline'",  # Streamlit's widgets style themselves inline
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "media-src 'self' data: blob:",
        "worker-src 'self' blob:",
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
# The camera stays allowed (scar photos are taken in the app); the rest is never used.
PERMISSIONS_POLICY = ", ".join(
    (
        "camera=(self)",
        "microphone=()",
        "geolocation=()",
        "payment=()",
        "usb=()",
        "serial=()",
        "hid=()",
        "midi=()",
        "magnetometer=()",
        "gyroscope=()",
        "accelerometer=()",
        "display-capture=()",
        "interest-cohort=()",
        "browsing-topics=()",
    )
)
EVERY_RESPONSE: dict[str, str] = {
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Permissions-Policy": PERMISSIONS_POLICY,
}
PRIVATE_RESPONSE: dict[str, str] = {
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex, nofollow",
}
_PRIVATE_PATH = re.compile(r"(^|/)(media|shared-photos)/")
SHARE_PARAMETER = "share"


def is_private(scope: Scope) -> bool:
    """The share view (any address with ``?share=``), every ``/media/`` file (photos,
    downloads) and every shared photo: never stored by a cache, never indexed."""
    if _PRIVATE_PATH.search(scope.get("path", "")):
        return True
    query = scope.get("query_string", b"").decode("latin-1")
    return SHARE_PARAMETER in parse_qs(query, keep_blank_values=True)


class SecurityHeaders:
    """Pure ASGI middleware: adds the headers to each ``http.response.start``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = {**EVERY_RESPONSE, **(PRIVATE_RESPONSE if is_private(scope) else {})}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in extra.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)
