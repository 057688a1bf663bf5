"""The rule engine: a profile's sessions checked against the safety protocol.

Pure, vectorised functions over the frames ``queries.sessions_frame`` and
``queries.rollers_frame`` return; no database, no Streamlit. Every threshold comes
from ``dermadash.rules.protocol`` (the protocol file plus the profile's overrides).

Decisions worth knowing (also in the README's protocol section):

- Thresholds are strict where the brief says "more than" (needle > 0.5 mm, redness
  > 24 h, ...) and inclusive where it says "from" (pain >= 7).
- Calendar days are counted in the profile's time zone, so a session every Monday is
  weekly at any hour and across summer-time changes.
- ``too-frequent`` and ``rolled-on-red-skin`` work per area: a session on two areas
  is compared with the previous session on each area. Their flags name that one area.
  Flags about one session name the session's areas joined with ", "; the extra
  ``areas`` column always holds them as a tuple (empty for profile flags).
- ``roller-worn``: sessions are counted per roller in time order (ties by session
  id); with the default limit of 10 the 11th session and every later one is flagged.
- ``isotretinoin``: "within 6 months" uses calendar months (pandas ``DateOffset``):
  a session strictly between 6 months before and 6 months after the last dose is
  flagged; on the day exactly 6 months after it is not.
- ``ask-dermatologist`` is about the profile, not a session: it carries today's date
  (in the profile's time zone), no session and no area.
- ``check-in-missing`` compares with ``now`` (default: the current time).
- ``None`` means "not recorded" and never raises a flag.
"""

from __future__ import annotations

import gc
import string
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cached_property
from itertools import chain

import numpy as np
import pandas as pd

from dermadash.columns import FLAG_FRAME_COLUMNS, FLAG_FRAME_EXTRA_COLUMNS
from dermadash.formatting import format_day, format_days, format_number, format_share
from dermadash.rules.protocol import RULE_IDS, Protocol, RuleSpec, load_protocol
from dermadash.storage.profiles import ProfileSettings
from dermadash.storage.validation import SIDE_EFFECT_LABELS

FLAG_COLUMNS = list(FLAG_FRAME_COLUMNS)
EXTRA_COLUMNS = list(FLAG_FRAME_EXTRA_COLUMNS)
SEVERITY_ORDER = ("critical", "warning", "info")
SIDE_EFFECTS_FLAGGED = ("bruising", "infection", "allergy")
PASS_DIRECTIONS = (
    ("passes_vertical", "vertical"),
    ("passes_horizontal", "horizontal"),
    ("passes_diagonal", "diagonal"),
)
MICROS_PER_HOUR = 3_600_000_000
NO_SESSION = -1


# --------------------------------------------------------------------------- inputs


class _Sessions:
    """The columns the rules read, as numpy arrays, one entry per session."""

    def __init__(self, sessions: pd.DataFrame, timezone: str) -> None:
        self.frame = sessions
        self.count = len(sessions)
        self.session_id = sessions["session_id"].to_numpy(dtype="int64")
        self.moment_us = _micros(sessions["started_at"])  # microseconds since 1970, UTC
        self.day = _local_days(sessions["started_at"], timezone)  # local day number
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


def _local_days(moments: pd.Series, timezone: str) -> np.ndarray:
    """Each moment's calendar day in ``timezone``, as days since 1970-01-01."""
    local = pd.to_datetime(moments, utc=True).dt.tz_convert(timezone).dt.tz_localize(None)
    return local.to_numpy().astype("datetime64[D]").astype("int64")


def _micros(moments: pd.Series) -> np.ndarray:
    utc = pd.to_datetime(moments, utc=True).dt.tz_localize(None)
    return utc.to_numpy().astype("datetime64[us]").astype("int64")


def _prepare(sessions: pd.DataFrame, timezone: str) -> _Sessions:
    return _Sessions(sessions, timezone)


def _day_number(day: date) -> int:
    return int(np.datetime64(day, "D").astype("int64"))


def _as_date(day_number: int) -> date:
    day: date = np.datetime64(int(day_number), "D").astype(date)
    return day


def _now(now: datetime | None) -> datetime:
    return (now or datetime.now(UTC)).astimezone(UTC)


def _today_number(timezone: str, now: datetime | None) -> int:
    moment = pd.Timestamp(_now(now)).tz_convert(timezone).tz_localize(None)
    return int(moment.to_datetime64().astype("datetime64[D]").astype("int64"))


