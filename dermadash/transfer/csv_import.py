"""Importing a spreadsheet (CSV) of sessions or of scar ratings.

Two steps: :func:`parse_csv` reads bytes into rows and a list of every problem without
touching the database; :func:`write_csv_import` writes the rows in one transaction
(all or nothing) and skips entries already there.

Accepted input: UTF-8 (with or without BOM), UTF-16 (with BOM), Windows-1252 / latin-1,
or any encoding the person names (``ENCODINGS``); comma, semicolon or tab between cells
(chosen from the header row); decimal commas. Header names match whatever their case
and spacing, and a near miss of a known name is refused (``csv_header``).

``date`` of a session: an ISO date or date-time, or a day-first or month-first date as
spreadsheets write them (``csv_dates``). A date-time without an offset is in the
profile's time zone; a date alone means 12:00 (noon) that day in the profile's time zone,
which keeps the calendar day right whatever the time zone (intervals count days).

An entry is "already there" when the profile has a session at the same moment (to the
second) on the same areas, or a scar rating of the same area on the same day. That
identity, hashed, is the row's ``import_key``; the database refuses a second copy.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dermadash import columns
from dermadash.storage import validation
from dermadash.storage.db import transaction, with_retry
from dermadash.storage.models import Roller, RollingSession, ScarRating, SessionArea
from dermadash.storage.records import (
    CheckInInput,
    RollerInput,
    ScarRatingInput,
    SessionInput,
    insert_roller,
    insert_scar_rating,
    insert_session,
    put_check_in,
)
from dermadash.storage.validation import NUMBER_RULES, Problem, ValidationError
from dermadash.transfer import csv_dates, csv_header, spreadsheet
from dermadash.transfer.csv_dates import DateFormatError
from dermadash.transfer.import_report import (
    ImportProblem,
    ImportResult,
    ProgressCallback,
    ThrottledProgress,
)

MAX_FILE_BYTES = 25 * 1024 * 1024
MAX_ROWS = 50_000
DATE_ONLY_TIME = time(12, 0)
DELIMITERS = (",", ";", "\t")
MAX_QUOTED_CHARS = 40
WRITE_ATTEMPTS = 3
NUMBERS_BESIDE_NEEDLE = tuple(
    name for name in columns.SPREADSHEET_SESSION_NUMBERS if name != "needle_mm"
)

SIDE_EFFECT_WORDS: dict[str, str] = {
    **{choice: choice for choice in validation.SIDE_EFFECTS},
    **{label.lower(): choice for choice, label in validation.SIDE_EFFECT_LABELS.items()},
}
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")


@dataclass(frozen=True)
class SessionRow:
    """One spreadsheet row: a session (its roller given by name) and maybe a check-in."""

    row: int
    session: SessionInput
    roller_name: str | None
    check_in: CheckInInput | None


@dataclass(frozen=True)
class RatingRow:
    row: int
    rating: ScarRatingInput


@dataclass
class ParsedCsv:
    """The result of reading a file: rows to write, or problems that stop the import."""

    kind: str  # "sessions" or "ratings", or "unknown" when the header says neither
    sessions: list[SessionRow] = field(default_factory=list)
    ratings: list[RatingRow] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    encoding: str = "UTF-8"
    date_order: str | None = None

    @property
    def entry_count(self) -> int:
        return len(self.sessions) + len(self.ratings)


# --- keys ---------------------------------------------------------------------------


def _digest(parts: list[object]) -> str:
    canonical = json.dumps(parts, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def session_key(started_at: datetime, areas: Iterable[str]) -> str:
    """The identity of a session: its moment (to the second, UTC) and its areas."""
    moment = started_at.astimezone(UTC).replace(microsecond=0).isoformat()
    return _digest(["session", moment, sorted(areas)])


def rating_key(rated_on: date, area: str) -> str:
    """The identity of a scar rating: its day and its area."""
    return _digest(["rating", rated_on.isoformat(), area])


# --- reading bytes into a table -----------------------------------------------------


# What the person can choose from (label: Python codec); any other codec name works too.
ENCODINGS = {
    "UTF-8": "utf-8-sig",
    "UTF-16": "utf-16",
    "Windows-1252 (Western European)": "cp1252",
    "Windows-1250 (Central European)": "cp1250",
    "ISO-8859-2 (Central European)": "iso8859-2",
    "ISO-8859-1 (Latin-1)": "latin-1",
    "Windows-1251 (Cyrillic)": "cp1251",
    "ISO-8859-15 (Latin-9)": "iso8859-15",
    "Mac Roman": "mac-roman",
}


# Bytes Windows-1250 reads as Polish, Czech or Slovak letters (ą ł ż ź Ą ľ) and
# Windows-1252 as symbols that no Western word holds between two letters: "ust¹pi³o".
_CENTRAL_EUROPEAN_SIGN = re.compile(r"[^\W\d_][¹³¿Ÿ¥¾][^\W\d_]")


class UnknownEncoding(ValueError):
    """An encoding name Python does not know."""


def encoding_codec(name: str) -> str:
    """The codec for a label of ``ENCODINGS`` or any name Python knows (e.g. 'cp1250')."""
    if name in ENCODINGS:
        return ENCODINGS[name]
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise UnknownEncoding(
            f"'{name}' is not an encoding dermadash knows. Try one of: utf-8, utf-16, "
            "cp1252, cp1250, iso-8859-2, cp1251."
        ) from None


def decode_as(data: bytes, name: str) -> tuple[str | None, str]:
    """The text of ``data`` in the named encoding (None when it is not valid there)."""
    codec = encoding_codec(name)
    codec = "utf-8-sig" if codec == "utf-8" else codec  # a byte-order mark is no letter
    label = next((label for label, known in ENCODINGS.items() if known == codec), name)
    try:
        return data.decode(codec), label
    except UnicodeDecodeError:
        return None, label


def decode_text(data: bytes) -> tuple[str, str]:
    """The text of a file and the name of the encoding it was read with (guessed)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "UTF-8"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "UTF-16"
    if len(data) >= 4 and data.count(b"\x00") >= len(data) // 4:
        # UTF-16 without a byte-order mark: every other byte of plain text is zero.
        little_endian = data[1::2].count(b"\x00") >= data[0::2].count(b"\x00")
        encoding = "utf-16-le" if little_endian else "utf-16-be"
        return data.decode(encoding, errors="replace"), "UTF-16"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1"), "ISO-8859-1 (Latin-1)"
    if _CENTRAL_EUROPEAN_SIGN.search(western):
        try:
            return data.decode("cp1250"), "Windows-1250 (Central European)"
        except UnicodeDecodeError:
            pass
    return western, "Windows-1252 (Western European)"


