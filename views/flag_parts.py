"""Safety flags for the Flags page and the shared view: a summary per rule, the recent
critical flags in full as cards, and every flag in one typed, sortable table, so the
page keeps its shape however long the log is."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from dermadash.dashboard import typed_tables
from dermadash.dashboard.typed_tables import SEVERITY_WORDS
from dermadash.escaping import escape_markdown
from dermadash.formatting import format_day
from dermadash.rules.evaluation import SEVERITY_ORDER
from views.table_parts import FLAG_COLUMNS, RULE_SUMMARY_COLUMNS, typed_table

CRITICAL_CARDS = 5  # the most recent critical flags shown in full; the rest in the table

SEVERITY_ICONS = {
    "critical": ":material/error:",
    "warning": ":material/warning:",
    "info": ":material/info:",
}
SEVERITY_BADGES = {"critical": "red", "warning": "orange", "info": "blue"}


def severity_badges(flags: pd.DataFrame) -> None:
    """One coloured badge per severity with its count (zero included)."""
    counts = flags["severity"].value_counts()
    st.markdown(
        " ".join(
            f":{SEVERITY_BADGES[severity]}-badge[{int(counts.get(severity, 0))} {severity}]"
            for severity in SEVERITY_ORDER
        )
    )


def flag_overview(flags: pd.DataFrame, today: date, *, key: str) -> None:
    """Recent critical flags in full, then one row per rule, then every flag as a row."""
    severity_badges(flags)
    recent = typed_tables.flags_to_read_in_full(flags, today)
    if not recent.empty:
        st.subheader(
            f"{SEVERITY_ICONS['critical']} Critical in the last "
            f"{typed_tables.RECENT_DAYS} days ({len(recent)})"
        )
        for flag in recent.head(CRITICAL_CARDS).itertuples(index=False):
            flag_card(flag)
        if len(recent) > CRITICAL_CARDS:
            st.caption(
                f"The {len(recent) - CRITICAL_CARDS} older critical flags of this period are "
                "in the table below (critical flags come first there)."
            )
    st.subheader("Per rule")
    st.caption("How many times each rule flagged, and when first and last: the most severe first.")
    typed_table(typed_tables.rule_summary(flags), RULE_SUMMARY_COLUMNS, key=f"{key}_rules")
    st.subheader(f"Every flag ({len(flags)})")
    st.caption(
        "Critical first, then warnings, then information; the newest first within each. "
        "Click a column heading to sort by it, or search with the table's magnifier."
    )
    typed_table(typed_tables.flags_table(flags), FLAG_COLUMNS, key=f"{key}_table")


def severity_badge(severity: str) -> str:
    return f":{SEVERITY_BADGES[severity]}-badge[{SEVERITY_WORDS[severity]}]"


def flag_card(flag: Any) -> None:
    """A flag with what happened, what to do, why it matters and where the rule comes from."""
    with st.container(border=True):
        where = f" · {escape_markdown(flag.area)}" if isinstance(flag.area, str) else ""
        # Two elements, not one per paragraph: a long log's pages show many cards, and each
        # element costs the browser a render. Messages and advice name the person's own
        # areas and rollers.
        st.markdown(
            f"{severity_badge(flag.severity)} **{flag.title}** · {format_day(flag.date)}{where}"
            f"\n\n{escape_markdown(flag.message)}"
            f"\n\n**What to do:** {escape_markdown(flag.advice)}"
        )
        st.caption(f"Why it matters: {flag.why}  \nSource: {flag.source} · rule `{flag.rule}`")


def flag_lines(flags: pd.DataFrame) -> None:
    """Several flags, one short line each (severity, title, what happened)."""
    for flag in flags.itertuples(index=False):
        st.markdown(
            f"{severity_badge(flag.severity)} **{flag.title}**: {escape_markdown(flag.message)}"
        )


def flags_of_session(flags: pd.DataFrame, session_id: int) -> pd.DataFrame:
    return flags[flags["session"] == session_id]
