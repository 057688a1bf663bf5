"""Whether a request comes from the computer the app runs on, told from facts a client
cannot forge: the connection's real peer address and the ``Host`` it asked for.

``ThisComputerMiddleware`` decides for every HTTP request and WebSocket upgrade. It
always removes an incoming ``PROOF_HEADER`` and adds it back, carrying a secret made
fresh in each process, only when the peer is a loopback address and ``Host`` is
``localhost``, ``127.0.0.1`` or ``[::1]`` (any port) and no proxy forwarded the request.
The pages (``DERMADASH_AUTH=none``) read it from the WebSocket's headers: a client
cannot send it, and a router script served without this middleware never sees it.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterable
from ipaddress import ip_address

from starlette.types import ASGIApp, Receive, Scope, Send

PROOF_HEADER = "x-dermadash-this-computer"
_PROOF = secrets.token_hex(32)
LOCAL_HOST_NAMES = frozenset({"localhost", "127.0.0.1", "[::1]"})
# Headers a reverse proxy adds: with any of them the request came from elsewhere.
PROXY_HEADERS = frozenset(
    {"x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-real-ip", "forwarded"}
)


def is_loopback_address(address: str | None) -> bool:
    """127.0.0.0/8 or ::1, also as an IPv4-mapped IPv6 address (a dual-stack socket)."""
    if not address:
        return False
    try:
        parsed = ip_address(address.strip("[]"))
    except ValueError:
        return False
    mapped = getattr(parsed, "ipv4_mapped", None)
    return (mapped or parsed).is_loopback


def host_name(host_header: str) -> str:
    """``Host`` without its port: ``localhost:8501`` → ``localhost``, ``[::1]:80`` → ``[::1]``."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host.partition("]")[0] + "]"
    return host.rpartition(":")[0] if host.count(":") == 1 else host


def is_this_computer(peer: str | None, headers: Iterable[tuple[str, str]]) -> bool:
    """The rule: a loopback peer, one local ``Host``, nothing forwarded. Unknown means no."""
    if not is_loopback_address(peer):
        return False
    hosts: list[str] = []
    for name, value in headers:
        lowered = name.lower()
        if lowered in PROXY_HEADERS:
            return False
        if lowered == "host":
            hosts.append(value)
    return len(hosts) == 1 and host_name(hosts[0]) in LOCAL_HOST_NAMES


def proves_this_computer(header_value: str | None) -> bool:
    """Whether a page's request carries this process's proof (see the module's doc)."""
    return header_value is not None and hmac.compare_digest(header_value, _PROOF)


class ThisComputerMiddleware:
    """Pure ASGI middleware: sets ``PROOF_HEADER`` from the peer and ``Host`` alone."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            raw = [
                (name, value)
                for name, value in scope.get("headers", [])
                if name.lower() != PROOF_HEADER.encode()
            ]
            client = scope.get("client")
            decoded = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in raw]
            if is_this_computer(client[0] if client else None, decoded):
                raw.append((PROOF_HEADER.encode(), _PROOF.encode()))
            scope = {**scope, "headers": raw}
        await self.app(scope, receive, send)
