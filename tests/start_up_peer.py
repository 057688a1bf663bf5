"""Start the whole app (``app:app``) in this process with Starlette's test client, run
its home page once as this computer, and print what the garbage collector holds then
(JSON). Used in a subprocess by ``tests/test_long_lived.py``: freezing is for the life of
a process, and the test's own must stay as it is.

    python -m tests.start_up_peer
"""

from __future__ import annotations

import gc
import json
import sys
import weakref

from starlette.testclient import TestClient

from tests.streamlit_client import STREAM_PATH, rerun_message, texts_until_finished

HOST = "localhost:8501"


class _Node:
    """An object that can take part in a reference cycle (and be watched by weakref)."""

    partner: _Node | None = None


def _cycle_left_behind_is_collected() -> bool:
    first, second = _Node(), _Node()
    first.partner, second.partner = second, first
    watch = weakref.ref(first)
    del first, second
    gc.collect()
    return watch() is None


def main() -> None:
    from app import PAGE_MODULES, app

    with TestClient(app, client=("127.0.0.1", 50000)) as client:
        imported_at_start = [name for name in PAGE_MODULES if name in sys.modules]
        with client.websocket_connect(
            STREAM_PATH, subprotocols=["streamlit"], headers={"Host": HOST}
        ) as websocket:
            websocket.send_bytes(rerun_message(claimed_url=f"http://{HOST}/"))
            drawn = texts_until_finished(websocket.receive_bytes)
        gc.collect()
        report = {
            "page_modules": list(PAGE_MODULES),
            "imported_at_start": imported_at_start,
            "frozen": gc.get_freeze_count(),
            "walked": len(gc.get_objects()),
            "cycle_collected": _cycle_left_behind_is_collected(),
            "drew_charts": drawn.count("plotly_chart {"),
        }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
