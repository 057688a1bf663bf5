"""The rule engine's inputs: a sessions frame as numpy arrays, local days and moments.

``Sessions`` reads the frame ``queries.sessions_frame`` returns once, so every rule
compares arrays instead of rows. Days are counted in the profile's time zone (days
since 1970-01-01); moments are microseconds since 1970, UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cached_property
from itertools import chain

import numpy as np
import pandas as pd

from dermadash.rules.protocol import Protocol, load_protocol
from dermadash.storage.profiles import ProfileSettings

MICROS_PER_HOUR = 3_600_000_000
NO_SESSION = -1
"""The session id of a flag about the profile, and the roller id of "no roller"."""


class Sessions:
    """The columns the rules read, as numpy arrays, one entry per session."""

    def __init__(self, sessions: pd.DataFrame, timezone: str) -> None:
        self.frame = sessions
        self.count = len(sessions)
        self.session_id = sessions["session_id"].to_numpy(dtype="int64")
        self.moment_us = micros(sessions["started_at"])  # microseconds since 1970, UTC
        self.day = local_days(sessions["started_at"], timezone)  # local day number
        self.needle = self.floats("needle_mm")
        self.roller_id = (
            sessions["roller_id"].astype("Int64").to_numpy("int64", na_value=NO_SESSION)
        )
        self.areas = sessions["areas"].to_numpy(dtype=object)  # a list of areas each

    def floats(self, column: str) -> np.ndarray:
        return self.frame[column].astype("Float64").to_numpy(dtype="float64", na_value=np.nan)

    def is_true(self, column: str) -> np.ndarray:
        return self.frame[column].astype("boolean").to_numpy(dtype=bool, na_value=False)

    def is_false(self, column: str) -> np.ndarray:
        values = self.frame[column].astype("boolean")
        return (~values).to_numpy(dtype=bool, na_value=False)

    @cached_property
    def time_order(self) -> np.ndarray:
        """Session positions by start time, then id (the query's order, checked cheaply)."""
        moment, ids = self.moment_us, self.session_id
        later = (moment[1:] > moment[:-1]) | ((moment[1:] == moment[:-1]) & (ids[1:] > ids[:-1]))
        if bool(np.all(later)):
            return np.arange(self.count)
        return np.lexsort((ids, moment))

    @cached_property
    def area_counts(self) -> np.ndarray:
        return np.fromiter(map(len, self.areas), dtype="int64", count=self.count)

    @cached_property
    def area_starts(self) -> np.ndarray:
        """Where each session's areas start in ``flat_areas``."""
        starts: np.ndarray = np.cumsum(self.area_counts) - self.area_counts
        return starts

    @cached_property
    def flat_areas(self) -> np.ndarray:
        total = int(self.area_counts.sum())
        return np.fromiter(chain.from_iterable(self.areas), dtype=object, count=total)

    def area_labels(self, rows: np.ndarray) -> np.ndarray:
        """'Left cheek, Right cheek' for the sessions at ``rows`` (joined once per session)."""
        unique, inverse = np.unique(rows, return_inverse=True)
        counts = self.area_counts[unique]
        labels = np.full(len(unique), None, dtype=object)
        single = counts == 1
        labels[single] = self.flat_areas[self.area_starts[unique[single]]]
        for position in np.flatnonzero(~single).tolist():
            labels[position] = ", ".join(self.areas[unique[position]]) or None
        return labels[inverse.reshape(-1)]


def local_days(moments: pd.Series, timezone: str) -> np.ndarray:
    """Each moment's calendar day in ``timezone``, as days since 1970-01-01."""
    local = pd.to_datetime(moments, utc=True).dt.tz_convert(timezone).dt.tz_localize(None)
    return local.to_numpy().astype("datetime64[D]").astype("int64")


def micros(moments: pd.Series) -> np.ndarray:
    """Each moment as microseconds since 1970-01-01, UTC."""
    utc = pd.to_datetime(moments, utc=True).dt.tz_localize(None)
    return utc.to_numpy().astype("datetime64[us]").astype("int64")


def day_number(day: date) -> int:
    """A date as days since 1970-01-01."""
    return int(np.datetime64(day, "D").astype("int64"))


def as_date(number: int) -> date:
    """Days since 1970-01-01 as a date."""
    day: date = np.datetime64(int(number), "D").astype(date)
    return day


def utc_now(now: datetime | None) -> datetime:
    """``now`` in UTC, or the current time."""
    return (now or datetime.now(UTC)).astimezone(UTC)


def today_number(timezone: str, now: datetime | None) -> int:
    """Today's day number in ``timezone``."""
    moment = pd.Timestamp(utc_now(now)).tz_convert(timezone).tz_localize(None)
    return int(moment.to_datetime64().astype("datetime64[D]").astype("int64"))


def protocol_for(profile: ProfileSettings, protocol: Protocol | None) -> Protocol:
    """The protocol (the file's, unless given) with the profile's overrides applied."""
    return (protocol or load_protocol()).for_profile(profile)
