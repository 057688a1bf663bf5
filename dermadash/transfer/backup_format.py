"""The backup format: typed, strict models that both write and read a backup.

One document (``format_version`` 3)::

    {"format": "dermadash-backup", "format_version": 3, "exported_at": "...",
     "app_version": "...", "profile": {...settings..., "safety_answered_at": ...},
     "rollers": [{"ref": 1, ...}],
     "sessions": [{"ref": 1, "roller_ref": 1, "areas": [...], ..., "check_in": {...}}],
     "scar_ratings": [{"ref": 1, ...}],
     "photos": [{"rating_ref": 1, "jpeg_base64": "...", "width": ..., "height": ...,
                 "created_at": ...}],
     "share_links": [{"label": ..., "include_notes": ..., "since_date": ...,
                      "views": [{"viewed_at": ...}]}]}

Records point at each other by ``ref`` (their position in the document), never by
database id. Times are UTC ISO 8601 with their offset. Share links never carry their
token nor its hash.

Every range comes from ``validation.NUMBER_RULES``, every text length from the columns
in ``models``, every rule override from the protocol file: the format cannot accept
what the database or the rule engine would refuse. ``python -m dermadash schema
backup`` prints the JSON Schema these models make (``docs/backup.schema.json``).

Older versions are upgraded record by record before validation: ``UPGRADES[n]`` turns
a version-n record into version n + 1, and names the sections that version added.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any, Final, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
    WithJsonSchema,
    field_validator,
)
from pydantic_core import ErrorDetails
from sqlalchemy import String

from dermadash.rules.protocol import load_protocol
from dermadash.storage import validation
from dermadash.storage.models import Base, Profile, RollingSession

FORMAT_NAME: Final = "dermadash-backup"
FORMAT_VERSION: Final = 3
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SECTIONS = ("rollers", "sessions", "scar_ratings", "photos", "share_links")

Record = dict[str, Any]


def column_length(model: type[Base], column: str) -> int:
    """The declared length of a text column (what PostgreSQL enforces)."""
    column_type = model.__table__.c[column].type
    assert isinstance(column_type, String)
    assert column_type.length is not None
    return column_type.length


IMPORT_KEY_MAX_CHARS = column_length(RollingSession, "import_key")
TIMEZONE_MAX_CHARS = column_length(Profile, "timezone")
APP_VERSION_MAX_CHARS = 40

# NUL cannot be stored by PostgreSQL; a lone surrogate cannot be encoded as UTF-8.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _storable(value: str) -> str:
    found = _UNSTORABLE.search(value)
    if found is None:
        return value
    if found.group() == "\x00":
        raise ValueError("holds a NUL character, which cannot be stored")
    raise ValueError(
        f"holds a broken character (a lone surrogate, U+{ord(found.group()):04X}) "
        "at position {}, which is not valid text".format(found.start() + 1)
    )


def _bounds(field: str, kind: type[int] | type[float]) -> Any:
    """``validation.NUMBER_RULES[field]`` as pydantic bounds; ``kind`` must be its kind."""
    rule = validation.NUMBER_RULES[field]
    if rule.integer != (kind is int):
        raise TypeError(f"{field} is {'an integer' if rule.integer else 'a number'}")
    return Field(ge=rule.minimum, le=rule.maximum, allow_inf_nan=False)


def _iso_moment(value: Any) -> Any:
    """Text in ISO 8601 becomes a datetime; anything else is left for strict checks."""
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError as error:
            raise ValueError(
                "is not a date and time (ISO 8601, e.g. 2026-03-02T21:30:00+00:00)"
            ) from error
    return value


def _iso_day(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError as error:
            raise ValueError("is not a date (YYYY-MM-DD)") from error
    return value


def _utc_text(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


_STORABLE = AfterValidator(_storable)
Name = Annotated[str, Field(max_length=validation.NAME_MAX_CHARS), _STORABLE]
Notes = Annotated[str, Field(max_length=validation.NOTES_MAX_CHARS), _STORABLE]
Area = Annotated[str, Field(max_length=validation.AREA_MAX_CHARS), _STORABLE]
ImportKey = Annotated[str, Field(max_length=IMPORT_KEY_MAX_CHARS), _STORABLE]
Timezone = Annotated[str, Field(max_length=TIMEZONE_MAX_CHARS), _STORABLE]
NeedleMm = Annotated[float, _bounds("needle_mm", float)]
NeedleCount = Annotated[int, _bounds("needle_count", int)]
PassesVertical = Annotated[int, _bounds("passes_vertical", int)]
PassesHorizontal = Annotated[int, _bounds("passes_horizontal", int)]
PassesDiagonal = Annotated[int, _bounds("passes_diagonal", int)]
Pain = Annotated[int, _bounds("pain", int)]
RednessHours = Annotated[float, _bounds("redness_hours", float)]
StingingMinutes = Annotated[float, _bounds("stinging_minutes", float)]
Severity = Annotated[int, _bounds("severity", int)]
IntervalDays = Annotated[int, _bounds("prescribed_interval_days", int)]
Moment = Annotated[
    AwareDatetime,
    BeforeValidator(_iso_moment),
    PlainSerializer(_utc_text, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
Day = Annotated[
    date,
    BeforeValidator(_iso_day),
    PlainSerializer(date.isoformat, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date"}),
]
Ref = Annotated[int, Field(ge=1)]


class Part(BaseModel):
    """Strict: no type is converted, no unknown member is allowed."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class ProfilePart(Part):
    display_name: Name
    experienced: bool = False
    scar_baseline: Literal["mild", "moderate", "severe"] = "mild"
    prescribed_interval_days: IntervalDays | None = None
    isotretinoin_last_dose: Day | None = None
    timezone: Timezone = "UTC"
    rule_overrides: dict[str, int | float] = Field(
        default_factory=dict,
        description="Protocol thresholds moved within their safe bounds, keyed "
        '"<rule id>.<threshold>" (see data/protocol.toml).',
    )
    safety_answered_at: Moment | None = Field(
        default=None,
        description="When the person answered the safety questions (none: not yet, and "
        "the app asks them).",
    )

    @field_validator("rule_overrides")
    @classmethod
    def _known_and_safe(cls, overrides: dict[str, int | float]) -> dict[str, int | float]:
        problems = load_protocol().override_problems(overrides)
        if problems:
            raise ValueError(" ".join(problem.message for problem in problems))
        return overrides


