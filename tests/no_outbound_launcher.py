"""Start dermadash as ``streamlit run app.py`` would, logging every attempt to reach
another machine (a socket connect or send to a non-loopback address, or a name lookup
of a non-local host) to the file named by ``NO_OUTBOUND_LOG``.

    python -m tests.no_outbound_launcher PORT
    python -m tests.no_outbound_launcher --unpatched-lookup   (the detector's own check)

Before serving, it also prints the start-up banner the way a server bound to every
interface does (the case in which Streamlit looks up the external address).
"""

from __future__ import annotations

import os
import sys
from ipaddress import ip_address
from typing import Any

LOG = os.environ["NO_OUTBOUND_LOG"]
LOCAL_NAMES = frozenset({"localhost", "", None})


def _is_local(host: object) -> bool:
    if isinstance(host, bytes):
        host = host.decode()
    if host in LOCAL_NAMES:
        return True
    try:
        return ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return str(host).endswith(".localhost")


def _audit(event: str, args: tuple[Any, ...]) -> None:
    host: object = None
    if event in ("socket.connect", "socket.sendto") and isinstance(args[1], tuple):
        host = args[1][0]
    elif event == "socket.getaddrinfo":
        host = args[0]
    else:
        return
    if not _is_local(host):
        with open(LOG, "a", encoding="utf-8") as log:
            log.write(f"{event} {host}\n")
        raise PermissionError(f"blocked: {event} {host}")  # and it never leaves


def main(port: str) -> None:
    sys.addaudithook(_audit)
    from streamlit import config
    from streamlit.web import bootstrap
    from streamlit.web.cli import main as streamlit_main

    import app  # noqa: F401  (the entry: it switches Streamlit's address lookups off)

    config.set_option("server.headless", True)
    bootstrap._print_url(is_running_hello=False)  # server.address not set: every interface
    sys.argv = [
        "streamlit", "run", "app.py", "--server.port", port, "--server.address", "127.0.0.1",
    ]  # fmt: skip
    streamlit_main()


def unpatched_lookup() -> None:
    """Streamlit's own lookup, without dermadash's entry: the hook must catch it."""
    sys.addaudithook(_audit)
    from streamlit import net_util

    net_util.get_external_ip()


if __name__ == "__main__":
    if sys.argv[1] == "--unpatched-lookup":
        unpatched_lookup()
    else:
        main(sys.argv[1])
