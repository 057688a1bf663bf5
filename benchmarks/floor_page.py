"""The floor: a bare Streamlit page that reads the rows the dashboard reads and draws one
chart.

The dashboard reads the person's profile, their sessions (with check-ins and areas),
their scar ratings and their rollers; so does this page, through the same cached
query functions, and then it draws a single line chart. ``dashboard_vs_floor`` and
``browser_load`` time the real dashboard against it; nothing in the app uses it.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from sqlalchemy import Engine

from dermadash.storage import db, queries
from dermadash.storage.profiles import ProfileSnapshot, default_profile_id, load_profile

_PERIOD_DAYS = {"Last 90 days": 90, "Last 365 days": 365, "Last 30 days": 30}


@st.cache_resource
def _engine() -> Engine:
    engine = db.make_engine()
    db.upgrade(engine)
    return engine


@st.cache_data
def _profile(profile_id: int) -> ProfileSnapshot:
    return load_profile(_engine(), profile_id)


@st.cache_data
def _sessions(profile_id: int) -> pd.DataFrame:
    return queries.sessions_frame(_engine(), profile_id)


@st.cache_data
def _scar_ratings(profile_id: int) -> pd.DataFrame:
    return queries.scar_ratings_frame(_engine(), profile_id)


@st.cache_data
def _rollers(profile_id: int) -> pd.DataFrame:
    return queries.rollers_frame(_engine(), profile_id)


profile_id = default_profile_id(_engine())
profile = _profile(profile_id)
sessions = _sessions(profile_id)
ratings = _scar_ratings(profile_id)
rollers = _rollers(profile_id)
period = st.radio("Period", list(_PERIOD_DAYS), horizontal=True)
shown = sessions[
    sessions["started_at"] >= sessions["started_at"].max() - pd.Timedelta(days=_PERIOD_DAYS[period])
]
figure = go.Figure(go.Scatter(x=shown["started_at"], y=shown["redness_hours"]))
st.plotly_chart(figure)
