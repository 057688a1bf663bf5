"""Reading the dates spreadsheet programs write: ISO, day-first or month-first.

``2026-03-02``, ``02/03/2026 21:30``, ``02.03.2026``, ``3/2/2026 9:30 PM``: the
separator may be ``/``, ``.`` or ``-``, and a time (24-hour, or 12-hour with AM/PM) may
follow. Whether ``02/03/2026`` is 2 March or 3 February is decided once per file, from
its data (a first number above 12 means day-first, a second number above 12
month-first); when no date tells, the person chooses. Two-digit years are refused:
``03/04/05`` could be any of three dates.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time

DATE_ORDERS = ("dmy", "mdy", "ymd")
DATE_ORDER_LABELS = {
    "dmy": "day first (02/03/2026 is 2 March)",
    "mdy": "month first (02/03/2026 is 3 February)",
    "ymd": "year first (2026-03-02)",
}
_NUMERIC = re.compile(
    r"(?P<a>\d{1,4})(?P<sep>[/.\-])(?P<b>\d{1,2})(?P=sep)(?P<c>\d{1,4})\.?"
    r"(?:(?:\s+|T|,\s*)(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?:[:.](?P<second>\d{2}))?"
    r"\s*(?P<half>[AaPp]\.?[Mm]\.?)?)?"
)


class DateFormatError(ValueError):
    """A date cell that cannot be read; the message says how to write it."""


@dataclass(frozen=True)
class _Parts:
    first: int
    second: int
    third: int
    year_first: bool
    clock: time | None


def _clock(match: re.Match[str]) -> time | None:
    if match["hour"] is None:
        return None
    hour, minute = int(match["hour"]), int(match["minute"])
    second = int(match["second"] or 0)
    half = (match["half"] or "").replace(".", "").lower()
    if half:
        if not 1 <= hour <= 12:
            raise DateFormatError("With AM or PM the hour must be between 1 and 12.")
        hour = hour % 12 + (12 if half == "pm" else 0)
    try:
        return time(hour, minute, second)
    except ValueError:
        raise DateFormatError("The time is not a time of day.") from None


def _parts(text: str) -> _Parts | None:
    match = _NUMERIC.fullmatch(text.strip())
    if match is None:
        return None
    a, b, c = match["a"], match["b"], match["c"]
    if len(a) == 4:
        if len(c) > 2:
            return None
        return _Parts(int(a), int(b), int(c), True, _clock(match))
    if len(c) != 4 or len(a) > 2:
        raise DateFormatError(
            "Write the year with four digits (a two-digit year such as '26' could be "
            "more than one date)."
        )
    return _Parts(int(a), int(b), int(c), False, _clock(match))


def order_evidence(texts: Iterable[str]) -> tuple[set[str], bool]:
    """The orders the dates' own numbers prove, and whether any date needs an order."""
    proven: set[str] = set()
    undecided = False
    for text in texts:
        try:
            parts = _parts(text)
        except DateFormatError:
            continue
        if parts is None or parts.year_first:
            continue
        if parts.first > 12:
            proven.add("dmy")
        elif parts.second > 12:
            proven.add("mdy")
        elif parts.first != parts.second:
            undecided = True
    return proven, undecided


AMBIGUOUS = (
    "The dates in this file could be day-first (02/03/2026 as 2 March) or month-first "
    "(3 February), and no date settles it. Choose the order: on the command line with "
    "import FILE --dates dmy (or --dates mdy), on the Your data page in the preview."
)
MIXED = (
    "Some dates in this file are day-first and others month-first (a first number and, "
    "elsewhere, a second number above 12). Write them all the same way, or choose the "
    "order: import FILE --dates dmy|mdy on the command line, or in the preview on the "
    "Your data page."
)


def decide_order(texts: Iterable[str], chosen: str | None) -> tuple[str | None, str | None]:
    """The date order for a file and, when it cannot be decided, the message why."""
    if chosen is not None:
        return chosen, None
    proven, undecided = order_evidence(texts)
    if len(proven) > 1:
        return None, MIXED
    if proven:
        return proven.pop(), None
    return (None, AMBIGUOUS) if undecided else ("dmy", None)


def parse_date_text(text: str, order: str) -> tuple[date, time | None] | None:
    """The day and time (None when the cell has no time) of a day/month date.

    None means the text is not in this numeric form (the caller tries ISO next);
    DateFormatError means it is, but it is wrong.
    """
    parts = _parts(text)
    if parts is None:
        return None
    if parts.year_first:
        year, month, day = parts.first, parts.second, parts.third
    elif order == "mdy":
        month, day, year = parts.first, parts.second, parts.third
    elif order == "ymd":
        raise DateFormatError("This date does not start with its year, as --dates ymd says.")
    else:
        day, month, year = parts.first, parts.second, parts.third
    try:
        return date(year, month, day), parts.clock
    except ValueError:
        raise DateFormatError("This day does not exist in the calendar.") from None
