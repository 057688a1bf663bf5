"""The rules about how often an area is rolled: too-frequent, rolled-on-red-skin, and
ask-dermatologist (no interval set for scars that need one).

``area_rows`` lays out every (session, area) with the interval since the previous
session on that area; the scheduling functions read the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dermadash.formatting import format_day, format_days, format_share
from dermadash.rules.found_flags import Found, found
from dermadash.rules.messages import Field, FlagValues, basis_texts, number_field
from dermadash.rules.protocol import Protocol, RuleSpec
from dermadash.rules.session_inputs import MICROS_PER_HOUR, NO_SESSION, Sessions, as_date
from dermadash.storage.profiles import ProfileSettings


@dataclass(frozen=True)
class AreaRows:
    """One row per (session, area), sorted by area then time then session id."""

    session_row: np.ndarray  # index into the sessions
    area: np.ndarray  # object
    codes: np.ndarray  # the area as a number
    first_on_area: np.ndarray  # bool
    days: np.ndarray  # int64 days since the previous session on the area (0 when first)
    minimum: np.ndarray  # int64 minimum days
    basis: np.ndarray  # int8: 0 short needles, 1 a longer needle, 2 prescribed
    too_frequent: np.ndarray
    critical: np.ndarray
    position: np.ndarray  # the area's position within its session (for time order)


def grouping_order(codes: np.ndarray, groups: int) -> np.ndarray:
    """Positions that put equal ``codes`` (from ``pd.factorize``: -1 … groups - 1)
    together, keeping their order within each group. Codes that fit in 16 bits are
    sorted as such: numpy then uses a radix sort, several times faster on a long log."""
    if groups < np.iinfo(np.int16).max:
        return np.argsort(codes.astype(np.int16), kind="stable")
    return np.argsort(codes, kind="stable")


def area_rows(data: Sessions, protocol: Protocol) -> AreaRows:
    spec = protocol.rule("too-frequent")
    # Every (session, area) in time order, then grouped by area with a stable sort.
    in_time = data.time_order
    counts = data.area_counts[in_time]
    session_row = np.repeat(in_time, counts)
    position = np.arange(len(session_row)) - np.repeat(np.cumsum(counts) - counts, counts)
    flat = data.area_starts[session_row] + position
    codes, names = pd.factorize(data.flat_areas[flat])
    order = grouping_order(codes, len(names))
    session_row, flat, codes, position = (
        session_row[order],
        flat[order],
        codes[order],
        position[order],
    )
    area = data.flat_areas[flat]
    first = np.ones(len(session_row), dtype=bool)
    first[1:] = codes[1:] != codes[:-1]
    previous_row = np.roll(session_row, 1)
    day = data.day[session_row]
    days = np.where(first, 0, day - data.day[previous_row])
    short_limit = spec.value("short_needle_max_mm")
    longer = (data.needle[session_row] > short_limit) | (
        ~first & (data.needle[previous_row] > short_limit)
    )
    if protocol.prescribed_interval_days is not None:
        minimum = np.full(len(session_row), int(protocol.prescribed_interval_days))
        basis = np.full(len(session_row), 2, dtype="int8")
    else:
        minimum = np.where(
            longer, int(spec.value("long_needle_days")), int(spec.value("short_needle_days"))
        )
        basis = longer.astype("int8")
    too_frequent = ~first & (days < minimum)
    critical = too_frequent & (days < minimum * spec.value("critical_fraction"))
    return AreaRows(
        session_row,
        area,
        codes,
        first,
        days,
        minimum,
        basis,
        too_frequent,
        critical,
        position,
    )


def _area_found(
    spec: RuleSpec,
    severity: str,
    data: Sessions,
    rows: AreaRows,
    mask: np.ndarray,
    values: FlagValues,
) -> Found:
    """Flags for the (session, area) rows where ``mask`` holds."""
    index = np.flatnonzero(mask)
    session_row = rows.session_row[index]
    area_field = Field((rows.codes,), lambda position: str(rows.area[position]))
    return found(
        spec,
        severity,
        index,
        data.day[session_row],
        data.session_id[session_row],
        {**values, "area": area_field},
        area=rows.area[index],
    )


def too_frequent(data: Sessions, rows: AreaRows, protocol: Protocol) -> list[Found]:
    spec = protocol.rule("too-frequent")
    bases = basis_texts(protocol)

    values: FlagValues = {
        "days": Field((rows.days,), lambda i: format_days(int(rows.days[i]))),
        "minimum": Field((rows.minimum,), lambda i: format_days(int(rows.minimum[i]))),
        "basis": Field((rows.basis,), lambda i: bases[rows.basis[i]]),
        "critical_share": format_share(spec.value("critical_fraction")),
    }
    warning = rows.too_frequent & ~rows.critical
    return [
        _area_found(spec, "critical", data, rows, rows.critical, values),
        _area_found(spec, "warning", data, rows, warning, values),
    ]


def rolled_on_red_skin(data: Sessions, rows: AreaRows, protocol: Protocol) -> list[Found]:
    spec = protocol.rule("rolled-on-red-skin")
    redness = data.floats("redness_hours")
    previous_row = np.roll(rows.session_row, 1)
    previous_redness = redness[previous_row]
    redness_ends = data.moment_us[previous_row] + np.rint(
        np.nan_to_num(previous_redness) * MICROS_PER_HOUR
    ).astype("int64")
    mask = (
        ~rows.first_on_area
        & ~np.isnan(previous_redness)
        & (redness_ends > data.moment_us[rows.session_row])
    )

    values = {
        "previous_day": Field(
            (data.day[previous_row],), lambda i: format_day(as_date(data.day[previous_row[i]]))
        ),
        "hours": number_field(previous_redness),
    }
    return [_area_found(spec, "warning", data, rows, mask, values)]


def ask_dermatologist(
    spec: RuleSpec, profile: ProfileSettings, protocol: Protocol, today: int
) -> list[Found]:
    if profile.scar_baseline not in ("moderate", "severe"):
        return []
    if protocol.prescribed_interval_days is not None:
        return []
    return [
        found(
            spec,
            "info",
            np.array([0]),
            np.array([today], dtype="int64"),
            np.array([NO_SESSION], dtype="int64"),
            {"baseline": profile.scar_baseline},
        )
    ]
