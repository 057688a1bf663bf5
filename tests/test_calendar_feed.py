"""The calendar feed: what it holds, read back with a second parser (``ics``) and checked
against the rule engine's next safe dates and the sessions still waiting for a check-in."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import Engine

from dermadash import demo
from dermadash.calendar import feed, reminders
from dermadash.storage import profiles
from dermadash.storage.profiles import (
    ProfileSettings,
    create_profile,
    load_profile,
    update_settings,
)
from dermadash.storage.records import (
    CheckInInput,
    ScarRatingInput,
    SessionInput,
    add_scar_rating,
    add_session,
    save_check_in,
)
from tests.calendar_helpers import (
    CHECK_IN,
    NEXT_SAFE,
    RATE_SCARS,
    ParsedFeed,
    assert_feed_matches_the_engine,
    local_start,
    parse_feed,
)

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)


def _session(
    engine: Engine, profile_id: int, when: datetime, areas: list[str], **extra: Any
) -> int:
    return add_session(
        engine, profile_id, SessionInput(started_at=when, areas=areas, needle_mm=0.25, **extra)
    )


def _fill(engine: Engine, profile_id: int) -> dict[str, int]:
    """Three areas, one with a longer needle, redness reported, one session waiting."""
    ids = {
        "cheeks": _session(
            engine, profile_id, datetime(2026, 3, 2, 20, 0, tzinfo=LONDON), ["Left cheek"]
        ),
        "forehead": add_session(
            engine,
            profile_id,
            SessionInput(
                started_at=datetime(2026, 3, 5, 21, 30, tzinfo=LONDON),
                areas=["Forehead"],
                needle_mm=1.0,
            ),
        ),
        "chin": _session(
            engine, profile_id, datetime(2026, 3, 10, 19, 45, tzinfo=LONDON), ["Chin", "Nose"]
        ),
    }
    save_check_in(engine, profile_id, ids["cheeks"], CheckInInput(redness_hours=180))
    save_check_in(engine, profile_id, ids["forehead"], CheckInInput(redness_hours=2))
    add_scar_rating(engine, profile_id, ScarRatingInput(date(2026, 3, 1), "Left cheek", 6))
    return ids


def _feed(engine: Engine, profile_id: int, now: datetime = NOW, **options: bool) -> ParsedFeed:
    return parse_feed(feed.profile_feed(engine, profile_id, now=now, **options))


def test_every_event_is_the_engines_next_safe_date_or_a_waiting_check_in(
    engine: Engine, profile_id: int
) -> None:
    _fill(engine, profile_id)
    parsed = _feed(engine, profile_id)
    assert_feed_matches_the_engine(engine, profile_id, parsed, NOW)
    safe = {event.name: event for event in parsed.named(NEXT_SAFE)}
    assert set(safe) == {
        f"{NEXT_SAFE}{area}" for area in ("Left cheek", "Forehead", "Chin", "Nose")
    }
    # The reasons: redness still reported, a longer needle's 28 days, the 7-day minimum.
    assert safe[f"{NEXT_SAFE}Left cheek"].begin.date() == date(2026, 3, 11)
    assert "redness" in safe[f"{NEXT_SAFE}Left cheek"].description
    assert safe[f"{NEXT_SAFE}Forehead"].begin.date() == date(2026, 4, 2)
    assert "28 days" in safe[f"{NEXT_SAFE}Forehead"].description
    assert safe[f"{NEXT_SAFE}Chin"].begin.date() == date(2026, 3, 17)
    [check_in] = parsed.named(CHECK_IN)
    assert check_in.name == "Check-in: Chin, Nose"
    assert local_start(check_in, "Europe/London") == datetime(2026, 3, 11, 19, 45, tzinfo=LONDON)
    assert check_in.duration == timedelta(minutes=reminders.CHECK_IN_MINUTES)


def test_the_isotretinoin_wait_is_the_reason_when_it_is_longest(
    engine: Engine, profile_id: int
) -> None:
    _fill(engine, profile_id)
    current = load_profile(engine, profile_id)
    settings = ProfileSettings(
        display_name=current.display_name,
        timezone=current.timezone,
        isotretinoin_last_dose=date(2026, 1, 15),
    )
    update_settings(engine, profile_id, settings)
    parsed = _feed(engine, profile_id)
    assert_feed_matches_the_engine(engine, profile_id, parsed, NOW)
    for event in parsed.named(NEXT_SAFE):
        assert event.begin.date() == date(2026, 7, 15)
        assert "isotretinoin" in event.description


def test_a_check_in_event_goes_once_the_check_in_exists(engine: Engine, profile_id: int) -> None:
    ids = _fill(engine, profile_id)
    assert len(_feed(engine, profile_id).named(CHECK_IN)) == 1
    save_check_in(engine, profile_id, ids["chin"], CheckInInput(redness_hours=1))
    parsed = _feed(engine, profile_id)
    assert parsed.named(CHECK_IN) == []
    assert_feed_matches_the_engine(engine, profile_id, parsed, NOW)


def test_uids_stay_the_same_as_sessions_are_logged(engine: Engine, profile_id: int) -> None:
    _fill(engine, profile_id)
    before = {event.name: (event.uid, event.begin) for event in _feed(engine, profile_id).events}
    _session(engine, profile_id, datetime(2026, 3, 12, 8, 0, tzinfo=LONDON), ["Left cheek"])
    later = NOW + timedelta(hours=2)
    after_feed = _feed(engine, profile_id, now=later)
    assert_feed_matches_the_engine(engine, profile_id, after_feed, later)
    after = {event.name: (event.uid, event.begin) for event in after_feed.events}
    cheek = f"{NEXT_SAFE}Left cheek"
    assert after[cheek][0] == before[cheek][0]  # same event, moved
    assert after[cheek][1].date() == date(2026, 3, 19)
    for name in (f"{NEXT_SAFE}Forehead", f"{NEXT_SAFE}Chin", f"{NEXT_SAFE}Nose", RATE_SCARS):
        assert after[name] == before[name]


def test_the_rating_reminder_is_fortnightly_from_the_day_ratings_are_due(
    engine: Engine, profile_id: int
) -> None:
    assert _feed(engine, profile_id).events == []  # nothing logged, nothing to remind of
    _fill(engine, profile_id)
    [overdue] = _feed(engine, profile_id, now=datetime(2026, 3, 20, 9, tzinfo=UTC)).named(
        RATE_SCARS
    )
    assert overdue.begin.date() == date(2026, 3, 20)  # due since 15 Mar: shown today
    assert "RRULE:FREQ=WEEKLY;INTERVAL=2" in str(overdue.extra)
    add_scar_rating(engine, profile_id, ScarRatingInput(date(2026, 3, 20), "Chin", 4))
    [next_due] = _feed(engine, profile_id, now=datetime(2026, 3, 20, 10, tzinfo=UTC)).named(
        RATE_SCARS
    )
    assert next_due.begin.date() == date(2026, 4, 3)
    assert next_due.uid == overdue.uid
    assert "Fri 20 Mar 2026" in next_due.description


def test_the_feed_carries_the_persons_time_zone_and_private_events(
    engine: Engine, profile_id: int
) -> None:
    _fill(engine, profile_id)
    parsed = _feed(engine, profile_id)
    assert parsed.timezone_ids() == ["Europe/London"]
    assert "DTSTART;TZID=Europe/London:20260311T194500" in parsed.unfolded()
    lines = parsed.unfolded().split("\r\n")
    assert lines.count("CLASS:PRIVATE") == len(parsed.events)
    assert sum(line.startswith("DTSTAMP:") for line in lines) == len(parsed.events)
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in lines
    assert all(len(line.encode()) <= 75 for line in parsed.text.split("\r\n"))  # folded


def test_a_change_of_time_zone_moves_days_and_times_with_it(
    engine: Engine, profile_id: int
) -> None:
    # 00:30 in London on 10 March is still 9 March in New York.
    _session(engine, profile_id, datetime(2026, 3, 10, 0, 30, tzinfo=LONDON), ["Chin"])
    london = _feed(engine, profile_id)
    assert_feed_matches_the_engine(engine, profile_id, london, NOW)
    assert london.named(NEXT_SAFE)[0].begin.date() == date(2026, 3, 17)
    current = load_profile(engine, profile_id)
    update_settings(
        engine,
        profile_id,
        ProfileSettings(display_name=current.display_name, timezone="America/New_York"),
    )
    new_york = _feed(engine, profile_id)
    assert_feed_matches_the_engine(engine, profile_id, new_york, NOW)
    assert new_york.timezone_ids() == ["America/New_York"]
    assert new_york.named(NEXT_SAFE)[0].begin.date() == date(2026, 3, 16)
    [check_in] = new_york.named(CHECK_IN)
    assert "DTSTART;TZID=America/New_York:20260310T203000" in new_york.unfolded()
    assert local_start(check_in, "America/New_York").hour == 20
    assert [event.uid for event in new_york.events] == [event.uid for event in london.events]


def test_a_check_in_across_the_change_to_summer_time_keeps_its_clock_time(
    engine: Engine, profile_id: int
) -> None:
    # Saturday 28 March 2026, 20:00 GMT; the clocks go forward that night.
    _session(engine, profile_id, datetime(2026, 3, 28, 20, 0, tzinfo=LONDON), ["Left cheek"])
    # And one at 01:30, a clock time that does not exist the next day: it moves on to 02:30.
    _session(engine, profile_id, datetime(2026, 3, 28, 1, 30, tzinfo=LONDON), ["Chin"])
    now = datetime(2026, 3, 29, 8, 0, tzinfo=UTC)
    parsed = _feed(engine, profile_id, now=now)
    assert_feed_matches_the_engine(engine, profile_id, parsed, now)
    evening = next(event for event in parsed.named(CHECK_IN) if "Left cheek" in event.name)
    assert local_start(evening, "Europe/London") == datetime(2026, 3, 29, 20, 0, tzinfo=LONDON)
    assert evening.begin.datetime.astimezone(UTC) == datetime(2026, 3, 29, 19, 0, tzinfo=UTC)
    night = next(event for event in parsed.named(CHECK_IN) if "Chin" in event.name)
    assert night.begin.datetime.astimezone(UTC) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert "DTSTART;TZID=Europe/London:20260329T023000" in parsed.unfolded()
    # The next safe day is 7 calendar days on, whatever the hour lost.
    assert parsed.named(f"{NEXT_SAFE}Left cheek")[0].begin.date() == date(2026, 4, 4)
    # The VTIMEZONE, read by dateutil, gives the offsets the time-zone database gives.
    described = parsed.vtimezone()
    moment = datetime(2026, 3, 25, tzinfo=UTC)
    while moment < datetime(2026, 4, 5, tzinfo=UTC):
        wall = moment.astimezone(LONDON)
        assert wall.replace(tzinfo=described).utcoffset() == wall.utcoffset(), wall
        moment += timedelta(minutes=30)


def test_area_names_are_escaped_as_rfc_5545_requires(engine: Engine, profile_id: int) -> None:
    area = "Chin; jaw, left\\side"
    _session(engine, profile_id, datetime(2026, 3, 11, 20, 0, tzinfo=LONDON), [area])
    parsed = _feed(engine, profile_id)
    assert "SUMMARY:Next safe session: Chin\\; jaw\\, left\\\\side" in parsed.unfolded()
    assert {event.name for event in parsed.events} >= {f"{NEXT_SAFE}{area}", f"{CHECK_IN}{area}"}


def test_generic_titles_name_no_area_treatment_or_reason(engine: Engine, profile_id: int) -> None:
    _fill(engine, profile_id)
    text = _feed(engine, profile_id, generic_titles=True).unfolded()
    plain = _feed(engine, profile_id)
    for word in (
        "cheek",
        "Forehead",
        "Chin",
        "Nose",
        "derma",
        "scar",
        "session",
        "needle",
        "redness",
        "skin",
        "isotretinoin",
    ):
        assert word.lower() not in text.lower(), word
    generic = parse_feed(text.encode())
    assert [event.uid for event in generic.events] == [event.uid for event in plain.events]
    assert {event.name for event in generic.events} == set(reminders.GENERIC_SUMMARIES.values())
    assert [event.begin for event in generic.events] == [event.begin for event in plain.events]


def test_one_profiles_feed_never_holds_anothers_events(engine: Engine) -> None:
    # Two people signed in through OpenID Connect, one profile each.
    ana = profiles.profile_id_for_identity(engine, "oidc:ana", "Ana", "Europe/London")
    ben = profiles.profile_id_for_identity(engine, "oidc:ben", "Ben", "Europe/Berlin")
    _session(engine, ana, datetime(2026, 3, 10, 20, 0, tzinfo=LONDON), ["Ana's cheek"])
    _session(engine, ben, datetime(2026, 3, 11, 20, 0, tzinfo=LONDON), ["Ben's chin"])
    ana_feed, ben_feed = _feed(engine, ana), _feed(engine, ben)
    assert_feed_matches_the_engine(engine, ana, ana_feed, NOW)
    assert_feed_matches_the_engine(engine, ben, ben_feed, NOW)
    assert "Ben" not in ana_feed.text
    assert "Ana" not in ben_feed.text
    assert not {e.uid for e in ana_feed.events} & {e.uid for e in ben_feed.events}
    assert ben_feed.timezone_ids() == ["Europe/Berlin"]


def test_the_demo_log_gives_a_feed_both_parsers_agree_on(engine: Engine, profile_id: int) -> None:
    demo.load_demo(engine, profile_id, today=date(2026, 3, 2))
    now = datetime(2026, 3, 2, 21, 0, tzinfo=UTC)
    body = feed.profile_feed(engine, profile_id, now=now)
    assert_feed_matches_the_engine(engine, profile_id, parse_feed(body), now)
    reread = Calendar.from_ical(body)  # icalendar reads its own output back unchanged
    assert reread.to_ical() == body


@pytest.mark.parametrize("zone", ["UTC", "Asia/Kolkata", "Australia/Lord_Howe"])
def test_any_time_zone_gives_a_readable_feed(engine: Engine, zone: str) -> None:
    person = create_profile(engine, ProfileSettings(display_name="Kim", timezone=zone))
    _session(engine, person, datetime(2026, 3, 11, 12, 0, tzinfo=UTC), ["Chin"])
    parsed = _feed(engine, person)
    assert_feed_matches_the_engine(engine, person, parsed, NOW)
    assert parsed.timezone_ids() == [zone]