def _choose_delimiter(first_line: str) -> str:
    """The delimiter that splits the header into the most column names dermadash knows."""
    known = set(columns.SPREADSHEET_SESSION_COLUMNS + columns.SPREADSHEET_SESSION_EXTRA_COLUMNS)
    known |= set(columns.SPREADSHEET_RATING_COLUMNS)

    def score(delimiter: str) -> tuple[int, int]:
        # At most MAX_COLUMNS names, each cut to MAX_NAME_CHARS: a huge header costs no
        # more to look at than a wide one.
        cells = first_line.split(delimiter, csv_header.MAX_COLUMNS)[: csv_header.MAX_COLUMNS]
        names = [csv_header.header_name(cell[: csv_header.MAX_NAME_CHARS]) for cell in cells]
        return (sum(name in known for name in names), len(names))

    return max(DELIMITERS, key=score)


def _too_many_columns(columns: int) -> ImportProblem:
    return ImportProblem(
        1,
        None,
        f"The first row names {columns:,} columns; dermadash reads at most "
        f"{csv_header.MAX_COLUMNS}. Is this the right file?",
    )


def read_table(text: str) -> tuple[list[str], list[tuple[int, list[str]]], list[ImportProblem]]:
    """Header, (spreadsheet row number, cells) per non-blank row, and reading problems."""
    text = text.replace("\x00", "")
    first_line = text.split("\n", 1)[0]
    delimiter = _choose_delimiter(first_line)
    if (count := first_line.count(delimiter) + 1) > csv_header.MAX_COLUMNS:
        # Refused before a single cell is read: the file may hold millions of them.
        return [], [], [_too_many_columns(count)]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    problems: list[ImportProblem] = []
    header: list[str] = []
    try:
        for index, cells in enumerate(reader):
            if index == 0:
                header = [csv_header.header_name(cell) for cell in cells]
                continue
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) >= MAX_ROWS:
                problems.append(
                    ImportProblem(
                        None,
                        None,
                        f"The file has more than {MAX_ROWS:,} rows. Split it into "
                        "smaller files and import them one after the other.",
                    )
                )
                break
            rows.append((index + 1, cells))
    except csv.Error as error:
        problems.append(
            ImportProblem(
                reader.line_num or None,
                None,
                f"This line cannot be read as CSV ({error}). Check its quotes.",
            )
        )
    return header, rows, problems


