"""Home: the owner's dashboard, with a real empty state until there is data."""

from __future__ import annotations

import streamlit as st

from dermadash import demo
from page_support import database, owner_guard, reads
from page_support.quick_links import main_page_links
from views.dashboard_parts import render_dashboard
from views.safety_parts import safety_setup_section

profile_id = owner_guard.current_profile_id()
engine = database.engine()
me = reads.profile(profile_id)

st.title("dermadash")
main_page_links()

if reads.session_count(profile_id) == 0:
    st.subheader("No sessions yet: log your first one")
    st.write(
        "Right after you roll, log the session in half a minute: the areas, the needle, "
        "whether the roller was sterilized. dermadash checks it against the safety protocol."
    )
    if st.button(
        "Log your first session", type="primary", key="first_session", icon=":material/edit_note:"
    ):
        st.switch_page("views/log_session.py")
    safety_setup_section(profile_id, me)
    st.divider()
    st.caption(
        "Curious first? Load six months of example data to see what the dashboard, charts "
        "and safety flags look like; one click removes it again."
    )
    if st.button("Load example data", key="load_demo"):
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

safety_setup_section(profile_id, me, compact=True)
render_dashboard(profile_id)
