"""The one schema of sessions, check-ins, rollers, scar ratings and flags.

Each record is a tuple of :class:`Column` in the order its frame has (the frames
``storage.queries`` returns and the rule engine's flags). Every other list (the fields
an input copies onto its model, the spreadsheet format's header, the pandas types of a
frame) is derived here from those tuples, under a name that says which list it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import pandas as pd

Source = Literal["session", "check_in", "roller", "rating", ""]

MOMENT = "datetime64[us, UTC]"  # what pd.to_datetime(..., utc=True) gives datetimes (pandas 3)
BOOLEAN = "boolean"
INTEGER = "Int64"


@dataclass(frozen=True)
class Column:
    """One column: its frame name and pandas type, where it is stored, and its spreadsheet place.

    ``source`` is the model the value is read from ("" when the query computes it);
    ``attribute`` the model's name for it when that differs; ``entered`` whether the
    person enters it (the input's field that ``storage.records`` copies onto the model).
    ``sheet`` is its name in the spreadsheet format ("" when not there), ``sheet_place``
    its place in the header, ``required`` whether a row needs it, ``extra`` whether it
    is one of the columns after the import template's that make a round trip lossless.
    """

    name: str
    dtype: str
    source: Source = ""
    attribute: str = ""
    entered: bool = False
    sheet: str = ""
    sheet_place: int = 0
    required: bool = False
    extra: bool = False

    @property
    def model_attribute(self) -> str:
        return self.attribute or self.name


def _session(name: str, dtype: str, place: int = 0, *, extra: bool = False) -> Column:
    return Column(
        name,
        dtype,
        "session",
        entered=True,
        sheet=name if place else "",
        sheet_place=place,
        extra=extra,
    )


def _check_in(name: str, dtype: str, place: int, *, extra: bool = False) -> Column:
    return Column(name, dtype, "check_in", entered=True, sheet=name, sheet_place=place, extra=extra)


SESSION: tuple[Column, ...] = (
    Column("session_id", "int64"),
    Column(
        "started_at", MOMENT, "session", entered=True, sheet="date", sheet_place=1, required=True
    ),
    _session("roller_id", INTEGER),
    Column("roller_name", "object", sheet="roller", sheet_place=4),
    Column(
        "needle_mm",
        "float64",
        "session",
        entered=True,
        sheet="needle_mm",
        sheet_place=3,
        required=True,
    ),
    _session("passes_vertical", INTEGER, 5),
    _session("passes_horizontal", INTEGER, 6),
    _session("passes_diagonal", INTEGER, 7),
    _session("sterilized_before", BOOLEAN, 8),
    _session("sterilized_after", BOOLEAN, 9),
    _session("skin_cleansed", BOOLEAN, 10),
    _session("active_acne", BOOLEAN, 11),
    _session("retinoid_48h", BOOLEAN, 12),
    _session("pinpoint_bleeding", BOOLEAN, 13),
    _session("pain", INTEGER, 14),
    _session("mask_applied", BOOLEAN, 21, extra=True),
    _session("notes", "object", 15),
    Column("is_demo", "bool", "session"),
    Column("has_check_in", "bool"),
    _check_in("redness_hours", "Float64", 16),
    _check_in("stinging_minutes", "Float64", 17),
    _check_in("peeling", BOOLEAN, 22, extra=True),
    _check_in("side_effect", "object", 18),
    _check_in("makeup_48h", BOOLEAN, 19),
    _check_in("sun_24h", BOOLEAN, 20),
    Column(
        "check_in_notes",
        "object",
        "check_in",
        attribute="notes",
        entered=True,
        sheet="check_in_notes",
        sheet_place=23,
        extra=True,
    ),
    Column("areas", "object", sheet="area", sheet_place=2, required=True),
)
"""A session with its check-in and areas, as ``queries.sessions_frame`` returns it."""

ROLLER: tuple[Column, ...] = (
    Column("roller_id", "int64"),
    Column("name", "object", "roller", entered=True),
    Column("needle_mm", "float64", "roller", entered=True),
    Column("needle_count", INTEGER, "roller", entered=True),
    Column("first_used", "object", "roller", entered=True),
    Column("retired_on", "object", "roller", entered=True),
    Column("shared", "bool", "roller", entered=True),
    Column("is_demo", "bool", "roller"),
    Column("sessions_used", "int64"),
)
"""A roller and how many sessions used it, as ``queries.rollers_frame`` returns it."""

RATING: tuple[Column, ...] = (
    Column("rating_id", "int64"),
    Column(
        "rated_on", "object", "rating", entered=True, sheet="date", sheet_place=1, required=True
    ),
    Column("area", "object", "rating", entered=True, sheet="area", sheet_place=2, required=True),
    Column(
        "severity", "int64", "rating", entered=True, sheet="severity", sheet_place=3, required=True
    ),
    Column("notes", "object", "rating", entered=True, sheet="notes", sheet_place=4),
    Column("is_demo", "bool", "rating"),
)
"""A scar rating, as ``queries.scar_ratings_frame`` returns it."""


def _flag(name: str, dtype: str = "object", place: int = 0) -> Column:
    return Column(name, dtype, sheet=name if place else "", sheet_place=place)


FLAG: tuple[Column, ...] = (
    _flag("rule", place=1),
    _flag("severity", place=2),
    _flag("date", place=3),
    _flag("session", INTEGER, 4),
    _flag("area", place=5),
    _flag("message", place=6),
    _flag("advice", place=7),
    _flag("source", place=8),
    _flag("title"),
    _flag("why"),
    _flag("areas"),
)
"""A safety flag, as the rule engine returns it (``rules.evaluate``)."""


def names(columns: Iterable[Column]) -> tuple[str, ...]:
    return tuple(column.name for column in columns)


def in_spreadsheet(columns: Iterable[Column], *, extra: bool | None = None) -> tuple[Column, ...]:
    """The columns in the spreadsheet format in header order (only extras, or none, if asked)."""
    chosen = [c for c in columns if c.sheet and (extra is None or c.extra == extra)]
    return tuple(sorted(chosen, key=lambda column: column.sheet_place))


def sheet_names(columns: Iterable[Column]) -> tuple[str, ...]:
    return tuple(column.sheet for column in columns)


def input_fields(columns: Iterable[Column], source: Source) -> tuple[str, ...]:
    """The model attributes the person enters, copied from the input onto the model."""
    return tuple(c.model_attribute for c in columns if c.source == source and c.entered)


def typed(frame: pd.DataFrame, columns: Iterable[Column]) -> pd.DataFrame:
    """``frame`` with each column given its schema's pandas type (in place)."""
    for column in columns:
        if column.dtype == MOMENT:
            frame[column.name] = pd.to_datetime(frame[column.name], utc=True)
        else:
            frame[column.name] = frame[column.name].astype(pd.api.types.pandas_dtype(column.dtype))
    return frame


SESSION_FRAME_COLUMNS = names(SESSION)
ROLLER_FRAME_COLUMNS = names(ROLLER)
FLAG_FRAME_COLUMNS = names(column for column in FLAG if column.sheet)
"""The flag columns every consumer relies on (``FLAG_FRAME_EXTRA_COLUMNS`` come after)."""
FLAG_FRAME_EXTRA_COLUMNS = names(column for column in FLAG if not column.sheet)

SESSION_INPUT_FIELDS = input_fields(SESSION, "session")
SESSION_COUNT_FIELDS = tuple(
    c.name for c in SESSION if c.source == "session" and c.dtype == INTEGER and c.sheet
)
"""The whole numbers a person enters for a session: passes per direction and pain."""
CHECK_IN_INPUT_FIELDS = input_fields(SESSION, "check_in")
ROLLER_INPUT_FIELDS = input_fields(ROLLER, "roller")

SPREADSHEET_SESSION_COLUMNS = sheet_names(in_spreadsheet(SESSION, extra=False))
"""The import template's session header."""
SPREADSHEET_SESSION_EXTRA_COLUMNS = sheet_names(in_spreadsheet(SESSION, extra=True))
SPREADSHEET_SESSION_REQUIRED = sheet_names(c for c in in_spreadsheet(SESSION) if c.required)
SPREADSHEET_SESSION_NUMBERS = sheet_names(
    c for c in in_spreadsheet(SESSION) if c.dtype in ("float64", "Float64", INTEGER)
)
SPREADSHEET_SESSION_FLAGS = sheet_names(
    c for c in in_spreadsheet(SESSION) if c.dtype == BOOLEAN and c.source == "session"
)
SPREADSHEET_CHECK_IN_FLAGS = sheet_names(
    c for c in in_spreadsheet(SESSION) if c.dtype == BOOLEAN and c.source == "check_in"
)
SPREADSHEET_CHECK_IN_COLUMNS = sheet_names(
    c for c in in_spreadsheet(SESSION) if c.source == "check_in"
)
SPREADSHEET_RATING_COLUMNS = sheet_names(in_spreadsheet(RATING))
SPREADSHEET_RATING_REQUIRED = sheet_names(c for c in in_spreadsheet(RATING) if c.required)
SPREADSHEET_FLAG_COLUMNS = sheet_names(in_spreadsheet(FLAG))
