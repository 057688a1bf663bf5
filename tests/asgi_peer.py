"""Run the whole app (``app:app``) in this process with Starlette's test client, as a
peer of the test's choosing; print what one script run drew. Used in a subprocess by
the tests (Streamlit's runtime is one per process).

    python -m tests.asgi_peer PEER HOST [CLAIMED_URL]     (PEER "-" = no peer address)
"""

from __future__ import annotations

import sys

from starlette.testclient import TestClient

from tests.streamlit_client import STREAM_PATH, rerun_message, texts_until_finished


def main(peer: str, host: str, claimed_url: str | None) -> None:
    from app import app

    client_address = None if peer == "-" else (peer, 50000)
    with (
        TestClient(app, client=client_address) as client,  # type: ignore[arg-type]  # None: no peer
        client.websocket_connect(
            STREAM_PATH, subprotocols=["streamlit"], headers={"Host": host}
        ) as websocket,
    ):
        websocket.send_bytes(rerun_message(claimed_url=claimed_url))
        print(texts_until_finished(websocket.receive_bytes))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None)
