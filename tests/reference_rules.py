"""A plain, row-by-row implementation of the safety protocol.

This is the yardstick for the rule engine (``dermadash.rules``): written as directly from
the rule table as possible (one loop over the sessions, ``datetime`` arithmetic,
dictionaries for "the previous session on this area" and "sessions so far with this
roller"), with no numpy tricks. The tests check that the engine and this agree on
thousands of random logs read back from a real database; the benchmark times both.

It shares nothing with the engine but its input: it reads the thresholds from
``data/protocol.toml`` with its own few lines (not through ``dermadash.rules.protocol``)
and writes no messages, so it is compared on what each flag is about (rule, date,
severity, session, area), and the texts are tested on their own
(``tests/test_flag_messages.py``).
"""

from __future__ import annotations

import calendar
import tomllib
from collections.abc import Callable, Hashable, Mapping
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from dermadash.storage.profiles import ProfileSettings

PROTOCOL_FILE = Path(__file__).resolve().parent.parent / "data" / "protocol.toml"
REFERENCE_COLUMNS = ["rule", "severity", "date", "session", "area", "areas"]
SEVERITY_RANK = {"critical": 0, "warning": 1, "info": 2}
FLAGGED_SIDE_EFFECTS = {"bruising", "infection", "allergy"}
PASS_COLUMNS = ("passes_vertical", "passes_horizontal", "passes_diagonal")


@cache
def protocol_file() -> dict[str, Any]:
    """The protocol file as TOML gives it."""
    return tomllib.loads(PROTOCOL_FILE.read_text(encoding="utf-8"))


def rule_ids() -> list[str]:
    """The rule ids in the file's order (the order flags of one day are sorted in)."""
    return [rule["id"] for rule in protocol_file()["rules"]]


def thresholds(overrides: dict[str, Any]) -> dict[str, float]:
    """Every threshold by "<rule>.<name>": the file's default, or the profile's override
    brought inside the file's bounds (whole numbers stay whole)."""
    values = {}
    for rule in protocol_file()["rules"]:
        for item in rule.get("thresholds", []):
            key = f"{rule['id']}.{item['name']}"
            value = float(overrides.get(key, item["default"]))
            value = min(max(value, float(item["minimum"])), float(item["maximum"]))
            values[key] = float(round(value)) if item.get("integer", False) else value
    return values


def _known(value: Any) -> bool:
    return value is not None and not (not isinstance(value, str) and pd.isna(value))


def _add_months(day: date, months: int) -> date:
    """The same day ``months`` calendar months later (or earlier), clipped to month end."""
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