# --- reading one cell ---------------------------------------------------------------


def _quoted(text: str) -> str:
    shown = text if len(text) <= MAX_QUOTED_CHARS else text[: MAX_QUOTED_CHARS - 1] + "…"
    return f"'{shown}'"


def clean_cell(raw: str) -> str | None:
    """A cell's text without the export's formula guard and outer spaces; None when empty."""
    text = spreadsheet.unguard_cell(raw).strip()
    return text or None


def parse_number(column: str, text: str) -> tuple[float | int | None, Problem | None]:
    """A number for ``column`` (checked against its range), or the problem with it."""
    rule = NUMBER_RULES[column]
    candidate = text.replace(" ", "")
    if _DECIMAL_COMMA.fullmatch(candidate):
        candidate = candidate.replace(",", ".")
    try:
        value: float | int = float(candidate)
    except ValueError:
        return None, Problem(
            column,
            f"{rule.label} must be a number {rule.describe_range()} (you wrote {_quoted(text)}).",
        )
    if rule.integer and math.isfinite(value) and float(value).is_integer():
        value = int(value)
    return value, validation.number_problem(column, value)


def parse_flag(column: str, text: str) -> tuple[bool | None, Problem | None]:
    word = text.lower()
    if word in spreadsheet.TRUE_WORDS:
        return True, None
    if word in spreadsheet.FALSE_WORDS:
        return False, None
    return None, Problem(
        column, f"Write yes or no (or true/false, 1/0); you wrote {_quoted(text)}."
    )


DATE_HOW = (
    "Write the date as 2026-03-02, 02/03/2026 or 02.03.2026, optionally with a time such "
    "as 21:30 or 9:30 PM"
)


def _date_problem(text: str, reason: str = "") -> Problem:
    because = f"{reason} " if reason else ""
    return Problem("date", f"{because}{DATE_HOW} (you wrote {_quoted(text)}).")


def parse_moment(
    text: str, zone: ZoneInfo, order: str = "dmy"
) -> tuple[datetime | None, Problem | None]:
    """A session's moment from a date or date-time (see the module's docstring)."""
    try:
        numeric = csv_dates.parse_date_text(text, order)
        if numeric is not None:
            day, clock = numeric
            moment = datetime.combine(day, clock or DATE_ONLY_TIME, zone)
        else:
            moment = datetime.fromisoformat(text)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=zone)
        problem = validation.moment_problem("date", "The date", moment)
    except DateFormatError as error:
        return None, _date_problem(text, str(error))
    except (ValueError, OverflowError):
        return None, _date_problem(text)
    return (None, problem) if problem else (moment, None)


def parse_day(text: str, order: str = "dmy") -> tuple[date | None, Problem | None]:
    try:
        numeric = csv_dates.parse_date_text(text, order)
        day = numeric[0] if numeric is not None else datetime.fromisoformat(text).date()
    except DateFormatError as error:
        return None, _date_problem(text, str(error))
    except (ValueError, OverflowError):
        return None, _date_problem(text)
    problem = validation.day_problem("date", "The date", day)
    return (None, problem) if problem else (day, None)


