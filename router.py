"""dermadash's router: which pages exist for who is looking (``st.navigation``).

Served through ``app.py`` (the server layer around it); AppTest runs this script.
"""

from __future__ import annotations

import logging
import traceback
from pathlib import Path

import streamlit as st

from dermadash.storage import db
from page_support import database, owner_guard, reads

ICON = Path(__file__).resolve().parent / "assets" / "icon.png"

st.set_page_config(
    page_title="dermadash",
    page_icon=str(ICON),
    layout="wide",
    initial_sidebar_state="auto",
)


def owner_pages(pending_check_ins: int) -> list[st.Page]:
    """The owner's pages; the check-in title carries the number still waiting."""
    check_in_title = f"Check-in ({pending_check_ins})" if pending_check_ins else "Check-in"
    return [
        st.Page("views/home.py", title="Home", icon=":material/home:", default=True),
        st.Page("views/log_session.py", title="Log a session", icon=":material/edit_note:"),
        st.Page("views/check_in.py", title=check_in_title, icon=":material/fact_check:"),
        st.Page("views/scar_ratings.py", title="Scar ratings", icon=":material/star_rate:"),
        st.Page("views/photos.py", title="Photos", icon=":material/photo_library:"),
        st.Page("views/history.py", title="History", icon=":material/history:"),
        st.Page("views/rollers.py", title="Rollers", icon=":material/build:"),
        st.Page("views/share.py", title="Share", icon=":material/share:"),
        st.Page("views/flags.py", title="Flags", icon=":material/flag:"),
        st.Page("views/insights.py", title="Insights", icon=":material/insights:"),
        st.Page("views/protocol.py", title="Protocol", icon=":material/rule:"),
        st.Page("views/settings.py", title="Settings", icon=":material/settings:"),
        st.Page("views/your_data.py", title="Your data", icon=":material/database:"),
    ]


navigation = None
try:
    if "share" in st.query_params:
        # A share link (/?share=<token>) reaches the read-only view and nothing else: no
        # owner page is even registered for this session, so none can be switched to.
        shared_view = st.Page("views/shared_view.py", title="Shared progress", default=True)
        navigation = st.navigation([shared_view], position="hidden")
    else:
        if not owner_guard.owner_signed_in():
            # Declared, hidden, before the sign-in form: the address asked for (say
            # /history) then opens once the person has signed in.
            st.navigation(owner_pages(pending_check_ins=0), position="hidden")
        profile_id = owner_guard.require_owner()  # hosted: sign-in before any owner page renders
        navigation = st.navigation(owner_pages(reads.pending_check_in_count(profile_id)))
    navigation.run()
except Exception as error:
    if db.is_unreachable(error):
        # PostgreSQL restarting, say: any transaction was rolled back, nothing to report.
        logging.getLogger("dermadash").warning("The database is not reachable.")
        if navigation is None and "share" not in st.query_params:
            # Keep the page asked for (say /history): it opens once the database answers.
            st.navigation(owner_pages(pending_check_ins=0), position="hidden")
        database.show_database_unreachable()
    else:
        # The server log gets the error's type and where it happened, not its message,
        # which could hold the person's data; the person gets a plain sentence.
        logging.getLogger("dermadash").error(
            "A page failed with %s:\n%s",
            type(error).__qualname__,
            "".join(traceback.format_tb(error.__traceback__)),
        )
        st.error("Something went wrong on this page. Nothing was changed. Please try again.")
