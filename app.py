"""dermadash's one entry: the Streamlit router (``router.py``) inside dermadash's own
server layer (``dermadash.server``: middleware and routes). ``make run``,
``streamlit run app.py`` and ``uvicorn app:app`` all serve this same ``app``."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit import net_util

from dermadash.server.middleware import MIDDLEWARE
from dermadash.server.routes import ROUTES
from dermadash.server.startup import lifespan

PROJECT_ROOT = Path(__file__).resolve().parent
ROUTER = PROJECT_ROOT / "router.py"
# Imported once at start, not by the first visit, and frozen there (``long_lived``):
# the pages' shared parts, and scipy's test, which the insights import on first use.
PAGE_MODULES = (
    *(f"views.{part.stem}" for part in sorted((PROJECT_ROOT / "views").glob("*_parts.py"))),
    "scipy.stats",
)


def _no_address_lookup() -> None:
    """Streamlit looks up this machine's addresses at start and for a cross-origin
    WebSocket: the external one by asking a public "what is my IP" service, the local
    one by pointing a socket at a public DNS server. dermadash does neither: nothing
    leaves the machine (same-origin pages and ``server.corsAllowedOrigins`` still work)."""
    return None


net_util.get_external_ip = _no_address_lookup
net_util.get_internal_ip = _no_address_lookup

app = st.App(ROUTER, routes=ROUTES, middleware=MIDDLEWARE, lifespan=lifespan(PAGE_MODULES))
