"""``DERMADASH_AUTH=none``: owner pages only for a real loopback peer asking for a local
``Host``, decided by the server layer from facts a client cannot forge."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from starlette.types import Message, Receive, Scope, Send

from dermadash.server import this_computer
from dermadash.server.this_computer import PROOF_HEADER, ThisComputerMiddleware
from dermadash.sharing import share_links
from tests.browser import open_store, running_app
from tests.live_server import run_peer
from tests.streamlit_client import Refused, run_once

OWNER_DATA = "No sessions yet"  # the owner's empty home page
REFUSED = "DERMADASH_AUTH=password"  # the plain explanation


@pytest.mark.parametrize(
    ("peer", "headers", "local"),
    [
        ("127.0.0.1", [("host", "127.0.0.1:8501")], True),
        ("127.0.0.1", [("host", "localhost")], True),
        ("::1", [("host", "[::1]:8501")], True),
        ("127.0.0.5", [("Host", "LOCALHOST:9000")], True),
        ("::ffff:127.0.0.1", [("host", "localhost")], True),
        ("::ffff:192.0.2.1", [("host", "localhost")], False),
        ("203.0.113.9", [("host", "localhost:8501")], False),  # remote, claiming localhost
        (None, [("host", "localhost:8501")], False),  # no peer known
        ("testclient", [("host", "localhost")], False),  # not an address at all
        ("127.0.0.1", [("host", "rebind.example")], False),  # DNS rebinding
        ("127.0.0.1", [("host", "rebind.example:8501")], False),
        ("127.0.0.1", [("host", "192.168.1.20:8501")], False),
        ("127.0.0.1", [("host", "localhost.evil.example")], False),
        ("127.0.0.1", [], False),  # no Host
        ("127.0.0.1", [("host", "localhost"), ("host", "evil.example")], False),
        ("127.0.0.1", [("host", "localhost"), ("x-forwarded-for", "198.51.100.7")], False),
        ("127.0.0.1", [("host", "localhost"), ("forwarded", "for=198.51.100.7")], False),
    ],
)
def test_the_rule(peer: str | None, headers: list[tuple[str, str]], local: bool) -> None:
    assert this_computer.is_this_computer(peer, headers) is local


async def _headers_seen(scope: Scope) -> dict[str, str]:
    """Run ``scope`` through the middleware; the headers the app behind it received."""
    seen: dict[str, str] = {}

    async def inner(inner_scope: Scope, _receive: Receive, _send: Send) -> None:
        seen.update((name.decode(), value.decode()) for name, value in inner_scope["headers"])

    async def receive() -> Message:
        return {"type": "websocket.connect"}

    async def send(_message: Message) -> None:
        return None

    await ThisComputerMiddleware(inner)(scope, receive, send)
    return seen


def _scope(kind: str, client: tuple[str, int] | None, headers: list[tuple[str, str]]) -> Scope:
    return {
        "type": kind,
        "path": "/_stcore/stream",
        "client": client,
        "headers": [(name.encode(), value.encode()) for name, value in headers],
    }


@pytest.mark.parametrize("kind", ["http", "websocket"])
@pytest.mark.parametrize(
    ("client", "host", "proven"),
    [
        (("127.0.0.1", 50000), "localhost:8501", True),
        (("198.51.100.7", 50000), "localhost:8501", False),
        (None, "localhost:8501", False),
        (("127.0.0.1", 50000), "rebind.example", False),
    ],
)
def test_the_middleware_strips_a_forged_proof_and_adds_its_own(
    kind: str, client: tuple[str, int] | None, host: str, proven: bool
) -> None:
    forged = [("host", host), (PROOF_HEADER, "forged"), (PROOF_HEADER.upper(), "forged")]
    seen = asyncio.run(_headers_seen(_scope(kind, client, forged)))
    assert seen.get(PROOF_HEADER) != "forged"
    assert this_computer.proves_this_computer(seen.get(PROOF_HEADER)) is proven


def test_a_page_never_takes_a_made_up_proof() -> None:
    for value in (None, "", "forged", "0" * 64):
        assert not this_computer.proves_this_computer(value)


# --- The whole app, as a peer of the test's choosing (Starlette's test client) -------


def _run_as_peer(database_url: str, peer: str, host: str, claimed_url: str | None) -> str:
    """One script run of ``app:app`` in a fresh process, seen from ``peer``."""
    arguments = [peer, host] + ([claimed_url] if claimed_url else [])
    return run_peer("tests.asgi_peer", database_url, *arguments)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("peer", "host", "claimed_url"),
    [
        ("198.51.100.7", "localhost:8501", "http://localhost:8501/"),  # remote claiming local
        ("198.51.100.7", "localhost:8501", None),  # remote, no URL sent
        ("-", "localhost:8501", "http://127.0.0.1:8501/"),  # no peer address at all
    ],
)
def test_a_peer_that_is_not_this_computer_gets_no_owner_page(
    sqlite_url: str, peer: str, host: str, claimed_url: str | None
) -> None:
    drawn = _run_as_peer(sqlite_url, peer, host, claimed_url)
    assert REFUSED in drawn
    assert OWNER_DATA not in drawn


@pytest.mark.slow
def test_a_loopback_peer_through_the_same_app_gets_the_owner_pages(sqlite_url: str) -> None:
    drawn = _run_as_peer(sqlite_url, "127.0.0.1", "localhost:8501", None)
    assert OWNER_DATA in drawn
    assert REFUSED not in drawn


# --- A real server and a real WebSocket client ---------------------------------------


@pytest.fixture(scope="module")
def served_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('served') / 'live.db'}"


@pytest.fixture(scope="module")
def served(served_database: str) -> Iterator[str]:
    with running_app(served_database, DERMADASH_AUTH="none") as base_url:
        yield base_url


@pytest.mark.slow
def test_this_computer_gets_the_owner_pages(served: str) -> None:
    for host in (None, "localhost:1234", "[::1]"):
        drawn = run_once(served, host=host)
        assert OWNER_DATA in drawn, host


@pytest.mark.slow
@pytest.mark.parametrize(
    ("host", "claimed_url", "headers"),
    [
        ("rebind.example", "http://localhost:8501/", {}),  # DNS rebinding
        ("rebind.example:8501", None, {}),  # no URL claimed at all
        ("derma.example.org", "http://127.0.0.1:8501/", {PROOF_HEADER: "forged"}),
        ("localhost", None, {"X-Forwarded-For": "198.51.100.7"}),  # a proxy in front
    ],
)
def test_a_foreign_host_or_a_proxy_gets_the_plain_refusal(
    served: str, host: str, claimed_url: str | None, headers: dict[str, str]
) -> None:
    drawn = run_once(served, host=host, claimed_url=claimed_url, headers=headers)
    assert REFUSED in drawn
    assert OWNER_DATA not in drawn


@pytest.mark.slow
def test_a_cross_site_origin_cannot_open_the_websocket(served: str) -> None:
    with pytest.raises(Refused, match="403"):
        run_once(served, host="localhost", origin="https://evil.example")


@pytest.mark.slow
def test_a_share_link_needs_no_proof(served: str, served_database: str) -> None:
    engine, profile_id = open_store(served_database)
    token = share_links.create_link(engine, profile_id, "Dr Rivera").token
    engine.dispose()
    drawn = run_once(served, host="derma.example.org", query=f"share={token}")
    assert "Read-only view shared with Dr Rivera" in drawn
    assert REFUSED not in drawn
    assert share_links.NOT_VALID_MESSAGE in run_once(served, host="x.example", query="share=nope")
