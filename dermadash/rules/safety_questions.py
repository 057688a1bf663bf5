"""The first-run safety questions: what each answer feeds, and reading typed answers.

A new profile knows nothing about the person, so several rules cannot fire until these
are answered: ``isotretinoin`` needs the last dose, ``needle-too-long`` the experience,
``ask-dermatologist`` the scar baseline, ``too-frequent`` a prescribed interval and the
time zone days are counted in. The app's form and ``python -m dermadash profile set``
both save through :func:`answer`, which checks with ``ProfileSettings.validate``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine

from dermadash.formatting import format_day
from dermadash.rules.protocol import Protocol, load_protocol
from dermadash.storage import profiles
from dermadash.storage.profiles import ProfileSettings, ProfileSnapshot
from dermadash.storage.validation import Problem, ValidationError, raise_if_any

NEVER = "never"
NONE = "none"
YES_WORDS = ("yes", "y", "true", "1")
NO_WORDS = ("no", "n", "false", "0")


@dataclass(frozen=True)
class Question:
    """One safety question: the setting it fills and the rule it feeds, in one line."""

    field: str
    label: str
    rule: str
    feeds: str


def questions(protocol: Protocol | None = None) -> dict[str, Question]:
    """The questions in the order they are asked, their numbers from the protocol file."""
    protocol = protocol or load_protocol()
    home_mm = protocol.threshold("needle-too-long.home_max_mm").describe()
    short_days = protocol.threshold("too-frequent.short_needle_days").describe()
    long_days = protocol.threshold("too-frequent.long_needle_days").describe()
    months = protocol.threshold("isotretinoin.months").describe()
    found = [
        Question(
            "experienced",
            "Have you rolled with a dermaroller before?",
            "needle-too-long",
            f"Feeds needle-too-long: without experience, needles over {home_mm} are flagged.",
        ),
        Question(
            "scar_baseline",
            "How marked are your scars?",
            "ask-dermatologist",
            "Feeds ask-dermatologist: moderate or severe scars without a prescribed "
            "interval get a reminder to ask one.",
        ),
        Question(
            "prescribed_interval_days",
            "Did a dermatologist prescribe a minimum interval between sessions?",
            "too-frequent",
            f"Feeds too-frequent: a prescribed interval replaces the defaults of "
            f"{short_days} (short needles) and {long_days} (longer ones).",
        ),
        Question(
            "isotretinoin_last_dose",
            "Have you taken isotretinoin (e.g. Roaccutane)?",
            "isotretinoin",
            f"Feeds isotretinoin: no rolling within {months} of the last dose.",
        ),
        Question(
            "timezone",
            "Which time zone are you in?",
            "too-frequent",
            "Feeds too-frequent and the next safe date: days between sessions count on "
            "your own calendar.",
        ),
    ]
    return {question.field: question for question in found}


def is_answered(profile: ProfileSnapshot) -> bool:
    return profile.safety_answered_at is not None


def answer(engine: Engine, profile_id: int, settings: ProfileSettings) -> None:
    """Save the answers (checked like every settings change) and mark them answered."""
    profiles.update_settings(engine, profile_id, settings, answered_at=datetime.now(UTC))


# --- typed answers (the command line) -----------------------------------------------


def parse_experienced(text: str) -> bool:
    word = text.strip().lower()
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    raise ValidationError.single("experienced", f"Experienced must be yes or no, not '{text}'.")


def parse_prescribed_days(text: str) -> int | None:
    if text.strip().lower() == NONE:
        return None
    try:
        return int(text)
    except ValueError:
        raise ValidationError.single(
            "prescribed_interval_days",
            f"The prescribed interval must be a whole number of days or 'none', not '{text}'.",
        ) from None


def parse_isotretinoin(text: str) -> date | None:
    if text.strip().lower() == NEVER:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError.single(
            "isotretinoin_last_dose",
            f"The last isotretinoin dose must be a date such as 2026-03-15, or 'never', "
            f"not '{text}'.",
        ) from None


def with_typed_answers(
    current: ProfileSettings,
    *,
    experienced: str | None = None,
    baseline: str | None = None,
    prescribed_days: str | None = None,
    isotretinoin: str | None = None,
    timezone: str | None = None,
) -> ProfileSettings:
    """``current`` with each given answer read from text; every problem at once."""
    changes: dict[str, Any] = {}  # each answer has its field's own type
    problems: list[Problem] = []
    readers = (
        ("experienced", experienced, parse_experienced),
        ("prescribed_interval_days", prescribed_days, parse_prescribed_days),
        ("isotretinoin_last_dose", isotretinoin, parse_isotretinoin),
    )
    for field, text, reader in readers:
        if text is None:
            continue
        try:
            changes[field] = reader(text)
        except ValidationError as error:
            problems.extend(error.problems)
    if baseline is not None:
        changes["scar_baseline"] = baseline.strip().lower()
    if timezone is not None:
        changes["timezone"] = timezone.strip()
    updated = replace(current, **changes)
    try:
        updated.validate()
    except ValidationError as error:
        problems.extend(error.problems)
    raise_if_any(problems)
    return updated


def describe_answers(profile: ProfileSnapshot) -> list[tuple[str, str, str]]:
    """(question, answer, the rule it feeds) per safety setting, as people read them."""
    asked = questions()
    interval = profile.prescribed_interval_days
    dose = profile.isotretinoin_last_dose
    answers = {
        "experienced": "yes" if profile.experienced else "no",
        "scar_baseline": profile.scar_baseline,
        "prescribed_interval_days": f"{interval} days" if interval else NONE,
        "isotretinoin_last_dose": format_day(dose) if dose else NEVER,
        "timezone": profile.timezone,
    }
    return [(asked[field].label, answers[field], asked[field].feeds) for field in asked]
