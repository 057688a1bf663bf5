"""Check-in: how the skin reacted after a session; sessions still waiting come first."""

from __future__ import annotations

import streamlit as st

from dermadash.escaping import escape_markdown
from dermadash.storage import pending_check_ins, record_forms, records
from dermadash.storage.validation import ValidationError
from page_support import database, owner_guard, reads
from views import entry_form_parts

SAVED_KEY = "checkin_saved"

profile_id = owner_guard.current_profile_id()
engine = database.engine()
timezone = reads.timezone(profile_id)
sessions = reads.sessions(profile_id)

st.title("Check-in")

if sessions.empty:
    st.info(
        "No sessions yet. Log a session after rolling; a few hours later or the next "
        "day, come back here to note how your skin reacted."
    )
    st.page_link("views/log_session.py", label="Log a session", icon=":material/edit_note:")
    st.stop()

saved = st.session_state.pop(SAVED_KEY, None)
if saved is not None:
    st.success(f"Check-in saved for {escape_markdown(saved['title'])}.")
    entry_form_parts.side_effect_warning(saved["side_effect"])

waiting = pending_check_ins.waiting_for_check_in(sessions)
others = sessions[~sessions["session_id"].isin(waiting["session_id"])].sort_values(
    ["started_at", "session_id"], ascending=False
)
titles = {
    int(row.session_id): entry_form_parts.session_title(row, timezone)
    for row in sessions.itertuples()
}
waiting_ids = [int(value) for value in waiting["session_id"]]

if waiting_ids:
    count = len(waiting_ids)
    st.write(
        f"**{count} session{'s' if count != 1 else ''} still wait{'s' if count == 1 else ''} "
        "for a check-in**, oldest first."
    )
else:
    st.write("Every recent session has its check-in. You can still change an earlier one.")

choice = st.selectbox(
    "Session",
    waiting_ids + [int(value) for value in others["session_id"]],
    format_func=lambda session_id: (
        titles[session_id] + (" — waiting" if session_id in waiting_ids else "")
    ),
    # Keyed by how many wait: once one is done the choice moves on to the next waiting.
    key=f"checkin_session_{len(waiting_ids)}",
)
row = next(sessions[sessions["session_id"] == choice].itertuples())
st.caption(escape_markdown(entry_form_parts.session_summary(row)))

existing = record_forms.load_check_in(engine, profile_id, choice)
prefix = f"checkin_{choice}"
entered = entry_form_parts.check_in_fields(prefix, existing)
label = "Save changes" if existing else "Save check-in"
if st.button(label, type="primary", key="checkin_save", icon=":material/save:"):
    try:
        records.save_check_in(engine, profile_id, choice, entered)
    except ValidationError as problem:
        st.error(str(problem))
    else:
        entry_form_parts.forget_fields(prefix)
        st.session_state[SAVED_KEY] = {
            "title": titles[choice],
            "side_effect": entered.side_effect,
        }
        st.rerun()
