"""History: every session with its check-in, and every scar rating; change or delete."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import streamlit as st

from dermadash.escaping import escape_markdown
from dermadash.formatting import format_day
from dermadash.storage import history_filters, record_forms, records, validation
from dermadash.storage.records import ScarRatingInput
from dermadash.storage.validation import ValidationError
from dermadash.timezones import local_today
from page_support import database, owner_guard, reads
from views import entry_form_parts
from views.flag_parts import flag_lines, flags_of_session
from views.table_parts import ratings_table, sessions_table

EDITING_KEY = "history_editing"
CONFIRM_KEY = "history_confirm_delete"
MESSAGE_KEY = "history_message"
LIMIT_KEY = "history_limit"
PAGE_SIZE = 20
PERIODS: dict[str, int | None] = {
    "Last 30 days": 30,
    "Last 3 months": 91,
    "Last 12 months": 365,
    "Everything": None,
}
ALL_AREAS = "All areas"
CARDS, TABLE = "Cards", "Table"

profile_id = owner_guard.current_profile_id()
engine = database.engine()
timezone = reads.timezone(profile_id)
sessions = reads.sessions(profile_id)
flags = reads.flags(profile_id)
ratings = reads.scar_ratings(profile_id)
today = local_today(timezone)


def finish(message: str, prefix: str) -> None:
    """Leave the editor with a message once a change is saved or deleted."""
    entry_form_parts.forget_fields(prefix)
    st.session_state.pop(EDITING_KEY, None)
    st.session_state.pop(CONFIRM_KEY, None)
    st.session_state[MESSAGE_KEY] = message
    st.rerun()


def save_and_delete_buttons(
    prefix: str,
    what: str,
    save: Callable[[], None],
    delete: Callable[[], None],
    also_deleted: str = "",
) -> None:
    """Save changes, Delete (asks first) and Cancel for one record."""
    save_column = delete_column = cancel_column = st.container(horizontal=True)
    if save_column.button("Save changes", type="primary", key=f"{prefix}_save"):
        try:
            save()
        except ValidationError as problem:
            st.error(str(problem))
        else:
            finish(f"Saved the {what}.", prefix)
    if delete_column.button("Delete", key=f"{prefix}_delete", icon=":material/delete:"):
        st.session_state[CONFIRM_KEY] = prefix
    if cancel_column.button("Cancel", key=f"{prefix}_cancel"):
        finish("Nothing was changed.", prefix)
    if st.session_state.get(CONFIRM_KEY) == prefix:
        st.warning(f"Delete this {what}?{also_deleted} This cannot be undone.")
        yes_column = no_column = st.container(horizontal=True)
        if yes_column.button("Yes, delete", type="primary", key=f"{prefix}_confirm"):
            delete()
            finish(f"Deleted the {what}.", prefix)
        if no_column.button("Keep it", key=f"{prefix}_keep"):
            st.session_state.pop(CONFIRM_KEY, None)
            st.rerun()


def edit_session(session_id: int) -> None:
    prefix = f"edit_session_{session_id}"
    st.subheader("Change session")
    entered = entry_form_parts.session_fields(
        prefix,
        record_forms.load_session(engine, profile_id, session_id),
        rollers=reads.rollers(profile_id),
        area_options=reads.area_choices(profile_id),
        timezone=timezone,
    )
    save_and_delete_buttons(
        prefix,
        "session and its check-in",
        lambda: records.update_session(engine, profile_id, session_id, entered),
        lambda: records.delete_session(engine, profile_id, session_id),
    )


def edit_check_in(session_id: int) -> None:
    prefix = f"edit_check_in_{session_id}"
    row = next(sessions[sessions["session_id"] == session_id].itertuples())
    st.subheader("Check-in")
    st.caption(escape_markdown(entry_form_parts.session_title(row, timezone)))
    existing = record_forms.load_check_in(engine, profile_id, session_id)
    entered = entry_form_parts.check_in_fields(prefix, existing)

    def save() -> None:
        records.save_check_in(engine, profile_id, session_id, entered)
        if entered.side_effect not in (None, "none"):
            # The warning must outlive the rerun that closes the editor.
            st.session_state["history_side_effect"] = entered.side_effect

    save_and_delete_buttons(
        prefix,
        "check-in",
        save,
        lambda: records.delete_check_in(engine, profile_id, session_id),
    )


def edit_rating(rating_id: int) -> None:
    prefix = f"edit_rating_{rating_id}"
    seed = entry_form_parts.seed
    initial = record_forms.load_scar_rating(engine, profile_id, rating_id)
    st.subheader("Change scar rating")
    rated_on = st.date_input(
        "Date",
        min_value=validation.EARLIEST_DATE,
        max_value=today,
        format="DD/MM/YYYY",
        key=seed(f"{prefix}_day", initial.rated_on),
    )
    area = st.text_input("Area", key=seed(f"{prefix}_area", initial.area))
    severity = st.pills(
        "Severity (0 = no visible scars, 10 = worst)",
        entry_form_parts.PAIN_SCALE,
        key=seed(f"{prefix}_severity", initial.severity),
    )
    notes = st.text_input("Notes", key=seed(f"{prefix}_notes", initial.notes or ""))
    entered = ScarRatingInput(rated_on=rated_on, area=area, severity=severity, notes=notes or None)  # type: ignore[arg-type]  # validation reports no severity
    photo_count = int((reads.photo_list(profile_id)["rating_id"] == rating_id).sum())
    save_and_delete_buttons(
        prefix,
        "scar rating",
        lambda: records.update_scar_rating(engine, profile_id, rating_id, entered),
        lambda: records.delete_scar_rating(engine, profile_id, rating_id),
        also_deleted=f" Its {photo_count} photo(s) go with it." if photo_count else "",
    )


EDITORS: dict[str, Callable[[int], None]] = {
    "session": edit_session,
    "check_in": edit_check_in,
    "rating": edit_rating,
}


def open_editor(kind: str, record_id: int) -> None:
    st.session_state[EDITING_KEY] = (kind, record_id)
    st.session_state.pop(CONFIRM_KEY, None)
    st.rerun()


def show_session(row: Any) -> None:
    with st.container(border=True):
        st.markdown(f"**{escape_markdown(entry_form_parts.session_title(row, timezone))}**")
        st.caption(escape_markdown(entry_form_parts.session_summary(row)))
        st.caption(entry_form_parts.check_in_summary(row))
        if isinstance(row.notes, str):
            st.caption(f"Notes: {escape_markdown(row.notes)}")
        flag_lines(flags_of_session(flags, int(row.session_id)))
        session_column = check_in_column = st.container(horizontal=True)
        if session_column.button(
            "Change session", key=f"history_session_{row.session_id}", icon=":material/edit:"
        ):
            open_editor("session", int(row.session_id))
        check_in_label = "Change check-in" if row.has_check_in else "Add check-in"
        if check_in_column.button(
            check_in_label, key=f"history_check_in_{row.session_id}", icon=":material/fact_check:"
        ):
            open_editor("check_in", int(row.session_id))


def show_rating(row: Any) -> None:
    with st.container(border=True):
        text_column = button_column = st.container(
            horizontal=True, vertical_alignment="center", horizontal_alignment="distribute"
        )
        text_column.markdown(
            f"**{format_day(row.rated_on)} · {escape_markdown(row.area)}: {row.severity} / 10**"
            + (f"  \n{escape_markdown(row.notes)}" if isinstance(row.notes, str) else "")
        )
        if button_column.button("Change", key=f"history_rating_{row.rating_id}"):
            open_editor("rating", int(row.rating_id))


st.title("History")

message = st.session_state.pop(MESSAGE_KEY, None)
if message:
    st.success(message)
entry_form_parts.side_effect_warning(st.session_state.pop("history_side_effect", None))

editing = st.session_state.get(EDITING_KEY)
if editing is not None:
    kind, record_id = editing
    try:
        EDITORS[kind](record_id)
    except (records.RecordNotFound, StopIteration):
        st.session_state.pop(EDITING_KEY, None)
        st.warning("That entry no longer exists.")
    else:
        st.stop()

if sessions.empty and ratings.empty:
    st.info("Nothing logged yet. Log your first session right after you roll.")
    st.page_link("views/log_session.py", label="Log a session", icon=":material/edit_note:")
    st.stop()

period_column = area_column = layout_column = st.container(horizontal=True)
period = period_column.selectbox("Period", list(PERIODS), index=3, key="history_period")
areas = [ALL_AREAS, *reads.area_choices(profile_id)]
area = area_column.selectbox("Area", areas, key="history_area")
layout = layout_column.segmented_control(
    "Show as",
    [CARDS, TABLE],
    default=CARDS,
    key="history_layout",
    help="Cards: each entry with its buttons to change it. Table: every entry in the period, "
    "sortable by any column.",
)
days = PERIODS[period]
first_day = today - timedelta(days=days - 1) if days else None
chosen_area = None if area == ALL_AREAS else area

shown = history_filters.filter_sessions(sessions, timezone, first_day=first_day, area=chosen_area)
limit = int(st.session_state.get(LIMIT_KEY, PAGE_SIZE))
shown_ratings = history_filters.filter_ratings(ratings, first_day=first_day, area=chosen_area)
sessions_tab, ratings_tab = st.tabs(
    [f"Sessions ({len(shown)})", f"Scar ratings ({len(shown_ratings)})"]
)
as_cards = layout != TABLE
with sessions_tab:
    if shown.empty:
        st.write("No session in this period and area. Choose a longer period or all areas.")
    elif not as_cards:
        sessions_table(shown, timezone, key="history_sessions_table")
        st.caption("To change a session or its check-in, show the entries as cards.")
    if as_cards:
        for row in shown.head(limit).itertuples():
            show_session(row)
        if len(shown) > limit and st.button("Show older sessions", key="history_more"):
            st.session_state[LIMIT_KEY] = limit + PAGE_SIZE
            st.rerun()
with ratings_tab:
    if shown_ratings.empty:
        st.write(
            "No scar rating in this period and area. Rate your scars on the Scar ratings page."
        )
    elif not as_cards:
        ratings_table(shown_ratings, key="history_ratings_table")
        st.caption("To change a scar rating, show the entries as cards.")
    if as_cards:
        for row in shown_ratings.head(limit).itertuples():
            show_rating(row)
        more = len(shown_ratings) > limit
        if more and st.button("Show older ratings", key="history_more_ratings"):
            st.session_state[LIMIT_KEY] = limit + PAGE_SIZE
            st.rerun()
