"""Deleting all of a profile's data, after the person types a confirmation.

Everything recorded goes: sessions (with their areas and check-ins), scar ratings (with
their photos), rollers, share links (with their view history), calendar links and the
health settings of the profile (baseline, prescribed interval, isotretinoin date, rule
overrides, name). The profile row itself stays, with its time zone and sign-in identity,
so the app keeps working.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from dermadash.storage.db import transaction, with_retry
from dermadash.storage.models import (
    CalendarLink,
    Photo,
    Profile,
    Roller,
    RollingSession,
    ScarRating,
    ShareLink,
)
from dermadash.storage.profiles import (
    DEFAULT_DISPLAY_NAME,
    ProfileNotFound,
    ProfileSettings,
    mark_changed,
)
from dermadash.storage.validation import ValidationError

CONFIRMATION_WORD = "DELETE"
# The tables whose rows belong to one profile through their own profile_id.
Owned = RollingSession | ScarRating | Roller | ShareLink | Photo


@dataclass(frozen=True)
class ErasedCounts:
    sessions: int
    ratings: int
    rollers: int
    share_links: int
    photos: int = 0

    def describe(self) -> str:
        photos = f"{self.photos} photo{'' if self.photos == 1 else 's'}, " if self.photos else ""
        return (
            f"Deleted {self.sessions} sessions, {self.ratings} scar ratings, {photos}"
            f"{self.rollers} rollers and {self.share_links} share links."
        )


def is_confirmed(typed: str, display_name: str) -> bool:
    """True when the person typed DELETE or their profile's name."""
    answer = typed.strip()
    return bool(answer) and answer in {CONFIRMATION_WORD, display_name.strip()}


def _count(session: Session, model: type[Owned], profile_id: int) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(model).where(model.profile_id == profile_id)
        )
        or 0
    )


def _erase(session: Session, profile_id: int, typed: str) -> ErasedCounts:
    profile = session.get(Profile, profile_id)
    if profile is None:
        raise ProfileNotFound(profile_id)
    if not is_confirmed(typed, profile.display_name):
        raise ValidationError.single(
            "confirmation",
            f"Type {CONFIRMATION_WORD} (or your profile's name) to confirm. Nothing was deleted.",
        )
    models = (RollingSession, ScarRating, Roller, ShareLink)
    sessions, ratings, rollers, share_links = (
        _count(session, model, profile_id) for model in models
    )
    photos = _count(session, Photo, profile_id)
    # Photos go with their ratings, a session's areas and check-ins with the session,
    # and share-link views with their link, all through ON DELETE CASCADE; photos are
    # deleted by name as well, so none could outlive the erase whatever the schema.
    session.execute(delete(Photo).where(Photo.profile_id == profile_id))
    for model in models:
        session.execute(delete(model).where(model.profile_id == profile_id))
    # A calendar subscribed to an erased profile gets a 404 and drops its events.
    session.execute(delete(CalendarLink).where(CalendarLink.profile_id == profile_id))
    defaults = ProfileSettings(display_name=DEFAULT_DISPLAY_NAME)
    profile.display_name = defaults.display_name
    profile.experienced = defaults.experienced
    profile.scar_baseline = defaults.scar_baseline
    profile.prescribed_interval_days = None
    profile.isotretinoin_last_dose = None
    profile.rule_overrides = {}
    profile.safety_answered_at = None  # the answers are gone: ask the questions again
    mark_changed(session, profile_id)
    return ErasedCounts(sessions, ratings, rollers, share_links, photos)


def erase_profile_data(engine: Engine, profile_id: int, typed: str) -> ErasedCounts:
    """Delete all of a profile's data in one transaction, if ``typed`` confirms it."""

    def attempt() -> ErasedCounts:
        with transaction(engine) as session:
            return _erase(session, profile_id, typed)

    return with_retry(attempt)