# --- reading rows -------------------------------------------------------------------


class _RowReader:
    """Reads the cells of one row by column name and collects its problems."""

    def __init__(self, row: int, header: list[str], cells: list[str]) -> None:
        self.row = row
        self.values = {
            name: clean_cell(cell) for name, cell in zip(header, cells, strict=False) if name
        }
        self.problems: list[ImportProblem] = []
        self.result: SessionRow | RatingRow | None = None

    def text(self, column: str) -> str | None:
        return self.values.get(column)

    def add(self, problem: Problem | None) -> None:
        if problem is not None:
            self.problems.append(ImportProblem(self.row, problem.field, problem.message))

    def require(self, column: str, label: str) -> str | None:
        value = self.text(column)
        if value is None:
            self.add(Problem(column, f"{label} is required; this cell is empty."))
        return value

    def number(self, column: str) -> float | int | None:
        text = self.text(column)
        if text is None:
            return None
        value, problem = parse_number(column, text)
        self.add(problem)
        return None if problem else value

    def flag(self, column: str) -> bool | None:
        text = self.text(column)
        if text is None:
            return None
        value, problem = parse_flag(column, text)
        self.add(problem)
        return value

    def notes(self, column: str) -> str | None:
        value = self.text(column)
        self.add(validation.text_problem(column, "Notes", value, validation.NOTES_MAX_CHARS))
        return value

    def areas(self, column: str = "area") -> list[str]:
        text = self.require(column, "The area")
        if text is None:
            return []
        areas = validation.normalise_areas(text.split(spreadsheet.AREA_SEPARATOR))
        self.add(validation.areas_problem(column, areas))
        return areas


def _side_effect(reader: _RowReader) -> str | None:
    text = reader.text("side_effect")
    if text is None:
        return None
    choice = SIDE_EFFECT_WORDS.get(text.lower())
    if choice is None:
        reader.add(
            Problem(
                "side_effect",
                f"Write one of: {', '.join(validation.SIDE_EFFECTS)} (you wrote {_quoted(text)}).",
            )
        )
    return choice


def _session_row(
    row: int, header: list[str], cells: list[str], zone: ZoneInfo, order: str
) -> _RowReader:
    reader = _RowReader(row, header, cells)
    text = reader.require("date", "The date")
    moment = None
    if text is not None:
        moment, problem = parse_moment(text, zone, order)
        reader.add(problem)
    areas = reader.areas()
    if reader.require("needle_mm", "Needle length") is None:
        needle = None
    else:
        needle = reader.number("needle_mm")
    roller = reader.text("roller")
    reader.add(
        validation.text_problem("roller", "The roller's name", roller, validation.NAME_MAX_CHARS)
    )
    numbers = {name: reader.number(name) for name in NUMBERS_BESIDE_NEEDLE}
    flags = {
        name: reader.flag(name)
        for name in columns.SPREADSHEET_SESSION_FLAGS + columns.SPREADSHEET_CHECK_IN_FLAGS
    }
    side_effect = _side_effect(reader)
    notes = reader.notes("notes")
    check_in_notes = reader.notes("check_in_notes")
    if reader.problems or moment is None or needle is None:
        return reader
    session = SessionInput(
        started_at=moment,
        areas=areas,
        needle_mm=needle,
        passes_vertical=numbers["passes_vertical"],  # type: ignore[arg-type]  # number() gives int here
        passes_horizontal=numbers["passes_horizontal"],  # type: ignore[arg-type]  # number() gives int here
        passes_diagonal=numbers["passes_diagonal"],  # type: ignore[arg-type]  # number() gives int here
        pain=numbers["pain"],  # type: ignore[arg-type]  # number() gives int here
        notes=notes,
        import_key=session_key(moment, areas),
        **{name: flags[name] for name in columns.SPREADSHEET_SESSION_FLAGS},  # type: ignore[arg-type]  # None only with a problem (returned above)
    )
    has_check_in = any(
        reader.text(name) is not None for name in columns.SPREADSHEET_CHECK_IN_COLUMNS
    )
    check_in = (
        CheckInInput(
            redness_hours=numbers["redness_hours"],
            stinging_minutes=numbers["stinging_minutes"],
            peeling=flags["peeling"],
            side_effect=side_effect,
            makeup_48h=flags["makeup_48h"],
            sun_24h=flags["sun_24h"],
            notes=check_in_notes,
        )
        if has_check_in
        else None
    )
    reader.result = SessionRow(row, session, roller, check_in)
    return reader


