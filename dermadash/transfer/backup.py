"""Backup and restore of one profile, in the format ``backup_format`` defines.

Writing builds the format's models from the database. Reading never holds the whole
document: ``json_stream`` hands out one record at a time, each upgraded from the
document's version, validated by the strict models and then by the one validation
layer, and forgotten. Checking a backup (``parse_backup``) keeps only counts and the
file's bytes; restoring reads the bytes a second time, writing as it goes, in one
transaction. Photos are re-encoded exactly like an upload (``photos.prepare_photo``),
so nothing but the picture itself comes back: no metadata, no trailing data, no
embedded images.

A backup restored into an empty profile and backed up again gives the same document
except ``exported_at``, ``app_version`` and the photos' freshly encoded bytes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime
from importlib import metadata
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from pydantic import TypeAdapter
from pydantic import ValidationError as FormatError
from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

from dermadash import photos
from dermadash.columns import CHECK_IN_INPUT_FIELDS, ROLLER_INPUT_FIELDS, SESSION_INPUT_FIELDS
from dermadash.rules.protocol import load_protocol
from dermadash.storage.db import reading, transaction, with_retry
from dermadash.storage.models import (
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
from dermadash.storage.profiles import ProfileSettings, mark_changed
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
from dermadash.storage.validation import Problem, ValidationError
from dermadash.transfer import json_stream
from dermadash.transfer.backup_format import (
    FORMAT_NAME,
    FORMAT_VERSION,
    SECTIONS,
    UPGRADES,
    BackupDocument,
    CheckInPart,
    Part,
    PhotoPart,
    ProfilePart,
    RollerPart,
    ScarRatingPart,
    SessionPart,
    ShareLinkPart,
    ShareLinkViewPart,
    describe_errors,
    describe_item_errors,
    missing_upgrades,
    upgrade_document,
    upgrade_record,
)
from dermadash.transfer.import_report import (
    ImportProblem,
    ImportResult,
    ProgressCallback,
    ThrottledProgress,
)
from dermadash.transfer.json_stream import JsonShapeError, Piece

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "UPGRADES",
    "BackupContent",
    "RestoreRefused",
    "build_backup",
    "parse_backup",
    "restore_backup",
    "upgrade_document",
]

MAX_BACKUP_BYTES = 200 * 1024 * 1024
# A record nests at most three levels (a share link, its views, one view); the limit
# leaves one spare and refuses a hostile file long before it costs anything.
MAX_NESTING = 4
MAX_PROBLEMS = 500
VIEW_BATCH = 1000

Document = dict[str, Any]
PROFILE_FIELDS = tuple(ProfilePart.model_fields)  # the settings and when they were answered
SETTINGS_FIELDS = tuple(item.name for item in fields(ProfileSettings))
SESSION_FIELDS = tuple(name for name in SESSION_INPUT_FIELDS if name != "roller_id")
PLACE_NAMES = {
    "profile": "Profile",
    "rollers": "Roller",
    "sessions": "Session",
    "scar_ratings": "Scar rating",
    "photos": "Photo",
    "share_links": "Share link",
}
SHARE_LINK_FIELDS = tuple(name for name in ShareLinkPart.model_fields if name != "views")
VIEW_LIST = TypeAdapter(list[ShareLinkViewPart])
HEADER_FIELDS = ("format", "format_version", "exported_at", "app_version")

EMPTY_PROFILE_NEEDED = (
    "A backup can only be restored into an empty profile, and this one has entries. "
    "Download a backup of what is here, delete it (Your data page, Delete), then restore."
)
NOT_A_BACKUP = "This JSON file is not a dermadash backup."


class RestoreRefused(RuntimeError):
    """A backup is only restored into a profile with no entries; the message says why."""


def app_version() -> str:
    try:
        return metadata.version("dermadash")
    except metadata.PackageNotFoundError:
        return "0.1.0"


# --- writing ------------------------------------------------------------------------


def _columns(record: object, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(record, name) for name in names}


def effective_overrides(stored: dict[str, Any]) -> dict[str, Any]:
    """The overrides the rule engine actually applies: known thresholds, within bounds.

    Settings only ever store these; older restores stored anything, which the engine
    ignored or clamped, so a backup carries what took effect.
    """
    protocol = load_protocol()
    effective = protocol.with_overrides(stored).overrides
    return {
        key: stored[key] if not protocol.override_problems({key: stored[key]}) else value
        for key, value in effective.items()
    }


def _profile_part(profile: Profile) -> ProfilePart:
    columns = _columns(profile, PROFILE_FIELDS)
    columns["rule_overrides"] = effective_overrides(profile.rule_overrides or {})
    return ProfilePart(**columns)


def _check_in_part(check_in: CheckIn | None) -> CheckInPart | None:
    if check_in is None:
        return None
    return CheckInPart(
        **_columns(check_in, CHECK_IN_INPUT_FIELDS), recorded_at=check_in.recorded_at
    )


def _session_part(ref: int, record: RollingSession, roller_refs: dict[int, int]) -> SessionPart:
    return SessionPart(
        ref=ref,
        **_columns(record, SESSION_FIELDS),
        roller_ref=roller_refs.get(record.roller_id) if record.roller_id else None,
        areas=[area.area for area in record.areas],
        is_demo=record.is_demo,
        import_key=record.import_key,
        created_at=record.created_at,
        check_in=_check_in_part(record.check_in),
    )


def _rating_part(ref: int, rating: ScarRating) -> ScarRatingPart:
    return ScarRatingPart(
        ref=ref,
        **_columns(rating, ("rated_on", "area", "severity", "notes", "is_demo", "import_key")),
        created_at=rating.created_at,
    )


def _photo_part(photo: Photo, rating_refs: dict[int, int]) -> PhotoPart:
    return PhotoPart(
        rating_ref=rating_refs[photo.scar_rating_id],
        jpeg_base64=base64.b64encode(photo.jpeg).decode("ascii"),
        width=photo.width,
        height=photo.height,
        created_at=photo.created_at,
    )


def _share_link_part(link: ShareLink) -> ShareLinkPart:
    views = sorted(link.views, key=lambda view: (view.viewed_at, view.id))
    return ShareLinkPart(
        **_columns(link, SHARE_LINK_FIELDS),
        views=[ShareLinkViewPart(viewed_at=view.viewed_at) for view in views],
    )


def build_backup(engine: Engine, profile_id: int, now: datetime | None = None) -> Document:
    """Everything of one profile as a backup document (see ``backup_format``)."""
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
        stored_photos = sorted(
            session.scalars(select(Photo).where(Photo.profile_id == profile_id)).all(),
            key=lambda photo: (rating_refs[photo.scar_rating_id], photo.id),
        )
        links = session.scalars(
            select(ShareLink)
            .where(ShareLink.profile_id == profile_id)
            .order_by(ShareLink.created_at, ShareLink.id)
        ).all()
        document = BackupDocument(
            format=FORMAT_NAME,
            format_version=FORMAT_VERSION,
            exported_at=now or datetime.now(UTC),
            app_version=app_version(),
            profile=_profile_part(profile),
            rollers=[
                RollerPart(ref=ref, **_columns(roller, ROLLER_INPUT_FIELDS), is_demo=roller.is_demo)
                for ref, roller in enumerate(rollers, start=1)
            ],
            sessions=[
                _session_part(ref, record, roller_refs)
                for ref, record in enumerate(records, start=1)
            ],
            scar_ratings=[_rating_part(ref, rating) for ref, rating in enumerate(ratings, start=1)],
            photos=[_photo_part(photo, rating_refs) for photo in stored_photos],
            share_links=[_share_link_part(link) for link in links],
        )
    return document.model_dump(mode="json")


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
class RestoredShareLink:
    part: ShareLinkPart
    views: Iterator[datetime]


class _Sink(Protocol):
    """What a walk through a backup hands its valid records to."""

    def profile(self, settings: ProfileSettings, answered_at: datetime | None) -> None: ...
    def roller(self, ref: int, roller: RollerInput) -> None: ...
    def session(self, item: RestoredSession) -> None: ...
    def rating(self, ref: int, rating: ScarRatingInput, created_at: datetime | None) -> None: ...
    def photo(self, part: PhotoPart, photo: photos.PreparedPhoto) -> None: ...
    def share_link(self, link: RestoredShareLink) -> None: ...


class _TooManyProblems(Exception):
    pass


PartT = TypeVar("PartT", bound=Part)
# The parts other records point at by their ``ref``.
ReferencedT = TypeVar("ReferencedT", RollerPart, SessionPart, ScarRatingPart)


class _Walk:
    """One pass through a backup's bytes: each record checked, then handed to a sink."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.problems: list[str] = []
        self.top: dict[str, Piece] = {}
        self.version = FORMAT_VERSION

    def problem(self, message: str) -> None:
        self.problems.append(message)
        if len(self.problems) >= MAX_PROBLEMS:
            raise _TooManyProblems

    def open(self) -> str | None:
        """Read the top level and the header; why it cannot be read at all, or None."""
        try:
            for piece in json_stream.members(self.data, json_stream.whole(self.data)):
                assert piece.key is not None
                if piece.key in self.top:
                    return f"The backup has '{piece.key}' twice."
                self.top[piece.key] = piece
            header = {
                name: json_stream.decode(self.data, self.top[name].span)
                for name in HEADER_FIELDS
                if name in self.top and self.top[name].depth == 0
            }
        except JsonShapeError:
            return "This file is not valid JSON."
        if header.get("format") != FORMAT_NAME:
            return NOT_A_BACKUP
        version = header.get("format_version")
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            return "This backup has no valid format version."
        if version > FORMAT_VERSION:
            return (
                f"This backup was made by a newer version of dermadash (format {version}); "
                "update dermadash, then restore it."
            )
        if missing_upgrades(version):
            return f"Backups in format {version} cannot be read by this version of dermadash."
        self.version = version
        return None

    def check_top_level(self) -> None:
        added_later = {
            section
            for step in range(self.version, FORMAT_VERSION)
            for section in UPGRADES[step].adds_sections
        }
        for name in self.top:
            if name not in BackupDocument.model_fields:
                self.problem(f"The backup, {name}: is not part of the backup format.")
        for name in (*HEADER_FIELDS, "profile", *SECTIONS):
            if name not in self.top and name not in added_later:
                self.problem(f"The backup, {name}: is missing.")
        header = {name: self._decoded(self.top[name]) for name in HEADER_FIELDS if name in self.top}
        header["format_version"] = FORMAT_VERSION
        try:
            BackupDocument.model_validate(
                {**header, "profile": {"display_name": "-"}, **{name: [] for name in SECTIONS}}
            )
        except FormatError as error:
            for message in describe_errors("The backup", error):
                self.problem(message)

    def _decoded(self, piece: Piece) -> Any:
        return json_stream.decode(self.data, piece.span) if piece.depth <= MAX_NESTING else None

    def _part(self, model: type[PartT], section: str, place: str, piece: Piece) -> PartT | None:
        """One record, upgraded and validated; None (and problems) when it is unfit."""
        if piece.depth > MAX_NESTING:
            self.problem(
                f"{place}: nests values {piece.depth} levels deep; a backup never nests "
                f"more than {MAX_NESTING}."
            )
            return None
        try:
            record = json_stream.decode(self.data, piece.span)
        except JsonShapeError as error:
            reason = str(error) if "UTF-8" in str(error) else "is not valid JSON"
            self.problem(f"{place}: {reason}.")
            return None
        return self._validated(model, section, place, record)

    def _validated(self, model: type[PartT], section: str, place: str, record: Any) -> PartT | None:
        if isinstance(record, dict):
            record = upgrade_record(section, record, self.version)
        try:
            return model.model_validate(record)
        except FormatError as error:
            for message in describe_errors(place, error):
                self.problem(message)
            return None

    def _checked(self, place: str, item: Any) -> bool:
        """Apply the one validation layer (ranges of dates, areas, …) to an input."""
        try:
            item.validate()
        except ValidationError as error:
            for problem in error.problems:
                self.problem(_problem_text(place, problem))
            return False
        return True

    def records(self, section: str) -> Iterator[tuple[str, Piece]]:
        piece = self.top.get(section)
        if piece is None:
            return
        place_name = PLACE_NAMES[section]
        try:
            for index, element in enumerate(json_stream.elements(self.data, piece.span), 1):
                yield f"{place_name} {index}", element
        except JsonShapeError:
            self.problem(f"The backup, {section}: must be a list of records in valid JSON.")

    def run(self, sink: _Sink) -> None:
        """Walk every record in an order where each ``ref`` is known before it is used."""
        try:
            self.check_top_level()
            self._profile(sink)
            roller_refs = self._rollers(sink)
            self._sessions(sink, roller_refs)
            rating_refs = self._ratings(sink)
            self._photos(sink, rating_refs)
            self._share_links(sink)
        except _TooManyProblems:
            self.problems.append(f"Reading stopped after {MAX_PROBLEMS} problems.")

    def _profile(self, sink: _Sink) -> None:
        piece = self.top.get("profile")
        if piece is None:
            return
        part = self._part(ProfilePart, "profile", "Profile", piece)
        if part is None:
            return
        settings = ProfileSettings(**part.model_dump(include=set(SETTINGS_FIELDS)))
        if self._checked("Profile", settings):
            sink.profile(settings, part.safety_answered_at)

    def _with_refs(
        self, section: str, model: type[ReferencedT], refs: set[int]
    ) -> Iterator[tuple[str, ReferencedT]]:
        """A section's valid records, each ``ref`` added to ``refs`` (and used once)."""
        for place, piece in self.records(section):
            part = self._part(model, section, place, piece)
            if part is None:
                continue
            ref = part.ref
            if ref in refs:
                self.problem(f"{place}, ref: {ref} is used by another record of the list.")
            refs.add(ref)
            yield place, part

    def _rollers(self, sink: _Sink) -> set[int]:
        refs: set[int] = set()
        for place, part in self._with_refs("rollers", RollerPart, refs):
            roller = RollerInput(**part.model_dump(exclude={"ref"}))
            if self._checked(place, roller):
                sink.roller(part.ref, roller)
        return refs

    def _sessions(self, sink: _Sink, roller_refs: set[int]) -> None:
        for place, piece in self.records("sessions"):
            part = self._part(SessionPart, "sessions", place, piece)
            if part is None:
                continue
            if part.roller_ref is not None and part.roller_ref not in roller_refs:
                self.problem(
                    f"{place}, roller_ref: {part.roller_ref} names no roller in the backup."
                )
                continue
            data = SessionInput(**_fields_of(part, SessionInput, exclude={"roller_id"}))
            check_in = None
            if part.check_in is not None:
                check_in = CheckInInput(**_fields_of(part.check_in, CheckInInput))
            if not self._checked(place, data) or (
                check_in is not None and not self._checked(f"{place}, check_in", check_in)
            ):
                continue
            recorded_at = part.check_in.recorded_at if part.check_in else None
            sink.session(
                RestoredSession(part.roller_ref, data, part.created_at, check_in, recorded_at)
            )

    def _ratings(self, sink: _Sink) -> set[int]:
        refs: set[int] = set()
        for place, part in self._with_refs("scar_ratings", ScarRatingPart, refs):
            rating = ScarRatingInput(**_fields_of(part, ScarRatingInput))
            if self._checked(place, rating):
                sink.rating(part.ref, rating, part.created_at)
        return refs

    def _photos(self, sink: _Sink, rating_refs: set[int]) -> None:
        for place, piece in self.records("photos"):
            part = self._part(PhotoPart, "photos", place, piece)
            if part is None:
                continue
            if part.rating_ref not in rating_refs:
                self.problem(
                    f"{place}, rating_ref: {part.rating_ref} names no scar rating in the backup."
                )
                continue
            try:
                raw = base64.b64decode(part.jpeg_base64, validate=True)
            except binascii.Error:
                self.problem(f"{place}, jpeg_base64: is not valid base64.")
                continue
            try:
                prepared = photos.prepare_photo(raw)  # the upload's own path
            except ValidationError as error:
                self.problem(f"{place}, jpeg_base64: {error}")
                continue
            sink.photo(part, prepared)

    def _share_links(self, sink: _Sink) -> None:
        for place, piece in self.records("share_links"):
            if piece.depth > MAX_NESTING:
                self._part(ShareLinkPart, "share_links", place, piece)  # names the problem
                continue
            members: dict[str, Any] = {}
            views: Piece | None = None
            try:
                for member in json_stream.members(self.data, piece.span):
                    assert member.key is not None
                    if member.key == "views":
                        views = member
                    else:
                        members[member.key] = json_stream.decode(self.data, member.span)
            except JsonShapeError:
                self.problem(f"{place}: must be an object in valid JSON.")
                continue
            part = self._validated(ShareLinkPart, "share_links", place, members)
            if part is not None:
                sink.share_link(RestoredShareLink(part, self._views(place, views)))

    def _views(self, place: str, views: Piece | None) -> Iterator[datetime]:
        """A link's view times, read a thousand at a time (a link may have a million)."""
        if views is None:
            return
        batch: list[Piece] = []
        first = 1
        try:
            for index, piece in enumerate(json_stream.elements(self.data, views.span), 1):
                if piece.depth > MAX_NESTING or len(batch) == VIEW_BATCH:
                    yield from self._view_batch(place, first, batch)
                    batch, first = [], index
                if piece.depth > MAX_NESTING:
                    self._part(ShareLinkViewPart, "views", f"{place}, view {index}", piece)
                    first = index + 1
                    continue
                batch.append(piece)
            yield from self._view_batch(place, first, batch)
        except JsonShapeError:
            self.problem(f"{place}, views: must be a list in valid JSON.")

    def _view_batch(self, place: str, first: int, batch: list[Piece]) -> Iterator[datetime]:
        if not batch:
            return
        records = [
            upgrade_record("views", record, self.version) if isinstance(record, dict) else record
            for record in json_stream.decode_run(self.data, batch)
        ]
        try:
            views = VIEW_LIST.validate_python(records)
        except FormatError as error:
            for message in describe_item_errors(
                lambda index: f"{place}, view {first + index}", error
            ):
                self.problem(message)
            return
        for view in views:
            yield view.viewed_at


