"""Flags: every safety flag, summarised per rule, the recent critical ones in full, and
all of them in a sortable table with what to do."""

from __future__ import annotations

import streamlit as st

from dermadash.rules import flagging
from dermadash.rules.protocol import load_protocol
from dermadash.timezones import local_today
from page_support import owner_guard, reads
from views.flag_parts import flag_overview, severity_badges

profile_id = owner_guard.current_profile_id()
me = reads.profile(profile_id)
sessions = reads.sessions(profile_id)
flags = reads.flags(profile_id)
titles = {spec.id: spec.title for spec in load_protocol().rules}

st.title("Flags")

if sessions.empty and flags.empty:
    st.info(
        "No sessions yet. Log a session (or load the example data on Home) and dermadash "
        "checks it against the safety protocol here."
    )
    st.stop()

if flags.empty:
    st.success("No flags: every session you logged follows the safety protocol.")
    st.page_link("views/protocol.py", label="See the protocol", icon=":material/rule:")
    st.stop()

today = local_today(me.timezone)
first_day = min(flags["date"].min(), today)
with st.container(horizontal=True):
    period = st.date_input(
        "Period",
        value=(first_day, today),
        min_value=first_day,
        max_value=today,
        format="DD/MM/YYYY",
        key="flags_period",
    )
    chosen_areas = st.multiselect(
        "Areas", flagging.flag_areas(flags), placeholder="All areas", key="flags_areas"
    )
    present_rules = [rule for rule in titles if rule in set(flags["rule"])]
    chosen_rules = st.multiselect(
        "Rules",
        present_rules,
        format_func=lambda rule: f"{titles[rule]} ({rule})",
        placeholder="All rules",
        key="flags_rules",
    )

start, end = (period[0], period[-1]) if period else (None, None)
shown = flagging.filter_flags(
    flags, start=start, end=end, areas=chosen_areas, rule_ids=chosen_rules
)

if shown.empty:
    severity_badges(shown)
    st.info("No flags match these filters. Widen the period or clear the area and rule choices.")
    st.stop()

flag_overview(shown, today, key="flags")