# --------------------------------------------------------------------------- output


def _field_names(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


@dataclass(frozen=True)
class _Field:
    """A value that differs between flags: the arrays that decide its text, and how to
    write the text for one position. Texts are written once per distinct value."""

    keys: tuple[np.ndarray, ...]
    text: Callable[[int], str]


FlagValues = Mapping[str, str | _Field]
"""What fills a rule's message and advice: constants, or fields that vary per flag."""


def _render(template: str, index: np.ndarray, values: FlagValues) -> np.ndarray:
    """Fill ``template`` for the flags at ``index`` (positions in the fields' arrays)."""
    used = {name: values[name] for name in _field_names(template)}
    constants = {name: value for name, value in used.items() if isinstance(value, str)}
    fields = {name: value for name, value in used.items() if isinstance(value, _Field)}
    if not fields:
        return np.full(len(index), template.format(**constants), dtype=object)
    code = np.zeros(len(index), dtype="int64")
    for field in fields.values():
        for key in field.keys:
            codes, uniques = pd.factorize(key[index], use_na_sentinel=True)
            code = code * (len(uniques) + 1) + (codes + 1)
    _, first, inverse = np.unique(code, return_index=True, return_inverse=True)
    texts = [
        template.format(
            **constants, **{name: field.text(int(index[i])) for name, field in fields.items()}
        )
        for i in first
    ]
    return np.array(texts, dtype=object)[inverse.reshape(-1)]


@dataclass
class _Found:
    """Flags of one rule and one severity, before they are put in one frame.

    A flag about a session names its areas (``session_rows``); a flag about one area
    of a session names that area (``area``); a profile flag names neither.
    """

    spec: RuleSpec
    severity: str
    day: np.ndarray
    session: np.ndarray
    message: np.ndarray
    advice: np.ndarray
    session_rows: np.ndarray | None = None
    area: np.ndarray | None = None

    def area_columns(self, data: _Sessions | None) -> tuple[np.ndarray, list[list[str]]]:
        """The ``area`` text and the ``areas`` lists of these flags."""
        if self.session_rows is not None and data is not None:
            return data.area_labels(self.session_rows), data.areas[self.session_rows].tolist()
        if self.area is not None:
            return self.area, [[name] for name in self.area.tolist()]
        return np.full(len(self.day), None, dtype=object), [[] for _ in range(len(self.day))]


def _found(
    spec: RuleSpec,
    severity: str,
    index: np.ndarray,
    day: np.ndarray,
    session: np.ndarray,
    values: FlagValues,
    *,
    session_rows: np.ndarray | None = None,
    area: np.ndarray | None = None,
) -> _Found:
    return _Found(
        spec=spec,
        severity=severity,
        day=day,
        session=session,
        message=_render(spec.message_for(severity), index, values),
        advice=_render(spec.advice_for(severity), index, values),
        session_rows=session_rows,
        area=area,
    )


def _empty_flags() -> pd.DataFrame:
    frame = pd.DataFrame({column: pd.Series(dtype=object) for column in FLAG_COLUMNS})
    frame["session"] = frame["session"].astype("Int64")
    for column in EXTRA_COLUMNS:
        frame[column] = pd.Series(dtype=object)
    return frame


def _repeat(values: list[str], lengths: list[int]) -> np.ndarray:
    return np.repeat(np.array(values, dtype=object), lengths)


def _assemble(found: list[_Found], data: _Sessions | None) -> pd.DataFrame:
    found = [part for part in found if len(part.day)]
    if not found:
        return _empty_flags()
    rank = {severity: position for position, severity in enumerate(SEVERITY_ORDER)}
    rule_rank = {rule_id: position for position, rule_id in enumerate(RULE_IDS)}
    day = np.concatenate([part.day for part in found]).astype("int64")
    session = np.concatenate([part.session for part in found]).astype("int64")
    lengths = [len(part.day) for part in found]
    severity = _repeat([part.severity for part in found], lengths)
    severity_rank = np.repeat([rank[part.severity] for part in found], lengths)
    rule = _repeat([part.spec.id for part in found], lengths)
    rule_order = np.repeat([rule_rank[part.spec.id] for part in found], lengths)
    area_parts = [part.area_columns(data) for part in found]
    area = np.concatenate([texts for texts, _ in area_parts])
    areas = list(chain.from_iterable(lists for _, lists in area_parts))
    area_codes, _ = pd.factorize(area, sort=True, use_na_sentinel=True)
    order = np.lexsort((area_codes, session, rule_order, severity_rank, day))
    repeated = {
        name: _repeat([getattr(part.spec, name) for part in found], lengths)
        for name in ("source", "title", "why")
    }
    message = np.concatenate([part.message for part in found])
    advice = np.concatenate([part.advice for part in found])
    texts = {
        "rule": rule,
        "severity": severity,
        "area": area,
        "message": message,
        "advice": advice,
        **repeated,
    }
    # Object columns, not pandas' inferred string type: converting hundreds of
    # thousands of messages to Arrow strings costs more than finding the flags.
    column = {name: pd.Series(values[order], dtype=object) for name, values in texts.items()}
    frame = pd.DataFrame(
        {
            "rule": column["rule"],
            "severity": column["severity"],
            "date": day[order].astype("datetime64[D]").astype(object),
            "session": pd.arrays.IntegerArray(session[order], session[order] == NO_SESSION),
            "area": column["area"],
            "message": column["message"],
            "advice": column["advice"],
            "source": column["source"],
            "title": column["title"],
            "why": column["why"],
        }
    )
    frame["areas"] = pd.Series(areas, dtype=object).to_numpy()[order]
    return frame


# --------------------------------------------------------------------------- one session


def _session_found(
    spec: RuleSpec,
    severity: str,
    data: _Sessions,
    mask: np.ndarray,
    values: FlagValues | None = None,
) -> _Found:
    """Flags for the sessions where ``mask`` holds."""
    index = np.flatnonzero(mask)
    return _found(
        spec,
        severity,
        index,
        data.day[index],
        data.session_id[index],
        values or {},
        session_rows=index,
    )


def _numbers(values: np.ndarray) -> _Field:
    return _Field((values,), lambda position: format_number(float(values[position])))


def _roller_texts(roller_ids: np.ndarray, names: dict[int, str]) -> _Field:
    def name(position: int) -> str:
        roller = int(roller_ids[position])
        return names.get(roller, f"roller {roller}")

    return _Field((roller_ids,), name)


def _needle_too_long(spec: RuleSpec, data: _Sessions, experienced: bool) -> list[_Found]:
    home, anyone = spec.value("home_max_mm"), spec.value("experienced_max_mm")
    critical = data.needle > anyone
    warning = ~critical & (data.needle > home) & (not experienced)
    needle = _numbers(data.needle)
    return [
        _session_found(
            spec, "critical", data, critical, {"needle": needle, "limit": format_number(anyone)}
        ),
        _session_found(
            spec, "warning", data, warning, {"needle": needle, "limit": format_number(home)}
        ),
    ]


def _flag_when(spec: RuleSpec, data: _Sessions, mask: np.ndarray) -> list[_Found]:
    return [_session_found(spec, spec.severities[0], data, mask)]


def _too_many_passes(spec: RuleSpec, data: _Sessions) -> list[_Found]:
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
    fills: FlagValues = {"detail": _Field(keys, detail), "limit": format_number(limit)}
    return [_session_found(spec, "warning", data, mask, fills)]


def _too_painful(spec: RuleSpec, data: _Sessions) -> list[_Found]:
    limit = spec.value("painful_from")
    pain = data.floats("pain")
    return [
        _session_found(
            spec,
            "warning",
            data,
            pain >= limit,
            {"pain": _numbers(pain), "limit": format_number(limit)},
        )
    ]


def _stinging(spec: RuleSpec, data: _Sessions) -> list[_Found]:
    limit = spec.value("max_minutes")
    minutes = data.floats("stinging_minutes")
    return [
        _session_found(
            spec,
            "warning",
            data,
            minutes > limit,
            {"minutes": _numbers(minutes), "limit": format_number(limit)},
        )
    ]


def _redness(spec: RuleSpec, data: _Sessions) -> list[_Found]:
    warn, crit = spec.value("warning_hours"), spec.value("critical_hours")
    hours = data.floats("redness_hours")
    critical = hours > crit
    warning = ~critical & (hours > warn)
    shown = _numbers(hours)
    return [
        _session_found(
            spec, "critical", data, critical, {"hours": shown, "limit": format_number(crit)}
        ),
        _session_found(
            spec, "warning", data, warning, {"hours": shown, "limit": format_number(warn)}
        ),
    ]


def _side_effect(spec: RuleSpec, data: _Sessions) -> list[_Found]:
    codes, effects = pd.factorize(data.frame["side_effect"].to_numpy(dtype=object))
    flagged = [code for code, effect in enumerate(effects) if effect in SIDE_EFFECTS_FLAGGED]
    mask = np.isin(codes, flagged)

    def label(position: int) -> str:
        return SIDE_EFFECT_LABELS[effects[codes[position]]]

    return [_session_found(spec, "critical", data, mask, {"effect": _Field((codes,), label)})]


def _isotretinoin(
    spec: RuleSpec, data: _Sessions, last_dose: date | None, today: int
) -> list[_Found]:
    if last_dose is None:
        return []
    months = int(spec.value("months"))
    dose = pd.Timestamp(last_dose)
    after = _day_number((dose + pd.DateOffset(months=months)).date())
    before = _day_number((dose - pd.DateOffset(months=months)).date())
    mask = (data.day > before) & (data.day < after)

    values: FlagValues = {
        "day": _Field((data.day,), lambda position: format_day(_as_date(data.day[position]))),
        "limit": format_number(months),
        "last_dose": format_day(last_dose),
        "safe_from": format_day(_as_date(after)),
    }
    return [_session_found(spec, "critical", data, mask, values)]


def _roller_worn(spec: RuleSpec, data: _Sessions, names: dict[int, str]) -> list[_Found]:
    limit = spec.value("max_sessions")
    order = data.time_order
    rollers = data.roller_id[order]
    counts = np.zeros(data.count, dtype="int64")
    # Count within each roller in time order: cumcount over a stable grouping.
    counts[order] = pd.Series(rollers).groupby(rollers, sort=False).cumcount().to_numpy() + 1
    mask = (data.roller_id != NO_SESSION) & (counts > limit)
    roller_names = _roller_texts(data.roller_id, names)
    values: FlagValues = {
        "count": _Field((counts,), lambda position: str(counts[position])),
        "roller": roller_names,
        "limit": format_number(limit),
    }
    return [_session_found(spec, "warning", data, mask, values)]


def _roller_shared(
    spec: RuleSpec, data: _Sessions, rollers: pd.DataFrame, names: dict[int, str]
) -> list[_Found]:
    shared_ids = rollers.loc[rollers["shared"].astype(bool), "roller_id"].to_numpy("int64")
    if not len(shared_ids):
        return []
    mask = np.isin(data.roller_id, shared_ids) & (data.roller_id != NO_SESSION)
    values = {"roller": _roller_texts(data.roller_id, names)}
    return [_session_found(spec, "critical", data, mask, values)]


def _check_in_missing(spec: RuleSpec, data: _Sessions, now: datetime) -> list[_Found]:
    hours = spec.value("hours")
    now_us = int(pd.Timestamp(now).value // 1000)
    has_check_in = data.frame["has_check_in"].astype(bool).to_numpy()
    mask = ~has_check_in & ((now_us - data.moment_us) > hours * MICROS_PER_HOUR)
    return [_session_found(spec, "info", data, mask, {"limit": format_number(hours)})]


# --------------------------------------------------------------------------- per area


@dataclass(frozen=True)
class _AreaRows:
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


def _area_rows(data: _Sessions, protocol: Protocol) -> _AreaRows:
    spec = protocol.rule("too-frequent")
    # Every (session, area) in time order, then grouped by area with a stable sort.
    in_time = data.time_order
    counts = data.area_counts[in_time]
    session_row = np.repeat(in_time, counts)
    position = np.arange(len(session_row)) - np.repeat(np.cumsum(counts) - counts, counts)
    flat = data.area_starts[session_row] + position
    codes, _ = pd.factorize(data.flat_areas[flat])
    order = np.argsort(codes, kind="stable")
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
    return _AreaRows(
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


def _basis_texts(protocol: Protocol) -> tuple[str, str, str]:
    short = format_number(protocol.value("too-frequent.short_needle_max_mm"))
    return (
        f"for needles up to {short} mm",
        f"when a needle longer than {short} mm is used",
        "prescribed by your dermatologist",
    )


def _area_found(
    spec: RuleSpec,
    severity: str,
    data: _Sessions,
    rows: _AreaRows,
    mask: np.ndarray,
    values: FlagValues,
) -> _Found:
    """Flags for the (session, area) rows where ``mask`` holds."""
    index = np.flatnonzero(mask)
    session_row = rows.session_row[index]
    area_field = _Field((rows.codes,), lambda position: str(rows.area[position]))
    return _found(
        spec,
        severity,
        index,
        data.day[session_row],
        data.session_id[session_row],
        {**values, "area": area_field},
        area=rows.area[index],
    )


def _too_frequent(data: _Sessions, rows: _AreaRows, protocol: Protocol) -> list[_Found]:
    spec = protocol.rule("too-frequent")
    basis_texts = _basis_texts(protocol)

    values: FlagValues = {
        "days": _Field((rows.days,), lambda i: format_days(int(rows.days[i]))),
        "minimum": _Field((rows.minimum,), lambda i: format_days(int(rows.minimum[i]))),
        "basis": _Field((rows.basis,), lambda i: basis_texts[rows.basis[i]]),
        "critical_share": format_share(spec.value("critical_fraction")),
    }
    warning = rows.too_frequent & ~rows.critical
    return [
        _area_found(spec, "critical", data, rows, rows.critical, values),
        _area_found(spec, "warning", data, rows, warning, values),
    ]


def _rolled_on_red_skin(data: _Sessions, rows: _AreaRows, protocol: Protocol) -> list[_Found]:
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
        "previous_day": _Field(
            (data.day[previous_row],), lambda i: format_day(_as_date(data.day[previous_row[i]]))
        ),
        "hours": _numbers(previous_redness),
    }
    return [_area_found(spec, "warning", data, rows, mask, values)]


# --------------------------------------------------------------------------- profile


def _ask_dermatologist(
    spec: RuleSpec, profile: ProfileSettings, protocol: Protocol, today: int
) -> list[_Found]:
    if profile.scar_baseline not in ("moderate", "severe"):
        return []
    if protocol.prescribed_interval_days is not None:
        return []
    return [
        _found(
            spec,
            "info",
            np.array([0]),
            np.array([today], dtype="int64"),
            np.array([NO_SESSION], dtype="int64"),
            {"baseline": profile.scar_baseline},
        )
    ]


# --------------------------------------------------------------------------- public API


def _protocol_for(profile: ProfileSettings, protocol: Protocol | None) -> Protocol:
    return (protocol or load_protocol()).for_profile(profile)


def _roller_names(rollers: pd.DataFrame) -> dict[int, str]:
    ids = rollers["roller_id"].astype("int64").tolist()
    return dict(zip(ids, rollers["name"].astype(object).tolist(), strict=True))


def evaluate(
    profile: ProfileSettings,
    sessions: pd.DataFrame,
    rollers: pd.DataFrame,
    *,
    protocol: Protocol | None = None,
    now: datetime | None = None,
) -> pd.DataFrame:
    """Every flag the profile's sessions raise, sorted by date then severity.

    Columns: ``FLAG_COLUMNS`` plus ``title``, ``why`` and ``areas`` (a tuple of the
    areas the flag is about).
    """
    protocol = _protocol_for(profile, protocol)
    data = _prepare(sessions, profile.timezone)
    with _collector_paused():
        return _evaluate(profile, data, _area_rows(data, protocol), rollers, protocol, now)


@dataclass(frozen=True)
class Analysis:
    """What the rule engine says about one profile's log (see ``analyse``)."""

    flags: pd.DataFrame
    intervals: pd.DataFrame
    next_safe: pd.DataFrame


def analyse(
    profile: ProfileSettings,
    sessions: pd.DataFrame,
    rollers: pd.DataFrame,
    *,
    protocol: Protocol | None = None,
    now: datetime | None = None,
) -> Analysis:
    """``evaluate``, ``area_intervals`` and ``next_safe_dates`` in one go.

    The three share the prepared sessions and the per-area rows, so this costs less
    than calling them one by one; the results are the same.
    """
    protocol = _protocol_for(profile, protocol)
    data = _prepare(sessions, profile.timezone)
    rows = _area_rows(data, protocol)
    with _collector_paused():
        flags = _evaluate(profile, data, rows, rollers, protocol, now)
    return Analysis(
        flags=flags,
        intervals=_intervals_frame(data, rows),
        next_safe=_next_safe_frame(profile, protocol, data, rows, now),
    )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while flags are built.

    The engine makes many small strings and no reference cycles; with a million
    sessions' area lists alive, each automatic collection rescans them all and about
    doubles the run time. Reference counting still frees everything as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _evaluate(
    profile: ProfileSettings,
    data: _Sessions,
    rows: _AreaRows,
    rollers: pd.DataFrame,
    protocol: Protocol,
    now: datetime | None,
) -> pd.DataFrame:
    moment = _now(now)
    today = _today_number(profile.timezone, moment)
    names = _roller_names(rollers)
    rule = protocol.rule
    found: list[_Found] = [
        *_needle_too_long(rule("needle-too-long"), data, profile.experienced),
        *_ask_dermatologist(rule("ask-dermatologist"), profile, protocol, today),
        *_flag_when(rule("active-acne"), data, data.is_true("active_acne")),
        *_flag_when(rule("not-sterilized"), data, data.is_false("sterilized_before")),
        *_flag_when(rule("not-cleaned-after"), data, data.is_false("sterilized_after")),
        *_flag_when(rule("skin-not-clean"), data, data.is_false("skin_cleansed")),
        *_too_many_passes(rule("too-many-passes"), data),
        *_too_painful(rule("too-painful"), data),
        *_stinging(rule("stinging-too-long"), data),
        *_redness(rule("redness-too-long"), data),
        *_side_effect(rule("side-effect"), data),
        *_flag_when(rule("makeup-too-soon"), data, data.is_true("makeup_48h")),
        *_flag_when(rule("sun-too-soon"), data, data.is_true("sun_24h")),
        *_flag_when(rule("retinoid-too-close"), data, data.is_true("retinoid_48h")),
        *_isotretinoin(rule("isotretinoin"), data, profile.isotretinoin_last_dose, today),
        *_roller_worn(rule("roller-worn"), data, names),
        *_roller_shared(rule("roller-shared"), data, rollers, names),
        *_check_in_missing(rule("check-in-missing"), data, moment),
    ]
    if data.count:
        found += _too_frequent(data, rows, protocol)
        found += _rolled_on_red_skin(data, rows, protocol)
    return _assemble(found, data)


def area_intervals(
    profile: ProfileSettings,
    sessions: pd.DataFrame,
    *,
    protocol: Protocol | None = None,
) -> pd.DataFrame:
    """One row per (session, area) in time order, with the interval since the previous
    session on that area and whether it was too short."""
    protocol = _protocol_for(profile, protocol)
    data = _prepare(sessions, profile.timezone)
    return _intervals_frame(data, _area_rows(data, protocol))


def _intervals_frame(data: _Sessions, rows: _AreaRows) -> pd.DataFrame:
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
    protocol = _protocol_for(profile, protocol)
    data = _prepare(sessions, profile.timezone)
    return _next_safe_frame(profile, protocol, data, _area_rows(data, protocol), now)


def _next_safe_frame(
    profile: ProfileSettings,
    protocol: Protocol,
    data: _Sessions,
    rows: _AreaRows,
    now: datetime | None,
) -> pd.DataFrame:
    columns = ["area", "last_session", "next_safe_date", "days_to_wait", "reason"]
    today = _today_number(profile.timezone, now)
    last = np.ones(len(rows.session_row), dtype=bool)
    last[:-1] = rows.first_on_area[1:]
    basis_texts = _basis_texts(protocol)
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
                f"({basis_texts[_basis_of(protocol, float(data.needle[row]))]})",
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
                "last_session": _as_date(last_day),
                "next_safe_date": _as_date(next_day),
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


def _redness_clear_day(data: _Sessions, row: int, hours: float, timezone: str) -> int:
    """The first local day that starts after the redness has gone."""
    ends = pd.Timestamp(int(data.moment_us[row]), unit="us", tz="UTC") + pd.Timedelta(hours=hours)
    local = ends.tz_convert(timezone)
    day = _day_number(local.date())
    at_midnight = local == local.normalize()
    return day if at_midnight else day + 1


def _isotretinoin_end(profile: ProfileSettings, protocol: Protocol) -> int | None:
    if profile.isotretinoin_last_dose is None:
        return None
    months = int(protocol.value("isotretinoin.months"))
    end = pd.Timestamp(profile.isotretinoin_last_dose) + pd.DateOffset(months=months)
    return _day_number(end.date())


__all__ = [
    "EXTRA_COLUMNS",
    "FLAG_COLUMNS",
    "SEVERITY_ORDER",
    "Analysis",
    "analyse",
    "area_intervals",
    "evaluate",
    "next_safe_dates",
]