class RollerPart(Part):
    ref: Ref
    name: Name
    needle_mm: NeedleMm
    needle_count: NeedleCount | None = None
    first_used: Day | None = None
    retired_on: Day | None = None
    shared: bool = False
    is_demo: bool = False


class CheckInPart(Part):
    redness_hours: RednessHours | None = None
    stinging_minutes: StingingMinutes | None = None
    peeling: bool | None = None
    side_effect: validation.SideEffect | None = None
    makeup_48h: bool | None = None
    sun_24h: bool | None = None
    notes: Notes | None = None
    recorded_at: Moment | None = None


class SessionPart(Part):
    ref: Ref
    started_at: Moment
    needle_mm: NeedleMm
    passes_vertical: PassesVertical | None = None
    passes_horizontal: PassesHorizontal | None = None
    passes_diagonal: PassesDiagonal | None = None
    sterilized_before: bool | None = None
    sterilized_after: bool | None = None
    skin_cleansed: bool | None = None
    active_acne: bool | None = None
    retinoid_48h: bool | None = None
    pinpoint_bleeding: bool | None = None
    pain: Pain | None = None
    mask_applied: bool | None = None
    notes: Notes | None = None
    roller_ref: Ref | None = None
    areas: Annotated[list[Area], Field(min_length=1, max_length=50)]
    is_demo: bool = False
    import_key: ImportKey | None = None
    created_at: Moment | None = None
    check_in: CheckInPart | None = None


class ScarRatingPart(Part):
    ref: Ref
    rated_on: Day
    area: Area
    severity: Severity
    notes: Notes | None = None
    is_demo: bool = False
    import_key: ImportKey | None = None
    created_at: Moment | None = None


class PhotoPart(Part):
    rating_ref: Ref
    jpeg_base64: str = Field(description="The photo: a JPEG (re-encoded on restore), base64.")
    width: Annotated[int, Field(ge=1)]
    height: Annotated[int, Field(ge=1)]
    created_at: Moment | None = None


class ShareLinkViewPart(Part):
    viewed_at: Moment


class ShareLinkPart(Part):
    label: Name
    created_at: Moment
    expires_at: Moment
    revoked_at: Moment | None = None
    include_photos: bool = False
    include_notes: bool = False
    since_date: Day | None = Field(
        default=None, description="The first day the link showed (none: the whole course)."
    )
    views: list[ShareLinkViewPart] = Field(default_factory=list)


class BackupDocument(Part):
    """A whole backup: everything of one profile (never a share link's token)."""

    model_config = ConfigDict(
        title="dermadash backup",
        json_schema_extra={"$schema": SCHEMA_DIALECT},
    )

    format: Literal["dermadash-backup"]
    format_version: Literal[3]
    exported_at: Moment
    app_version: Annotated[str, Field(max_length=APP_VERSION_MAX_CHARS)]
    profile: ProfilePart
    rollers: list[RollerPart]
    sessions: list[SessionPart]
    scar_ratings: list[ScarRatingPart]
    photos: list[PhotoPart]
    share_links: list[ShareLinkPart]


def json_schema() -> dict[str, Any]:
    """The backup's JSON Schema (draft 2020-12), ``$schema`` first."""
    schema = BackupDocument.model_json_schema()
    return {"$schema": schema.pop("$schema"), **schema}


# --- older versions -----------------------------------------------------------------


