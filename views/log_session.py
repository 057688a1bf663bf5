"""Log a session: right after rolling, on a phone, in under 30 seconds."""

from __future__ import annotations

import streamlit as st

from dermadash.escaping import escape_markdown
from dermadash.formatting import format_day
from dermadash.rules import safety_questions
from dermadash.storage import records
from dermadash.storage.validation import ValidationError
from page_support import database, owner_guard, reads
from views import entry_form_parts
from views.flag_parts import flag_card, flags_of_session

FORM = "log"
SAVED_KEY = "logged_session_id"

profile_id = owner_guard.current_profile_id()
engine = database.engine()
timezone = reads.timezone(profile_id)


def show_what_happens_next(session_id: int, areas: list[str]) -> None:
    """This session's safety flags, the next safe date for its areas, the check-in reminder."""
    session_flags = flags_of_session(reads.flags(profile_id), session_id)
    if not session_flags["severity"].isin(["warning", "critical"]).any():
        st.success("This session follows the safety protocol.")
    if not session_flags.empty:
        st.subheader("Safety flags for this session")
        for flag in session_flags.itertuples(index=False):
            flag_card(flag)
    next_safe = reads.next_safe(profile_id)
    for row in next_safe[next_safe["area"].isin(areas)].itertuples(index=False):
        st.markdown(
            f"**Next safe session, {escape_markdown(row.area)}:** {format_day(row.next_safe_date)}"
        )
        st.caption(row.reason)
    st.info(
        "Later today or tomorrow, add a check-in: how long redness and stinging lasted "
        "and anything unusual."
    )
    st.page_link("views/check_in.py", label="Go to Check-in", icon=":material/fact_check:")


def show_saved(session_id: int) -> None:
    sessions = reads.sessions(profile_id)
    match = sessions[sessions["session_id"] == session_id]
    st.success("Session saved.")
    if not match.empty:
        row = next(match.itertuples())
        with st.container(border=True):
            st.markdown(f"**{escape_markdown(entry_form_parts.session_title(row, timezone))}**")
            st.caption(escape_markdown(entry_form_parts.session_summary(row)))
    show_what_happens_next(session_id, [] if match.empty else list(match.iloc[0]["areas"]))
    if st.button("Log another session", key="log_another", icon=":material/add:"):
        entry_form_parts.new_form(FORM)
        del st.session_state[SAVED_KEY]
        st.rerun()


st.title("Log a session")

if SAVED_KEY in st.session_state:
    show_saved(int(st.session_state[SAVED_KEY]))
    st.stop()

if not safety_questions.is_answered(reads.profile(profile_id)):
    st.warning(
        "Answer the five safety questions first (experience, scars, prescribed interval, "
        "isotretinoin, time zone): until then some rules cannot check this session."
    )
    st.page_link("views/home.py", label="Answer them on Home", icon=":material/home:")
rollers = reads.rollers(profile_id)
if rollers.empty:
    st.caption("Tip: add your roller on the Rollers page and its needle length is filled in.")
entered = entry_form_parts.session_fields(
    FORM,
    entry_form_parts.session_input_now(reads.session_defaults(profile_id), timezone),
    rollers=rollers,
    area_options=reads.area_choices(profile_id),
    timezone=timezone,
)
if entry_form_parts.save_button(FORM, "Save session"):
    try:
        session_id, _ = entry_form_parts.save_form_once(
            FORM, lambda: records.add_session(engine, profile_id, entered)
        )
    except ValidationError as problem:
        st.error(str(problem))
    else:
        st.session_state[SAVED_KEY] = session_id
        st.rerun()