def _fields_of(
    part: Part, target: type[DataclassInstance], exclude: set[str] | None = None
) -> dict[str, Any]:
    """The part's values for the fields a records input dataclass has."""
    names = {item.name for item in fields(target)} - (exclude or set())
    return {name: getattr(part, name) for name in names if name in type(part).model_fields}


def _problem_text(place: str, problem: Problem) -> str:
    return f"{place}, {problem.field}: {problem.message}"


@dataclass
class _Counter:
    """A sink that counts what a restore would write (and consumes each view)."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PLACE_NAMES, 0))

    def profile(self, settings: ProfileSettings, answered_at: datetime | None) -> None:
        self.counts["profile"] += 1

    def roller(self, ref: int, roller: RollerInput) -> None:
        self.counts["rollers"] += 1

    def session(self, item: RestoredSession) -> None:
        self.counts["sessions"] += 1

    def rating(self, ref: int, rating: ScarRatingInput, created_at: datetime | None) -> None:
        self.counts["scar_ratings"] += 1

    def photo(self, part: PhotoPart, photo: photos.PreparedPhoto) -> None:
        self.counts["photos"] += 1

    def share_link(self, link: RestoredShareLink) -> None:
        self.counts["share_links"] += 1
        for _view in link.views:
            pass


@dataclass(frozen=True)
class BackupContent:
    """A checked backup: its counts, and its bytes to read again when restoring.

    Nothing parsed is kept: a person's session holds the file they uploaded anyway.
    """

    source_version: int
    data: bytes = field(repr=False)
    counts: dict[str, int]

    @property
    def entry_count(self) -> int:
        return self.counts["sessions"] + self.counts["scar_ratings"]

    def summary(self) -> str:
        c = self.counts
        return (
            f"{c['sessions']} sessions, {c['scar_ratings']} scar ratings, "
            f"{c['photos']} photos, {c['rollers']} rollers, {c['share_links']} share links"
        )


def _refused(message: str) -> tuple[None, list[ImportProblem]]:
    return None, [ImportProblem(None, None, message)]


def parse_backup(data: bytes) -> tuple[BackupContent | None, list[ImportProblem]]:
    """Check a backup file's bytes; the content, or every problem. Never raises."""
    if len(data) > MAX_BACKUP_BYTES:
        return _refused("The backup file is too large to read.")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    walk = _Walk(data)
    refusal = walk.open()
    if refusal:
        return _refused(refusal)
    counter = _Counter()
    walk.run(counter)
    if walk.problems:
        return None, [ImportProblem(None, None, message) for message in walk.problems]
    return BackupContent(walk.version, data, counter.counts), []


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


