"""Links to the main pages in the page itself: on a phone the sidebar starts collapsed."""

from __future__ import annotations

import streamlit as st

MAIN_PAGES = (
    ("views/log_session.py", "Log a session", ":material/edit_note:"),
    ("views/check_in.py", "Check-in", ":material/fact_check:"),
    ("views/scar_ratings.py", "Scar ratings", ":material/star_rate:"),
    ("views/history.py", "History", ":material/history:"),
    ("views/share.py", "Share", ":material/share:"),
    ("views/settings.py", "Settings", ":material/settings:"),
)


def main_page_links() -> None:
    """One wrapping row of links to the pages people use most."""
    with st.container(horizontal=True, gap="small", key="quick_links"):
        for page, label, icon in MAIN_PAGES:
            st.page_link(page, label=label, icon=icon)
