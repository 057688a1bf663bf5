"""Safety flags drawn as cards grouped by severity: the Flags page and the shared view."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd
import streamlit as st

from dermadash.checks import rule_summaries
from dermadash.formatting import format_day
from dermadash.markdown import escape_markdown
from dermadash.rules import SEVERITY_ORDER

SEVERITY_ICONS = {
    "critical": ":material/error:",
    "warning": ":material/warning:",
    "info": ":material/info:",
}
SEVERITY_HEADINGS = {
    "critical": f"{SEVERITY_ICONS['critical']} Critical",
    "warning": f"{SEVERITY_ICONS['warning']} Warnings",
    "info": f"{SEVERITY_ICONS['info']} For information",
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


def _by_severity(flags: pd.DataFrame) -> Iterator[tuple[str, pd.DataFrame]]:
    """Each severity that has flags, most severe first, under its heading and count."""
    for severity in SEVERITY_ORDER:
        group = flags[flags["severity"] == severity]
        if not group.empty:
            st.subheader(f"{SEVERITY_HEADINGS[severity]} ({len(group)})")
            yield severity, group


def flag_groups(flags: pd.DataFrame) -> None:
    """Every flag as a card (what happened, what to do, why, source), most severe first."""
    for _, group in _by_severity(flags):
        _cards_latest_first(group)


def flag_digest(flags: pd.DataFrame) -> None:
    """Flags for a quick read (the shared view): critical ones in full, the others as one
    line per rule (how many, the latest date) that opens onto that rule's cards."""
    for severity, group in _by_severity(flags):
        if severity == "critical":
            _cards_latest_first(group)
            continue
        for summary in rule_summaries(group).itertuples(index=False):
            count = f"{summary.flags} {'flag' if summary.flags == 1 else 'flags'}"
            with st.expander(
                f"**{summary.title}** · {count}, latest {format_day(summary.latest)}",
                icon=SEVERITY_ICONS[severity],
            ):
                _cards_latest_first(group[group["rule"] == summary.rule])


def _cards_latest_first(flags: pd.DataFrame) -> None:
    # Most recent first: what happened lately matters most.
    for flag in flags.iloc[::-1].itertuples(index=False):
        flag_card(flag)


SEVERITY_WORDS = {"critical": "Critical", "warning": "Warning", "info": "Info"}


def severity_badge(severity: str) -> str:
    return f":{SEVERITY_BADGES[severity]}-badge[{SEVERITY_WORDS[severity]}]"


def flag_card(flag: Any) -> None:
    """A flag with what happened, what to do, why it matters and where the rule comes from."""
    with st.container(border=True):
        where = f" · {escape_markdown(flag.area)}" if isinstance(flag.area, str) else ""
        st.markdown(
            f"{severity_badge(flag.severity)} **{flag.title}** · {format_day(flag.date)}{where}"
        )
        # Messages and advice name the person's own areas and rollers.
        st.markdown(escape_markdown(flag.message))
        st.markdown(f"**What to do:** {escape_markdown(flag.advice)}")
        st.caption(f"Why it matters: {flag.why}")
        st.caption(f"Source: {flag.source} · rule `{flag.rule}`")


def flag_lines(flags: pd.DataFrame) -> None:
    """Several flags, one short line each (severity, title, what happened)."""
    for flag in flags.itertuples(index=False):
        st.markdown(
            f"{severity_badge(flag.severity)} **{flag.title}**: {escape_markdown(flag.message)}"
        )


def flags_of_session(flags: pd.DataFrame, session_id: int) -> pd.DataFrame:
    return flags[flags["session"] == session_id]