def _rating_row(row: int, header: list[str], cells: list[str], order: str) -> _RowReader:
    reader = _RowReader(row, header, cells)
    text = reader.require("date", "The date")
    day = None
    if text is not None:
        day, problem = parse_day(text, order)
        reader.add(problem)
    areas = reader.areas()
    if len(areas) > 1:
        reader.add(Problem("area", "A scar rating is for one area; write one area per row."))
    severity = None
    if reader.require("severity", "Scar severity") is not None:
        severity = reader.number("severity")
    notes = reader.notes("notes")
    if reader.problems or day is None or severity is None:
        return reader
    rating = ScarRatingInput(
        rated_on=day,
        area=areas[0],
        severity=int(severity),
        notes=notes,
        import_key=rating_key(day, areas[0]),
    )
    reader.result = RatingRow(row, rating)
    return reader


def _detect_kind(header: list[str]) -> str:
    if "needle_mm" in header:
        return "sessions"
    if "severity" in header:
        return "ratings"
    return "unknown"


def _header_problems(header: list[str], kind: str) -> tuple[list[ImportProblem], list[str]]:
    """What is wrong with the first row, and notes about it; linear in its length."""
    if len(header) > csv_header.MAX_COLUMNS:
        return [_too_many_columns(len(header))], []
    if kind == "unknown":
        return [
            ImportProblem(
                1,
                None,
                "The first row must name the columns. A sessions file needs at least "
                "date, area and needle_mm; a scar-ratings file needs date, area and severity.",
            )
        ], []
    required = (
        columns.SPREADSHEET_SESSION_REQUIRED
        if kind == "sessions"
        else columns.SPREADSHEET_RATING_REQUIRED
    )
    known = (
        columns.SPREADSHEET_SESSION_COLUMNS + columns.SPREADSHEET_SESSION_EXTRA_COLUMNS
        if kind == "sessions"
        else columns.SPREADSHEET_RATING_COLUMNS
    )
    problems = [
        ImportProblem(1, name, "This column is required but missing from the first row.")
        for name in required
        if name not in header
    ]
    problems += [
        ImportProblem(1, name, "This column appears more than once.")
        for name in csv_header.duplicate_names(header)
    ]
    misspelt = csv_header.misspelt_columns(header, known)
    problems += [
        ImportProblem(1, written, f"Column '{written}' is not known: did you mean '{meant}'?")
        for written, meant in misspelt
    ]
    refused = {written for written, _meant in misspelt}
    unknown = [name for name in header if name and name not in known and name not in refused]
    notices = (
        [f"These columns are not used and will be ignored: {', '.join(unknown)}."]
        if unknown
        else []
    )
    return problems, notices


def _decoded(data: bytes, encoding: str | None) -> tuple[str | None, str]:
    if encoding is None:
        return decode_text(data)
    return decode_as(data, encoding)


def _date_texts(header: list[str], rows: list[tuple[int, list[str]]]) -> Iterable[str]:
    if "date" not in header:
        return
    position = header.index("date")
    for _row, cells in rows:
        if position < len(cells) and (text := clean_cell(cells[position])) is not None:
            yield text


