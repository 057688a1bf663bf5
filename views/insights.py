"""Insights: is it working (a trend per area), and what goes with longer redness."""

from __future__ import annotations

import streamlit as st

from dermadash.dashboard import insights
from page_support import owner_guard
from views import insights_parts

profile_id = owner_guard.current_profile_id()
found = insights_parts.profile_insights(profile_id)

st.title("Insights")
st.caption(
    "Two questions, over everything you logged: are your scars getting better, and what "
    "goes with longer redness or stinging after a session? Each figure says how much data "
    "it rests on, and says so when there is not enough yet."
)

st.header("Is it working?")
insights_parts.progress(found)

st.header("What goes with longer redness and stinging")
if not found.checked_in:
    st.info(
        "No check-ins yet. After each session, record how long redness and stinging lasted "
        "(Check-in page): once a factor has at least "
        f"{insights.MIN_PER_SIDE} sessions with it and {insights.MIN_PER_SIDE} without, it "
        "is compared here."
    )
    st.page_link("views/check_in.py", label="Check in on a session", icon=":material/fact_check:")
    st.stop()
st.write(
    "For each factor: the median redness (or stinging) of sessions with it and of sessions "
    "without it, the number of sessions on each side (only those whose check-in recorded "
    "it), and a Mann–Whitney U test. The largest differences come first."
)
insights_parts.every_factor(found, key="insights_factors")
st.caption(insights.NOT_CAUSES)
st.caption(
    "A p-value below 0.05 means a difference this large would seldom appear by chance if "
    "the factor made no difference; a larger one means the difference could well be chance. "
    "Numbers split at a fixed line: a needle above 0.25 mm, more than 12 passes in total, "
    "pain of 5 or more, a start from 18:00 in your time zone."
)
