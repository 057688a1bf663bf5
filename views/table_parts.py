"""Column formats for the typed tables (``dermadash.dashboard.typed_tables``): how each value is
shown while it sorts by the value itself."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dermadash.dashboard import typed_tables

DAY_FORMAT = "ddd D MMM YYYY"  # momentJS: "Mon 3 Mar 2026", as dermadash.formatting.format_day
MOMENT_FORMAT = f"{DAY_FORMAT}, HH:mm"
TABLE_HEIGHT = 420  # rows scroll inside the table: the page keeps its shape

SESSION_COLUMNS: dict[str, Any] = {
    "Date": st.column_config.DatetimeColumn("Date", format=MOMENT_FORMAT),
    "Needle": st.column_config.NumberColumn("Needle", format="%g mm"),
    "Sterilized before": st.column_config.CheckboxColumn("Sterilized before"),
    "Pain": st.column_config.NumberColumn("Pain", format="%d / 10", help="0 = none, 10 = worst"),
    "Redness": st.column_config.NumberColumn("Redness", format="%g h"),
    "Stinging": st.column_config.NumberColumn("Stinging", format="%g min"),
    "Notes": st.column_config.TextColumn("Notes", width="large"),
}
RATING_COLUMNS: dict[str, Any] = {
    "Date": st.column_config.DateColumn("Date", format=DAY_FORMAT),
    "Severity": st.column_config.NumberColumn(
        "Severity", format="%d / 10", help="0 = no visible scars, 10 = the worst"
    ),
}
FLAG_COLUMNS: dict[str, Any] = {
    "Date": st.column_config.DateColumn("Date", format=DAY_FORMAT),
    "What happened": st.column_config.TextColumn("What happened", width="large"),
    "What to do": st.column_config.TextColumn("What to do", width="large"),
}
RULE_SUMMARY_COLUMNS: dict[str, Any] = {
    "Flags": st.column_config.NumberColumn("Flags", format="%d"),
    "First": st.column_config.DateColumn("First", format=DAY_FORMAT),
    "Last": st.column_config.DateColumn("Last", format=DAY_FORMAT),
}


def typed_table(frame: pd.DataFrame, columns: dict[str, Any], *, key: str) -> None:
    """A sortable, searchable table; long ones scroll inside a fixed height."""
    st.dataframe(
        frame,
        column_config=columns,
        hide_index=True,
        key=key,
        height=TABLE_HEIGHT if len(frame) > 10 else "auto",
    )


def sessions_table(
    sessions: pd.DataFrame, timezone: str, *, key: str, include_notes: bool = True
) -> None:
    """Every session as a typed row, newest first (no Notes column when a share link
    does not share notes)."""
    frame = typed_tables.sessions_table(sessions, timezone)
    if include_notes:
        typed_table(frame, SESSION_COLUMNS, key=key)
        return
    columns = {name: config for name, config in SESSION_COLUMNS.items() if name != "Notes"}
    typed_table(frame.drop(columns="Notes"), columns, key=key)


def ratings_table(ratings: pd.DataFrame, *, key: str) -> None:
    """Every scar rating as a typed row, newest first."""
    typed_table(typed_tables.ratings_table(ratings), RATING_COLUMNS, key=key)


LINK_COLUMNS: dict[str, Any] = {
    "Created": st.column_config.DatetimeColumn("Created", format=MOMENT_FORMAT),
    "Expires": st.column_config.DatetimeColumn("Expires", format=MOMENT_FORMAT),
    "Views": st.column_config.NumberColumn("Views", format="%d"),
    "Last opened": st.column_config.DatetimeColumn("Last opened", format=MOMENT_FORMAT),
    "Photos": st.column_config.CheckboxColumn("Photos"),
}


def links_table(links: pd.DataFrame, timezone: str, *, key: str) -> None:
    """Share links at a glance: when made, until when, how often opened."""
    typed_table(typed_tables.links_table(links, timezone), LINK_COLUMNS, key=key)
