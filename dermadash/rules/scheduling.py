"""When each area may be rolled again: the intervals between sessions on an area and
the next safe date, with the reason that decides it."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd

from dermadash.formatting import format_days
from dermadash.rules.area_rules import AreaRows, area_rows
from dermadash.rules.messages import basis_texts
from dermadash.rules.protocol import Protocol
from dermadash.rules.session_inputs import Sessions, as_date, day_number, protocol_for, today_number
from dermadash.storage.profiles import ProfileSettings


def area_intervals(
    profile: ProfileSettings,
    sessions: pd.DataFrame,
    *,
    protocol: Protocol | None = None,
) -> pd.DataFrame:
    """One row per (session, area) in time order, with the interval since the previous
    session on that area and whether it was too short."""
    protocol = protocol_for(profile, protocol)
    data = Sessions(sessions, profile.timezone)
    return intervals_frame(data, area_rows(data, protocol))


def intervals_frame(data: Sessions, rows: AreaRows) -> pd.DataFrame:
    """``area_intervals`` from sessions and area rows already prepared."""
    days = pd.array(rows.days, dtype="Int64")
    days[rows.first_on_area] = pd.NA
    frame = pd.DataFrame(
        {
            "session_id": data.session_id[rows.session_row],
            "area": rows.area,
            "started_at": data.frame["started_at"].to_numpy()[rows.session_row],
            "local_date": data.day[rows.session_row].astype("datetime64[D]").astype(object),
            "days_since_previous": days,
            "minimum_days": rows.minimum.astype("int64"),
            "too_frequent": rows.too_frequent,
            "critical": rows.critical,
        }
    )
    frame["started_at"] = pd.to_datetime(frame["started_at"], utc=True)
    order = np.lexsort(
        (rows.position, data.session_id[rows.session_row], data.moment_us[rows.session_row])
    )
    return frame.iloc[order].reset_index(drop=True)


def next_safe_dates(
    profile: ProfileSettings,
    sessions: pd.DataFrame,
    *,
    protocol: Protocol | None = None,
    now: datetime | None = None,
) -> pd.DataFrame:
    """For each area treated so far, the first day it may be rolled again and why.

    The interval assumes the next session uses the same needle length as the last one
    on that area. Redness from the last session must have ended before the day starts,
    and no day within the isotretinoin wait counts as safe.
    """
    protocol = protocol_for(profile, protocol)
    data = Sessions(sessions, profile.timezone)
    return next_safe_frame(profile, protocol, data, area_rows(data, protocol), now)


def next_safe_frame(
    profile: ProfileSettings,
    protocol: Protocol,
    data: Sessions,
    rows: AreaRows,
    now: datetime | None,
) -> pd.DataFrame:
    """``next_safe_dates`` from sessions and area rows already prepared."""
    columns = ["area", "last_session", "next_safe_date", "days_to_wait", "reason"]
    today = today_number(profile.timezone, now)
    last = np.ones(len(rows.session_row), dtype=bool)
    last[:-1] = rows.first_on_area[1:]
    bases = basis_texts(protocol)
    redness = data.floats("redness_hours")
    isotretinoin_end = _isotretinoin_end(profile, protocol)
    records = []
    for index in np.flatnonzero(last):
        row = rows.session_row[index]
        last_day = int(data.day[row])
        minimum = _next_minimum(protocol, float(data.needle[row]))
        candidates = [
            (
                last_day + minimum,
                f"{format_days(minimum)} after the last session on this area "
                f"({bases[_basis_of(protocol, float(data.needle[row]))]})",
            )
        ]
        if not np.isnan(redness[row]):
            candidates.append(
                (
                    _redness_clear_day(data, row, float(redness[row]), profile.timezone),
                    f"the first day after redness from the last session ({redness[row]:g} h) "
                    "has gone",
                )
            )
        if isotretinoin_end is not None:
            candidates.append(
                (
                    isotretinoin_end,
                    f"{protocol.value('isotretinoin.months'):g} months after the last "
                    "isotretinoin dose",
                )
            )
        next_day, reason = max(candidates, key=lambda candidate: candidate[0])
        records.append(
            {
                "area": rows.area[index],
                "last_session": as_date(last_day),
                "next_safe_date": as_date(next_day),
                "days_to_wait": max(0, next_day - today),
                "reason": reason[:1].upper() + reason[1:] + ".",
            }
        )
    frame = pd.DataFrame.from_records(records, columns=columns)
    frame["days_to_wait"] = frame["days_to_wait"].astype("int64")
    return frame.sort_values(["next_safe_date", "area"], kind="stable").reset_index(drop=True)


def _basis_of(protocol: Protocol, needle: float) -> int:
    if protocol.prescribed_interval_days is not None:
        return 2
    return int(needle > protocol.value("too-frequent.short_needle_max_mm"))


def _next_minimum(protocol: Protocol, needle: float) -> int:
    basis = _basis_of(protocol, needle)
    if basis == 2:
        return int(protocol.prescribed_interval_days or 0)
    name = "long_needle_days" if basis else "short_needle_days"
    return int(protocol.value(f"too-frequent.{name}"))


def _redness_clear_day(data: Sessions, row: int, hours: float, timezone: str) -> int:
    """The first local day that starts after the redness has gone."""
    ends = pd.Timestamp(int(data.moment_us[row]), unit="us", tz="UTC") + pd.Timedelta(hours=hours)
    local = ends.tz_convert(timezone)
    day = day_number(local.date())
    at_midnight = local == local.normalize()
    return day if at_midnight else day + 1


def _isotretinoin_end(profile: ProfileSettings, protocol: Protocol) -> int | None:
    if profile.isotretinoin_last_dose is None:
        return None
    months = int(protocol.value("isotretinoin.months"))
    end = pd.Timestamp(profile.isotretinoin_last_dose) + pd.DateOffset(months=months)
    return day_number(end.date())


__all__ = ["area_intervals", "next_safe_dates"]
