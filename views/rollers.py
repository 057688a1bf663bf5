"""Rollers: the devices used, their needle length and how often each was used."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dermadash.escaping import escape_markdown
from dermadash.formatting import format_day, format_mm
from dermadash.storage import record_forms, records, validation
from dermadash.storage.records import RollerInput
from dermadash.storage.validation import ValidationError
from dermadash.timezones import local_today
from page_support import database, owner_guard, reads
from views import entry_form_parts

NEW_FORM = "roller_new"
EDITING_KEY = "roller_editing"
MESSAGE_KEY = "roller_message"

profile_id = owner_guard.current_profile_id()
engine = database.engine()
timezone = reads.timezone(profile_id)
rollers = reads.rollers(profile_id)
today = local_today(timezone)


def roller_fields(prefix: str, initial: RollerInput, *, editing: bool) -> RollerInput:
    """Every field of a roller; returns the input as it stands (not yet validated)."""
    seed = entry_form_parts.seed
    name = st.text_input(
        "Name", placeholder="e.g. Titanium roller", key=seed(f"{prefix}_name", initial.name)
    )
    needle_column = count_column = st.container(horizontal=True)
    needle_mm = needle_column.number_input(
        "Needle length (mm)",
        value=None,
        step=0.05,
        key=seed(f"{prefix}_needle_mm", initial.needle_mm),
    )
    needle_count = count_column.number_input(
        "Needle count (optional)",
        value=None,
        step=1,
        key=seed(f"{prefix}_needle_count", initial.needle_count),
    )
    first_column = retired_column = st.container(horizontal=True)
    first_used = first_column.date_input(
        "First used (optional)",
        value=None,
        min_value=validation.EARLIEST_DATE,
        format="DD/MM/YYYY",
        key=seed(f"{prefix}_first_used", initial.first_used),
    )
    retired_on = initial.retired_on
    if editing:
        retired_on = retired_column.date_input(
            "Retired on (empty: in use)",
            value=None,
            min_value=validation.EARLIEST_DATE,
            format="DD/MM/YYYY",
            key=seed(f"{prefix}_retired_on", initial.retired_on),
        )
    shared = st.checkbox(
        "Someone else uses this roller too", key=seed(f"{prefix}_shared", initial.shared)
    )
    return RollerInput(
        name=name,
        needle_mm=needle_mm,  # type: ignore[arg-type]  # None is reported by validate()
        needle_count=needle_count,
        first_used=first_used,
        retired_on=retired_on,
        shared=shared,
    )


def show_editor(roller_id: int) -> None:
    prefix = f"roller_{roller_id}"
    st.subheader("Change roller")
    entered = roller_fields(
        prefix, record_forms.load_roller(engine, profile_id, roller_id), editing=True
    )
    save_column = cancel_column = st.container(horizontal=True)
    if save_column.button("Save changes", type="primary", key=f"{prefix}_save"):
        try:
            records.update_roller(engine, profile_id, roller_id, entered)
        except ValidationError as problem:
            st.error(str(problem))
        else:
            entry_form_parts.forget_fields(prefix)
            del st.session_state[EDITING_KEY]
            st.session_state[MESSAGE_KEY] = f"Saved {escape_markdown(entered.name.strip())}."
            st.rerun()
    if cancel_column.button("Cancel", key=f"{prefix}_cancel"):
        entry_form_parts.forget_fields(prefix)
        del st.session_state[EDITING_KEY]
        st.rerun()


def show_roller(row: Any) -> None:  # a rollers_frame row
    with st.container(border=True):
        st.markdown(f"**{escape_markdown(row.name)}** · {format_mm(row.needle_mm)}")
        used = f"Used in {row.sessions_used} session{'s' if row.sessions_used != 1 else ''}"
        details = [used]
        if pd.notna(row.needle_count):
            details.append(f"{int(row.needle_count)} needles")
        if pd.notna(row.first_used):
            details.append(f"first used {format_day(row.first_used)}")
        if pd.notna(row.retired_on):
            details.append(f"retired {format_day(row.retired_on)}")
        if row.shared:
            details.append("shared with someone else")
        st.caption(" · ".join(details))
        edit_column = retire_column = st.container(horizontal=True)
        if edit_column.button("Change", key=f"roller_edit_{row.roller_id}", icon=":material/edit:"):
            st.session_state[EDITING_KEY] = int(row.roller_id)
            st.rerun()
        if pd.isna(row.retired_on) and retire_column.button(
            "Retire", key=f"roller_retire_{row.roller_id}", icon=":material/archive:"
        ):
            records.retire_roller(engine, profile_id, int(row.roller_id), today)
            st.session_state[MESSAGE_KEY] = (
                f"Retired {escape_markdown(row.name)}; it stays in your history."
            )
            st.rerun()


st.title("Rollers")

message = st.session_state.pop(MESSAGE_KEY, None)
if message:
    st.success(message)

if EDITING_KEY in st.session_state:
    show_editor(int(st.session_state[EDITING_KEY]))
    st.stop()

if rollers.empty:
    st.info(
        "No rollers yet. Add the roller you use: when you log a session it is chosen "
        "for you and its needle length is filled in."
    )

with st.expander("Add a roller", expanded=rollers.empty, icon=":material/add:"):
    new_roller = roller_fields(
        NEW_FORM,
        RollerInput(name="", needle_mm=None, first_used=today),
        editing=False,
    )
    if entry_form_parts.save_button(NEW_FORM, "Add roller"):
        try:
            entry_form_parts.save_form_once(
                NEW_FORM, lambda: records.add_roller(engine, profile_id, new_roller)
            )
        except ValidationError as problem:
            st.error(str(problem))
        else:
            entry_form_parts.new_form(NEW_FORM)
            st.session_state[MESSAGE_KEY] = f"Added {escape_markdown(new_roller.name.strip())}."
            st.rerun()

for roller in rollers.itertuples():
    show_roller(roller)
