"""CSV export: the import format, exact round trips, formula injection neutralised."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine

from dermadash import columns
from dermadash.storage import queries
from dermadash.storage.profiles import ProfileSettings, create_profile
from dermadash.storage.records import ScarRatingInput, add_scar_rating
from dermadash.transfer import csv_export, file_import, spreadsheet
from tests.data_helpers import fill_everything

HOSTILE = [
    "=cmd|' /C calc'!A0",
    "+1+2",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1",
    "\r=1",
    "'=already guarded",
    '=HYPERLINK("http://evil.example","click")',
]
COMPARED = [
    "started_at",
    "roller_name",
    "needle_mm",
    "passes_vertical",
    "passes_horizontal",
    "passes_diagonal",
    "sterilized_before",
    "sterilized_after",
    "skin_cleansed",
    "active_acne",
    "retinoid_48h",
    "pinpoint_bleeding",
    "pain",
    "mask_applied",
    "notes",
    "areas",
    "has_check_in",
    "redness_hours",
    "stinging_minutes",
    "peeling",
    "side_effect",
    "makeup_48h",
    "sun_24h",
    "check_in_notes",
]


def read_csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_guard_cell_examples() -> None:
    assert spreadsheet.guard_cell("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0"
    assert spreadsheet.guard_cell("@SUM(A1)") == "'@SUM(A1)"
    assert spreadsheet.guard_cell("-2+3") == "'-2+3"
    assert spreadsheet.guard_cell("\t=1") == "'\t=1"
    assert spreadsheet.guard_cell("'=x") == "''=x"
    # Plain numbers are not formulas: left alone.
    assert spreadsheet.guard_cell("-1") == "-1"
    assert spreadsheet.guard_cell("+0.5") == "+0.5"
    assert spreadsheet.guard_cell("Left cheek") == "Left cheek"
    assert spreadsheet.guard_cell("'quoted'") == "'quoted'"


@given(st.text())
def test_guard_and_unguard_round_trip_any_text(text: str) -> None:
    guarded = spreadsheet.guard_cell(text)
    assert spreadsheet.unguard_cell(guarded) == text
    if guarded.startswith(spreadsheet.FORMULA_STARTS):
        assert spreadsheet._PLAIN_NUMBER.fullmatch(guarded)


def test_numbers_are_written_as_numbers() -> None:
    assert csv_export.cell(-1) == "-1"
    assert csv_export.cell(0.25) == "0.25"
    assert csv_export.cell(6.0) == "6"
    assert csv_export.cell(True) == "yes"
    assert csv_export.cell(None) == ""
    assert csv_export.cell(pd.NA) == ""


def test_sessions_export_round_trips_through_import(engine: Engine, profile_id: int) -> None:
    fill_everything(engine, profile_id)
    data = csv_export.sessions_csv(engine, profile_id)
    header = read_csv(data)[0].keys()
    assert list(header) == [
        *columns.SPREADSHEET_SESSION_COLUMNS,
        *columns.SPREADSHEET_SESSION_EXTRA_COLUMNS,
    ]
    target = create_profile(engine, ProfileSettings(display_name="Copy", timezone="Asia/Tokyo"))
    parsed = file_import.parse_upload(data, "Asia/Tokyo")
    assert parsed.ok, [problem.describe() for problem in parsed.problems]
    file_import.apply_import(engine, target, parsed)
    before = queries.sessions_frame(engine, profile_id)[COMPARED]
    after = queries.sessions_frame(engine, target)[COMPARED]
    pd.testing.assert_frame_equal(before.reset_index(drop=True), after.reset_index(drop=True))
    # And the export of the copy is the same file (times are written in each profile's zone).
    again = file_import.parse_upload(csv_export.sessions_csv(engine, target), "Asia/Tokyo")
    assert file_import.plan_import(engine, profile_id, again).new == 0


def test_ratings_export_round_trips_through_import(engine: Engine, profile_id: int) -> None:
    fill_everything(engine, profile_id)
    add_scar_rating(engine, profile_id, ScarRatingInput(date(2026, 3, 2), "Nose", 3, "=2+2"))
    data = csv_export.ratings_csv(engine, profile_id)
    assert read_csv(data)[-1] == {
        "date": "2026-03-02",
        "area": "Nose",
        "severity": "3",
        "notes": "'=2+2",
    }
    target = create_profile(engine, ProfileSettings(display_name="Copy"))
    file_import.apply_import(engine, target, file_import.parse_upload(data, "UTC"))
    columns = ["rated_on", "area", "severity", "notes"]
    pd.testing.assert_frame_equal(
        queries.scar_ratings_frame(engine, profile_id)[columns],
        queries.scar_ratings_frame(engine, target)[columns],
    )


def test_hostile_text_is_neutralised_in_the_file_and_restored_on_import(
    engine: Engine, profile_id: int
) -> None:
    lines = ["date,area,needle_mm,roller,notes"]
    for index, text in enumerate(HOSTILE):
        guarded = '"' + spreadsheet.guard_cell(text).replace('"', '""') + '"'
        lines.append(f"2026-01-{index + 1:02d} 21:00,{guarded},0.5,{guarded},{guarded}")
    parsed = file_import.parse_upload("\n".join(lines).encode(), "UTC")
    assert parsed.ok, [problem.describe() for problem in parsed.problems]
    file_import.apply_import(engine, profile_id, parsed)
    exported = read_csv(csv_export.sessions_csv(engine, profile_id))
    for row in exported:
        for column in ("area", "roller", "notes"):
            value = row[column]
            assert not value.startswith(spreadsheet.FORMULA_STARTS), (column, value)
    notes = queries.sessions_frame(engine, profile_id)["notes"].tolist()
    assert notes == [text.strip() for text in HOSTILE]
    assert [row["notes"] for row in exported] == [
        spreadsheet.guard_cell(text.strip()) for text in HOSTILE
    ]


def test_flags_export_from_a_flags_frame() -> None:
    flags = pd.DataFrame(
        {
            "rule": ["not-sterilized", "check-in-missing"],
            "severity": ["critical", "info"],
            "date": [date(2026, 3, 2), date(2026, 3, 9)],
            "session": pd.array([12, None], dtype="Int64"),
            "area": ["Left cheek", None],
            "message": ["=The roller was not sterilized", "No check-in yet"],
            "advice": ["Sterilize it first.", "Add how your skin reacted."],
            "source": ["guide 001, step 2", "dermadash"],
            "why": ["extra column, not exported", ""],
        }
    )
    rows = read_csv(csv_export.flags_csv(flags))
    assert list(rows[0]) == list(columns.SPREADSHEET_FLAG_COLUMNS)
    assert rows[0]["date"] == "2026-03-02"
    assert rows[0]["session"] == "12"
    assert rows[0]["message"] == "'=The roller was not sterilized"
    assert rows[1]["session"] == ""
    assert rows[1]["area"] == ""
    empty = read_csv(
        csv_export.flags_csv(pd.DataFrame(columns=list(columns.SPREADSHEET_FLAG_COLUMNS)))
    )
    assert empty == []


def test_everything_zip(engine: Engine, profile_id: int) -> None:
    fill_everything(engine, profile_id)
    data = csv_export.everything_zip(engine, profile_id, flags=None)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sorted(archive.namelist()) == ["backup.json", "scar_ratings.csv", "sessions.csv"]
        assert file_import.parse_upload(archive.read("backup.json"), "UTC").ok
