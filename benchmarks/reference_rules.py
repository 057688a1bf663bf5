"""A plain, row-by-row implementation of the safety protocol.

This is the yardstick for ``dermadash.rules.evaluation``: written as directly from the rule
table as possible (one loop over the sessions, ``datetime`` arithmetic, dictionaries
for "the previous session on this area" and "sessions so far with this roller"),
with no numpy tricks. The tests check that the engine and this agree on thousands of
random logs; the benchmark times both. It lives in ``benchmarks/`` (not ``tests/``)
because ``python -m dermadash bench`` runs the benchmark from an installed checkout,
and the tests import it from here.

It shares only the protocol (thresholds and wording) and the number/date formatting
with the engine, so that messages can be compared word for word.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from dermadash.formatting import format_day, format_days, format_number, format_share
from dermadash.rules.protocol import RULE_IDS, Protocol, load_protocol
from dermadash.storage.profiles import ProfileSettings
from dermadash.storage.validation import SIDE_EFFECT_LABELS

SEVERITY_RANK = {"critical": 0, "warning": 1, "info": 2}
FLAGGED_SIDE_EFFECTS = {"bruising", "infection", "allergy"}


def _known(value: Any) -> bool:
    return value is not None and not (not isinstance(value, str) and pd.isna(value))


def _add_months(day: date, months: int) -> date:
    """The same day ``months`` calendar months later (or earlier), clipped to month end."""
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


class _Flags:
    """Collects flags with the protocol's wording."""

    def __init__(self, protocol: Protocol) -> None:
        self.protocol = protocol
        self.rows: list[dict[str, Any]] = []

    def add(
        self,
        rule_id: str,
        severity: str,
        day: date,
        session: int | None,
        areas: list[str],
        area: str | None,
        /,
        **values: Any,
    ) -> None:
        spec = self.protocol.rule(rule_id)
        self.rows.append(
            {
                "rule": rule_id,
                "severity": severity,
                "date": day,
                "session": session,
                "area": area,
                "message": spec.message_for(severity).format(area=area, **values),
                "advice": spec.advice_for(severity).format(area=area, **values),
                "source": spec.source,
                "title": spec.title,
                "why": spec.why,
                "areas": areas,
            }
        )


