"""Lossless backup and restore of one profile as a versioned JSON document.

The document (``format_version`` 2)::

    {"format": "dermadash-backup", "format_version": 2, "exported_at": "...",
     "app_version": "...", "profile": {...settings...},
     "rollers": [{"ref": 1, ...}],
     "sessions": [{"ref": 1, "roller_ref": 1, "areas": [...], ..., "check_in": {...}}],
     "scar_ratings": [{"ref": 1, ...}],
     "photos": [{"rating_ref": 1, "jpeg_base64": "...", "width": ..., "height": ...,
                 "created_at": ...}],
     "share_links": [{"label": ..., "views": [{"viewed_at": ...}]}]}

Version 1 had no ``photos``; upgrading it adds an empty list. A photo is the stored JPEG
itself in base64, so it comes back byte for byte.

Records point at each other by ``ref`` (their position in the document), never by
database id, so a restore into any database keeps every relationship. Times are UTC ISO
8601. Share links keep their label, dates and view history but never their token nor
its hash (either would open the data): a restored link cannot be opened, only shown.

A later format adds a list (as version 2 did ``photos``) with a version bump and a step in
``UPGRADES`` that turns the previous version into it; restoring runs every step from the
document's version up to ``FORMAT_VERSION``.

A backup, restored into an empty profile and backed up again, gives the same document
except ``exported_at``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from importlib import metadata
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from dermadash import photos, validation
from dermadash.db import reading, transaction, with_retry
from dermadash.import_types import ImportProblem, ImportResult, ProgressCallback, ThrottledProgress
from dermadash.models import (
    CheckIn,
    Photo,
    Profile,
    Roller,
    RollingSession,
    ScarRating,
    ShareLink,
    ShareLinkView,
    utc_now,
)
from dermadash.profiles import ProfileSettings, mark_changed
from dermadash.records import (
    CHECK_IN_COLUMNS,
    ROLLER_COLUMNS,
    SESSION_COLUMNS,
    CheckInInput,
    RollerInput,
    ScarRatingInput,
    SessionInput,
    insert_roller,
    insert_scar_rating,
    insert_session,
    put_check_in,
)
from dermadash.validation import ValidationError

FORMAT_NAME = "dermadash-backup"
FORMAT_VERSION = 2
MAX_BACKUP_BYTES = 200 * 1024 * 1024

Document = dict[str, Any]
UpgradeStep = Callable[[Document], Document]


def _add_photos(document: Document) -> Document:
    """Version 1 → 2: backups gained progress photos; older ones have none."""
    return {**document, "photos": []}


# format_version n → the step that turns a version-n document into version n + 1.
UPGRADES: dict[int, UpgradeStep] = {1: _add_photos}

PROFILE_FIELDS = (
    "display_name",
    "experienced",
    "scar_baseline",
    "prescribed_interval_days",
    "isotretinoin_last_dose",
    "timezone",
    "rule_overrides",
)
SESSION_FIELDS = tuple(name for name in SESSION_COLUMNS if name != "roller_id")


EMPTY_PROFILE_NEEDED = (
    "A backup can only be restored into an empty profile, and this one has entries. "
    "Download a backup of what is here, delete it (Your data page, Delete), then restore."
)


class RestoreRefused(RuntimeError):
    """A backup is only restored into a profile with no entries; the message says why."""


def app_version() -> str:
    try:
        return metadata.version("dermadash")
    except metadata.PackageNotFoundError:
        return "0.1.0"


# --- building -----------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A column value as JSON: times in UTC ISO 8601, dates ISO, the rest as is."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _profile_part(profile: Profile) -> dict[str, Any]:
    return {name: _plain(getattr(profile, name)) for name in PROFILE_FIELDS}


def _roller_part(ref: int, roller: Roller) -> dict[str, Any]:
    part = {"ref": ref}
    part.update({name: _plain(getattr(roller, name)) for name in ROLLER_COLUMNS})
    part["is_demo"] = roller.is_demo
    return part


def _check_in_part(check_in: CheckIn | None) -> dict[str, Any] | None:
    if check_in is None:
        return None
    part = {name: _plain(getattr(check_in, name)) for name in CHECK_IN_COLUMNS}
    part["recorded_at"] = _plain(check_in.recorded_at)
    return part


def _session_part(ref: int, record: RollingSession, roller_refs: dict[int, int]) -> dict[str, Any]:
    part: dict[str, Any] = {"ref": ref}
    part.update({name: _plain(getattr(record, name)) for name in SESSION_FIELDS})
    part["roller_ref"] = roller_refs.get(record.roller_id) if record.roller_id else None
    part["areas"] = [area.area for area in record.areas]
    part["is_demo"] = record.is_demo
    part["import_key"] = record.import_key
    part["created_at"] = _plain(record.created_at)
    part["check_in"] = _check_in_part(record.check_in)
    return part


def _rating_part(ref: int, rating: ScarRating) -> dict[str, Any]:
    return {
        "ref": ref,
        "rated_on": _plain(rating.rated_on),
        "area": rating.area,
        "severity": rating.severity,
        "notes": rating.notes,
        "is_demo": rating.is_demo,
        "import_key": rating.import_key,
        "created_at": _plain(rating.created_at),
    }


def _photo_part(photo: Photo, rating_refs: dict[int, int]) -> dict[str, Any]:
    return {
        "rating_ref": rating_refs[photo.scar_rating_id],
        "jpeg_base64": base64.b64encode(photo.jpeg).decode("ascii"),
        "width": photo.width,
        "height": photo.height,
        "created_at": _plain(photo.created_at),
    }


def _share_link_part(link: ShareLink) -> dict[str, Any]:
    return {
        "label": link.label,
        "created_at": _plain(link.created_at),
        "expires_at": _plain(link.expires_at),
        "revoked_at": _plain(link.revoked_at),
        "include_photos": link.include_photos,
        "views": [
            {"viewed_at": _plain(view.viewed_at)}
            for view in sorted(link.views, key=lambda view: (view.viewed_at, view.id))
        ],
    }


def build_backup(engine: Engine, profile_id: int, now: datetime | None = None) -> Document:
    """Everything of one profile as a backup document (see the module's docstring)."""
    with reading(engine) as session:
        profile = session.get(Profile, profile_id)
        if profile is None:
            raise LookupError(f"profile {profile_id}")
        rollers = session.scalars(
            select(Roller).where(Roller.profile_id == profile_id).order_by(Roller.id)
        ).all()
        roller_refs = {roller.id: ref for ref, roller in enumerate(rollers, start=1)}
        records = session.scalars(
            select(RollingSession)
            .where(RollingSession.profile_id == profile_id)
            .order_by(RollingSession.started_at, RollingSession.id)
        ).all()
        ratings = session.scalars(
            select(ScarRating)
            .where(ScarRating.profile_id == profile_id)
            .order_by(ScarRating.rated_on, ScarRating.id)
        ).all()
        rating_refs = {rating.id: ref for ref, rating in enumerate(ratings, start=1)}
        stored_photos = session.scalars(
            select(Photo).where(Photo.profile_id == profile_id).order_by(Photo.id)
        ).all()
        stored_photos = sorted(
            stored_photos, key=lambda photo: (rating_refs[photo.scar_rating_id], photo.id)
        )
        links = session.scalars(
            select(ShareLink)
            .where(ShareLink.profile_id == profile_id)
            .order_by(ShareLink.created_at, ShareLink.id)
        ).all()
        return {
            "format": FORMAT_NAME,
            "format_version": FORMAT_VERSION,
            "exported_at": _plain(now or datetime.now(UTC)),
            "app_version": app_version(),
            "profile": _profile_part(profile),
            "rollers": [_roller_part(ref, roller) for ref, roller in enumerate(rollers, start=1)],
            "sessions": [
                _session_part(ref, record, roller_refs)
                for ref, record in enumerate(records, start=1)
            ],
            "scar_ratings": [
                _rating_part(ref, rating) for ref, rating in enumerate(ratings, start=1)
            ],
            "photos": [_photo_part(photo, rating_refs) for photo in stored_photos],
            "share_links": [_share_link_part(link) for link in links],
        }


def dumps(document: Document) -> str:
    """The document as readable, stable JSON text."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def backup_json(engine: Engine, profile_id: int) -> str:
    return dumps(build_backup(engine, profile_id))


def backup_filename(today: date) -> str:
    return f"dermadash-backup-{today.isoformat()}.json"


# --- reading ------------------------------------------------------------------------


@dataclass(frozen=True)
class RestoredSession:
    roller_ref: int | None
    data: SessionInput
    created_at: datetime | None
    check_in: CheckInInput | None
    check_in_recorded_at: datetime | None


@dataclass(frozen=True)
class RestoredRating:
    data: ScarRatingInput
    created_at: datetime | None
    ref: int = 0


@dataclass(frozen=True)
class RestoredPhoto:
    rating_ref: int
    photo: photos.PreparedPhoto
    created_at: datetime | None


@dataclass(frozen=True)
class RestoredShareLink:
    label: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    include_photos: bool
    views: list[datetime]


@dataclass
class BackupContent:
    """A checked backup, upgraded to the current format, ready to restore."""

    source_version: int
    profile: ProfileSettings
    rollers: dict[int, RollerInput] = field(default_factory=dict)
    sessions: list[RestoredSession] = field(default_factory=list)
    ratings: list[RestoredRating] = field(default_factory=list)
    photos: list[RestoredPhoto] = field(default_factory=list)
    share_links: list[RestoredShareLink] = field(default_factory=list)

    @property
    def entry_count(self) -> int:
        return len(self.sessions) + len(self.ratings)

    def summary(self) -> str:
        return (
            f"{len(self.sessions)} sessions, {len(self.ratings)} scar ratings, "
            f"{len(self.photos)} photos, {len(self.rollers)} rollers, "
            f"{len(self.share_links)} share links"
        )


def upgrade_document(
    document: Document,
    upgrades: dict[int, UpgradeStep] | None = None,
    current: int = FORMAT_VERSION,
) -> Document:
    """Run the upgrade steps from the document's version up to ``current``."""
    steps = UPGRADES if upgrades is None else upgrades
    version = document["format_version"]
    while version < current:
        document = steps[version](document)
        version += 1
        document["format_version"] = version
    return document


class _Reader:
    """Reads typed fields of one JSON object; collects every problem with its place."""

    def __init__(self, record: Any, place: str, problems: list[ImportProblem]) -> None:
        self.place = place
        self.problems = problems
        if isinstance(record, dict):
            self.record: dict[str, Any] = record
        else:
            self.record = {}
            self.problem("is not a JSON object.")

    def problem(self, message: str) -> None:
        self.problems.append(ImportProblem(None, None, f"{self.place}: {message}"))

    def value(self, key: str, kinds: tuple[type, ...], required: bool, label: str) -> Any:
        value = self.record.get(key)
        if value is None:
            if required:
                self.problem(f"{label} is missing.")
            return None
        if isinstance(value, bool) and bool not in kinds:
            self.problem(f"{label} has the wrong type.")
            return None
        if not isinstance(value, kinds):
            self.problem(f"{label} has the wrong type.")
            return None
        return value

    def text(self, key: str, required: bool = False) -> str | None:
        value = self.value(key, (str,), required, key)
        if value is not None and "\x00" in value:
            self.problem(f"{key} holds a NUL character, which cannot be stored.")
            return None
        return value

    def number(self, key: str, required: bool = False) -> Any:
        return self.value(key, (int, float), required, key)

    def integer(self, key: str, required: bool = False) -> int | None:
        return self.value(key, (int,), required, key)

    def flag(self, key: str, required: bool = False) -> bool | None:
        return self.value(key, (bool,), required, key)

    def moment(self, key: str, required: bool = False) -> datetime | None:
        text = self.text(key, required)
        if text is None:
            return None
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            self.problem(f"{key} is not a date and time with a time zone.")
            return None
        return moment

    def day(self, key: str, required: bool = False) -> date | None:
        text = self.text(key, required)
        if text is None:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            self.problem(f"{key} is not a date (YYYY-MM-DD).")
            return None

    def items(self, key: str) -> list[Any]:
        value = self.record.get(key, [])
        if not isinstance(value, list):
            self.problem(f"{key} must be a list.")
            return []
        return value

    def checked(self, build: Callable[[], Any]) -> Any:
        """Build an input and validate it; problems are recorded, None returned."""
        try:
            built = build()
            built.validate()
        except ValidationError as error:
            for problem in error.problems:
                self.problem(problem.message)
            return None
        except (TypeError, ValueError, OverflowError):
            self.problem("has a value that cannot be used.")
            return None
        return built


def _read_profile(document: Document, problems: list[ImportProblem]) -> ProfileSettings | None:
    reader = _Reader(document.get("profile"), "Profile", problems)
    overrides = reader.value("rule_overrides", (dict,), False, "rule_overrides") or {}
    return reader.checked(
        lambda: ProfileSettings(
            display_name=reader.text("display_name", True) or "",
            experienced=bool(reader.flag("experienced")),
            scar_baseline=reader.text("scar_baseline") or "mild",
            prescribed_interval_days=reader.integer("prescribed_interval_days"),
            isotretinoin_last_dose=reader.day("isotretinoin_last_dose"),
            timezone=reader.text("timezone") or "UTC",
            rule_overrides=overrides,
        )
    )


def _read_roller(item: Any, index: int, problems: list[ImportProblem]) -> tuple[int, Any]:
    reader = _Reader(item, f"Roller {index}", problems)
    ref = reader.integer("ref", True)
    roller = reader.checked(
        lambda: RollerInput(
            name=reader.text("name", True) or "",
            needle_mm=reader.number("needle_mm", True),
            needle_count=reader.integer("needle_count"),
            first_used=reader.day("first_used"),
            retired_on=reader.day("retired_on"),
            shared=bool(reader.flag("shared")),
            is_demo=bool(reader.flag("is_demo")),
        )
    )
    return (ref or 0), roller


def _read_check_in(item: Any, place: str, problems: list[ImportProblem]) -> tuple[Any, Any]:
    if item is None:
        return None, None
    reader = _Reader(item, place, problems)
    check_in = reader.checked(
        lambda: CheckInInput(
            redness_hours=reader.number("redness_hours"),
            stinging_minutes=reader.number("stinging_minutes"),
            peeling=reader.flag("peeling"),
            side_effect=reader.text("side_effect"),
            makeup_48h=reader.flag("makeup_48h"),
            sun_24h=reader.flag("sun_24h"),
            notes=reader.text("notes"),
        )
    )
    return check_in, reader.moment("recorded_at")


def _read_session(
    item: Any, index: int, roller_refs: set[int], problems: list[ImportProblem]
) -> RestoredSession | None:
    place = f"Session {index}"
    count = len(problems)
    reader = _Reader(item, place, problems)
    roller_ref = reader.integer("roller_ref")
    if roller_ref is not None and roller_ref not in roller_refs:
        reader.problem(f"roller_ref {roller_ref} names no roller in the backup.")
    areas = reader.items("areas")
    if not all(isinstance(area, str) and "\x00" not in area for area in areas):
        reader.problem("areas must be a list of names.")
        areas = []
    data = reader.checked(
        lambda: SessionInput(
            started_at=reader.moment("started_at", True),  # type: ignore[arg-type]
            areas=areas,
            needle_mm=reader.number("needle_mm", True),
            passes_vertical=reader.integer("passes_vertical"),
            passes_horizontal=reader.integer("passes_horizontal"),
            passes_diagonal=reader.integer("passes_diagonal"),
            sterilized_before=reader.flag("sterilized_before"),
            sterilized_after=reader.flag("sterilized_after"),
            skin_cleansed=reader.flag("skin_cleansed"),
            active_acne=reader.flag("active_acne"),
            retinoid_48h=reader.flag("retinoid_48h"),
            pinpoint_bleeding=reader.flag("pinpoint_bleeding"),
            pain=reader.integer("pain"),
            mask_applied=reader.flag("mask_applied"),
            notes=reader.text("notes"),
            is_demo=bool(reader.flag("is_demo")),
            import_key=reader.text("import_key"),
        )
    )
    created_at = reader.moment("created_at")
    check_in, recorded_at = _read_check_in(
        reader.record.get("check_in"), f"{place}, check-in", problems
    )
    if data is None or len(problems) > count:
        return None
    return RestoredSession(roller_ref, data, created_at, check_in, recorded_at)


def _read_rating(item: Any, index: int, problems: list[ImportProblem]) -> RestoredRating | None:
    reader = _Reader(item, f"Scar rating {index}", problems)
    data = reader.checked(
        lambda: ScarRatingInput(
            rated_on=reader.day("rated_on", True),  # type: ignore[arg-type]
            area=reader.text("area", True) or "",
            severity=reader.integer("severity", True),  # type: ignore[arg-type]
            notes=reader.text("notes"),
            is_demo=bool(reader.flag("is_demo")),
            import_key=reader.text("import_key"),
        )
    )
    created_at = reader.moment("created_at")
    ref = reader.integer("ref")
    return None if data is None else RestoredRating(data, created_at, index if ref is None else ref)


def _read_photo(
    item: Any, index: int, rating_refs: set[int], problems: list[ImportProblem]
) -> RestoredPhoto | None:
    reader = _Reader(item, f"Photo {index}", problems)
    count = len(problems)
    rating_ref = reader.integer("rating_ref", True)
    if rating_ref is not None and rating_ref not in rating_refs:
        reader.problem(f"rating_ref {rating_ref} names no scar rating in the backup.")
    encoded = reader.text("jpeg_base64", True)
    created_at = reader.moment("created_at")
    if len(problems) > count or rating_ref is None or encoded is None:
        return None
    try:
        data = base64.b64decode(encoded, validate=True)
    except binascii.Error:
        reader.problem("jpeg_base64 is not valid base64.")
        return None
    try:
        photo = photos.stored_photo(data)
    except ValidationError as error:
        reader.problem(str(error))
        return None
    return RestoredPhoto(rating_ref, photo, created_at)


def _read_share_link(
    item: Any, index: int, problems: list[ImportProblem]
) -> RestoredShareLink | None:
    reader = _Reader(item, f"Share link {index}", problems)
    count = len(problems)
    label = reader.text("label", True)
    if label is not None:
        problem = validation.required_text_problem(
            "label", "label", label, validation.NAME_MAX_CHARS
        )
        if problem:
            reader.problem(problem.message)
    created_at = reader.moment("created_at", True)
    expires_at = reader.moment("expires_at", True)
    revoked_at = reader.moment("revoked_at")
    views = [
        _Reader(view, f"Share link {index}, view {number}", problems).moment("viewed_at", True)
        for number, view in enumerate(reader.items("views"), start=1)
    ]
    if len(problems) > count or label is None or created_at is None or expires_at is None:
        return None
    return RestoredShareLink(
        label,
        created_at,
        expires_at,
        revoked_at,
        bool(reader.flag("include_photos")),
        [view for view in views if view is not None],
    )


def _check_format(document: Any) -> str | None:
    """Why the document cannot be read at all, or None."""
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        return "This JSON file is not a dermadash backup."
    version = document.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        return "This backup has no valid format version."
    if version > FORMAT_VERSION:
        return (
            f"This backup was made by a newer version of dermadash (format {version}); "
            "update dermadash, then restore it."
        )
    missing = [step for step in range(version, FORMAT_VERSION) if step not in UPGRADES]
    if missing:
        return f"Backups in format {version} cannot be read by this version of dermadash."
    return None


def parse_document(document: Any) -> tuple[BackupContent | None, list[ImportProblem]]:
    """Check and upgrade a backup document; the content, or every problem with it."""
    refusal = _check_format(document)
    if refusal:
        return None, [ImportProblem(None, None, refusal)]
    source_version = document["format_version"]
    try:
        document = upgrade_document(json.loads(json.dumps(document)))
    except (KeyError, TypeError, ValueError) as error:
        return None, [ImportProblem(None, None, f"This backup cannot be upgraded ({error}).")]
    problems: list[ImportProblem] = []
    top = _Reader(document, "The backup", problems)
    profile = _read_profile(document, problems)
    rollers: dict[int, RollerInput] = {}
    for index, item in enumerate(top.items("rollers"), start=1):
        ref, roller = _read_roller(item, index, problems)
        if ref in rollers:
            problems.append(ImportProblem(None, None, f"Roller {index}: ref {ref} is used twice."))
        if roller is not None:
            rollers[ref] = roller
    refs = set(rollers)
    sessions = [
        _read_session(item, index, refs, problems)
        for index, item in enumerate(top.items("sessions"), start=1)
    ]
    ratings = [
        _read_rating(item, index, problems)
        for index, item in enumerate(top.items("scar_ratings"), start=1)
    ]
    rating_refs = [rating.ref for rating in ratings if rating is not None]
    if len(set(rating_refs)) != len(rating_refs):
        problems.append(ImportProblem(None, None, "Two scar ratings have the same ref."))
    stored_photos = [
        _read_photo(item, index, set(rating_refs), problems)
        for index, item in enumerate(top.items("photos"), start=1)
    ]
    links = [
        _read_share_link(item, index, problems)
        for index, item in enumerate(top.items("share_links"), start=1)
    ]
    if problems or profile is None:
        return None, problems
    return BackupContent(
        source_version=source_version,
        profile=profile,
        rollers=rollers,
        sessions=[item for item in sessions if item is not None],
        ratings=[item for item in ratings if item is not None],
        photos=[item for item in stored_photos if item is not None],
        share_links=[item for item in links if item is not None],
    ), []


def parse_backup(data: bytes) -> tuple[BackupContent | None, list[ImportProblem]]:
    """Read a backup file's bytes; never raises for bad input."""
    if len(data) > MAX_BACKUP_BYTES:
        return None, [ImportProblem(None, None, "The backup file is too large to read.")]
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None, [ImportProblem(None, None, "This file is not valid JSON.")]
    return parse_document(document)


# --- restoring ----------------------------------------------------------------------


def profile_has_entries(session: Session, profile_id: int) -> bool:
    for model in (RollingSession, ScarRating, Roller, ShareLink):
        found = session.scalar(select(model.id).where(model.profile_id == profile_id).limit(1))
        if found is not None:
            return True
    return False


def _unusable_token_hash() -> str:
    """A hash whose token nobody knows: the restored link exists but cannot be opened."""
    return hashlib.sha256(secrets.token_bytes(32)).hexdigest()


def _restore_into(
    session: Session,
    profile_id: int,
    content: BackupContent,
    progress: ProgressCallback | None,
) -> ImportResult:
    if profile_has_entries(session, profile_id):
        raise RestoreRefused(EMPTY_PROFILE_NEEDED)
    profile = session.get(Profile, profile_id)
    if profile is None:
        raise LookupError(f"profile {profile_id}")
    for name in PROFILE_FIELDS:
        setattr(profile, name, getattr(content.profile, name))
    profile.display_name = content.profile.display_name.strip()
    roller_ids = {
        ref: insert_roller(session, profile_id, roller) for ref, roller in content.rollers.items()
    }
    total = len(content.sessions) + len(content.ratings)
    tracker = ThrottledProgress(progress, total)
    done = 0
    for item in content.sessions:
        data = item.data
        roller_id = roller_ids[item.roller_ref] if item.roller_ref is not None else None
        session_id = insert_session(session, profile_id, replace(data, roller_id=roller_id))
        record = session.get(RollingSession, session_id)
        assert record is not None
        if item.created_at is not None:
            record.created_at = item.created_at
        if item.check_in is not None:
            put_check_in(session, profile_id, session_id, item.check_in)
            if item.check_in_recorded_at is not None and record.check_in is not None:
                record.check_in.recorded_at = item.check_in_recorded_at
        done += 1
        tracker.advance(done)
    rating_ids: dict[int, int] = {}
    for rating in content.ratings:
        rating_id = insert_scar_rating(session, profile_id, rating.data)
        rating_ids[rating.ref] = rating_id
        stored = session.get(ScarRating, rating_id)
        if stored is not None and rating.created_at is not None:
            stored.created_at = rating.created_at
        done += 1
        tracker.advance(done)
    for item in content.photos:
        photo_id = photos.insert_photo(session, profile_id, rating_ids[item.rating_ref], item.photo)
        if item.created_at is not None:
            stored_photo = session.get(Photo, photo_id)
            assert stored_photo is not None
            stored_photo.created_at = item.created_at
    restored_at = utc_now()
    for link in content.share_links:
        session.add(
            ShareLink(
                profile_id=profile_id,
                label=link.label.strip(),
                token_hash=_unusable_token_hash(),
                created_at=link.created_at,
                expires_at=link.expires_at,
                revoked_at=link.revoked_at,
                include_photos=link.include_photos,
                restored_at=restored_at,
                views=[ShareLinkView(viewed_at=moment) for moment in link.views],
            )
        )
    mark_changed(session, profile_id)
    session.flush()
    return ImportResult("backup", total, 0, summary=content.summary())


def restore_backup(
    engine: Engine,
    profile_id: int,
    content: BackupContent,
    progress: ProgressCallback | None = None,
) -> ImportResult:
    """Restore a backup into an empty profile, all in one transaction."""

    def attempt() -> ImportResult:
        with transaction(engine) as session:
            return _restore_into(session, profile_id, content, progress)

    return with_retry(attempt)