@dataclass(frozen=True)
class Upgrade:
    """One version step: how a record of version n reads in n + 1, and new sections."""

    record: Callable[[str, Record], Record] = lambda section, record: record
    adds_sections: tuple[str, ...] = ()


# What version 3 added, as a version-2 record reads: the safety questions not answered
# yet (the app asks them again), a share link without notes, over the whole course.
_ADDED_IN_3: dict[str, Record] = {
    "profile": {"safety_answered_at": None},
    "share_links": {"include_notes": False, "since_date": None},
}


def _to_version_3(section: str, record: Record) -> Record:
    return {**_ADDED_IN_3.get(section, {}), **record}


# format_version n → the step from n to n + 1. Version 2 added progress photos; version 3
# the time the safety questions were answered and a share link's notes and first day.
UPGRADES: dict[int, Upgrade] = {
    1: Upgrade(adds_sections=("photos",)),
    2: Upgrade(record=_to_version_3),
}


def upgrade_record(
    section: str, record: Record, version: int, upgrades: Mapping[int, Upgrade] = UPGRADES
) -> Record:
    """A record of ``version`` as the current format has it."""
    for step in range(version, FORMAT_VERSION):
        record = upgrades[step].record(section, record)
    return record


def upgrade_document(
    document: Record,
    upgrades: Mapping[int, Upgrade] | None = None,
    current: int = FORMAT_VERSION,
) -> Record:
    """A whole (small) document run through every step from its version to ``current``."""
    steps = UPGRADES if upgrades is None else upgrades
    version = document["format_version"]
    upgraded = dict(document)
    while version < current:
        step = steps[version]
        for section in ("profile", *SECTIONS):
            if section == "profile" and section in upgraded:
                upgraded[section] = step.record(section, upgraded[section])
            elif isinstance(upgraded.get(section), list):
                upgraded[section] = [step.record(section, item) for item in upgraded[section]]
        for section in step.adds_sections:
            upgraded.setdefault(section, [])
        version += 1
        upgraded["format_version"] = version
    return upgraded


def missing_upgrades(version: int) -> list[int]:
    return [step for step in range(version, FORMAT_VERSION) if step not in UPGRADES]


# --- problems in plain words --------------------------------------------------------

_KINDS = {
    "int_type": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "string_type": "text",
    "list_type": "a list",
    "dict_type": "an object",
    "model_type": "an object",
    "model_attributes_type": "an object",
    "datetime_type": "a date and time as text",
    "date_type": "a date as text",
}


def _field_path(location: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in location)


def _message(error: ErrorDetails) -> str:
    kind = error["type"]
    location = error["loc"]
    field = next((part for part in reversed(location) if isinstance(part, str)), "")
    context = error.get("ctx", {})
    if kind == "missing":
        return "is missing."
    if kind == "extra_forbidden":
        return "is not part of the backup format."
    if kind in _KINDS and error["input"] is None:
        return "is missing (it is null)."
    if kind in _KINDS:
        return f"has the wrong type: it must be {_KINDS[kind]}."
    if kind in {"greater_than_equal", "less_than_equal", "finite_number"}:
        rule = validation.NUMBER_RULES.get(field)
        problem = rule.problem(field, error["input"]) if rule is not None else None
        if problem is not None:
            return problem.message
        if "ge" in context:
            return f"must be at least {context['ge']}."
        if "le" in context:
            return f"must be at most {context['le']}."
        return "must be a finite number."
    if kind == "string_too_long":
        return f"must be at most {context['max_length']} characters (it has {len(error['input'])})."
    if kind == "too_short":
        return f"must hold at least {context['min_length']} entries."
    if kind == "too_long":
        return f"must hold at most {context['max_length']} entries."
    if kind == "literal_error":
        return f"must be one of: {context['expected']}."
    if kind == "timezone_aware":
        return "must include a time zone."
    if kind == "string_unicode":
        return "holds a broken character (a lone surrogate), which is not valid text."
    if kind == "value_error":
        return f"{str(context['error']).rstrip('.')}."
    return f"{error['msg']}."


def describe_errors(place: str, error: ValidationError, prefix: tuple[str, ...] = ()) -> list[str]:
    """Each problem of a record as "Session 3, needle_mm: Needle length must be …"."""
    described = []
    for detail in error.errors(include_url=False):
        path = _field_path((*prefix, *detail["loc"]))
        where = f"{place}, {path}" if path else place
        described.append(f"{where}: {_message(detail)}")
    return described


def describe_item_errors(place_of: Callable[[int], str], error: ValidationError) -> list[str]:
    """The problems of a list validated at once, each placed by its item's index."""
    described = []
    for detail in error.errors(include_url=False):
        index, *path = detail["loc"]
        where = place_of(int(index))
        if path:
            where = f"{where}, {_field_path(tuple(path))}"
        described.append(f"{where}: {_message(detail)}")
    return described
