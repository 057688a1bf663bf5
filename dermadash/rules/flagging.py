"""Running the safety check for a profile and writing its flags out (CLI, exports)."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, cast

import pandas as pd
from sqlalchemy import Engine

from dermadash.formatting import format_day
from dermadash.rules import evaluation
from dermadash.storage import queries
from dermadash.storage.profiles import load_profile


def profile_flags(engine: Engine, profile_id: int, now: datetime | None = None) -> pd.DataFrame:
    """Every flag of one profile, read from the database."""
    return evaluation.evaluate(
        load_profile(engine, profile_id),
        queries.sessions_frame(engine, profile_id),
        queries.rollers_frame(engine, profile_id),
        now=now,
    )


def _rows(flags: pd.DataFrame) -> list[dict[str, Any]]:
    """The flags as dicts (flag frames are labelled by column names, all strings)."""
    return cast(list[dict[str, Any]], flags.to_dict("records"))


def _session_id(row: dict[str, Any]) -> int | None:
    return None if pd.isna(row["session"]) else int(row["session"])


def _area(row: dict[str, Any]) -> str | None:
    return row["area"] if isinstance(row["area"], str) else None


def flags_as_records(flags: pd.DataFrame) -> list[dict[str, Any]]:
    """Flags as plain JSON-ready dicts: ISO dates, null for a missing session or area."""
    return [
        {
            "rule": row["rule"],
            "severity": row["severity"],
            "date": row["date"].isoformat(),
            "session": _session_id(row),
            "area": _area(row),
            "message": row["message"],
            "advice": row["advice"],
            "source": row["source"],
        }
        for row in _rows(flags)
    ]


def flags_as_table(flags: pd.DataFrame, width: int = 100) -> str:
    """A plain-text table for a terminal: one block per flag, most recent last."""
    if flags.empty:
        return "No flags: every session logged follows the safety protocol."
    counts = flags["severity"].value_counts()
    summary = ", ".join(
        f"{counts[severity]} {severity}"
        for severity in evaluation.SEVERITY_ORDER
        if severity in counts
    )
    lines = [f"{len(flags)} flags ({summary})", ""]
    header = f"{'DATE':<16} {'SEVERITY':<9} {'RULE':<19} {'SESSION':>7}  AREA"
    lines += [header, "-" * len(header)]
    indent = " " * 4
    for row in _rows(flags):
        session = _session_id(row)
        session_text = "" if session is None else str(session)
        area = _area(row) or ""
        lines.append(
            f"{format_day(row['date']):<16} {row['severity']:<9} {row['rule']:<19} "
            f"{session_text:>7}  {area}"
        )
        for text in (row["message"], f"What to do: {row['advice']}"):
            lines += textwrap.wrap(
                text, width=width, initial_indent=indent, subsequent_indent=indent
            )
    return "\n".join(lines)


def flag_areas(flags: pd.DataFrame) -> list[str]:
    """Every area named by some flag, sorted."""
    if flags.empty:
        return []
    return sorted({area for areas in flags["areas"] for area in areas})


def filter_flags(
    flags: pd.DataFrame,
    *,
    start: date | None = None,
    end: date | None = None,
    areas: Iterable[str] = (),
    rule_ids: Iterable[str] = (),
) -> pd.DataFrame:
    """Flags dated from ``start`` to ``end`` (inclusive), about any of ``areas`` and of
    any of ``rule_ids``; an empty choice keeps everything. Profile-wide flags (no area)
    stay when areas are chosen: they concern every area."""
    keep = pd.Series(True, index=flags.index)
    if start is not None:
        keep &= flags["date"] >= start
    if end is not None:
        keep &= flags["date"] <= end
    chosen_areas = set(areas)
    if chosen_areas:
        keep &= flags["areas"].map(lambda names: not names or bool(chosen_areas & set(names)))
    chosen_rules = set(rule_ids)
    if chosen_rules:
        keep &= flags["rule"].isin(chosen_rules)
    return flags[keep.astype(bool)]
