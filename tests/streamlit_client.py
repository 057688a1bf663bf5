"""A scripted Streamlit client: one WebSocket, one script run, the texts it drew.

It speaks Streamlit's own protocol (``BackMsg`` / ``ForwardMsg`` protobufs), so tests
can choose what a browser cannot: the ``Host`` header, the ``Origin``, the page URL it
claims, extra headers (a forged proof), even the peer address (through an ASGI client).
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Mapping
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState, ContextInfo
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect
from websockets.typing import Origin, Subprotocol

STREAM_PATH = "/_stcore/stream"
RUN_TIMEOUT_SECONDS = 60


class Refused(Exception):
    """The server closed or refused the WebSocket before the script ran."""


def rerun_message(query: str = "", claimed_url: str | None = None) -> bytes:
    """The first message a browser sends: run the script for this query string."""
    context = ContextInfo(timezone="Europe/London")
    if claimed_url is not None:
        context.url = claimed_url
    state = ClientState(query_string=query, page_script_hash="", context_info=context)
    return BackMsg(rerun_script=state).SerializeToString()


def texts_until_finished(receive: Callable[[], bytes]) -> str:
    """Every ForwardMsg of one script run, as text, up to ``script_finished``."""
    parts: list[str] = []
    while True:
        message = ForwardMsg()
        message.ParseFromString(receive())
        parts.append(str(message))
        if message.WhichOneof("type") == "script_finished":
            return "\n".join(parts)


def run_once(
    base_url: str,
    *,
    host: str | None = None,
    origin: str | None = None,
    query: str = "",
    claimed_url: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> str:
    """Connect to the real server at ``base_url`` (always over loopback), asking for
    ``host`` in the ``Host`` header, run the script once and return what it drew."""
    address = urlsplit(base_url)
    port = address.port
    assert address.hostname
    assert port
    sock = socket.create_connection((address.hostname, port), timeout=RUN_TIMEOUT_SECONDS)
    uri = f"ws://{host or address.netloc}{STREAM_PATH}"
    try:
        with connect(
            uri,
            sock=sock,
            origin=None if origin is None else Origin(origin),
            additional_headers=dict(headers or {}),
            subprotocols=[Subprotocol("streamlit")],
            open_timeout=RUN_TIMEOUT_SECONDS,
        ) as websocket:
            websocket.send(rerun_message(query, claimed_url))

            def receive() -> bytes:
                data = websocket.recv(timeout=RUN_TIMEOUT_SECONDS)
                assert isinstance(data, bytes)
                return data

            try:
                return texts_until_finished(receive)
            except Exception as error:
                raise Refused(str(error)) from error
    except InvalidStatus as error:
        raise Refused(str(error)) from error