def reference_evaluate(
    profile: ProfileSettings,
    sessions: pd.DataFrame,
    rollers: pd.DataFrame,
    *,
    protocol: Protocol | None = None,
    now: datetime | None = None,
) -> pd.DataFrame:
    """Every flag, found one session at a time; same columns and order as the engine."""
    protocol = (protocol or load_protocol()).for_profile(profile)
    now = (now or datetime.now(UTC)).astimezone(UTC)
    zone = ZoneInfo(profile.timezone)
    today = now.astimezone(zone).date()
    value = protocol.value
    flags = _Flags(protocol)

    roller_names = {int(row["roller_id"]): row["name"] for row in rollers.to_dict("records")}
    shared_rollers = {int(row["roller_id"]) for row in rollers.to_dict("records") if row["shared"]}

    if (
        profile.scar_baseline in ("moderate", "severe")
        and protocol.prescribed_interval_days is None
    ):
        flags.add(
            "ask-dermatologist", "info", today, None, [], None, baseline=profile.scar_baseline
        )

    records = sessions.to_dict("records")
    records.sort(key=lambda row: (row["started_at"], row["session_id"]))
    uses_of_roller: dict[int, int] = {}
    previous_on_area: dict[str, dict[str, Any]] = {}
    short_limit = value("too-frequent.short_needle_max_mm")
    short_text = format_number(short_limit)

    for row in records:
        session = int(row["session_id"])
        started = row["started_at"].to_pydatetime()
        day = started.astimezone(zone).date()
        areas = list(row["areas"])
        joined = ", ".join(areas) or None

        def add(rule_id: str, severity: str, **values: Any) -> None:
            flags.add(rule_id, severity, day, session, areas, joined, **values)  # noqa: B023

        needle = row["needle_mm"]
        if needle > value("needle-too-long.experienced_max_mm"):
            add(
                "needle-too-long",
                "critical",
                needle=format_number(needle),
                limit=format_number(value("needle-too-long.experienced_max_mm")),
            )
        elif not profile.experienced and needle > value("needle-too-long.home_max_mm"):
            add(
                "needle-too-long",
                "warning",
                needle=format_number(needle),
                limit=format_number(value("needle-too-long.home_max_mm")),
            )

        if row["active_acne"] is True:
            add("active-acne", "critical")
        if row["sterilized_before"] is False:
            add("not-sterilized", "critical")
        if row["sterilized_after"] is False:
            add("not-cleaned-after", "warning")
        if row["skin_cleansed"] is False:
            add("skin-not-clean", "warning")

        most = value("too-many-passes.max_passes")
        too_many = [
            f"{row[column]:g} {label}"
            for column, label in (
                ("passes_vertical", "vertical"),
                ("passes_horizontal", "horizontal"),
                ("passes_diagonal", "diagonal"),
            )
            if _known(row[column]) and row[column] > most
        ]
        if too_many:
            add(
                "too-many-passes",
                "warning",
                detail=" and ".join(too_many) + " passes",
                limit=format_number(most),
            )

        if _known(row["pain"]) and row["pain"] >= value("too-painful.painful_from"):
            add(
                "too-painful",
                "warning",
                pain=format_number(row["pain"]),
                limit=format_number(value("too-painful.painful_from")),
            )

        stinging = row["stinging_minutes"]
        if _known(stinging) and stinging > value("stinging-too-long.max_minutes"):
            add(
                "stinging-too-long",
                "warning",
                minutes=format_number(stinging),
                limit=format_number(value("stinging-too-long.max_minutes")),
            )

        redness = row["redness_hours"]
        if _known(redness):
            if redness > value("redness-too-long.critical_hours"):
                add(
                    "redness-too-long",
                    "critical",
                    hours=format_number(redness),
                    limit=format_number(value("redness-too-long.critical_hours")),
                )
            elif redness > value("redness-too-long.warning_hours"):
                add(
                    "redness-too-long",
                    "warning",
                    hours=format_number(redness),
                    limit=format_number(value("redness-too-long.warning_hours")),
                )

        if row["side_effect"] in FLAGGED_SIDE_EFFECTS:
            add("side-effect", "critical", effect=SIDE_EFFECT_LABELS[row["side_effect"]])
        if row["makeup_48h"] is True:
            add("makeup-too-soon", "warning")
        if row["sun_24h"] is True:
            add("sun-too-soon", "warning")
        if row["retinoid_48h"] is True:
            add("retinoid-too-close", "warning")

        dose = profile.isotretinoin_last_dose
        if dose is not None:
            months = int(value("isotretinoin.months"))
            safe_from = _add_months(dose, months)
            if _add_months(dose, -months) < day < safe_from:
                add(
                    "isotretinoin",
                    "critical",
                    day=format_day(day),
                    limit=format_number(months),
                    last_dose=format_day(dose),
                    safe_from=format_day(safe_from),
                )

        roller = row["roller_id"]
        if _known(roller):
            roller = int(roller)
            uses_of_roller[roller] = uses_of_roller.get(roller, 0) + 1
            name = roller_names.get(roller, f"roller {roller}")
            if uses_of_roller[roller] > value("roller-worn.max_sessions"):
                add(
                    "roller-worn",
                    "warning",
                    count=uses_of_roller[roller],
                    roller=name,
                    limit=format_number(value("roller-worn.max_sessions")),
                )
            if roller in shared_rollers:
                add("roller-shared", "critical", roller=name)

        due = timedelta(hours=value("check-in-missing.hours"))
        if not row["has_check_in"] and now - started > due:
            add(
                "check-in-missing",
                "info",
                limit=format_number(value("check-in-missing.hours")),
            )

        for area in areas:
            previous = previous_on_area.get(area)
            previous_on_area[area] = {"day": day, "row": row}
            if previous is None:
                continue
            _check_area(flags, protocol, previous, row, day, area, short_text)

    frame = pd.DataFrame(flags.rows)
    if frame.empty:
        return frame
    frame["session"] = frame["session"].astype("Int64")
    frame["area"] = pd.Series([row["area"] for row in flags.rows], dtype=object)
    rule_rank = {rule_id: position for position, rule_id in enumerate(RULE_IDS)}
    keys = [
        (
            row["date"],
            SEVERITY_RANK[row["severity"]],
            rule_rank[row["rule"]],
            -1 if row["session"] is None else row["session"],
            (0, "") if row["area"] is None else (1, row["area"]),
        )
        for row in flags.rows
    ]
    order = sorted(range(len(keys)), key=keys.__getitem__)
    return frame.iloc[order].reset_index(drop=True)


def _check_area(
    flags: _Flags,
    protocol: Protocol,
    previous: dict[str, Any],
    row: dict[str, Any],
    day: date,
    area: str,
    short_text: str,
) -> None:
    """too-frequent and rolled-on-red-skin for one area of one session."""
    value = protocol.value
    session = int(row["session_id"])
    earlier = previous["row"]
    days = (day - previous["day"]).days
    longer = max(row["needle_mm"], earlier["needle_mm"]) > value("too-frequent.short_needle_max_mm")
    if protocol.prescribed_interval_days is not None:
        minimum = protocol.prescribed_interval_days
        basis = "prescribed by your dermatologist"
    elif longer:
        minimum = int(value("too-frequent.long_needle_days"))
        basis = f"when a needle longer than {short_text} mm is used"
    else:
        minimum = int(value("too-frequent.short_needle_days"))
        basis = f"for needles up to {short_text} mm"
    if days < minimum:
        critical = days < minimum * value("too-frequent.critical_fraction")
        flags.add(
            "too-frequent",
            "critical" if critical else "warning",
            day,
            session,
            [area],
            area,
            days=format_days(days),
            minimum=format_days(minimum),
            basis=basis,
            critical_share=format_share(value("too-frequent.critical_fraction")),
        )
    redness = earlier["redness_hours"]
    if _known(redness):
        ends = earlier["started_at"].to_pydatetime() + timedelta(hours=redness)
        if ends > row["started_at"].to_pydatetime():
            flags.add(
                "rolled-on-red-skin",
                "warning",
                day,
                session,
                [area],
                area,
                previous_day=format_day(previous["day"]),
                hours=format_number(redness),
            )