def parse_csv(
    data: bytes, timezone: str, *, date_order: str | None = None, encoding: str | None = None
) -> ParsedCsv:
    """Read a sessions or scar-ratings CSV; never touches the database, never raises.

    ``date_order`` (dmy, mdy or ymd) and ``encoding`` are the person's choice; without
    them both are decided from the file.
    """
    if len(data) > MAX_FILE_BYTES:
        return ParsedCsv(
            "unknown",
            problems=[
                ImportProblem(
                    None,
                    None,
                    f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB. "
                    "Split it into smaller files.",
                )
            ],
        )
    try:
        text, encoding_label = _decoded(data, encoding)
    except UnknownEncoding as unknown:
        return ParsedCsv("unknown", problems=[ImportProblem(None, None, str(unknown))])
    if text is None:
        return ParsedCsv(
            "unknown",
            encoding=encoding_label,
            problems=[
                ImportProblem(
                    None,
                    None,
                    f"This file is not {encoding_label} text. Choose another encoding.",
                )
            ],
        )
    header, rows, problems = read_table(text)
    if not header and problems:
        return ParsedCsv("unknown", problems=problems, encoding=encoding_label)
    kind = _detect_kind(header)
    header_problems, notices = _header_problems(header, kind)
    parsed = ParsedCsv(
        kind, problems=header_problems + problems, notices=notices, encoding=encoding_label
    )
    if header_problems:
        return parsed
    order, undecided = csv_dates.decide_order(_date_texts(header, rows), date_order)
    if order is None:
        parsed.problems.append(ImportProblem(None, "date", undecided or ""))
        return parsed
    parsed.date_order = order
    zone = ZoneInfo(timezone)
    for row, cells in rows:
        if len(cells) > len(header):
            parsed.problems.append(
                ImportProblem(
                    row,
                    None,
                    f"This row has {len(cells)} cells but the first row names only "
                    f"{len(header)} columns. Is there an unquoted separator in a note?",
                )
            )
            continue
        reader = (
            _session_row(row, header, cells, zone, order)
            if kind == "sessions"
            else _rating_row(row, header, cells, order)
        )
        parsed.problems.extend(reader.problems)
        if isinstance(reader.result, SessionRow):
            parsed.sessions.append(reader.result)
        elif isinstance(reader.result, RatingRow):
            parsed.ratings.append(reader.result)
    if not parsed.problems and parsed.entry_count == 0:
        parsed.problems.append(ImportProblem(None, None, "The file has no rows below the header."))
    return parsed


# --- writing ------------------------------------------------------------------------


def _existing_session_keys(session: Session, profile_id: int) -> set[str]:
    rows = session.execute(
        select(
            RollingSession.id,
            RollingSession.started_at,
            RollingSession.import_key,
            SessionArea.area,
        )
        .outerjoin(SessionArea, SessionArea.session_id == RollingSession.id)
        .where(RollingSession.profile_id == profile_id)
    ).all()
    moments: dict[int, datetime] = {}
    areas: dict[int, list[str]] = {}
    keys: set[str] = set()
    for session_id, started_at, import_key, area in rows:
        moments[session_id] = started_at
        areas.setdefault(session_id, [])
        if area is not None:
            areas[session_id].append(area)
        if import_key:
            keys.add(import_key)
    keys.update(session_key(moments[sid], areas[sid]) for sid in moments)
    return keys


def _existing_rating_keys(session: Session, profile_id: int) -> set[str]:
    rows = session.execute(
        select(ScarRating.rated_on, ScarRating.area, ScarRating.import_key).where(
            ScarRating.profile_id == profile_id
        )
    ).all()
    keys = {import_key for _day, _area, import_key in rows if import_key}
    keys.update(rating_key(day, area) for day, area, _key in rows)
    return keys


def _roller_ids(session: Session, profile_id: int) -> dict[str, int]:
    rows = session.execute(
        select(Roller.id, Roller.name).where(Roller.profile_id == profile_id).order_by(Roller.id)
    ).all()
    found: dict[str, int] = {}
    for roller_id, name in rows:
        found.setdefault(name.strip().casefold(), roller_id)
    return found


