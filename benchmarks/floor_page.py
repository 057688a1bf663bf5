"""The floor: a bare Streamlit page that reads the same session rows and draws one chart.

``dashboard_vs_floor`` times the real dashboard against this page; nothing in the app
uses it.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from sqlalchemy import Engine

from dermadash import db, queries
from dermadash.profiles import default_profile_id


@st.cache_resource
def _engine() -> Engine:
    engine = db.make_engine()
    db.upgrade(engine)
    return engine


@st.cache_data
def _sessions(profile_id: int) -> pd.DataFrame:
    return queries.sessions_frame(_engine(), profile_id)


profile_id = default_profile_id(_engine())
sessions = _sessions(profile_id)
figure = go.Figure(go.Scatter(x=sessions["started_at"], y=sessions["redness_hours"]))
st.plotly_chart(figure)
