"""What a person's calendar reminds them of, decided from their log and the rule engine.

Three kinds of reminder, each with a UID that stays the same from one fetch to the next
so calendar apps update an event instead of adding a copy (a hash, naming nothing):

- ``next-safe``: per area, an all-day event on the rule engine's next safe session date
  (``evaluation.analyse``), with the engine's reason. UIDs number the areas in the order they
  were first treated, so a UID never carries an area's name.
- ``check-in``: per session still waiting for its check-in (the rule of
  ``storage.pending_check_ins``), a short event at the same clock time the next day, with
  an alarm; gone once the check-in exists.
- ``rate-scars``: a fortnightly all-day reminder from the day ratings are next due.

With generic titles no text names an area, a treatment or a reason: a calendar may be
synced to a third party, and the person chose that it should learn nothing from it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd

from dermadash.formatting import format_day, format_moment
from dermadash.frame_rows import frame_rows
from dermadash.rules import evaluation
from dermadash.storage import pending_check_ins
from dermadash.storage.profiles import ProfileSnapshot
from dermadash.timezones import local_today

NEXT_SAFE = "next-safe"
CHECK_IN = "check-in"
RATE_SCARS = "rate-scars"
CHECK_IN_MINUTES = 15
RATING_EVERY_DAYS = 14  # "every week or two": the fortnightly end of it
GENERIC_DESCRIPTION = "A private reminder. Open the app for the details."
GENERIC_SUMMARIES = {
    NEXT_SAFE: "Next date possible",
    CHECK_IN: "Quick check-in",
    RATE_SCARS: "Fortnightly rating",
}


@dataclass(frozen=True)
class Reminder:
    """One calendar event: all-day when ``start`` is a date, else a timed, aware moment."""

    uid: str
    kind: str
    summary: str
    description: str
    start: date | datetime
    end: date | datetime
    alarm: bool = False
    repeat_every_days: int | None = None


@dataclass(frozen=True)
class ProfileLog:
    """Everything reminders are made from: one profile and its records (``queries`` frames)."""

    profile: ProfileSnapshot
    sessions: pd.DataFrame
    rollers: pd.DataFrame
    ratings: pd.DataFrame


def uid(profile_id: int, kind: str, key: object) -> str:
    """A stable UID that tells a third party nothing (no app, area or kind in it)."""
    digest = hashlib.sha256(f"dermadash:{profile_id}:{kind}:{key}".encode()).hexdigest()
    return f"{digest[:32]}@reminders"


def _worded(kind: str, summary: str, description: str, generic: bool) -> tuple[str, str]:
    return (GENERIC_SUMMARIES[kind], GENERIC_DESCRIPTION) if generic else (summary, description)


def area_numbers(intervals: pd.DataFrame) -> dict[str, int]:
    """Each area's number for its UID: 0 for the first area ever treated, and so on."""
    first_seen = intervals.drop_duplicates("area")["area"].tolist()
    return {area: number for number, area in enumerate(first_seen)}


def next_safe_reminders(
    profile_id: int, analysis: evaluation.Analysis, *, generic: bool = False
) -> list[Reminder]:
    numbers = area_numbers(analysis.intervals)
    found = []
    for row in frame_rows(analysis.next_safe):
        day: date = row.next_safe_date
        summary, description = _worded(
            NEXT_SAFE,
            f"Next safe session: {row.area}",
            f"{row.reason}\nLast session on this area: {format_day(row.last_session)}.",
            generic,
        )
        found.append(
            Reminder(
                uid=uid(profile_id, NEXT_SAFE, numbers[row.area]),
                kind=NEXT_SAFE,
                summary=summary,
                description=description,
                start=day,
                end=day + timedelta(days=1),
            )
        )
    return found


def check_in_moment(started_at: datetime, timezone: str) -> datetime:
    """When a check-in is best made: the same clock time (to the minute) the next day.

    Calendar days, as everywhere in dermadash: across a summer-time change the check-in
    keeps its clock time (23 or 25 hours later); a clock time the change skips moves on.
    """
    zone = ZoneInfo(timezone)
    local = started_at.astimezone(zone).replace(second=0, microsecond=0)
    wall_clock = datetime.combine(local.date() + timedelta(days=1), local.timetz())
    return wall_clock.astimezone(UTC).astimezone(zone)


def check_in_reminders(
    profile_id: int,
    sessions: pd.DataFrame,
    timezone: str,
    *,
    generic: bool = False,
    now: datetime | None = None,
) -> list[Reminder]:
    found = []
    for row in frame_rows(pending_check_ins.waiting_for_check_in(sessions, now)):
        started = pd.Timestamp(row.started_at).to_pydatetime()
        start = check_in_moment(started, timezone)
        areas = ", ".join(row.areas) or "your session"
        summary, description = _worded(
            CHECK_IN,
            f"Check-in: {areas}",
            f"How did your skin react to the session of {format_moment(started, timezone)}? "
            "Record how long redness and stinging lasted and any side effects.\n"
            "This reminder goes away once the check-in is saved.",
            generic,
        )
        found.append(
            Reminder(
                uid=uid(profile_id, CHECK_IN, int(row.session_id)),
                kind=CHECK_IN,
                summary=summary,
                description=description,
                start=start,
                end=start + timedelta(minutes=CHECK_IN_MINUTES),
                alarm=True,
            )
        )
    return found


def rating_due_day(log: ProfileLog, now: datetime | None = None) -> date | None:
    """The day scar ratings are next due (today when overdue); None before any record."""
    today = local_today(log.profile.timezone, now)
    if log.ratings.empty:
        return today if not log.sessions.empty else None
    last_rated: date = max(log.ratings["rated_on"])
    return max(last_rated + timedelta(days=RATING_EVERY_DAYS), today)


def rating_reminder(
    log: ProfileLog, *, generic: bool = False, now: datetime | None = None
) -> list[Reminder]:
    due = rating_due_day(log, now)
    if due is None:
        return []
    last = (
        f"You last rated on {format_day(max(log.ratings['rated_on']))}."
        if not log.ratings.empty
        else "You have not rated your scars yet: a first rating is the baseline to compare with."
    )
    summary, description = _worded(
        RATE_SCARS,
        "Rate your scars",
        "Rate each area from 0 (no visible scars) to 10 (worst), in the same light as "
        f"before. {last}",
        generic,
    )
    return [
        Reminder(
            uid=uid(log.profile.id, RATE_SCARS, "fortnightly"),
            kind=RATE_SCARS,
            summary=summary,
            description=description,
            start=due,
            end=due + timedelta(days=1),
            repeat_every_days=RATING_EVERY_DAYS,
        )
    ]


def profile_reminders(
    log: ProfileLog, *, generic: bool = False, now: datetime | None = None
) -> list[Reminder]:
    """Every reminder of one profile, for its calendar feed."""
    analysis = evaluation.analyse(log.profile, log.sessions, log.rollers, now=now)
    timezone = log.profile.timezone
    return [
        *next_safe_reminders(log.profile.id, analysis, generic=generic),
        *check_in_reminders(log.profile.id, log.sessions, timezone, generic=generic, now=now),
        *rating_reminder(log, generic=generic, now=now),
    ]
