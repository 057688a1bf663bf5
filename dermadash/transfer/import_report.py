"""What an import reports: problems in plain words, counts, progress."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

ProgressCallback = Callable[[int, int], None]
"""Called as ``progress(done, total)`` while an import or restore writes."""

PROGRESS_STEPS = 100


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong with a file: where (row and column, when known) and what."""

    row: int | None
    column: str | None
    message: str

    def describe(self) -> str:
        place = []
        if self.row is not None:
            place.append(f"Row {self.row}")
        if self.column:
            place.append(f"column '{self.column}'")
        prefix = ", ".join(place)
        return f"{prefix}: {self.message}" if prefix else self.message


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote: ``new`` entries, ``already_there`` skipped, rollers made."""

    kind: str
    new: int
    already_there: int
    rollers_created: list[str] = field(default_factory=list)
    summary: str = ""

    def describe(self) -> str:
        if self.kind == "backup":
            return f"Restored the backup: {self.summary}."
        noun = {"sessions": "sessions", "ratings": "scar ratings"}.get(self.kind, "entries")
        text = f"{self.new} new {noun}, {self.already_there} already there"
        if self.rollers_created:
            text += f"; new rollers: {', '.join(self.rollers_created)}"
        return text + "."


class ThrottledProgress:
    """Reports progress about PROGRESS_STEPS times, however many rows there are."""

    def __init__(self, callback: ProgressCallback | None, total: int) -> None:
        self.callback = callback
        self.total = total
        self.every = max(1, total // PROGRESS_STEPS)

    def advance(self, done: int) -> None:
        if self.callback is not None and (done % self.every == 0 or done == self.total):
            self.callback(done, self.total)