class _Flags:
    """Collects flags: what each is about, no text."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def add(
        self,
        rule_id: str,
        severity: str,
        day: date,
        session: int | None,
        areas: list[str],
        area: str | None,
    ) -> None:
        self.rows.append(
            {
                "rule": rule_id,
                "severity": severity,
                "date": day,
                "session": session,
                "area": area,
                "areas": areas,
            }
        )


def reference_evaluate(
    profile: ProfileSettings,
    sessions: pd.DataFrame,
    rollers: pd.DataFrame,
    *,
    now: datetime | None = None,
) -> pd.DataFrame:
    """Every flag, found one session at a time; ``REFERENCE_COLUMNS``, in the engine's order."""
    value = thresholds(profile.rule_overrides or {}).__getitem__
    prescribed = profile.prescribed_interval_days
    now = (now or datetime.now(UTC)).astimezone(UTC)
    zone = ZoneInfo(profile.timezone)
    today = now.astimezone(zone).date()
    flags = _Flags()

    shared_rollers = {int(row["roller_id"]) for row in rollers.to_dict("records") if row["shared"]}

    if profile.scar_baseline in ("moderate", "severe") and prescribed is None:
        flags.add("ask-dermatologist", "info", today, None, [], None)

    records = sessions.to_dict("records")
    records.sort(key=lambda row: (row["started_at"], row["session_id"]))
    uses_of_roller: dict[int, int] = {}
    previous_on_area: dict[str, dict[str, Any]] = {}

    for row in records:
        session = int(row["session_id"])
        started = row["started_at"].to_pydatetime()
        day = started.astimezone(zone).date()
        areas = list(row["areas"])
        joined = ", ".join(areas) or None

        def add(rule_id: str, severity: str) -> None:
            flags.add(rule_id, severity, day, session, areas, joined)  # noqa: B023

        needle = row["needle_mm"]
        if needle > value("needle-too-long.experienced_max_mm"):
            add("needle-too-long", "critical")
        elif not profile.experienced and needle > value("needle-too-long.home_max_mm"):
            add("needle-too-long", "warning")

        if row["active_acne"] is True:
            add("active-acne", "critical")
        if row["sterilized_before"] is False:
            add("not-sterilized", "critical")
        if row["sterilized_after"] is False:
            add("not-cleaned-after", "warning")
        if row["skin_cleansed"] is False:
            add("skin-not-clean", "warning")

        most = value("too-many-passes.max_passes")
        if any(_known(row[column]) and row[column] > most for column in PASS_COLUMNS):
            add("too-many-passes", "warning")

        if _known(row["pain"]) and row["pain"] >= value("too-painful.painful_from"):
            add("too-painful", "warning")

        stinging = row["stinging_minutes"]
        if _known(stinging) and stinging > value("stinging-too-long.max_minutes"):
            add("stinging-too-long", "warning")

        redness = row["redness_hours"]
        if _known(redness):
            if redness > value("redness-too-long.critical_hours"):
                add("redness-too-long", "critical")
            elif redness > value("redness-too-long.warning_hours"):
                add("redness-too-long", "warning")

        if row["side_effect"] in FLAGGED_SIDE_EFFECTS:
            add("side-effect", "critical")
        if row["makeup_48h"] is True:
            add("makeup-too-soon", "warning")
        if row["sun_24h"] is True:
            add("sun-too-soon", "warning")
        if row["retinoid_48h"] is True:
            add("retinoid-too-close", "warning")

        dose = profile.isotretinoin_last_dose
        if dose is not None:
            months = int(value("isotretinoin.months"))
            if _add_months(dose, -months) < day < _add_months(dose, months):
                add("isotretinoin", "critical")

        roller = row["roller_id"]
        if _known(roller):
            roller = int(roller)
            uses_of_roller[roller] = uses_of_roller.get(roller, 0) + 1
            if uses_of_roller[roller] > value("roller-worn.max_sessions"):
                add("roller-worn", "warning")
            if roller in shared_rollers:
                add("roller-shared", "critical")

        due = timedelta(hours=value("check-in-missing.hours"))
        if not row["has_check_in"] and now - started > due:
            add("check-in-missing", "info")

        for area in areas:
            previous = previous_on_area.get(area)
            previous_on_area[area] = {"day": day, "row": row}
            if previous is None:
                continue
            _check_area(flags, value, prescribed, previous, row, day, area)

    return _sorted(flags.rows)


def _sorted(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=REFERENCE_COLUMNS)
    if frame.empty:
        return frame
    frame["session"] = frame["session"].astype("Int64")
    frame["area"] = pd.Series([row["area"] for row in rows], dtype=object)
    rule_rank = {rule_id: position for position, rule_id in enumerate(rule_ids())}
    keys = [
        (
            row["date"],
            SEVERITY_RANK[row["severity"]],
            rule_rank[row["rule"]],
            -1 if row["session"] is None else row["session"],
            (0, "") if row["area"] is None else (1, row["area"]),
        )
        for row in rows
    ]
    order = sorted(range(len(keys)), key=keys.__getitem__)
    return frame.iloc[order].reset_index(drop=True)


def _check_area(
    flags: _Flags,
    value: Callable[[str], float],
    prescribed: int | None,
    previous: dict[str, Any],
    row: Mapping[Hashable, Any],
    day: date,
    area: str,
) -> None:
    """too-frequent and rolled-on-red-skin for one area of one session."""
    session = int(row["session_id"])
    earlier = previous["row"]
    days = (day - previous["day"]).days
    longer = max(row["needle_mm"], earlier["needle_mm"]) > value("too-frequent.short_needle_max_mm")
    if prescribed is not None:
        minimum = prescribed
    elif longer:
        minimum = int(value("too-frequent.long_needle_days"))
    else:
        minimum = int(value("too-frequent.short_needle_days"))
    if days < minimum:
        critical = days < minimum * value("too-frequent.critical_fraction")
        severity = "critical" if critical else "warning"
        flags.add("too-frequent", severity, day, session, [area], area)
    redness = earlier["redness_hours"]
    if _known(redness):
        ends = earlier["started_at"].to_pydatetime() + timedelta(hours=redness)
        if ends > row["started_at"].to_pydatetime():
            flags.add("rolled-on-red-skin", "warning", day, session, [area], area)
