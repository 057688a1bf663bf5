"""Hostile and malformed files: the importer never crashes and never writes half a file."""

from __future__ import annotations

import csv
import io
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select

from dermadash import columns
from dermadash.storage.db import transaction
from dermadash.storage.models import CheckIn, Roller, RollingSession, ScarRating, SessionArea
from dermadash.storage.validation import ValidationError
from dermadash.transfer import file_import
from dermadash.transfer.backup import RestoreRefused

COLUMNS = [
    *columns.SPREADSHEET_SESSION_COLUMNS,
    *columns.SPREADSHEET_SESSION_EXTRA_COLUMNS,
    "severity",
    "Date ",
    "NEEDLE_MM",
    "mood",
    "",
]
NASTY_CELLS = [
    "",
    " ",
    "2026-01-05",
    "2026-01-05 21:30",
    "2026-01-05T21:30:00+05:30",
    "2026-02-30",
    "05/01/2026",
    "9999-12-31T23:59:59-23:59",
    "0001-01-01T00:00:00+23:59",
    "yesterday",
    "0.5",
    "0,5",
    "-1",
    "1e309",
    "-1e309",
    "nan",
    "inf",
    "9" * 400,
    "1_0",
    "yes",
    "No",
    "maybe",
    "none",
    "bruising",
    "Signs of infection",
    "Left cheek; Chin",
    ";;;",
    "=cmd|' /C calc'!A0",
    "'=1+1",
    "+1+1",
    "@SUM(A1)",
    "\t=1",
    '"quoted"',
    "a\nb",
    "\x00",
    "\ufeff",
    "Mâchoire ünïcode 🙂",
    "x" * 2100,
]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "latin-1", "cp1252"]

cells = st.one_of(st.sampled_from(NASTY_CELLS), st.text(max_size=30))
headers = st.lists(st.sampled_from(COLUMNS), min_size=0, max_size=12)


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    header = draw(headers)
    if draw(st.booleans()):
        header = ["date", "area", "needle_mm", *header]
    rows = draw(st.lists(st.lists(cells, max_size=len(header) + 2), max_size=8))
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    buffer = io.StringIO()
    if draw(st.booleans()):
        writer = csv.writer(buffer, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    else:  # no quoting at all: separators and newlines inside cells break the rows
        buffer.write("\n".join(delimiter.join(row) for row in [header, *rows]))
    encoding = draw(st.sampled_from(ENCODINGS))
    return buffer.getvalue().encode(encoding, errors="replace")


free_text = st.one_of(
    st.sampled_from(NASTY_CELLS), st.text(alphabet=st.characters(exclude_characters=","))
)


@st.composite
def mostly_valid_files(draw: st.DrawFn) -> bytes:
    """Sessions files whose dates and numbers are fine but whose text is hostile."""
    header = ["date", "area", "needle_mm", "roller", "notes", "pain", "side_effect"]
    rows = []
    for index in range(draw(st.integers(1, 12))):
        day = draw(st.integers(1, 28))
        rows.append(
            [
                f"2025-{(index % 12) + 1:02d}-{day:02d} {draw(st.integers(0, 23)):02d}:00",
                draw(free_text),
                draw(st.sampled_from(["0.25", "0,5", "1", "3"])),
                draw(free_text),
                draw(free_text),
                draw(st.sampled_from(["", "0", "10", "4.0"])),
                draw(st.sampled_from(["", "none", "Bruising", "allergy"])),
            ]
        )
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    encoding = draw(st.sampled_from(ENCODINGS))
    return buffer.getvalue().encode(encoding, errors="replace")


def backup_like(document: object) -> bytes:
    return json.dumps(document).encode()


files = st.one_of(
    csv_files(),
    mostly_valid_files(),
    st.binary(max_size=400),
    st.text(max_size=200).map(lambda text: text.encode("utf-8", errors="replace")),
    st.dictionaries(st.text(max_size=8), st.integers() | st.text(max_size=8), max_size=4).map(
        backup_like
    ),
    st.just(
        b'{"format": "dermadash-backup", "format_version": 1, "profile": {"display_name":'
        b' "x\\u0000"}, "sessions": [{"areas": [null]}], "rollers": {}}'
    ),
)


def counts(engine: Engine) -> tuple[int, ...]:
    with transaction(engine) as session:
        return tuple(
            session.scalar(select(func.count()).select_from(model)) or 0
            for model in (RollingSession, SessionArea, CheckIn, ScarRating, Roller)
        )


@settings(max_examples=400, deadline=None)
@given(files)
def test_parsing_never_raises(data: bytes) -> None:
    parsed = file_import.parse_upload(data, "Europe/London")
    assert parsed.ok or parsed.problems
    for problem in parsed.problems:
        assert problem.describe()
    parsed.preview_frame()
    parsed.problems_frame()


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=files)
def test_an_import_is_all_or_nothing(engine: Engine, profile_id: int, data: bytes) -> None:
    parsed = file_import.parse_upload(data, "Europe/London")
    before = counts(engine)
    plan = file_import.plan_import(engine, profile_id, parsed)
    try:
        result = file_import.apply_import(engine, profile_id, parsed)
    except (ValidationError, RestoreRefused, ValueError):
        assert not parsed.ok or plan.refusal
        assert counts(engine) == before
        return
    assert parsed.ok
    assert result.new == plan.new
    after = counts(engine)
    new_entries = (after[0] - before[0]) + (after[3] - before[3])
    assert new_entries == result.new
