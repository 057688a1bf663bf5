"""Tables people sort and filter: real dates, numbers and yes/no values, not text.

Each column keeps its value's type (a date, a length in mm, hours, a score out of 10),
so sorting by a column sorts by its value; how a value is shown ("Mon 3 Mar 2026",
"0.5 mm", "7 / 10") is the page's column format. Flags are summarised per rule here
too, with their count, first and last date and severity, for the Flags page, the
shared view and the report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from dermadash.rules.evaluation import SEVERITY_RANK
from dermadash.rules.session_inputs import day_number
from dermadash.storage import validation

SESSION_TABLE_COLUMNS = [
    "Date",
    "Areas",
    "Needle",
    "Passes (V/H/D)",
    "Sterilized before",
    "Pain",
    "Redness",
    "Stinging",
    "Side effect",
    "Notes",
]
FLAG_TABLE_COLUMNS = ["Date", "Severity", "Rule", "Area", "What happened", "What to do", "Rule id"]
RULE_SUMMARY_COLUMNS = ["Severity", "Rule", "Flags", "First", "Last", "Rule id"]
RATING_TABLE_COLUMNS = ["Date", "Area", "Severity", "Notes"]
RECENT_DAYS = 90
SEVERITY_WORDS = {"critical": "Critical", "warning": "Warning", "info": "Info"}
PASS_COLUMNS = ("passes_vertical", "passes_horizontal", "passes_diagonal")
NO_COUNT = "–"


def _passes(sessions: pd.DataFrame) -> list[str]:
    """Each session's passes, vertical/horizontal/diagonal ("2/2/1"), a dash where none."""
    counts = zip(
        *(sessions[column].to_numpy(dtype=object, na_value=NO_COUNT) for column in PASS_COLUMNS),
        strict=True,
    )
    return [
        "/".join(count if count == NO_COUNT else str(int(count)) for count in row) for row in counts
    ]


def sessions_table(sessions: pd.DataFrame, timezone: str) -> pd.DataFrame:
    """The sessions newest first, typed: local date-time, mm, hours, minutes, pain 0-10."""
    if sessions.empty:
        return pd.DataFrame(columns=SESSION_TABLE_COLUMNS)
    ordered = sessions.sort_values(["started_at", "session_id"], ascending=False, kind="stable")
    side_effects = ordered["side_effect"].map(
        lambda value: validation.SIDE_EFFECT_LABELS.get(value, "") if isinstance(value, str) else ""
    )
    return pd.DataFrame(
        {
            # Local wall-clock time without a zone: the page shows it as it is.
            "Date": ordered["started_at"].dt.tz_convert(timezone).dt.tz_localize(None),
            "Areas": [", ".join(areas) for areas in ordered["areas"]],
            "Needle": ordered["needle_mm"].astype("Float64"),
            "Passes (V/H/D)": _passes(ordered),
            "Sterilized before": ordered["sterilized_before"].astype("boolean"),
            "Pain": ordered["pain"].astype("Int64"),
            "Redness": ordered["redness_hours"].astype("Float64"),
            "Stinging": ordered["stinging_minutes"].astype("Float64"),
            "Side effect": side_effects.astype(object),
            "Notes": [value if isinstance(value, str) else "" for value in ordered["notes"]],
        },
        columns=SESSION_TABLE_COLUMNS,
    ).reset_index(drop=True)


def _severity_ranks(severities: pd.Series) -> np.ndarray:
    return np.fromiter((SEVERITY_RANK[severity] for severity in severities), int, len(severities))


def _days(flags: pd.DataFrame) -> np.ndarray:
    """The flags' dates as day numbers (a flag always has a date)."""
    return pd.to_datetime(flags["date"]).to_numpy(dtype="datetime64[D]").astype("int64")


def most_severe_first(flags: pd.DataFrame) -> pd.DataFrame:
    """Flags ordered critical first, then warnings, then information; newest first within
    (ties keep their order)."""
    if flags.empty:
        return flags
    # lexsort is stable and sorts by its last key first: severity, then the newest day.
    return flags.iloc[np.lexsort((-_days(flags), _severity_ranks(flags["severity"])))]


def flags_table(flags: pd.DataFrame) -> pd.DataFrame:
    """Every flag as one typed row, most severe and then most recent first."""
    if flags.empty:
        return pd.DataFrame(columns=FLAG_TABLE_COLUMNS)
    ordered = most_severe_first(flags)
    return pd.DataFrame(
        {
            "Date": pd.to_datetime(ordered["date"]),
            "Severity": ordered["severity"].map(SEVERITY_WORDS),
            "Rule": ordered["title"],
            "Area": [value if isinstance(value, str) else "" for value in ordered["area"]],
            "What happened": ordered["message"],
            "What to do": ordered["advice"],
            "Rule id": ordered["rule"],
        },
        columns=FLAG_TABLE_COLUMNS,
    ).reset_index(drop=True)


@dataclass
class _RuleTally:
    """One rule's flags at one severity, counted in a single pass over the flags."""

    title: str
    count: int
    first: date
    last: date


