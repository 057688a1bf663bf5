"""The calendar feed as RFC 5545 iCalendar, written with the ``icalendar`` library.

Every event is ``CLASS:PRIVATE`` and ``TRANSP:TRANSPARENT`` (a reminder never makes the
person look busy), carries a ``DTSTAMP`` and a stable ``UID``; timed events are in the
person's time zone, which the feed describes in a ``VTIMEZONE``. The library escapes
text (commas, semicolons, backslashes, line breaks) as RFC 5545 requires.

Some apps drop the alarms of subscribed calendars and refresh only every 12-24 hours,
so the reminder lives in each event's own date and time; the alarm is a bonus.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, Timezone, vDuration
from sqlalchemy import Engine

from dermadash.calendar.reminders import ProfileLog, Reminder, profile_reminders
from dermadash.storage import queries
from dermadash.storage.profiles import load_profile

PRODUCT_ID = "-//dermadash//Calendar feed//EN"
CALENDAR_NAME = "dermadash"
# With generic titles not even the app's name is said: it hints at the treatment.
GENERIC_PRODUCT_ID = "-//Private reminders//EN"
GENERIC_CALENDAR_NAME = "Private reminders"
# What the feed suggests to apps that honour it (Apple Calendar, Outlook); Google
# Calendar ignores it and refreshes on its own schedule.
REFRESH_EVERY = timedelta(hours=1)
# The VTIMEZONE covers the events' years, with a margin either side.
TIMEZONE_MARGIN = timedelta(days=366)


def load_log(engine: Engine, profile_id: int) -> ProfileLog:
    """One profile's records, as the reminders read them."""
    return ProfileLog(
        profile=load_profile(engine, profile_id),
        sessions=queries.sessions_frame(engine, profile_id),
        rollers=queries.rollers_frame(engine, profile_id),
        ratings=queries.scar_ratings_frame(engine, profile_id),
    )


def _event(reminder: Reminder, stamp: datetime) -> Event:
    event = Event.new(
        uid=reminder.uid,
        stamp=stamp,
        start=reminder.start,
        end=reminder.end,
        summary=reminder.summary,
        description=reminder.description,
    )
    event.add("class", "PRIVATE")
    event.add("transp", "TRANSPARENT")
    if reminder.repeat_every_days:
        weeks, days = divmod(reminder.repeat_every_days, 7)
        rule = (
            {"freq": "weekly", "interval": weeks}
            if not days
            else {"freq": "daily", "interval": reminder.repeat_every_days}
        )
        event.add("rrule", rule)
    if reminder.alarm:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", reminder.summary)
        alarm.add("trigger", timedelta(0))
        event.add_component(alarm)
    return event


def _day(moment: date | datetime) -> date:
    return moment.date() if isinstance(moment, datetime) else moment


def _timezone(timezone: str, reminders: list[Reminder], now: datetime) -> Timezone:
    days = [_day(reminder.start) for reminder in reminders] + [now.date()]
    return Timezone.from_tzinfo(
        ZoneInfo(timezone),
        tzid=timezone,
        first_date=min(days) - TIMEZONE_MARGIN,
        last_date=max(days) + TIMEZONE_MARGIN,
    )


def build_calendar(
    log: ProfileLog, *, generic_titles: bool = False, now: datetime | None = None
) -> Calendar:
    """The profile's reminders as one VCALENDAR."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    reminders = profile_reminders(log, generic=generic_titles, now=moment)
    calendar = Calendar.new(
        prodid=GENERIC_PRODUCT_ID if generic_titles else PRODUCT_ID,
        name=GENERIC_CALENDAR_NAME if generic_titles else CALENDAR_NAME,
        refresh_interval=REFRESH_EVERY,
        method="PUBLISH",
    )
    calendar.pop("UID", None)  # a random one per build would look like a new calendar
    calendar["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"  # RFC 7986 requires it
    calendar.add("x-published-ttl", vDuration(REFRESH_EVERY))
    calendar.add("x-wr-timezone", log.profile.timezone)
    calendar.add_component(_timezone(log.profile.timezone, reminders, moment))
    stamp = moment.replace(microsecond=0)
    for reminder in reminders:
        calendar.add_component(_event(reminder, stamp))
    return calendar


def feed_bytes(
    log: ProfileLog, *, generic_titles: bool = False, now: datetime | None = None
) -> bytes:
    """The feed as the ``.ics`` file a calendar app reads (UTF-8, CRLF line ends)."""
    ical: bytes = build_calendar(log, generic_titles=generic_titles, now=now).to_ical()
    return ical


def profile_feed(
    engine: Engine, profile_id: int, *, generic_titles: bool = False, now: datetime | None = None
) -> bytes:
    """One profile's calendar feed, read fresh from the database."""
    return feed_bytes(load_log(engine, profile_id), generic_titles=generic_titles, now=now)
