"""A five-year log as a person who rolls for years keeps it, imported the way they would.

About 800 sessions on four face areas (both cheeks together, the forehead, the chin:
each area about weekly), nearly all with a check-in, and fortnightly scar ratings per
area. Like a real long log, a share of the sessions break the protocol (a roller kept
too long, a missed check-in, makeup too soon, now and then a critical slip), so the
rule engine finds well over 1,000 flags, a few of them critical in the last 90 days.

The log is written as the spreadsheets ``python -m dermadash import`` reads and goes in
through the same import code, so a test or a benchmark reads exactly the history a
person who imported their spreadsheet would see. The benchmarks (``report_speed``,
``long_log_browser``) and the bounded-elements and report tests all use it.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from PIL import Image, ImageDraw
from sqlalchemy import Engine

from dermadash import columns, photos
from dermadash.storage import queries
from dermadash.storage.profiles import load_profile
from dermadash.transfer import file_import

YEARS = 5
WEEKS = YEARS * 52
SESSIONS_PER_WEEK = (
    ("Left cheek;Right cheek", 1, time(21, 0)),  # weekday, evening
    ("Forehead", 3, time(21, 30)),
    ("Chin", 5, time(20, 45)),
)
AREAS = ("Left cheek", "Right cheek", "Forehead", "Chin")
ROLLER_WEEKS = 12  # a new roller about every three months (the protocol says 10 sessions)
SESSION_HEADER = list(columns.SPREADSHEET_SESSION_COLUMNS)  # exactly the import's header
RATING_HEADER = list(columns.SPREADSHEET_RATING_COLUMNS)
PHOTO_EVERY = 2  # a photo with every second (fortnightly) rating: monthly per area
PHOTO_SIZE = (160, 120)


@dataclass(frozen=True)
class FiveYearLog:
    """The two spreadsheets of one five-year log ending the day before ``today``."""

    sessions_csv: bytes
    ratings_csv: bytes
    first_day: date
    last_day: date


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _needle(week: int, rng: random.Random) -> float:
    """0.25 mm the first year, 0.5 mm after; one session in 150 with a 1 mm needle."""
    if rng.random() < 1 / 150:
        return 1.0
    return 0.25 if week < 52 else 0.5


def _session_row(day: date, at: time, area: str, week: int, rng: random.Random) -> list[str]:
    slip = rng.random
    checked_in = slip() > 0.06
    redness = round(rng.uniform(3, 20), 1) if slip() > 0.04 else round(rng.uniform(26, 80), 1)
    side_effect = "none" if slip() > 0.01 else rng.choice(["bruising", "infection"])
    return [
        datetime.combine(day, at).strftime("%Y-%m-%d %H:%M"),
        area,
        f"{_needle(week, rng):g}",
        f"Roller {week // ROLLER_WEEKS + 1}",
        str(rng.randint(4, 6) if slip() > 0.03 else 8),
        str(rng.randint(4, 6)),
        str(rng.randint(0, 4)),
        _yes_no(slip() > 0.01),
        _yes_no(slip() > 0.05),
        _yes_no(slip() > 0.04),
        _yes_no(slip() < 0.01),
        _yes_no(slip() < 0.02),
        _yes_no(slip() < 0.3),
        str(rng.randint(2, 6) if slip() > 0.04 else rng.randint(7, 9)),
        "Felt fine afterwards." if slip() < 0.1 else "",
        f"{redness:g}" if checked_in else "",
        str(rng.choice([5, 10, 15, 20]) if slip() > 0.04 else 45) if checked_in else "",
        side_effect if checked_in else "",
        _yes_no(slip() < 0.05) if checked_in else "",
        _yes_no(slip() < 0.04) if checked_in else "",
    ]


RECENT_SLIPS = {
    # sessions back from the last one: (column, value) that makes a critical flag
    5: ("sterilized_before", "no"),
    17: ("needle_mm", "1"),
    30: ("active_acne", "yes"),
}


def _recent_critical_slips(sessions: list[list[str]]) -> None:
    """A few critical flags in the last 90 days, whatever the random draw gave."""
    for back, (column, value) in RECENT_SLIPS.items():
        if back < len(sessions):
            sessions[-back][SESSION_HEADER.index(column)] = value


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def five_year_log(today: date, seed: int = 13) -> FiveYearLog:
    """The spreadsheets of five years of weekly rolling up to yesterday (deterministic)."""
    rng = random.Random(seed)
    last_day = today - timedelta(days=1)
    first_monday = last_day - timedelta(weeks=WEEKS, days=last_day.weekday())
    sessions: list[list[str]] = []
    for week in range(WEEKS + 1):
        monday = first_monday + timedelta(weeks=week)
        if rng.random() < 0.02:
            continue  # a week off (holidays, illness)
        for area, weekday, at in SESSIONS_PER_WEEK:
            day = monday + timedelta(days=weekday + rng.choice([0, 0, 0, 1]))
            if day <= last_day:
                sessions.append(_session_row(day, at, area, week, rng))
        if rng.random() < 0.1:
            # An extra session on the cheeks a few days after the weekly one: too soon.
            day = monday + timedelta(days=4)
            if day <= last_day:
                sessions.append(_session_row(day, time(8, 0), "Left cheek", week, rng))
    _recent_critical_slips(sessions)
    ratings = [
        [(first_monday + timedelta(weeks=2 * fortnight)).isoformat(), area, str(severity), ""]
        for fortnight in range(WEEKS // 2 + 1)
        for area in AREAS
        for severity in [max(1, min(10, 8 - fortnight // 25 + rng.randint(-1, 1)))]
    ]
    return FiveYearLog(
        sessions_csv=_csv(SESSION_HEADER, sessions),
        ratings_csv=_csv(RATING_HEADER, ratings),
        first_day=first_monday,
        last_day=last_day,
    )


def _picture(severity: int, seed: int) -> bytes:
    """A small skin-coloured JPEG with more marks for a higher severity."""
    rng = random.Random(seed)
    image = Image.new("RGB", PHOTO_SIZE, (226, 184, 160))
    draw = ImageDraw.Draw(image)
    for _ in range(severity * 4):
        x, y, radius = rng.randrange(PHOTO_SIZE[0]), rng.randrange(PHOTO_SIZE[1]), 4
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), (170, 125, 110))
    output = io.BytesIO()
    image.save(output, format="JPEG", quality=80)
    return output.getvalue()


def add_monthly_photos(engine: Engine, profile_id: int) -> int:
    """A photo with every second scar rating of each area; returns how many were added."""
    ratings = queries.scar_ratings_frame(engine, profile_id).sort_values(["area", "rated_on"])
    added = 0
    for _area, mine in ratings.groupby("area"):
        for row in mine.iloc[::PHOTO_EVERY].itertuples():
            raw = _picture(int(row.severity), seed=int(row.rating_id))
            photos.add_photo(engine, profile_id, int(row.rating_id), raw)
            added += 1
    return added


def import_five_year_log(
    engine: Engine, profile_id: int, today: date | None = None, *, with_photos: bool = False
) -> FiveYearLog:
    """Import the five-year log into a profile through dermadash's own import code
    (and, with ``with_photos``, a monthly photo per area)."""
    timezone = load_profile(engine, profile_id).timezone
    log = five_year_log(today or date.today())
    for data in (log.sessions_csv, log.ratings_csv):
        parsed = file_import.parse_upload(data, timezone)
        if not parsed.ok:
            problems = "; ".join(problem.describe() for problem in parsed.problems[:5])
            raise ValueError(f"the five-year log does not import: {problems}")
        file_import.apply_import(engine, profile_id, parsed)
    if with_photos:
        add_monthly_photos(engine, profile_id)
    return log
