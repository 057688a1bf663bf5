"""The rule engine: a profile's sessions checked against the safety protocol.

Pure, vectorised functions over the frames ``queries.sessions_frame`` and
``queries.rollers_frame`` return; no database, no Streamlit. Every threshold comes
from ``dermadash.rules.protocol`` (the protocol file plus the profile's overrides).

This module is the entry: it runs every rule and puts the flags in one frame. The
inputs are read in ``session_inputs``, the rules live in ``session_rules`` (one
session at a time) and ``area_rules`` (one area across sessions), their texts are
filled in ``messages``, and ``scheduling`` gives the intervals and next safe dates.

Decisions worth knowing (also in the README's protocol section):

- Thresholds are strict where the brief says "more than" (needle > 0.5 mm, redness
  > 24 h, ...) and inclusive where it says "from" (pain >= 7).
- Calendar days are counted in the profile's time zone, so a session every Monday is
  weekly at any hour and across summer-time changes.
- ``too-frequent`` and ``rolled-on-red-skin`` work per area: a session on two areas
  is compared with the previous session on each area. Their flags name that one area.
  Flags about one session name the session's areas joined with ", "; the extra
  ``areas`` column always holds them as a list (empty for profile flags).
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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from dermadash.columns import FLAG_FRAME_COLUMNS, FLAG_FRAME_EXTRA_COLUMNS
from dermadash.rules.area_rules import (
    AreaRows,
    area_rows,
    ask_dermatologist,
    rolled_on_red_skin,
    too_frequent,
)
from dermadash.rules.found_flags import Found
from dermadash.rules.protocol import RULE_IDS, Protocol
from dermadash.rules.scheduling import intervals_frame, next_safe_frame
from dermadash.rules.session_inputs import (
    NO_SESSION,
    Sessions,
    protocol_for,
    today_number,
    utc_now,
)
from dermadash.rules.session_rules import (
    check_in_missing,
    flag_when,
    isotretinoin,
    needle_too_long,
    redness_too_long,
    roller_shared,
    roller_worn,
    side_effect,
    stinging_too_long,
    too_many_passes,
    too_painful,
)
from dermadash.storage.profiles import ProfileSettings

FLAG_COLUMNS = list(FLAG_FRAME_COLUMNS)
EXTRA_COLUMNS = list(FLAG_FRAME_EXTRA_COLUMNS)
SEVERITY_ORDER = ("critical", "warning", "info")
SEVERITY_RANK = {severity: rank for rank, severity in enumerate(SEVERITY_ORDER)}  # 0: most severe


def _empty_flags() -> pd.DataFrame:
    frame = pd.DataFrame({column: pd.Series(dtype=object) for column in FLAG_COLUMNS})
    frame["session"] = frame["session"].astype("Int64")
    for column in EXTRA_COLUMNS:
        frame[column] = pd.Series(dtype=object)
    return frame


def _assemble(found: list[Found], data: Sessions | None) -> pd.DataFrame:
    found = [part for part in found if len(part.day)]
    if not found:
        return _empty_flags()
    rule_rank = {rule_id: position for position, rule_id in enumerate(RULE_IDS)}
    # Which part each flag comes from: what is the same for a whole part (its rule,
    # severity, source...) is looked up through it, never repeated per flag first.
    flag_part = np.repeat(np.arange(len(found)), [len(part.day) for part in found])
    day = np.concatenate([part.day for part in found]).astype("int64")
    session = np.concatenate([part.session for part in found]).astype("int64")
    severity_rank = np.array([SEVERITY_RANK[part.severity] for part in found])[flag_part]
    rule_order = np.array([rule_rank[part.spec.id] for part in found])[flag_part]
    area, areas = _area_columns(found, data)
    area_codes, _ = pd.factorize(area, sort=True, use_na_sentinel=True)
    order = sort_order((day, severity_rank, rule_order, session, area_codes))
    sorted_part = flag_part[order]

    # Object columns, not pandas' inferred string type: converting hundreds of
    # thousands of messages to Arrow strings costs more than finding the flags.
    def per_flag(values: np.ndarray) -> pd.Series:
        return pd.Series(values[order], dtype=object, copy=False)

    def per_part(values: list[str]) -> pd.Series:
        return pd.Series(np.array(values, dtype=object)[sorted_part], dtype=object, copy=False)

    sorted_session = session[order]
    return pd.DataFrame(
        {
            "rule": per_part([part.spec.id for part in found]),
            "severity": per_part([part.severity for part in found]),
            "date": day[order].astype("datetime64[D]").astype(object),
            "session": pd.arrays.IntegerArray(sorted_session, sorted_session == NO_SESSION),
            "area": per_flag(area),
            "message": per_flag(np.concatenate([part.message for part in found])),
            "advice": per_flag(np.concatenate([part.advice for part in found])),
            "source": per_part([part.spec.source for part in found]),
            "title": per_part([part.spec.title for part in found]),
            "why": per_part([part.spec.why for part in found]),
            "areas": per_flag(areas),
        },
        copy=False,  # every column is a new array already
    )


def _area_columns(found: list[Found], data: Sessions | None) -> tuple[np.ndarray, np.ndarray]:
    """Every flag's ``area`` text and ``areas`` list, in ``found``'s order: a flag about
    a session is named after its areas, joined once per session for all its flags."""
    area = np.concatenate([part.own_area() for part in found])
    areas = np.concatenate([part.area_lists(data) for part in found])
    if data is not None:
        rows = np.concatenate([part.rows_or_none() for part in found])
        about_a_session = rows != NO_SESSION
        if about_a_session.any():
            area[about_a_session] = data.area_labels(rows[about_a_session])
    return area, areas


def sort_order(keys: tuple[np.ndarray, ...]) -> np.ndarray:
    """Positions that sort by ``keys`` (the first the most significant), ties kept in
    place: ``np.lexsort`` on the reversed keys, but one stable sort of a single int64
    when the keys' ranges fit in one (they do for any real log), several times faster."""
    lows = [int(key.min()) for key in keys]
    spans = [int(key.max()) - low for key, low in zip(keys, lows, strict=True)]
    widths = [span.bit_length() for span in spans]
    if sum(widths) > 63:
        return np.lexsort(tuple(reversed(keys)))
    packed = np.zeros(len(keys[0]), dtype="int64")
    for key, low, width in zip(keys, lows, widths, strict=True):
        packed = (packed << width) | (key.astype("int64") - low)
    return np.argsort(packed, kind="stable")


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

    Columns: ``FLAG_COLUMNS`` plus ``title``, ``why`` and ``areas`` (a list of the
    areas the flag is about).
    """
    protocol = protocol_for(profile, protocol)
    data = Sessions(sessions, profile.timezone)
    with _collector_paused():
        return _evaluate(profile, data, area_rows(data, protocol), rollers, protocol, now)


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
    protocol = protocol_for(profile, protocol)
    data = Sessions(sessions, profile.timezone)
    rows = area_rows(data, protocol)
    with _collector_paused():
        flags = _evaluate(profile, data, rows, rollers, protocol, now)
    return Analysis(
        flags=flags,
        intervals=intervals_frame(data, rows),
        next_safe=next_safe_frame(profile, protocol, data, rows, now),
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
    data: Sessions,
    rows: AreaRows,
    rollers: pd.DataFrame,
    protocol: Protocol,
    now: datetime | None,
) -> pd.DataFrame:
    moment = utc_now(now)
    today = today_number(profile.timezone, moment)
    names = _roller_names(rollers)
    rule = protocol.rule
    found: list[Found] = [
        *needle_too_long(rule("needle-too-long"), data, profile.experienced),
        *ask_dermatologist(rule("ask-dermatologist"), profile, protocol, today),
        *flag_when(rule("active-acne"), data, data.is_true("active_acne")),
        *flag_when(rule("not-sterilized"), data, data.is_false("sterilized_before")),
        *flag_when(rule("not-cleaned-after"), data, data.is_false("sterilized_after")),
        *flag_when(rule("skin-not-clean"), data, data.is_false("skin_cleansed")),
        *too_many_passes(rule("too-many-passes"), data),
        *too_painful(rule("too-painful"), data),
        *stinging_too_long(rule("stinging-too-long"), data),
        *redness_too_long(rule("redness-too-long"), data),
        *side_effect(rule("side-effect"), data),
        *flag_when(rule("makeup-too-soon"), data, data.is_true("makeup_48h")),
        *flag_when(rule("sun-too-soon"), data, data.is_true("sun_24h")),
        *flag_when(rule("retinoid-too-close"), data, data.is_true("retinoid_48h")),
        *isotretinoin(rule("isotretinoin"), data, profile.isotretinoin_last_dose, today),
        *roller_worn(rule("roller-worn"), data, names),
        *roller_shared(rule("roller-shared"), data, rollers, names),
        *check_in_missing(rule("check-in-missing"), data, moment),
    ]
    if data.count:
        found += too_frequent(data, rows, protocol)
        found += rolled_on_red_skin(data, rows, protocol)
    return _assemble(found, data)


__all__ = [
    "EXTRA_COLUMNS",
    "FLAG_COLUMNS",
    "SEVERITY_ORDER",
    "SEVERITY_RANK",
    "Analysis",
    "analyse",
    "evaluate",
]