def rule_summary(flags: pd.DataFrame) -> pd.DataFrame:
    """One row per rule and severity: how many flags, the first and last date; the most
    severe first, then the rule flagged most recently."""
    if flags.empty:
        return pd.DataFrame(columns=RULE_SUMMARY_COLUMNS)
    # A plain loop: a pandas groupby costs four times as much on a five-year log.
    tallies: dict[tuple[str, str], _RuleTally] = {}
    for severity, rule, title, day in zip(
        flags["severity"], flags["rule"], flags["title"], flags["date"], strict=True
    ):
        tally = tallies.get((severity, rule))
        if tally is None:
            tallies[(severity, rule)] = _RuleTally(title, 1, day, day)
        else:
            tally.count += 1
            tally.first = min(tally.first, day)
            tally.last = max(tally.last, day)
    # Stable sorts, the last key first: the rule id breaks the remaining ties.
    rows = sorted(tallies.items(), key=lambda row: row[0][1])
    rows.sort(key=lambda row: row[1].count, reverse=True)
    rows.sort(key=lambda row: row[1].last, reverse=True)
    rows.sort(key=lambda row: SEVERITY_RANK[row[0][0]])
    return pd.DataFrame(
        {
            "Severity": [SEVERITY_WORDS[severity] for (severity, _), _ in rows],
            # Plain Python strings, as the flags frame holds its titles.
            "Rule": pd.Series([tally.title for _, tally in rows], dtype=object),
            "Flags": np.array([tally.count for _, tally in rows], dtype="int64"),
            "First": pd.to_datetime([tally.first for _, tally in rows]),
            "Last": pd.to_datetime([tally.last for _, tally in rows]),
            "Rule id": [rule for (_, rule), _ in rows],
        },
        columns=RULE_SUMMARY_COLUMNS,
    )


def flags_to_read_in_full(
    flags: pd.DataFrame, today: date, days: int = RECENT_DAYS
) -> pd.DataFrame:
    """The flags a reader must see in full: every critical flag of the last ``days`` days,
    most recent first."""
    if flags.empty:
        return flags
    return flags_since(flags[flags["severity"] == "critical"], today, days)


def ratings_table(ratings: pd.DataFrame) -> pd.DataFrame:
    """Scar ratings newest first: the date, the area, the severity out of 10, notes."""
    if ratings.empty:
        return pd.DataFrame(columns=RATING_TABLE_COLUMNS)
    ordered = ratings.sort_values("rated_on", ascending=False, kind="stable")
    return pd.DataFrame(
        {
            "Date": pd.to_datetime(ordered["rated_on"]),
            "Area": ordered["area"],
            "Severity": ordered["severity"].astype("Int64"),
            "Notes": [value if isinstance(value, str) else "" for value in ordered["notes"]],
        },
        columns=RATING_TABLE_COLUMNS,
    ).reset_index(drop=True)


LINK_TABLE_COLUMNS = ["Label", "Status", "Created", "Expires", "Views", "Last opened", "Photos"]


def links_table(links: pd.DataFrame, timezone: str) -> pd.DataFrame:
    """Share links (``sharing.list_links``) as typed rows: local times, a view count."""
    if links.empty:
        return pd.DataFrame(columns=LINK_TABLE_COLUMNS)

    def local(column: str) -> pd.Series:
        moments = pd.to_datetime(links[column], utc=True)
        return moments.dt.tz_convert(timezone).dt.tz_localize(None)

    return pd.DataFrame(
        {
            "Label": links["label"],
            "Status": links["status"].str.capitalize(),
            "Created": local("created_at"),
            "Expires": local("expires_at"),
            "Views": links["views"].astype("int64"),
            "Last opened": local("last_viewed"),
            "Photos": links["include_photos"].astype(bool),
        },
        columns=LINK_TABLE_COLUMNS,
    ).reset_index(drop=True)


MONTH_COLUMNS = ["Month", "Sessions", "Check-ins", "Needle", "Pain", "Redness", "Flags"]


def monthly_sessions(sessions: pd.DataFrame, flags: pd.DataFrame, timezone: str) -> pd.DataFrame:
    """One row per calendar month with sessions, newest first: how many sessions and
    check-ins, the needle lengths, the median pain and redness, and the flags raised."""
    if sessions.empty:
        return pd.DataFrame(columns=MONTH_COLUMNS)
    local = sessions["started_at"].dt.tz_convert(timezone).dt.tz_localize(None)
    months = local.dt.to_period("M")
    flag_months = (
        pd.to_datetime(flags["date"]).dt.to_period("M").value_counts()
        if not flags.empty
        else pd.Series(dtype="int64")
    )
    rows = []
    for month, mine in sessions.groupby(months, sort=True):
        needles = sorted(mine["needle_mm"].dropna().astype(float).unique())
        rows.append(
            {
                "Month": month.to_timestamp(),
                "Sessions": len(mine),
                "Check-ins": int(mine["has_check_in"].sum()),
                "Needle": " / ".join(f"{length:g}" for length in needles),
                "Pain": mine["pain"].astype("Float64").median(),
                "Redness": mine["redness_hours"].astype("Float64").median(),
                "Flags": int(flag_months.get(month, 0)),
            }
        )
    return pd.DataFrame(rows[::-1], columns=MONTH_COLUMNS)


def flags_since(flags: pd.DataFrame, today: date, days: int = RECENT_DAYS) -> pd.DataFrame:
    """The flags of the last ``days`` days, most severe and then most recent first."""
    if flags.empty:
        return flags
    since = today - timedelta(days=days - 1)
    return most_severe_first(flags[_days(flags) >= day_number(since)])
