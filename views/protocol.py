"""Protocol: every rule, this person's threshold for it, and where it comes from."""

from __future__ import annotations

import streamlit as st

from dermadash.rules.protocol import load_protocol
from page_support import owner_guard, reads

profile_id = owner_guard.current_profile_id()
me = reads.profile(profile_id)
protocol = load_protocol().for_profile(me)
table = protocol.table()

st.title("Safety protocol")
st.info(
    "**dermadash informs; it does not diagnose.** These rules come from two public "
    "dermarolling guides and common clinical advice. They catch the usual mistakes; they "
    "cannot judge your skin. Your dermatologist's advice comes first.",
    icon=":material/medical_information:",
)
st.write(
    "Each session you log is checked against the rules below. Thresholds marked "
    "\u201cyours\u201d are your own settings; change them, within safe limits, in Settings."
)
st.page_link("views/settings.py", label="Change my thresholds", icon=":material/tune:")

shown = table[["rule", "title", "severity", "when", "thresholds", "source"]].rename(
    columns={
        "rule": "Rule",
        "title": "What",
        "severity": "Severity",
        "when": "Flags when",
        "thresholds": "Your thresholds",
        "source": "Source",
    }
)
# A static table wraps long text, where an interactive grid would cut it off.
st.table(shown.set_index("Rule"))

st.subheader("Why each rule matters")
for row in table.itertuples(index=False):
    with st.expander(f"{row.title} ({row.rule})"):
        st.markdown(f"**Flags when:** {row.when}")
        st.markdown(f"**Why it matters:** {row.why}")
        st.markdown(f"**Severity:** {row.severity}")
        st.markdown(f"**Your thresholds:** {row.thresholds}")
        st.caption(f"Source: {row.source}")
