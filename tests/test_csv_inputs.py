"""The spreadsheets people really have: header spellings, dates, encodings, wide files."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from dermadash.transfer import csv_import, file_import
from tests.test_cli_data import sessions_in
from tests.test_cli_foundation import run_cli

BERLIN = "Europe/Berlin"


def parse(text: str, **choices: str) -> csv_import.ParsedCsv:
    return csv_import.parse_csv(text.encode("utf-8"), BERLIN, **choices)


def messages(parsed: csv_import.ParsedCsv) -> list[str]:
    return [problem.message for problem in parsed.problems]


def test_header_names_match_whatever_their_case_and_spacing() -> None:
    parsed = parse("Date, AREA ,Needle mm,Sterilized-Before\n2026-03-02,Chin,0.5,no\n")
    assert parsed.problems == []
    assert parsed.sessions[0].session.needle_mm == 0.5
    assert parsed.sessions[0].session.sterilized_before is False


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("sterilised_before", "sterilized_before"),
        ("Sterilised After", "sterilized_after"),
        ("sterilzed_before", "sterilized_before"),
        ("skin_cleaned", "skin_cleansed"),
        ("redness_hour", "redness_hours"),
        ("note", "notes"),
    ],
)
def test_a_near_miss_of_a_known_column_is_refused_with_its_likely_name(
    written: str, meant: str
) -> None:
    parsed = parse(f"date,area,needle_mm,{written}\n2026-03-02,Chin,0.5,yes\n")
    shown = written.lower().replace(" ", "_")
    assert f"Column '{shown}' is not known: did you mean '{meant}'?" in messages(parsed)
    assert parsed.sessions == []


def test_an_unrelated_column_is_still_ignored_with_a_note() -> None:
    parsed = parse("date,area,needle_mm,time,mood\n2026-03-02,Chin,0.5,21:00,good\n")
    assert parsed.problems == []
    assert parsed.notices == ["These columns are not used and will be ignored: time, mood."]


def moments(parsed: csv_import.ParsedCsv) -> list[datetime]:
    assert parsed.problems == [], messages(parsed)
    return [row.session.started_at for row in parsed.sessions]


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=ZoneInfo(BERLIN))  # type: ignore[arg-type, misc]  # parts never reach tzinfo


def test_day_first_dates_with_any_separator_and_time_are_read() -> None:
    parsed = parse(
        "date,area,needle_mm\n"
        "02/03/2026 21:30,Chin,0.5\n"
        "09.03.2026,Chin,0.5\n"
        "16-03-2026 9:30 PM,Chin,0.5\n"
        "23/03/2026 7:05 am,Chin,0.5\n"
    )
    assert parsed.date_order == "dmy"
    assert moments(parsed) == [
        at(2026, 3, 2, 21, 30),
        at(2026, 3, 9, 12, 0),
        at(2026, 3, 16, 21, 30),
        at(2026, 3, 23, 7, 5),
    ]


def test_month_first_dates_are_recognised_from_a_second_number_above_twelve() -> None:
    parsed = parse("date,area,needle_mm\n3/2/2026 12:15 AM,Chin,0.5\n3/16/2026,Chin,0.5\n")
    assert parsed.date_order == "mdy"
    assert moments(parsed) == [at(2026, 3, 2, 0, 15), at(2026, 3, 16, 12, 0)]


def test_a_file_that_cannot_tell_the_order_is_refused_naming_the_choice() -> None:
    text = "date,area,needle_mm\n02/03/2026,Chin,0.5\n04/03/2026,Chin,0.5\n"
    refused = parse(text)
    assert refused.sessions == []
    assert any("--dates dmy" in message and "Your data" in message for message in messages(refused))
    assert moments(parse(text, date_order="mdy")) == [at(2026, 2, 3, 12, 0), at(2026, 4, 3, 12, 0)]
    assert moments(parse(text, date_order="dmy")) == [at(2026, 3, 2, 12, 0), at(2026, 3, 4, 12, 0)]


def test_a_file_mixing_day_first_and_month_first_is_refused() -> None:
    parsed = parse("date,area,needle_mm\n13/03/2026,Chin,0.5\n03/13/2026,Chin,0.5\n")
    assert parsed.sessions == []
    assert any("day-first and others month-first" in message for message in messages(parsed))


def test_two_digit_years_are_refused_in_plain_words() -> None:
    parsed = parse("date,area,needle_mm\n02/03/26,Chin,0.5\n")
    assert parsed.sessions == []
    assert "four digits" in messages(parsed)[0]
    assert "'02/03/26'" in messages(parsed)[0]


def test_iso_dates_still_work_alongside_the_new_forms() -> None:
    parsed = parse(
        "date,area,needle_mm\n2026-03-02T21:30:00+01:00,Chin,0.5\n2026/03/09,Chin,0.5\n"
        "16.03.2026,Chin,0.5\n"
    )
    assert moments(parsed) == [
        at(2026, 3, 2, 21, 30),
        at(2026, 3, 9, 12, 0),
        at(2026, 3, 16, 12, 0),
    ]


def test_scar_ratings_read_day_first_dates_too() -> None:
    parsed = parse("date,area,severity\n25.02.2026,Chin,6\n")
    assert parsed.problems == []
    assert parsed.ratings[0].rating.rated_on.isoformat() == "2026-02-25"


POLISH = "date,area,needle_mm,notes\n2026-03-02,Chin,0.5,Zaczerwienienie ustąpiło\n"


def test_a_cp1250_file_is_recognised_and_any_encoding_can_be_chosen() -> None:
    data = POLISH.encode("cp1250")
    guessed = csv_import.parse_csv(data, BERLIN)
    assert guessed.encoding == "Windows-1250 (Central European)"
    assert guessed.sessions[0].session.notes == "Zaczerwienienie ustąpiło"
    forced = csv_import.parse_csv(data, BERLIN, encoding="Windows-1252 (Western European)")
    assert forced.sessions[0].session.notes == "Zaczerwienienie ust¹pi³o"
    for name in ("Windows-1250 (Central European)", "cp1250", "CP1250"):
        chosen = csv_import.parse_csv(data, BERLIN, encoding=name)
        assert chosen.encoding == "Windows-1250 (Central European)"
        assert chosen.sessions[0].session.notes == "Zaczerwienienie ustąpiło"


def test_western_text_is_still_read_as_windows_1252() -> None:
    text = "date,area,needle_mm,notes\n2026-03-02,Chin,0.5,Rötung ¿Qué? cœur 1ª 3³ 45¾\n"
    parsed = csv_import.parse_csv(text.encode("cp1252"), BERLIN)
    assert parsed.encoding == "Windows-1252 (Western European)"
    assert parsed.sessions[0].session.notes == "Rötung ¿Qué? cœur 1ª 3³ 45¾"


def test_a_file_that_is_not_valid_in_the_chosen_encoding_is_refused() -> None:
    parsed = csv_import.parse_csv("ą".encode("cp1250") + b"\xff\xfe", BERLIN, encoding="utf-8")
    assert messages(parsed) == ["This file is not UTF-8 text. Choose another encoding."]
    unknown = csv_import.parse_csv(b"date\n", BERLIN, encoding="klingon")
    assert "'klingon' is not an encoding dermadash knows" in messages(unknown)[0]


def test_the_command_line_takes_dates_and_encoding(sqlite_url: str, tmp_path: Path) -> None:
    source = tmp_path / "log.csv"
    source.write_bytes(
        "date,area,needle_mm,notes\n02/03/2026,Chin,0.5,ustąpiło\n04/03/2026,Chin,0.5,\n".encode(
            "cp1250"
        )
    )
    refused = run_cli(sqlite_url, "import", str(source))
    assert refused.returncode == 2
    assert "--dates dmy" in refused.stderr
    assert sessions_in(sqlite_url) == 0
    done = run_cli(sqlite_url, "import", str(source), "--dates", "dmy", "--encoding", "cp1250")
    assert done.returncode == 0, done.stderr
    assert sessions_in(sqlite_url) == 2
    wrong = run_cli(sqlite_url, "import", str(source), "--encoding", "nope")
    assert wrong.returncode == 2
    assert "not an encoding dermadash knows" in wrong.stderr


def wide_file(columns: int) -> bytes:
    header = "date,area,needle_mm," + ",".join(f"extra_column_{n}" for n in range(columns))
    return (header + "\n2026-03-02,Chin,0.5\n").encode("utf-8")


def parse_seconds(data: bytes) -> float:
    """The fastest of several parses: the least disturbed by other work on the machine."""
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        parsed = file_import.parse_upload(data, BERLIN)
        timings.append(time.perf_counter() - started)
        assert not parsed.ok
    return min(timings)


def test_a_very_wide_header_is_refused_in_time_linear_in_its_length() -> None:
    narrow, wide = wide_file(1_000), wide_file(100_000)
    parsed = file_import.parse_upload(wide, BERLIN)
    assert "names 100,003 columns; dermadash reads at most 500" in parsed.problems[0].message
    ratio = parse_seconds(wide) / parse_seconds(narrow)
    # Linear work grows about 100-fold (caches make it up to twice that); work quadratic
    # in the columns, as counting each name over the whole header was, 10,000-fold.
    assert ratio < 1_000, ratio
