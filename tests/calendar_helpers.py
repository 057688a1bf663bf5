"""Reading a calendar feed back with a second, independent parser (``ics``), and checking
it against what the rule engine and the check-in list say it must hold."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import ics
from dateutil.tz import tzical
from sqlalchemy import Engine

from dermadash.rules import evaluation
from dermadash.storage import pending_check_ins, queries
from dermadash.storage.profiles import load_profile

CHECK_IN = "Check-in: "
NEXT_SAFE = "Next safe session: "
RATE_SCARS = "Rate your scars"


@dataclass(frozen=True)
class ParsedFeed:
    text: str
    calendar: ics.Calendar

    @property
    def events(self) -> list[ics.Event]:
        return sorted(self.calendar.events, key=lambda event: (event.begin, event.uid))

    def named(self, prefix: str) -> list[ics.Event]:
        return [event for event in self.events if (event.name or "").startswith(prefix)]

    def unfolded(self) -> str:
        """The text with RFC 5545 line folding undone."""
        return self.text.replace("\r\n ", "").replace("\r\n\t", "")

    def timezone_ids(self) -> list[str]:
        return [
            line.removeprefix("TZID:")
            for line in self.unfolded().split("\r\n")
            if line.startswith("TZID:")
        ]

    def vtimezone(self) -> object:
        """The feed's VTIMEZONE as dateutil reads it (not icalendar, which wrote it)."""
        lines = self.unfolded().split("\r\n")
        start, end = lines.index("BEGIN:VTIMEZONE"), lines.index("END:VTIMEZONE")
        return tzical(io.StringIO("\r\n".join(lines[start : end + 1]))).get()


def parse_feed(body: bytes) -> ParsedFeed:
    text = body.decode("utf-8")
    return ParsedFeed(text=text, calendar=ics.Calendar(text))


def local_start(event: ics.Event, timezone: str) -> datetime:
    return event.begin.datetime.astimezone(ZoneInfo(timezone))


def assert_feed_matches_the_engine(
    engine: Engine, profile_id: int, feed: ParsedFeed, now: datetime
) -> None:
    """Every event is one the engine or the check-in list calls for, and none is missing."""
    profile = load_profile(engine, profile_id)
    sessions = queries.sessions_frame(engine, profile_id)
    analysis = evaluation.analyse(
        profile, sessions, queries.rollers_frame(engine, profile_id), now=now
    )
    zone = ZoneInfo(profile.timezone)

    expected_safe = {
        (f"{NEXT_SAFE}{row.area}", row.next_safe_date, row.reason)
        for row in analysis.next_safe.itertuples()
    }
    found_safe = set()
    for event in feed.named(NEXT_SAFE):
        assert event.all_day
        day: date = event.begin.date()
        assert event.end.date() == day + timedelta(days=1)
        reason = (event.description or "").split("\n")[0]
        found_safe.add((event.name, day, reason))
    assert found_safe == expected_safe

    waiting = pending_check_ins.waiting_for_check_in(sessions, now)
    expected_check_ins = set()
    for row in waiting.itertuples():
        local = row.started_at.to_pydatetime().astimezone(zone).replace(second=0, microsecond=0)
        moment = datetime.combine(local.date() + timedelta(days=1), local.timetz())
        expected_check_ins.add((f"{CHECK_IN}{', '.join(row.areas)}", moment.astimezone(UTC)))
    found_check_ins = set()
    for event in feed.named(CHECK_IN):
        assert not event.all_day
        assert [alarm.trigger for alarm in event.alarms] == [timedelta(0)]
        found_check_ins.add((event.name, event.begin.datetime.astimezone(UTC)))
    assert found_check_ins == expected_check_ins

    assert len(feed.events) == len(expected_safe) + len(expected_check_ins) + len(
        feed.named(RATE_SCARS)
    )
    for event in feed.events:
        assert event.classification == "PRIVATE"
        assert event.transparent is True
        assert event.created is not None  # ics reads DTSTAMP as "created"
    uids = [event.uid for event in feed.events]
    assert len(set(uids)) == len(uids)
