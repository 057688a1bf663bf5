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

ROUTER = Path(__file__).resolve().parent / "router.py"


def _no_external_address() -> None:
    """Streamlit would ask a public "what is my IP" service (at start, and for a
    cross-origin WebSocket): dermadash never lets a request leave the machine."""
    return None


net_util.get_external_ip = _no_external_address

app = st.App(ROUTER, routes=ROUTES, middleware=MIDDLEWARE, lifespan=lifespan)
