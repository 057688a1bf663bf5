"""What a share link shows: its owner's choices applied to the frames, in one place.

The shared view, the report made from a link and any export made from one all narrow
the data here, so a choice (notes off, since a date, photos off) holds for every one
of them. Notes are removed from the frames themselves, not just left undrawn: what is
not in a frame cannot reach a viewer's browser or a file.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd

from dermadash import photos
from dermadash.dashboard.model import ALL_AREAS, DashboardData, Period
from dermadash.formatting import format_day
from dermadash.sharing.share_links import LinkOptions

NOTE_COLUMNS = ("notes", "check_in_notes")


def without_notes(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of a sessions or ratings frame with every note emptied."""
    present = [column for column in NOTE_COLUMNS if column in frame.columns]
    if not present:
        return frame
    return frame.assign(
        **{column: pd.Series(None, index=frame.index, dtype=object) for column in present}
    )


def shown_data(data: DashboardData, options: LinkOptions) -> DashboardData:
    """The dashboard's frames narrowed to what the link shows (flags keep being found on
    every session, so one before the first day still counts for a gap after it)."""
    scoped = data.filtered(Period(options.since, date.max), ALL_AREAS) if options.since else data
    if options.include_notes:
        return scoped
    return replace(
        scoped, sessions=without_notes(scoped.sessions), ratings=without_notes(scoped.ratings)
    )


def shown_photos(photo_list: pd.DataFrame, options: LinkOptions) -> pd.DataFrame:
    """The photos a link shows: none without photos, else those rated since its first day."""
    if not options.include_photos:
        return photo_list.iloc[0:0]
    return photos.rated_since(photo_list, options.since)


def covered_period(options: LinkOptions, first_day: str | None, last_day: str | None) -> str:
    """How the view and the report name the period: 'Mon 2 Mar 2026 to ...', or with a
    first day chosen by the owner, 'since ... (sessions ... to ...)'."""
    logged = f"{first_day} to {last_day}" if first_day else "no sessions yet"
    if options.since is None:
        return logged
    in_period = f"sessions {logged}" if first_day else "no sessions in it yet"
    return f"since {format_day(options.since)} ({in_period})"
