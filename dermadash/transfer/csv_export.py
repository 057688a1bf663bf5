"""Exporting a profile's records as CSV files a spreadsheet opens safely.

The sessions and scar-ratings files use the import format (``dermadash.transfer.spreadsheet``),
so exporting and importing them again gives the same entries. Text that a spreadsheet
could run as a formula gets a leading apostrophe; numbers are written as numbers.
Files are UTF-8 with a byte-order mark, which Excel needs to show accents right.
"""

from __future__ import annotations

import csv
import importlib
import io
import math
import os
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import Engine

from dermadash import columns
from dermadash.storage import queries
from dermadash.storage.profiles import load_profile
from dermadash.transfer import backup, spreadsheet

ENCODING = "utf-8-sig"
EXPORT_KINDS = ("sessions", "ratings", "flags")
ZIP_NAMES = {
    "sessions": "sessions.csv",
    "ratings": "scar_ratings.csv",
    "flags": "flags.csv",
    "backup": "backup.json",
}


def cell(value: Any) -> str:
    """One value as CSV text: empty when not recorded, yes/no, exact numbers, safe text."""
    if value is None or (not isinstance(value, str | list) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return spreadsheet.format_flag(value)
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return ""
        return spreadsheet.format_number(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return spreadsheet.guard_cell(str(value))


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return buffer.getvalue().encode(ENCODING)


def _native(value: Any) -> Any:
    """pandas' NA and numpy scalars as plain Python values."""
    if value is None or (not isinstance(value, list | str) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def sessions_rows(frame: pd.DataFrame, timezone: str) -> list[list[Any]]:
    """``queries.sessions_frame`` rows in the import format's column order."""
    zone = ZoneInfo(timezone)
    rows = []
    for record in frame.to_dict("records"):
        values = {name: _native(value) for name, value in record.items()}
        started = record["started_at"].to_pydatetime().astimezone(zone)
        row = {
            **values,
            "date": started.isoformat(),
            "area": f"{spreadsheet.AREA_SEPARATOR} ".join(record["areas"]),
            "roller": values["roller_name"],
        }
        rows.append([row.get(name) for name in session_header()])
    return rows


def session_header() -> tuple[str, ...]:
    return columns.SPREADSHEET_SESSION_COLUMNS + columns.SPREADSHEET_SESSION_EXTRA_COLUMNS


def sessions_csv(engine: Engine, profile_id: int) -> bytes:
    """Every session with its check-in, one row each, in the import format."""
    timezone = load_profile(engine, profile_id).timezone
    frame = queries.sessions_frame(engine, profile_id)
    return csv_bytes(session_header(), sessions_rows(frame, timezone))


def ratings_csv(engine: Engine, profile_id: int) -> bytes:
    """Every scar rating in the import format: date, area, severity, notes."""
    frame = queries.scar_ratings_frame(engine, profile_id)
    rows = [
        [record["rated_on"], record["area"], _native(record["severity"]), _native(record["notes"])]
        for record in frame.to_dict("records")
    ]
    return csv_bytes(columns.SPREADSHEET_RATING_COLUMNS, rows)


def flags_csv(flags: pd.DataFrame) -> bytes:
    """The safety flags (``rules.evaluate`` output) as a CSV file."""
    rows = [
        [_native(record.get(name)) for name in columns.SPREADSHEET_FLAG_COLUMNS]
        for record in flags.to_dict("records")
    ]
    return csv_bytes(columns.SPREADSHEET_FLAG_COLUMNS, rows)


def everything_zip(engine: Engine, profile_id: int, flags: pd.DataFrame | None) -> bytes:
    """A zip with sessions.csv, scar_ratings.csv, flags.csv (when given) and backup.json."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(ZIP_NAMES["sessions"], sessions_csv(engine, profile_id))
        archive.writestr(ZIP_NAMES["ratings"], ratings_csv(engine, profile_id))
        if flags is not None:
            archive.writestr(ZIP_NAMES["flags"], flags_csv(flags))
        archive.writestr(ZIP_NAMES["backup"], backup.backup_json(engine, profile_id))
    return buffer.getvalue()


def export_filename(kind: str, today: date) -> str:
    names = {"sessions": "sessions", "ratings": "scar-ratings", "flags": "flags"}
    return f"dermadash-{names[kind]}-{today.isoformat()}.csv"


def compute_flags(engine: Engine, profile_id: int) -> pd.DataFrame | None:
    """The profile's safety flags from the rule engine, or None where it is not installed."""
    try:
        rules = importlib.import_module("dermadash.rules.evaluation")
    except ModuleNotFoundError:
        return None
    profile = load_profile(engine, profile_id)
    flags: pd.DataFrame = rules.evaluate(
        profile,
        queries.sessions_frame(engine, profile_id),
        queries.rollers_frame(engine, profile_id),
    )
    return flags


def write_atomically(path: Path, data: bytes) -> None:
    """Write a file whole or not at all: a half-written export never replaces a good one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.part")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def sessions_template() -> bytes:
    """An example sessions spreadsheet: the header, one full row and one minimal row."""
    full = {
        "date": "2026-03-02 21:30",
        "area": "Left cheek; Right cheek",
        "needle_mm": 0.5,
        "roller": "Titanium roller",
        "passes_vertical": 6,
        "passes_horizontal": 6,
        "passes_diagonal": 2,
        "sterilized_before": True,
        "sterilized_after": True,
        "skin_cleansed": True,
        "active_acne": False,
        "retinoid_48h": False,
        "pinpoint_bleeding": True,
        "pain": 4,
        "notes": "Felt fine",
        "redness_hours": 12,
        "stinging_minutes": 15,
        "side_effect": "none",
        "makeup_48h": False,
        "sun_24h": False,
    }
    minimal = {"date": "2026-03-09", "area": "Forehead", "needle_mm": 0.25}
    rows = [
        [row.get(name) for name in columns.SPREADSHEET_SESSION_COLUMNS] for row in (full, minimal)
    ]
    return csv_bytes(columns.SPREADSHEET_SESSION_COLUMNS, rows)
