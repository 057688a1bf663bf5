"""Home: the owner's dashboard, with a real empty state until there is data."""

from __future__ import annotations

import streamlit as st

from dermadash import demo
from views import common
from views.dashboard_parts import render_dashboard

profile_id = common.current_profile_id()
engine = common.engine()
sessions = common.sessions(profile_id)

st.title("dermadash")

if sessions.empty:
    st.subheader("No sessions yet")
    st.write(
        "Log your first dermarolling session right after you roll, or load six months "
        "of example data to see what the dashboard, charts and safety flags look like."
    )
    if st.button("Load example data", type="primary", key="load_demo"):
        try:
            loaded = demo.load_demo(engine, profile_id)
        except demo.DemoRefused as refusal:
            st.error(str(refusal))
        else:
            st.success(
                f"Loaded {loaded.sessions} example sessions and {loaded.ratings} scar "
                "ratings. You can remove them in one click here."
            )
            st.rerun()
    st.stop()

if demo.has_demo_data(engine, profile_id):
    banner, action = st.columns([4, 1], vertical_alignment="center")
    with banner:
        st.info("You are looking at example data. Remove it when you start logging your own.")
    with action:
        if st.button("Remove example data", key="remove_demo"):
            removed = demo.remove_demo(engine, profile_id)
            st.success(f"Removed {removed} example sessions.")
            st.rerun()

render_dashboard(profile_id)
