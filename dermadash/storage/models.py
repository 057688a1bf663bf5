"""The database tables: every row belongs to one profile.

Ranges come from ``validation.NUMBER_RULES`` twice over: the ORM refuses a bad value
before it reaches the database (``@validates``) and a CHECK constraint refuses it in
the database itself, so a direct SQL write cannot slip past either.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    mapped_column,
    relationship,
    validates,
)

from dermadash.storage import validation
from dermadash.storage.validation import NUMBER_RULES, ValidationError, raise_if_any

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC; gives back aware UTC datetimes on every database.

    SQLite keeps no time zone, so this is the one place that puts it back.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValidationError.single("time", "A time must include its time zone.")
        utc_value = value.astimezone(UTC)
        return utc_value.replace(tzinfo=None) if dialect.name == "sqlite" else utc_value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utc_now() -> datetime:
    return datetime.now(UTC)


def range_check(field: str) -> CheckConstraint:
    """A CHECK constraint for one field, from its validation rule."""
    rule = NUMBER_RULES[field]
    return CheckConstraint(
        f"{field} IS NULL OR ({field} >= {rule.minimum:g} AND {field} <= {rule.maximum:g})",
        name=f"{field}_range",
    )


def choice_check(field: str, choices: tuple[str, ...]) -> CheckConstraint:
    allowed = ", ".join(f"'{choice}'" for choice in choices)
    return CheckConstraint(f"{field} IS NULL OR {field} IN ({allowed})", name=f"{field}_choice")


def length_check(field: str, max_chars: int) -> CheckConstraint:
    return CheckConstraint(
        f"{field} IS NULL OR length({field}) <= {max_chars}", name=f"{field}_length"
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
    }


class RangeValidated:
    """Mixin: every attribute named in NUMBER_RULES is checked when it is set."""

    def _check_number(self, key: str, value: Any) -> Any:
        raise_if_any([validation.number_problem(key, value)])
        return value


class Profile(Base):
    __tablename__ = "profiles"
    __table_args__ = (
        range_check("prescribed_interval_days"),
        choice_check("scar_baseline", validation.SCAR_BASELINES),
        length_check("display_name", validation.NAME_MAX_CHARS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(validation.NAME_MAX_CHARS))
    experienced: Mapped[bool] = mapped_column(Boolean, default=False)
    scar_baseline: Mapped[str] = mapped_column(String(10), default="mild")
    prescribed_interval_days: Mapped[int | None] = mapped_column(Integer)
    isotretinoin_last_dose: Mapped[date | None] = mapped_column(Date)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    rule_overrides: Mapped[dict[str, Any]] = mapped_column(default=dict)
    owner_identity: Mapped[str | None] = mapped_column(String(320), unique=True)
    # Bumped by every write to the profile's data: cached reads are keyed on it, so
    # every app replica sees a change at once.
    data_revision: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    # When the person answered (or confirmed) the first-run safety questions.
    safety_answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    rollers: Mapped[list[Roller]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", passive_deletes=True
    )

    @validates("prescribed_interval_days")
    def _validate_interval(self, key: str, value: int | None) -> int | None:
        raise_if_any([validation.number_problem(key, value)])
        return value

    @validates("scar_baseline")
    def _validate_baseline(self, key: str, value: str) -> str:
        raise_if_any(
            [validation.choice_problem(key, "Scar baseline", value, validation.SCAR_BASELINES)]
        )
        return value


class Roller(RangeValidated, Base):
    __tablename__ = "rollers"
    __table_args__ = (
        range_check("needle_mm"),
        range_check("needle_count"),
        length_check("name", validation.NAME_MAX_CHARS),
        Index("ix_rollers_profile_id", "profile_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(validation.NAME_MAX_CHARS))
    needle_mm: Mapped[float] = mapped_column(Float)
    needle_count: Mapped[int | None] = mapped_column(Integer)
    first_used: Mapped[date | None] = mapped_column(Date)
    retired_on: Mapped[date | None] = mapped_column(Date)
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)

    profile: Mapped[Profile] = relationship(back_populates="rollers")

    @validates("needle_mm", "needle_count")
    def _validate_numbers(self, key: str, value: Any) -> Any:
        return self._check_number(key, value)


class RollingSession(RangeValidated, Base):
    """One dermarolling session (the table is ``sessions``)."""

    __tablename__ = "sessions"
    __table_args__ = (
        range_check("needle_mm"),
        range_check("passes_vertical"),
        range_check("passes_horizontal"),
        range_check("passes_diagonal"),
        range_check("pain"),
        length_check("notes", validation.NOTES_MAX_CHARS),
        Index("ix_sessions_profile_id_started_at", "profile_id", "started_at"),
        UniqueConstraint("profile_id", "import_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"))
    started_at: Mapped[datetime]
    roller_id: Mapped[int | None] = mapped_column(
        ForeignKey("rollers.id", ondelete="SET NULL"), index=True
    )
    needle_mm: Mapped[float] = mapped_column(Float)
    passes_vertical: Mapped[int | None] = mapped_column(Integer)
    passes_horizontal: Mapped[int | None] = mapped_column(Integer)
    passes_diagonal: Mapped[int | None] = mapped_column(Integer)
    sterilized_before: Mapped[bool | None] = mapped_column(Boolean)
    sterilized_after: Mapped[bool | None] = mapped_column(Boolean)
    skin_cleansed: Mapped[bool | None] = mapped_column(Boolean)
    active_acne: Mapped[bool | None] = mapped_column(Boolean)
    retinoid_48h: Mapped[bool | None] = mapped_column(Boolean)
    pinpoint_bleeding: Mapped[bool | None] = mapped_column(Boolean)
    pain: Mapped[int | None] = mapped_column(Integer)
    mask_applied: Mapped[bool | None] = mapped_column(Boolean)
    notes: Mapped[str | None] = mapped_column(Text)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    import_key: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    areas: Mapped[list[SessionArea]] = relationship(
        back_populates="session",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="SessionArea.position",
    )
    check_in: Mapped[CheckIn | None] = relationship(
        back_populates="session", cascade="all, delete-orphan", passive_deletes=True
    )

    @validates("needle_mm", "passes_vertical", "passes_horizontal", "passes_diagonal", "pain")
    def _validate_numbers(self, key: str, value: Any) -> Any:
        return self._check_number(key, value)

    @validates("started_at")
    def _validate_started_at(self, key: str, value: datetime) -> datetime:
        raise_if_any([validation.moment_problem(key, "Session date and time", value)])
        return value

    @validates("notes")
    def _validate_notes(self, key: str, value: str | None) -> str | None:
        raise_if_any([validation.text_problem(key, "Notes", value, validation.NOTES_MAX_CHARS)])
        return value


class SessionArea(Base):
    """A face area treated in a session; a session covers one or more."""

    __tablename__ = "session_areas"
    __table_args__ = (
        length_check("area", validation.AREA_MAX_CHARS),
        Index("ix_session_areas_area", "area"),
    )

    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True
    )
    area: Mapped[str] = mapped_column(String(validation.AREA_MAX_CHARS), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    session: Mapped[RollingSession] = relationship(back_populates="areas")


class CheckIn(RangeValidated, Base):
    """How the skin reacted after a session; one per session."""

    __tablename__ = "check_ins"
    __table_args__ = (
        range_check("redness_hours"),
        range_check("stinging_minutes"),
        choice_check("side_effect", validation.SIDE_EFFECTS),
        length_check("notes", validation.NOTES_MAX_CHARS),
    )

    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True
    )
    redness_hours: Mapped[float | None] = mapped_column(Float)
    stinging_minutes: Mapped[float | None] = mapped_column(Float)
    peeling: Mapped[bool | None] = mapped_column(Boolean)
    side_effect: Mapped[str | None] = mapped_column(String(20))
    makeup_48h: Mapped[bool | None] = mapped_column(Boolean)
    sun_24h: Mapped[bool | None] = mapped_column(Boolean)
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(default=utc_now)

    session: Mapped[RollingSession] = relationship(back_populates="check_in")

    @validates("redness_hours", "stinging_minutes")
    def _validate_numbers(self, key: str, value: Any) -> Any:
        return self._check_number(key, value)

    @validates("side_effect")
    def _validate_side_effect(self, key: str, value: str | None) -> str | None:
        raise_if_any(
            [validation.choice_problem(key, "Side effect", value, validation.SIDE_EFFECTS)]
        )
        return value

    @validates("notes")
    def _validate_notes(self, key: str, value: str | None) -> str | None:
        raise_if_any([validation.text_problem(key, "Notes", value, validation.NOTES_MAX_CHARS)])
        return value


class ScarRating(RangeValidated, Base):
    __tablename__ = "scar_ratings"
    __table_args__ = (
        range_check("severity"),
        length_check("notes", validation.NOTES_MAX_CHARS),
        length_check("area", validation.AREA_MAX_CHARS),
        Index("ix_scar_ratings_profile_id_rated_on", "profile_id", "rated_on"),
        UniqueConstraint("profile_id", "import_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"))
    rated_on: Mapped[date] = mapped_column(Date)
    area: Mapped[str] = mapped_column(String(validation.AREA_MAX_CHARS))
    severity: Mapped[int] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    import_key: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    photos: Mapped[list[Photo]] = relationship(
        back_populates="scar_rating", cascade="all, delete-orphan", passive_deletes=True
    )

    @validates("severity")
    def _validate_numbers(self, key: str, value: Any) -> Any:
        return self._check_number(key, value)

    @validates("rated_on")
    def _validate_rated_on(self, key: str, value: date) -> date:
        raise_if_any([validation.day_problem(key, "Rating date", value)])
        return value

    @validates("notes")
    def _validate_notes(self, key: str, value: str | None) -> str | None:
        raise_if_any([validation.text_problem(key, "Notes", value, validation.NOTES_MAX_CHARS)])
        return value


class Photo(Base):
    """A progress photo of one rated area: a re-encoded JPEG without any metadata.

    A rating may carry several photos (e.g. two angles of the same cheek); deleting the
    rating, or the profile, deletes its photos.
    """

    __tablename__ = "photos"
    __table_args__ = (
        Index("ix_photos_profile_id", "profile_id"),
        Index("ix_photos_scar_rating_id", "scar_rating_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"))
    scar_rating_id: Mapped[int] = mapped_column(ForeignKey("scar_ratings.id", ondelete="CASCADE"))
    jpeg: Mapped[bytes] = mapped_column(LargeBinary)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    scar_rating: Mapped[ScarRating] = relationship(back_populates="photos")


class ShareLink(Base):
    """A read-only link for a dermatologist; only the token's hash is kept."""

    __tablename__ = "share_links"
    __table_args__ = (
        length_check("label", validation.NAME_MAX_CHARS),
        Index("ix_share_links_profile_id", "profile_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(validation.NAME_MAX_CHARS))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    include_photos: Mapped[bool] = mapped_column(Boolean, default=False)
    # Set when the link came back from a backup: its token was never in the backup, so
    # it got a hash nobody holds a token for, and it can never be opened again.
    restored_at: Mapped[datetime | None]
    # What the owner chose to show: notes (off unless chosen) and the period's first day.
    include_notes: Mapped[bool] = mapped_column(Boolean, default=False)
    since_date: Mapped[date | None] = mapped_column(Date)
    # An optional passcode (argon2 hash); wrong tries are counted here, for every replica,
    # and too many disable the link, with the reason shown to the owner.
    passcode_hash: Mapped[str | None] = mapped_column(String(255))
    passcode_failures: Mapped[int] = mapped_column(Integer, default=0)
    disabled_at: Mapped[datetime | None]
    disabled_reason: Mapped[str | None] = mapped_column(String(255))

    views: Mapped[list[ShareLinkView]] = relationship(
        back_populates="share_link", cascade="all, delete-orphan", passive_deletes=True
    )


class ShareLinkView(Base):
    """One opening of a share link (the audit trail)."""

    __tablename__ = "share_link_views"
    __table_args__ = (Index("ix_share_link_views_share_link_id", "share_link_id", "viewed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    share_link_id: Mapped[int] = mapped_column(ForeignKey("share_links.id", ondelete="CASCADE"))
    viewed_at: Mapped[datetime] = mapped_column(default=utc_now)

    share_link: Mapped[ShareLink] = relationship(back_populates="views")


class SignInAttempts(Base):
    """Password tries per client address (hashed) and for everyone together, so every
    replica and every restart share one brake (``dermadash.server.password_brake``)."""

    __tablename__ = "sign_in_attempts"

    bucket: Mapped[str] = mapped_column(String(80), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime | None]


class CalendarLink(Base):
    """A calendar feed address for one profile; only the token's hash is kept."""

    __tablename__ = "calendar_links"
    __table_args__ = (Index("ix_calendar_links_profile_id", "profile_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    last_fetched_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    # None: the link works until it is revoked (a calendar app keeps fetching for years).
    expires_at: Mapped[datetime | None]
    # Titles that name no area or treatment, for calendars synced to a third party.
    generic_titles: Mapped[bool] = mapped_column(Boolean, default=False)


__all__ = [
    "Base",
    "CalendarLink",
    "CheckIn",
    "Photo",
    "Profile",
    "Roller",
    "RollingSession",
    "ScarRating",
    "SessionArea",
    "ShareLink",
    "ShareLinkView",
    "SignInAttempts",
]
