"""Spreadsheet import: parsing (no database) and the all-or-nothing write (both databases)."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine

from dermadash.storage import queries
from dermadash.storage.db import transaction
from dermadash.storage.records import (
    RollerInput,
    SessionInput,
    add_roller,
    add_session,
    insert_session,
)
from dermadash.storage.validation import ValidationError
from dermadash.transfer import csv_import, file_import
from dermadash.transfer.import_report import ImportResult

LONDON = "Europe/London"
FULL_HEADER = (
    "date,area,needle_mm,roller,passes_vertical,passes_horizontal,passes_diagonal,"
    "sterilized_before,sterilized_after,skin_cleansed,active_acne,retinoid_48h,"
    "pinpoint_bleeding,pain,notes,redness_hours,stinging_minutes,side_effect,makeup_48h,sun_24h"
)


def csv_text(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def test_a_full_row_becomes_a_session_with_its_check_in() -> None:
    data = csv_text(
        FULL_HEADER,
        "2026-03-02 21:30,left cheek;FOREHEAD,0.5,Titanium,6,6,2,yes,TRUE,1,no,false,0,4,"
        '"Felt fine, slight tingling",12.5,15,none,no,No',
    )
    parsed = csv_import.parse_csv(data, LONDON)
    assert parsed.problems == []
    assert parsed.kind == "sessions"
    (row,) = parsed.sessions
    assert row.row == 2
    session = row.session
    assert session.started_at == datetime(2026, 3, 2, 21, 30, tzinfo=ZoneInfo(LONDON))
    assert session.normalised_areas() == ["Left cheek", "Forehead"]
    assert session.needle_mm == 0.5
    assert (session.passes_vertical, session.passes_horizontal, session.passes_diagonal) == (
        6,
        6,
        2,
    )
    assert session.sterilized_before is True
    assert session.sterilized_after is True
    assert session.skin_cleansed is True
    assert session.active_acne is False
    assert session.retinoid_48h is False
    assert session.pinpoint_bleeding is False
    assert session.pain == 4
    assert session.notes == "Felt fine, slight tingling"
    assert row.roller_name == "Titanium"
    assert row.check_in is not None
    assert row.check_in.redness_hours == 12.5
    assert row.check_in.stinging_minutes == 15
    assert row.check_in.side_effect == "none"
    assert row.check_in.makeup_48h is False
    assert row.check_in.sun_24h is False


def test_only_date_area_and_needle_are_required_and_empty_means_not_recorded() -> None:
    parsed = csv_import.parse_csv(
        csv_text("date,area,needle_mm,pain", "2026-03-02,Chin,0.25,"), LONDON
    )
    assert parsed.problems == []
    (row,) = parsed.sessions
    assert row.session.pain is None
    assert row.session.sterilized_before is None
    assert row.check_in is None
    assert row.roller_name is None


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        # A date alone means noon in the profile's time zone.
        ("2026-03-02", datetime(2026, 3, 2, 12, 0, tzinfo=ZoneInfo(LONDON))),
        ("2026-07-02", datetime(2026, 7, 2, 11, 0, tzinfo=UTC)),
        ("2026-03-02 21:30", datetime(2026, 3, 2, 21, 30, tzinfo=ZoneInfo(LONDON))),
        ("2026-03-02T21:30:15", datetime(2026, 3, 2, 21, 30, 15, tzinfo=ZoneInfo(LONDON))),
        (
            "2026-03-02T21:30:00+02:00",
            datetime(2026, 3, 2, 21, 30, tzinfo=timezone(timedelta(hours=2))),
        ),
        ("2026-03-02T21:30:00Z", datetime(2026, 3, 2, 21, 30, tzinfo=UTC)),
    ],
)
def test_dates_and_times(written: str, expected: datetime) -> None:
    parsed = csv_import.parse_csv(csv_text("date,area,needle_mm", f"{written},Chin,0.25"), LONDON)
    assert parsed.problems == []
    assert parsed.sessions[0].session.started_at == expected


def test_every_problem_is_listed_with_its_row_and_column() -> None:
    tomorrow_plus = (datetime.now(UTC) + timedelta(days=5)).date().isoformat()
    data = csv_text(
        FULL_HEADER,
        "2026-03-02,Chin,,,,,,,,,,,,,,,,,,",
        "next Tuesday,Chin,0.5,,,,,,,,,,,lots,,,,,,",
        f"{tomorrow_plus},Chin,0.5,,,,,maybe,,,,,,11,,,,rash,,",
        "2026-03-02,,9,,,,,,,,,,,,,,,,,",
        "2026-03-04,Chin,0.5,,2.5,,,,,,,,,,,,,,,",
    )
    parsed = csv_import.parse_csv(data, LONDON)
    found = {(problem.row, problem.column) for problem in parsed.problems}
    assert found == {
        (2, "needle_mm"),
        (3, "date"),
        (3, "pain"),
        (4, "date"),
        (4, "sterilized_before"),
        (4, "pain"),
        (4, "side_effect"),
        (5, "area"),
        (5, "needle_mm"),
        (6, "passes_vertical"),
    }
    messages = {(problem.row, problem.column): problem.message for problem in parsed.problems}
    assert "2026-03-02, 02/03/2026 or 02.03.2026" in messages[(3, "date")]
    assert "'lots'" in messages[(3, "pain")]
    assert "between 0 and 10" in messages[(4, "pain")]
    assert "future" in messages[(4, "date")]
    assert "yes or no" in messages[(4, "sterilized_before")]
    assert "bruising" in messages[(4, "side_effect")]
    assert "between 0.1 and 3 mm" in messages[(5, "needle_mm")]
    assert "whole number" in messages[(6, "passes_vertical")]
    assert parsed.sessions == []
    listed = file_import.parse_upload(data, LONDON).problems_csv().decode("utf-8-sig")
    assert listed.splitlines()[0] == "Row,Column,What is wrong"
    assert len(listed.splitlines()) == 1 + len(parsed.problems)


def test_problem_descriptions_read_as_sentences() -> None:
    parsed = csv_import.parse_csv(csv_text("date,area,needle_mm", "2026-03-02,Chin,x"), LONDON)
    (problem,) = parsed.problems
    assert problem.describe().startswith("Row 2, column 'needle_mm': Needle length must be")


def test_missing_columns_stop_the_file_at_the_header() -> None:
    parsed = csv_import.parse_csv(csv_text("date,needle_mm", "2026-03-02,0.5"), LONDON)
    assert [(problem.row, problem.column) for problem in parsed.problems] == [(1, "area")]
    unknown = csv_import.parse_csv(csv_text("when,what", "2026-03-02,0.5"), LONDON)
    assert unknown.kind == "unknown"
    assert "needle_mm" in unknown.problems[0].message


def test_unknown_columns_are_ignored_with_a_notice_and_extra_cells_are_a_problem() -> None:
    parsed = csv_import.parse_csv(
        csv_text(
            "date,area,needle_mm,mood", "2026-03-02,Chin,0.5,happy", "2026-03-03,Chin,0.5,ok,x"
        ),
        LONDON,
    )
    assert any("mood" in notice for notice in parsed.notices)
    assert [(problem.row, problem.column) for problem in parsed.problems] == [(3, None)]


def test_header_only_is_a_problem() -> None:
    parsed = csv_import.parse_csv(csv_text("date,area,needle_mm"), LONDON)
    assert "no rows" in parsed.problems[0].message


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1"]
)
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_encodings_and_delimiters(encoding: str, delimiter: str) -> None:
    lines = [
        delimiter.join(["date", "area", "needle_mm", "notes"]),
        delimiter.join(
            ["2026-03-02", "Mâchoire", "0,5" if delimiter != "," else "0.5", "Très bien"]
        ),
    ]
    parsed = csv_import.parse_csv("\r\n".join(lines).encode(encoding), LONDON)
    assert parsed.problems == []
    (row,) = parsed.sessions
    assert row.session.areas == ["Mâchoire"]
    assert row.session.needle_mm == 0.5
    assert row.session.notes == "Très bien"


def test_formula_guard_apostrophes_are_removed_but_other_apostrophes_stay() -> None:
    parsed = csv_import.parse_csv(
        csv_text(
            "date,area,needle_mm,notes", "2026-03-02,Chin,0.5,'=1+1", "2026-03-03,Chin,0.5,'quoted'"
        ),
        LONDON,
    )
    assert [row.session.notes for row in parsed.sessions] == ["=1+1", "'quoted'"]


def test_scar_ratings_file() -> None:
    parsed = csv_import.parse_csv(
        csv_text(
            "date,area,severity,notes", "2026-03-02,left cheek,6,", "2026-03-16,Left cheek,5,better"
        ),
        LONDON,
    )
    assert parsed.kind == "ratings"
    assert parsed.problems == []
    assert [(row.rating.area, row.rating.severity) for row in parsed.ratings] == [
        ("Left cheek", 6),
        ("Left cheek", 5),
    ]
    bad = csv_import.parse_csv(
        csv_text("date,area,severity", "2026-03-02,Chin;Nose,6", "2026-03-02,Chin,6.5", "x,Chin,"),
        LONDON,
    )
    assert {(problem.row, problem.column) for problem in bad.problems} == {
        (2, "area"),
        (3, "severity"),
        (4, "date"),
        (4, "severity"),
    }


# --- writing (real databases) ---------------------------------------------------------


def sessions_file(count: int, start: datetime = datetime(2026, 1, 5, 21, 0)) -> bytes:
    lines = ["date,area,needle_mm,roller,pain,redness_hours"]
    for index in range(count):
        moment = (start + timedelta(days=7 * index)).isoformat(sep=" ", timespec="minutes")
        lines.append(f"{moment},Left cheek;Right cheek,0.5,My roller,3,{index % 20}")
    return csv_text(*lines)


def test_import_writes_sessions_check_ins_and_a_new_roller(engine: Engine, profile_id: int) -> None:
    parsed = file_import.parse_upload(sessions_file(5), LONDON)
    plan = file_import.plan_import(engine, profile_id, parsed)
    assert (plan.new, plan.already_there, plan.rollers_to_create) == (5, 0, ["My roller"])
    assert queries.session_count(engine, profile_id) == 0  # planning wrote nothing
    result = file_import.apply_import(engine, profile_id, parsed)
    assert (result.new, result.already_there, result.rollers_created) == (5, 0, ["My roller"])
    sessions = queries.sessions_frame(engine, profile_id)
    assert len(sessions) == 5
    assert sessions["has_check_in"].all()
    assert sessions["areas"].iloc[0] == ["Left cheek", "Right cheek"]
    rollers = queries.rollers_frame(engine, profile_id)
    assert rollers["name"].tolist() == ["My roller"]
    assert rollers["needle_mm"].tolist() == [0.5]
    assert rollers["sessions_used"].tolist() == [5]


def test_reimporting_the_same_file_adds_nothing(engine: Engine, profile_id: int) -> None:
    file_import.apply_import(engine, profile_id, file_import.parse_upload(sessions_file(4), LONDON))
    again = file_import.parse_upload(sessions_file(6), LONDON)
    assert (
        file_import.plan_import(engine, profile_id, again).describe() == "2 new, 4 already there."
    )
    result = file_import.apply_import(engine, profile_id, again)
    assert (result.new, result.already_there) == (2, 4)
    assert result.describe() == "2 new sessions, 4 already there."
    assert queries.session_count(engine, profile_id) == 6
    assert len(queries.rollers_frame(engine, profile_id)) == 1


def test_a_session_logged_by_hand_counts_as_already_there(engine: Engine, profile_id: int) -> None:
    add_session(
        engine,
        profile_id,
        SessionInput(
            started_at=datetime(2026, 1, 5, 21, 0, tzinfo=ZoneInfo(LONDON)),
            areas=["Right cheek", "Left cheek"],
            needle_mm=0.5,
        ),
    )
    result = file_import.apply_import(
        engine, profile_id, file_import.parse_upload(sessions_file(2), LONDON)
    )
    assert (result.new, result.already_there) == (1, 1)


def test_duplicate_rows_in_one_file_are_written_once(engine: Engine, profile_id: int) -> None:
    data = csv_text("date,area,needle_mm", "2026-03-02 21:00,Chin,0.5", "2026-03-02 21:00,chin,0.5")
    result = file_import.apply_import(engine, profile_id, file_import.parse_upload(data, LONDON))
    assert (result.new, result.already_there) == (1, 1)


def test_an_existing_roller_is_matched_by_name(engine: Engine, profile_id: int) -> None:
    roller_id = add_roller(engine, profile_id, RollerInput("my ROLLER", 0.25))
    result = file_import.apply_import(
        engine, profile_id, file_import.parse_upload(sessions_file(2), LONDON)
    )
    assert result.rollers_created == []
    sessions = queries.sessions_frame(engine, profile_id)
    assert sessions["roller_id"].tolist() == [roller_id, roller_id]
    assert sessions["needle_mm"].tolist() == [0.5, 0.5]  # the row's needle, not the roller's


def test_ratings_import_and_reimport(engine: Engine, profile_id: int) -> None:
    data = csv_text("date,area,severity,notes", "2026-03-02,Chin,6,", "2026-03-16,Chin,5,better")
    first = file_import.apply_import(engine, profile_id, file_import.parse_upload(data, LONDON))
    second = file_import.apply_import(engine, profile_id, file_import.parse_upload(data, LONDON))
    assert (first.new, second.new, second.already_there) == (2, 0, 2)
    assert first.describe() == "2 new scar ratings, 0 already there."
    assert queries.scar_ratings_frame(engine, profile_id)["severity"].tolist() == [6, 5]


def test_a_file_with_problems_writes_nothing(engine: Engine, profile_id: int) -> None:
    data = csv_text("date,area,needle_mm", "2026-03-02,Chin,0.5", "2026-03-03,Chin,nine")
    parsed = file_import.parse_upload(data, LONDON)
    assert not parsed.ok
    with pytest.raises(ValidationError):
        file_import.apply_import(engine, profile_id, parsed)
    assert queries.session_count(engine, profile_id) == 0


def test_a_failure_half_way_leaves_nothing_behind(engine: Engine, profile_id: int) -> None:
    parsed = csv_import.parse_csv(sessions_file(6), LONDON)
    # Slip a bad row past parsing: the write fails at row 4, after rows 1-3 were added.
    broken = replace(parsed.sessions[3], session=replace(parsed.sessions[3].session, pain=99))
    parsed.sessions[3] = broken
    with pytest.raises(ValidationError):
        csv_import.write_csv_import(engine, profile_id, parsed)
    assert queries.session_count(engine, profile_id) == 0
    assert queries.rollers_frame(engine, profile_id).empty


def test_progress_is_reported_up_to_the_total(engine: Engine, profile_id: int) -> None:
    seen: list[tuple[int, int]] = []
    file_import.apply_import(
        engine,
        profile_id,
        file_import.parse_upload(sessions_file(250, datetime(2020, 1, 6, 21, 0)), LONDON),
        progress=lambda done, total: seen.append((done, total)),
    )
    assert seen[-1] == (250, 250)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert 50 <= len(seen) <= 260


def test_an_import_racing_another_writer_of_the_same_rows_skips_them(
    engine: Engine, profile_id: int
) -> None:
    parsed = csv_import.parse_csv(sessions_file(3), LONDON)
    outcome: list[object] = []
    with transaction(engine) as session:
        # Another writer adds the first row's session and has not committed yet.
        insert_session(session, profile_id, parsed.sessions[0].session)
        racer = threading.Thread(
            target=lambda: outcome.append(csv_import.write_csv_import(engine, profile_id, parsed))
        )
        racer.start()
        time.sleep(1.0)  # the racer now waits on the lock (SQLite) or the unique key (PostgreSQL)
    racer.join(timeout=60)
    (result,) = outcome
    assert isinstance(result, ImportResult)
    assert (result.new, result.already_there) == (2, 1)
    assert queries.session_count(engine, profile_id) == 3
