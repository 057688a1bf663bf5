"""The import preview's reading choices: a file's encoding and how it writes dates."""

from __future__ import annotations

import streamlit as st

from dermadash.transfer.csv_dates import DATE_ORDER_LABELS, DATE_ORDERS
from dermadash.transfer.csv_import import ENCODINGS

FROM_FILE = "Decide from the file"


def reading_choices(flow: str) -> tuple[str | None, str | None]:
    """The encoding and date order the person picked (None: decided from the file)."""
    encoding_column, dates_column = st.columns(2)
    with encoding_column:
        encoding = st.selectbox(
            "Text encoding",
            [FROM_FILE, *ENCODINGS],
            key=f"{flow}_encoding",
            help="Choose another one if letters such as ą, ł or ü look wrong in the preview.",
        )
    with dates_column:
        order = st.selectbox(
            "Dates are written",
            [FROM_FILE, *DATE_ORDERS],
            format_func=lambda choice: DATE_ORDER_LABELS.get(choice, choice),
            key=f"{flow}_dates",
            help="Needed when no date in the file shows whether it starts with the day.",
        )
    return (
        None if encoding == FROM_FILE else encoding,
        None if order == FROM_FILE else order,
    )


def confirmed(flow: str, file_id: str) -> bool:
    """Whether the person asked to check this file (parsing waits for it)."""
    key = f"{flow}_confirmed"
    if st.session_state.get(key) == file_id:
        return True
    if st.button("Check this file", type="primary", key=f"{flow}_check"):
        st.session_state[key] = file_id
        st.rerun()
    st.caption("Nothing is read or saved until you check the file.")
    return False