class _Writer:
    """A sink that writes each record into the profile, inside the caller's transaction."""

    def __init__(self, session: Session, profile_id: int, tracker: ThrottledProgress) -> None:
        self.db = session
        self.profile_id = profile_id
        self.tracker = tracker
        self.done = 0
        self.roller_ids: dict[int, int] = {}
        self.rating_ids: dict[int, int] = {}
        self.restored_at = utc_now()

    def _advance(self) -> None:
        self.done += 1
        self.tracker.advance(self.done)

    def profile(self, settings: ProfileSettings, answered_at: datetime | None) -> None:
        profile = self.db.get(Profile, self.profile_id)
        if profile is None:
            raise LookupError(f"profile {self.profile_id}")
        for name in SETTINGS_FIELDS:
            setattr(profile, name, getattr(settings, name))
        profile.display_name = settings.display_name.strip()
        profile.safety_answered_at = answered_at

    def roller(self, ref: int, roller: RollerInput) -> None:
        self.roller_ids[ref] = insert_roller(self.db, self.profile_id, roller)

    def session(self, item: RestoredSession) -> None:
        roller_id = self.roller_ids[item.roller_ref] if item.roller_ref is not None else None
        data = SessionInput(**{**item.data.__dict__, "roller_id": roller_id})
        session_id = insert_session(self.db, self.profile_id, data)
        record = self.db.get(RollingSession, session_id)
        assert record is not None
        if item.created_at is not None:
            record.created_at = item.created_at
        if item.check_in is not None:
            put_check_in(self.db, self.profile_id, session_id, item.check_in)
            if item.check_in_recorded_at is not None and record.check_in is not None:
                record.check_in.recorded_at = item.check_in_recorded_at
        self.db.flush()
        self.db.expunge(record)
        self._advance()

    def rating(self, ref: int, rating: ScarRatingInput, created_at: datetime | None) -> None:
        rating_id = insert_scar_rating(self.db, self.profile_id, rating)
        self.rating_ids[ref] = rating_id
        stored = self.db.get(ScarRating, rating_id)
        if stored is not None and created_at is not None:
            stored.created_at = created_at
        self._advance()

    def photo(self, part: PhotoPart, photo: photos.PreparedPhoto) -> None:
        photo_id = photos.insert_photo(
            self.db, self.profile_id, self.rating_ids[part.rating_ref], photo
        )
        stored = self.db.get(Photo, photo_id)
        assert stored is not None
        if part.created_at is not None:
            stored.created_at = part.created_at
        self.db.flush()
        self.db.expunge(stored)

    def share_link(self, link: RestoredShareLink) -> None:
        record = ShareLink(
            profile_id=self.profile_id,
            label=link.part.label.strip(),
            token_hash=_unusable_token_hash(),
            created_at=link.part.created_at,
            expires_at=link.part.expires_at,
            revoked_at=link.part.revoked_at,
            include_photos=link.part.include_photos,
            include_notes=link.part.include_notes,
            since_date=link.part.since_date,
            restored_at=self.restored_at,
        )
        self.db.add(record)
        self.db.flush()
        batch: list[dict[str, Any]] = []
        for viewed_at in link.views:
            batch.append({"share_link_id": record.id, "viewed_at": viewed_at})
            if len(batch) == VIEW_BATCH:
                self.db.execute(insert(ShareLinkView), batch)
                batch = []
        if batch:
            self.db.execute(insert(ShareLinkView), batch)


def _restore_into(
    session: Session,
    profile_id: int,
    content: BackupContent,
    progress: ProgressCallback | None,
) -> ImportResult:
    if profile_has_entries(session, profile_id):
        raise RestoreRefused(EMPTY_PROFILE_NEEDED)
    total = content.entry_count
    walk = _Walk(content.data)
    if walk.open() is not None:
        raise ValidationError.single("backup", NOT_A_BACKUP)
    walk.run(_Writer(session, profile_id, ThrottledProgress(progress, total)))
    if walk.problems:  # the file was checked: only a changed file gets here
        raise ValidationError([Problem("backup", message) for message in walk.problems])
    mark_changed(session, profile_id)
    session.flush()
    return ImportResult("backup", total, 0, summary=content.summary())


def restore_backup(
    engine: Engine,
    profile_id: int,
    content: BackupContent,
    progress: ProgressCallback | None = None,
) -> ImportResult:
    """Restore a checked backup into an empty profile, all in one transaction."""

    def attempt() -> ImportResult:
        with transaction(engine) as session:
            return _restore_into(session, profile_id, content, progress)

    return with_retry(attempt)
