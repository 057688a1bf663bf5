"""One entry point for every file a person brings: detect its kind, preview, write.

A file starting with ``{`` is a backup (JSON); anything else is read as CSV, whose
header says whether it holds sessions (it has ``needle_mm``) or scar ratings (it has
``severity``). Parsing never touches the database; writing is all or nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Engine

from dermadash.formatting import format_day, format_mm, format_moment
from dermadash.storage.db import transaction
from dermadash.transfer import backup, csv_dates, csv_export, csv_import
from dermadash.transfer.backup import BackupContent
from dermadash.transfer.csv_import import ParsedCsv
from dermadash.transfer.import_report import ImportProblem, ImportResult, ProgressCallback

KIND_LABELS = {
    "sessions": "a spreadsheet of sessions",
    "ratings": "a spreadsheet of scar ratings",
    "backup": "a dermadash backup",
    "unknown": "a file dermadash cannot read",
}


@dataclass
class ParsedImport:
    """A file read into entries, or the list of every problem with it."""

    kind: str
    timezone: str
    table: ParsedCsv | None = None
    backup: BackupContent | None = None
    problems: list[ImportProblem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def entry_count(self) -> int:
        if self.table is not None:
            return self.table.entry_count
        if self.backup is not None:
            return self.backup.entry_count
        return 0

    def describe_reading(self) -> str:
        """How a spreadsheet was read: its encoding and, once decided, its date order."""
        if self.table is None:
            return ""
        text = f"Read as {self.table.encoding} text"
        if self.table.date_order is not None:
            text += f"; dates {csv_dates.DATE_ORDER_LABELS[self.table.date_order]}"
        return text + "."

    def problems_frame(self, limit: int | None = None) -> pd.DataFrame:
        """The problems as a table: row, column, what is wrong (the first ``limit``)."""
        shown = self.problems[:limit]
        return pd.DataFrame(
            {
                "Row": [problem.row for problem in shown],
                "Column": [problem.column or "" for problem in shown],
                "What is wrong": [problem.message for problem in shown],
            }
        ).astype({"Row": "Int64"})

    def problems_csv(self) -> bytes:
        """Every problem as a CSV file, for files with more problems than a page shows."""
        frame = self.problems_frame()
        return csv_export.csv_bytes(list(frame.columns), frame.itertuples(index=False))

    def preview_frame(self, limit: int = 50) -> pd.DataFrame:
        """The first entries as people read them."""
        if self.table is not None and self.kind == "sessions":
            return pd.DataFrame(
                [
                    {
                        "Row": item.row,
                        "When": format_moment(item.session.started_at, self.timezone),
                        "Areas": ", ".join(item.session.normalised_areas()),
                        "Needle": format_mm(item.session.needle_mm),
                        "Roller": item.roller_name or "",
                        "Check-in": "yes" if item.check_in else "no",
                        "Notes": item.session.notes or "",
                    }
                    for item in self.table.sessions[:limit]
                ]
            )
        if self.table is not None:
            return pd.DataFrame(
                [
                    {
                        "Row": item.row,
                        "Date": format_day(item.rating.rated_on),
                        "Area": item.rating.area,
                        "Severity": f"{item.rating.severity} of 10",
                        "Notes": item.rating.notes or "",
                    }
                    for item in self.table.ratings[:limit]
                ]
            )
        if self.backup is not None:
            return pd.DataFrame(
                [
                    {"What": "Sessions", "How many": self.backup.counts["sessions"]},
                    {"What": "Scar ratings", "How many": self.backup.counts["scar_ratings"]},
                    {"What": "Photos", "How many": self.backup.counts["photos"]},
                    {"What": "Rollers", "How many": self.backup.counts["rollers"]},
                    {"What": "Share links", "How many": self.backup.counts["share_links"]},
                ]
            )
        return pd.DataFrame()


def looks_like_json(data: bytes) -> bool:
    return data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


def parse_upload(
    data: bytes, timezone: str, *, date_order: str | None = None, encoding: str | None = None
) -> ParsedImport:
    """Read any file a person brings; never touches the database, never raises.

    ``date_order`` and ``encoding`` apply to spreadsheets (see ``csv_import.parse_csv``).
    """
    if looks_like_json(data):
        content, problems = backup.parse_backup(data)
        return ParsedImport("backup", timezone, backup=content, problems=problems)
    table = csv_import.parse_csv(data, timezone, date_order=date_order, encoding=encoding)
    return ParsedImport(
        table.kind, timezone, table=table, problems=table.problems, notices=table.notices
    )


@dataclass(frozen=True)
class ImportPlan:
    """What writing would do, worked out by reading only."""

    new: int
    already_there: int
    rollers_to_create: list[str]
    refusal: str | None = None

    def describe(self) -> str:
        if self.refusal:
            return self.refusal
        text = f"{self.new} new, {self.already_there} already there"
        if self.rollers_to_create:
            text += f"; new rollers: {', '.join(self.rollers_to_create)}"
        return text + "."


def plan_import(engine: Engine, profile_id: int, parsed: ParsedImport) -> ImportPlan:
    """How many entries are new, which are already there, what would be refused."""
    if parsed.backup is not None:
        with transaction(engine) as session:
            occupied = backup.profile_has_entries(session, profile_id)
        return ImportPlan(
            parsed.backup.entry_count, 0, [], backup.EMPTY_PROFILE_NEEDED if occupied else None
        )
    if parsed.table is None or not parsed.ok:
        return ImportPlan(0, 0, [], "Fix the problems listed first.")
    preview = csv_import.preview_csv_import(engine, profile_id, parsed.table)
    return ImportPlan(preview.new, preview.already_there, preview.rollers_to_create)


def apply_import(
    engine: Engine,
    profile_id: int,
    parsed: ParsedImport,
    progress: ProgressCallback | None = None,
) -> ImportResult:
    """Write a checked file: all of it or, on any failure, nothing."""
    if parsed.backup is not None and parsed.ok:
        return backup.restore_backup(engine, profile_id, parsed.backup, progress)
    if parsed.table is not None:
        return csv_import.write_csv_import(engine, profile_id, parsed.table, progress)
    raise ValueError("nothing to import")
