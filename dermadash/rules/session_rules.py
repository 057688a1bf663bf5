"""The rules about one session at a time (needle, hygiene, pain, check-in, rollers, ...).

Each returns the flags it found (``Found``), one entry per severity.
"""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd

from dermadash.formatting import format_day, format_number
from dermadash.rules.found_flags import Found, found
from dermadash.rules.messages import Field, FlagValues, number_field
from dermadash.rules.protocol import RuleSpec
from dermadash.rules.session_inputs import (
    MICROS_PER_HOUR,
    NO_SESSION,
    Sessions,
    as_date,
    day_number,
)
from dermadash.storage.validation import SIDE_EFFECT_LABELS

SIDE_EFFECTS_FLAGGED = ("bruising", "infection", "allergy")
PASS_DIRECTIONS = (
    ("passes_vertical", "vertical"),
    ("passes_horizontal", "horizontal"),
    ("passes_diagonal", "diagonal"),
)


def _session_found(
    spec: RuleSpec,
    severity: str,
    data: Sessions,
    mask: np.ndarray,
    values: FlagValues | None = None,
) -> Found:
    """Flags for the sessions where ``mask`` holds."""
    index = np.flatnonzero(mask)
    return found(
        spec,
        severity,
        index,
        data.day[index],
        data.session_id[index],
        values or {},
        session_rows=index,
    )


def _roller_texts(roller_ids: np.ndarray, names: dict[int, str]) -> Field:
    def name(position: int) -> str:
        roller = int(roller_ids[position])
        return names.get(roller, f"roller {roller}")

    return Field((roller_ids,), name)


def needle_too_long(spec: RuleSpec, data: Sessions, experienced: bool) -> list[Found]:
    home, anyone = spec.value("home_max_mm"), spec.value("experienced_max_mm")
    critical = data.needle > anyone
    warning = ~critical & (data.needle > home) & (not experienced)
    needle = number_field(data.needle)
    return [
        _session_found(
            spec, "critical", data, critical, {"needle": needle, "limit": format_number(anyone)}
        ),
        _session_found(
            spec, "warning", data, warning, {"needle": needle, "limit": format_number(home)}
        ),
    ]


def flag_when(spec: RuleSpec, data: Sessions, mask: np.ndarray) -> list[Found]:
    """A rule with one severity and nothing to fill: flag the sessions where ``mask`` holds."""
    return [_session_found(spec, spec.severities[0], data, mask)]


def too_many_passes(spec: RuleSpec, data: Sessions) -> list[Found]:
    limit = spec.value("max_passes")
    passes = {label: data.floats(column) for column, label in PASS_DIRECTIONS}
    over = {label: values > limit for label, values in passes.items()}
    mask = np.logical_or.reduce(list(over.values()))

    def detail(position: int) -> str:
        parts = [
            f"{values[position]:g} {label}"
            for label, values in passes.items()
            if over[label][position]
        ]
        return " and ".join(parts) + " passes"

    keys = tuple(np.where(over[label], values, np.nan) for label, values in passes.items())
    fills: FlagValues = {"detail": Field(keys, detail), "limit": format_number(limit)}
    return [_session_found(spec, "warning", data, mask, fills)]


def too_painful(spec: RuleSpec, data: Sessions) -> list[Found]:
    limit = spec.value("painful_from")
    pain = data.floats("pain")
    return [
        _session_found(
            spec,
            "warning",
            data,
            pain >= limit,
            {"pain": number_field(pain), "limit": format_number(limit)},
        )
    ]


def stinging_too_long(spec: RuleSpec, data: Sessions) -> list[Found]:
    limit = spec.value("max_minutes")
    minutes = data.floats("stinging_minutes")
    return [
        _session_found(
            spec,
            "warning",
            data,
            minutes > limit,
            {"minutes": number_field(minutes), "limit": format_number(limit)},
        )
    ]


def redness_too_long(spec: RuleSpec, data: Sessions) -> list[Found]:
    warn, crit = spec.value("warning_hours"), spec.value("critical_hours")
    hours = data.floats("redness_hours")
    critical = hours > crit
    warning = ~critical & (hours > warn)
    shown = number_field(hours)
    return [
        _session_found(
            spec, "critical", data, critical, {"hours": shown, "limit": format_number(crit)}
        ),
        _session_found(
            spec, "warning", data, warning, {"hours": shown, "limit": format_number(warn)}
        ),
    ]


def side_effect(spec: RuleSpec, data: Sessions) -> list[Found]:
    codes, effects = pd.factorize(data.frame["side_effect"].to_numpy(dtype=object))
    flagged = [code for code, effect in enumerate(effects) if effect in SIDE_EFFECTS_FLAGGED]
    mask = np.isin(codes, flagged)

    def label(position: int) -> str:
        return SIDE_EFFECT_LABELS[effects[codes[position]]]

    return [_session_found(spec, "critical", data, mask, {"effect": Field((codes,), label)})]


def isotretinoin(spec: RuleSpec, data: Sessions, last_dose: date | None, today: int) -> list[Found]:
    if last_dose is None:
        return []
    months = int(spec.value("months"))
    dose = pd.Timestamp(last_dose)
    after = day_number((dose + pd.DateOffset(months=months)).date())
    before = day_number((dose - pd.DateOffset(months=months)).date())
    mask = (data.day > before) & (data.day < after)

    values: FlagValues = {
        "day": Field((data.day,), lambda position: format_day(as_date(data.day[position]))),
        "limit": format_number(months),
        "last_dose": format_day(last_dose),
        "safe_from": format_day(as_date(after)),
    }
    return [_session_found(spec, "critical", data, mask, values)]


def roller_worn(spec: RuleSpec, data: Sessions, names: dict[int, str]) -> list[Found]:
    limit = spec.value("max_sessions")
    order = data.time_order
    rollers = data.roller_id[order]
    counts = np.zeros(data.count, dtype="int64")
    # Count within each roller in time order: cumcount over a stable grouping.
    counts[order] = pd.Series(rollers).groupby(rollers, sort=False).cumcount().to_numpy() + 1
    mask = (data.roller_id != NO_SESSION) & (counts > limit)
    roller_names = _roller_texts(data.roller_id, names)
    values: FlagValues = {
        "count": Field((counts,), lambda position: str(counts[position])),
        "roller": roller_names,
        "limit": format_number(limit),
    }
    return [_session_found(spec, "warning", data, mask, values)]


def roller_shared(
    spec: RuleSpec, data: Sessions, rollers: pd.DataFrame, names: dict[int, str]
) -> list[Found]:
    shared_ids = rollers.loc[rollers["shared"].astype(bool), "roller_id"].to_numpy("int64")
    if not len(shared_ids):
        return []
    mask = np.isin(data.roller_id, shared_ids) & (data.roller_id != NO_SESSION)
    values = {"roller": _roller_texts(data.roller_id, names)}
    return [_session_found(spec, "critical", data, mask, values)]


def check_in_missing(spec: RuleSpec, data: Sessions, now: datetime) -> list[Found]:
    hours = spec.value("hours")
    now_us = int(pd.Timestamp(now).value // 1000)
    has_check_in = data.frame["has_check_in"].astype(bool).to_numpy()
    mask = ~has_check_in & ((now_us - data.moment_us) > hours * MICROS_PER_HOUR)
    return [_session_found(spec, "info", data, mask, {"limit": format_number(hours)})]
