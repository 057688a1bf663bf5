"""The typed tables' own rules: how flags are ordered, summarised per rule and picked to
be read in full (the pages and the report draw these frames as they are)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dermadash.dashboard import typed_tables

TODAY = date(2026, 3, 31)


def _flags(*rows: tuple[str, str, date]) -> pd.DataFrame:
    """Flags with a rule id, a severity and a date (the title and message follow the rule
    and the row), in the order given."""
    return pd.DataFrame(
        {
            "rule": [rule for rule, _, _ in rows],
            "severity": [severity for _, severity, _ in rows],
            "date": pd.Series([day for _, _, day in rows], dtype=object),
            "title": [f"Title of {rule}" for rule, _, _ in rows],
            "area": [None] * len(rows),
            "message": [f"Flag {number}" for number in range(len(rows))],
            "advice": ["Wait"] * len(rows),
        }
    )


def test_flags_come_most_severe_first_then_newest_first_and_ties_keep_their_order() -> None:
    flags = _flags(
        ("R1", "info", date(2026, 3, 1)),
        ("R2", "critical", date(2026, 1, 5)),
        ("R3", "warning", date(2026, 3, 9)),
        ("R4", "critical", date(2026, 3, 2)),
        ("R5", "critical", date(2026, 3, 2)),
    )
    ordered = typed_tables.most_severe_first(flags)
    assert list(ordered["rule"]) == ["R4", "R5", "R2", "R3", "R1"]
    assert list(ordered.index) == [3, 4, 1, 2, 0]  # the rows themselves, not copies


def test_the_rule_summary_counts_each_rule_and_orders_by_severity_last_date_and_count() -> None:
    flags = _flags(
        ("R7", "warning", date(2026, 2, 1)),
        ("R2", "critical", date(2026, 1, 10)),
        ("R7", "warning", date(2026, 3, 3)),
        ("R9", "warning", date(2026, 3, 3)),
        ("R2", "critical", date(2025, 12, 1)),
        ("R4", "warning", date(2026, 3, 3)),
        ("R7", "critical", date(2026, 1, 1)),
        ("R4", "warning", date(2026, 1, 1)),
        ("R1", "info", date(2026, 3, 30)),
    )
    summary = typed_tables.rule_summary(flags)
    assert list(summary.columns) == typed_tables.RULE_SUMMARY_COLUMNS
    rows = [
        (severity, rule, count, first.date(), last.date())
        for severity, rule, count, first, last in summary[
            ["Severity", "Rule id", "Flags", "First", "Last"]
        ].itertuples(index=False)
    ]
    assert rows == [
        # Critical first; among them the rule flagged last comes first.
        ("Critical", "R2", 2, date(2025, 12, 1), date(2026, 1, 10)),
        ("Critical", "R7", 1, date(2026, 1, 1), date(2026, 1, 1)),
        # Three warnings last flagged on 3 March: the most flagged, then by rule id.
        ("Warning", "R4", 2, date(2026, 1, 1), date(2026, 3, 3)),
        ("Warning", "R7", 2, date(2026, 2, 1), date(2026, 3, 3)),
        ("Warning", "R9", 1, date(2026, 3, 3), date(2026, 3, 3)),
        ("Info", "R1", 1, date(2026, 3, 30), date(2026, 3, 30)),
    ]
    assert summary["Rule"].iloc[0] == "Title of R2"
    assert summary["Flags"].dtype == "int64"
    assert typed_tables.rule_summary(flags.iloc[:0]).empty


def test_the_flags_to_read_in_full_are_the_critical_ones_of_the_last_days() -> None:
    flags = _flags(
        ("R1", "critical", date(2025, 12, 31)),  # the 91st day counting today: out
        ("R2", "critical", date(2026, 1, 1)),  # the 90th day counting today: in
        ("R3", "warning", date(2026, 3, 30)),
        ("R4", "critical", date(2026, 3, 31)),
    )
    recent = typed_tables.flags_to_read_in_full(flags, TODAY)
    assert list(recent["rule"]) == ["R4", "R2"]
    assert list(typed_tables.flags_since(flags, TODAY, days=2)["rule"]) == ["R4", "R3"]
    assert typed_tables.flags_to_read_in_full(flags.iloc[:0], TODAY).empty


def test_the_sessions_table_writes_passes_per_direction_with_a_dash_for_none() -> None:
    sessions = pd.DataFrame(
        {
            "session_id": [1, 2],
            "started_at": pd.to_datetime(["2026-03-01 09:00", "2026-03-08 09:00"], utc=True),
            "areas": [["Cheeks"], ["Cheeks", "Forehead"]],
            "needle_mm": [0.5, 1.0],
            "passes_vertical": pd.array([2, None], dtype="Int64"),
            "passes_horizontal": pd.array([2, 3], dtype="Int64"),
            "passes_diagonal": pd.array([None, 1], dtype="Int64"),
            "sterilized_before": pd.array([True, None], dtype="boolean"),
            "pain": pd.array([3, None], dtype="Int64"),
            "redness_hours": pd.array([12.0, None], dtype="Float64"),
            "stinging_minutes": pd.array([None, 30.0], dtype="Float64"),
            "side_effect": [None, None],
            "notes": ["first", None],
        }
    )
    table = typed_tables.sessions_table(sessions, "Europe/London")
    assert list(table["Passes (V/H/D)"]) == ["–/3/1", "2/2/–"]  # newest first
    assert list(table["Areas"]) == ["Cheeks, Forehead", "Cheeks"]
    assert list(table["Notes"]) == ["", "first"]