@dataclass(frozen=True)
class ImportPreview:
    """What an import would do, read without writing."""

    new: int
    already_there: int
    rollers_to_create: list[str]


def _new_rows(parsed: ParsedCsv, existing: set[str]) -> tuple[list[SessionRow | RatingRow], int]:
    """Rows not yet in the profile (nor earlier in the same file), and how many are."""
    fresh: list[SessionRow | RatingRow] = []
    seen = set(existing)
    rows: list[SessionRow | RatingRow] = [*parsed.sessions, *parsed.ratings]
    for item in rows:
        key = item.session.import_key if isinstance(item, SessionRow) else item.rating.import_key
        if key in seen:
            continue
        seen.add(key)  # type: ignore[arg-type]  # import_key is always set on parsed rows
        fresh.append(item)
    return fresh, parsed.entry_count - len(fresh)


def _rollers_to_create(rows: list[SessionRow], known: dict[str, int]) -> dict[str, RollerInput]:
    """One new roller per unknown name: the needle and first day of its earliest session."""
    wanted: dict[str, RollerInput] = {}
    for item in sorted(rows, key=lambda item: item.session.started_at):
        name = (item.roller_name or "").strip()
        folded = name.casefold()
        if not name or folded in known or folded in wanted:
            continue
        wanted[folded] = RollerInput(
            name=name,
            needle_mm=item.session.needle_mm,
            first_used=item.session.started_at.date(),
        )
    return wanted


def _existing_keys(session: Session, profile_id: int, kind: str) -> set[str]:
    if kind == "sessions":
        return _existing_session_keys(session, profile_id)
    return _existing_rating_keys(session, profile_id)


def preview_csv_import(engine: Engine, profile_id: int, parsed: ParsedCsv) -> ImportPreview:
    """How many rows are new and which rollers would be created (reads only)."""
    with transaction(engine) as session:
        existing = _existing_keys(session, profile_id, parsed.kind)
        fresh, already = _new_rows(parsed, existing)
        rollers = _rollers_to_create(
            [item for item in fresh if isinstance(item, SessionRow)],
            _roller_ids(session, profile_id),
        )
    return ImportPreview(len(fresh), already, [roller.name for roller in rollers.values()])


def _write_rows(
    session: Session, profile_id: int, parsed: ParsedCsv, progress: ProgressCallback | None
) -> ImportResult:
    fresh, already = _new_rows(parsed, _existing_keys(session, profile_id, parsed.kind))
    rollers = _roller_ids(session, profile_id)
    new_rollers = _rollers_to_create(
        [item for item in fresh if isinstance(item, SessionRow)], rollers
    )
    for folded, roller in new_rollers.items():
        rollers[folded] = insert_roller(session, profile_id, roller)
    tracker = ThrottledProgress(progress, len(fresh))
    for done, item in enumerate(fresh, start=1):
        if isinstance(item, SessionRow):
            roller_id = rollers.get((item.roller_name or "").strip().casefold())
            session_id = insert_session(
                session, profile_id, replace(item.session, roller_id=roller_id)
            )
            if item.check_in is not None:
                put_check_in(session, profile_id, session_id, item.check_in)
        else:
            insert_scar_rating(session, profile_id, item.rating)
        tracker.advance(done)
    return ImportResult(
        parsed.kind, len(fresh), already, [roller.name for roller in new_rollers.values()]
    )


def write_csv_import(
    engine: Engine,
    profile_id: int,
    parsed: ParsedCsv,
    progress: ProgressCallback | None = None,
) -> ImportResult:
    """Write every new row in one transaction; nothing is written when anything fails."""
    if parsed.problems:
        raise ValidationError(
            [Problem("file", "The file has problems; fix them and import it again.")]
        )

    def attempt() -> ImportResult:
        with transaction(engine) as session:
            return _write_rows(session, profile_id, parsed, progress)

    for attempt_number in range(WRITE_ATTEMPTS):
        try:
            return with_retry(attempt)
        except IntegrityError:
            # Another import of the same rows committed first: look again, skip them.
            if attempt_number == WRITE_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")
