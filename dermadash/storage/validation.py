"""One validation layer for forms, imports, the command line and the models.

Every numeric range lives in ``NUMBER_RULES``; the models turn the same table into
database CHECK constraints, so the database and the forms can never disagree.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal, get_args

EARLIEST_DATE = date(2000, 1, 1)
MAX_DAYS_AHEAD = 1
NOTES_MAX_CHARS = 2000
NAME_MAX_CHARS = 100
AREA_MAX_CHARS = 60
SCAR_BASELINES = ("mild", "moderate", "severe")
SideEffect = Literal["none", "bruising", "infection", "allergy"]
SIDE_EFFECTS: tuple[SideEffect, ...] = get_args(SideEffect)
SIDE_EFFECT_LABELS = {
    "none": "None",
    "bruising": "Bruising",
    "infection": "Signs of infection",
    "allergy": "Allergic reaction",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one field, in plain words."""

    field: str
    message: str


class ValidationError(ValueError):
    """Raised when input breaks a rule; the message names the field and the allowed range."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(" ".join(problem.message for problem in self.problems))

    @property
    def field(self) -> str:
        return self.problems[0].field

    @classmethod
    def single(cls, field: str, message: str) -> ValidationError:
        return cls([Problem(field, message)])


@dataclass(frozen=True)
class NumberRule:
    """An allowed range for one numeric field."""

    label: str
    minimum: float
    maximum: float
    unit: str = ""
    integer: bool = False

    def describe_range(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        return f"between {_plain_number(self.minimum)} and {_plain_number(self.maximum)}{unit}"

    def problem(self, field: str, value: object) -> Problem | None:
        """The problem with ``value``, or None when it is allowed (None means not recorded)."""
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            return Problem(field, f"{self.label} must be a number {self.describe_range()}.")
        if math.isnan(value) or math.isinf(value):
            return Problem(field, f"{self.label} must be a number {self.describe_range()}.")
        if self.integer and value != int(value):
            return Problem(field, f"{self.label} must be a whole number {self.describe_range()}.")
        if not self.minimum <= value <= self.maximum:
            return Problem(
                field,
                f"{self.label} must be {self.describe_range()} "
                f"(you entered {_plain_number(value)}).",
            )
        return None


NUMBER_RULES: dict[str, NumberRule] = {
    "needle_mm": NumberRule("Needle length", 0.1, 3.0, "mm"),
    "needle_count": NumberRule("Needle count", 1, 2000, "needles", integer=True),
    "passes_vertical": NumberRule("Vertical passes", 0, 30, "passes", integer=True),
    "passes_horizontal": NumberRule("Horizontal passes", 0, 30, "passes", integer=True),
    "passes_diagonal": NumberRule("Diagonal passes", 0, 30, "passes", integer=True),
    "pain": NumberRule("Pain", 0, 10, "on a scale of 10", integer=True),
    "redness_hours": NumberRule("Redness duration", 0, 720, "hours"),
    "stinging_minutes": NumberRule("Stinging duration", 0, 1440, "minutes"),
    "severity": NumberRule("Scar severity", 0, 10, "on a scale of 10", integer=True),
    "prescribed_interval_days": NumberRule(
        "Prescribed minimum interval", 1, 365, "days", integer=True
    ),
}


def _plain_number(value: float) -> str:
    return f"{value:g}"


def number_problem(field: str, value: object) -> Problem | None:
    """Check one numeric field against its rule."""
    return NUMBER_RULES[field].problem(field, value)


def text_problem(field: str, label: str, value: str | None, max_chars: int) -> Problem | None:
    if value is not None and len(value) > max_chars:
        return Problem(
            field,
            f"{label} must be at most {max_chars} characters (it has {len(value)}).",
        )
    return None


def required_text_problem(
    field: str, label: str, value: str | None, max_chars: int
) -> Problem | None:
    if value is None or not value.strip():
        return Problem(field, f"{label} is required.")
    return text_problem(field, label, value, max_chars)


def choice_problem(
    field: str, label: str, value: str | None, choices: tuple[str, ...]
) -> Problem | None:
    if value is not None and value not in choices:
        return Problem(field, f"{label} must be one of: {', '.join(choices)}.")
    return None


def latest_allowed_moment(now: datetime | None = None) -> datetime:
    return (now or datetime.now(UTC)) + timedelta(days=MAX_DAYS_AHEAD)


def moment_problem(field: str, label: str, value: datetime | None) -> Problem | None:
    """A session time must be timezone-aware, not before 2000 and at most a day ahead."""
    if value is None:
        return Problem(field, f"{label} is required.")
    if value.tzinfo is None or value.utcoffset() is None:
        return Problem(field, f"{label} must include a time zone.")
    if value.date() < EARLIEST_DATE:
        return Problem(field, f"{label} must be on or after 1 Jan 2000.")
    if value > latest_allowed_moment():
        return Problem(field, f"{label} cannot be more than one day in the future.")
    return None


def day_problem(
    field: str, label: str, value: date | None, *, required: bool = True
) -> Problem | None:
    """A calendar date must be between 2000 and tomorrow."""
    if value is None:
        return Problem(field, f"{label} is required.") if required else None
    if isinstance(value, datetime):
        value = value.date()
    if value < EARLIEST_DATE:
        return Problem(field, f"{label} must be on or after 1 Jan 2000.")
    if value > latest_allowed_moment().date():
        return Problem(field, f"{label} cannot be more than one day in the future.")
    return None


_WHITESPACE = re.compile(r"\s+")


def normalise_area(raw: str) -> str:
    """Tidy a face area typed by hand: ' left  CHEEK ' becomes 'Left cheek'."""
    collapsed = _WHITESPACE.sub(" ", raw).strip().lower()
    return collapsed[:1].upper() + collapsed[1:]


def normalise_areas(raw_areas: Iterable[str]) -> list[str]:
    """Normalise and de-duplicate areas, keeping their order."""
    seen: dict[str, None] = {}
    for raw in raw_areas:
        area = normalise_area(raw)
        if area:
            seen.setdefault(area, None)
    return list(seen)


def areas_problem(field: str, areas: list[str]) -> Problem | None:
    if not areas:
        return Problem(field, "Choose at least one face area.")
    too_long = [area for area in areas if len(area) > AREA_MAX_CHARS]
    if too_long:
        return Problem(field, f"An area name must be at most {AREA_MAX_CHARS} characters.")
    return None


def raise_if_any(problems: Iterable[Problem | None]) -> None:
    """Raise one ValidationError listing every problem found."""
    found = [problem for problem in problems if problem is not None]
    if found:
        raise ValidationError(found)
