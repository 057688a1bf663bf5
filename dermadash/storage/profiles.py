"""Profiles: whose data a row is, and the person's settings."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from dermadash.storage import validation
from dermadash.storage.db import reading, transaction
from dermadash.storage.models import Profile
from dermadash.storage.validation import Problem, raise_if_any
from dermadash.timezones import is_known_timezone

DEFAULT_DISPLAY_NAME = "Me"


class ProfileNotFound(LookupError):
    """No profile with that id (or not one this person may see)."""


@dataclass(frozen=True)
class ProfileSettings:
    """What a person can set about themselves."""

    display_name: str = DEFAULT_DISPLAY_NAME
    experienced: bool = False
    scar_baseline: str = "mild"
    prescribed_interval_days: int | None = None
    isotretinoin_last_dose: date | None = None
    timezone: str = "UTC"
    rule_overrides: dict[str, Any] = field(default_factory=dict)

    def validate(self) -> None:
        raise_if_any(
            [
                validation.required_text_problem(
                    "display_name", "Name", self.display_name, validation.NAME_MAX_CHARS
                ),
                validation.choice_problem(
                    "scar_baseline",
                    "Scar baseline",
                    self.scar_baseline,
                    validation.SCAR_BASELINES,
                ),
                validation.number_problem(
                    "prescribed_interval_days", self.prescribed_interval_days
                ),
                validation.day_problem(
                    "isotretinoin_last_dose",
                    "Last isotretinoin dose",
                    self.isotretinoin_last_dose,
                    required=False,
                ),
                None
                if is_known_timezone(self.timezone)
                else Problem("timezone", f"'{self.timezone}' is not a time zone we know."),
            ]
        )


@dataclass(frozen=True)
class ProfileSnapshot(ProfileSettings):
    """A profile as read from the database."""

    id: int = 0
    data_revision: int = 0
    safety_answered_at: datetime | None = None

    def settings(self) -> ProfileSettings:
        """Just the editable settings (to change some and save them)."""
        editable = {item.name: getattr(self, item.name) for item in fields(ProfileSettings)}
        return ProfileSettings(**editable)


def _snapshot(profile: Profile) -> ProfileSnapshot:
    return ProfileSnapshot(
        id=profile.id,
        display_name=profile.display_name,
        experienced=profile.experienced,
        scar_baseline=profile.scar_baseline,
        prescribed_interval_days=profile.prescribed_interval_days,
        isotretinoin_last_dose=profile.isotretinoin_last_dose,
        timezone=profile.timezone,
        rule_overrides=dict(profile.rule_overrides or {}),
        data_revision=profile.data_revision,
        safety_answered_at=profile.safety_answered_at,
    )


def create_profile(
    engine: Engine, settings: ProfileSettings, owner_identity: str | None = None
) -> int:
    settings.validate()
    with transaction(engine) as session:
        profile = Profile(owner_identity=owner_identity, **_settings_columns(settings))
        session.add(profile)
        session.flush()
        return profile.id


def _settings_columns(settings: ProfileSettings) -> dict[str, Any]:
    return {
        "display_name": settings.display_name.strip(),
        "experienced": settings.experienced,
        "scar_baseline": settings.scar_baseline,
        "prescribed_interval_days": settings.prescribed_interval_days,
        "isotretinoin_last_dose": settings.isotretinoin_last_dose,
        "timezone": settings.timezone,
        "rule_overrides": dict(settings.rule_overrides),
    }


def default_profile_id(engine: Engine, timezone: str = "UTC") -> int:
    """The profile of a one-person install: the first one, created when missing."""
    with reading(engine) as session:
        existing = session.scalar(
            select(Profile.id).where(Profile.owner_identity.is_(None)).order_by(Profile.id).limit(1)
        )
    if existing is not None:
        return existing
    safe_timezone = timezone if is_known_timezone(timezone) else "UTC"
    return create_profile(engine, ProfileSettings(timezone=safe_timezone))


def profile_id_for_identity(engine: Engine, identity: str, name: str, timezone: str = "UTC") -> int:
    """The profile of a signed-in person, created on their first sign-in."""
    with reading(engine) as session:
        existing = session.scalar(select(Profile.id).where(Profile.owner_identity == identity))
    if existing is not None:
        return existing
    safe_timezone = timezone if is_known_timezone(timezone) else "UTC"
    display_name = (name or identity)[: validation.NAME_MAX_CHARS]
    return create_profile(
        engine,
        ProfileSettings(display_name=display_name, timezone=safe_timezone),
        identity,
    )


def load_profile(engine: Engine, profile_id: int) -> ProfileSnapshot:
    with reading(engine) as session:
        profile = session.get(Profile, profile_id)
        if profile is None:
            raise ProfileNotFound(profile_id)
        return _snapshot(profile)


def data_revision(engine: Engine, profile_id: int) -> int:
    """A number that changes whenever the profile's data changes (for cache keys)."""
    with engine.connect() as connection:
        revision = connection.scalar(select(Profile.data_revision).where(Profile.id == profile_id))
    if revision is None:
        raise ProfileNotFound(profile_id)
    return revision


def update_settings(
    engine: Engine,
    profile_id: int,
    settings: ProfileSettings,
    *,
    answered_at: datetime | None = None,
) -> None:
    """Save checked settings; ``answered_at`` marks the safety questions as answered."""
    settings.validate()
    with transaction(engine) as session:
        profile = session.get(Profile, profile_id)
        if profile is None:
            raise ProfileNotFound(profile_id)
        for name, value in _settings_columns(settings).items():
            setattr(profile, name, value)
        if answered_at is not None:
            profile.safety_answered_at = answered_at
        mark_changed(session, profile_id)


def mark_changed(session: Session, profile_id: int) -> None:
    """Bump the profile's data revision inside the caller's transaction."""
    session.execute(
        update(Profile)
        .where(Profile.id == profile_id)
        .values(data_revision=Profile.data_revision + 1)
    )
