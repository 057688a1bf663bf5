"""What the pages read, cached per (profile, data revision).

Streamlit's caching lives here, in the pages' layer, over ``dermadash``'s plain reads
(``storage.queries``, ``storage.entry_defaults`` and the other logging helpers, ``photos``,
the rule engine): any write, in this replica or another, gives the profile a new revision,
so the next read is fresh.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from dermadash import photos
from dermadash.rules import evaluation
from dermadash.rules.protocol import load_protocol
from dermadash.settings import database_url
from dermadash.storage import entry_defaults, pending_check_ins, queries
from dermadash.storage.profiles import ProfileSnapshot, data_revision, load_profile
from page_support.database import cached_engine, engine


def browser_timezone() -> str:
    """The time zone the browser reports (UTC when it reports none)."""
    return st.context.timezone or "UTC"


def revision(profile_id: int) -> int:
    """The profile's data revision: part of every cache key below."""
    return data_revision(engine(), profile_id)


@st.cache_data(show_spinner=False, max_entries=256)
def _profile(url: str, profile_id: int, revision: int) -> ProfileSnapshot:
    return load_profile(cached_engine(url), profile_id)


@st.cache_data(show_spinner=False, max_entries=256)
def _sessions(url: str, profile_id: int, revision: int) -> pd.DataFrame:
    return queries.sessions_frame(cached_engine(url), profile_id)


@st.cache_data(show_spinner=False, max_entries=256)
def _session_count(url: str, profile_id: int, revision: int) -> int:
    return queries.session_count(cached_engine(url), profile_id)


@st.cache_data(show_spinner=False, max_entries=256)
def _session_areas(url: str, profile_id: int, revision: int) -> pd.DataFrame:
    return queries.session_areas_frame(cached_engine(url), profile_id)


@st.cache_data(show_spinner=False, max_entries=256)
def _rollers(url: str, profile_id: int, revision: int) -> pd.DataFrame:
    return queries.rollers_frame(cached_engine(url), profile_id)


@st.cache_data(show_spinner=False, max_entries=256)
def _scar_ratings(url: str, profile_id: int, revision: int) -> pd.DataFrame:
    return queries.scar_ratings_frame(cached_engine(url), profile_id)


def profile(profile_id: int) -> ProfileSnapshot:
    return _profile(database_url(), profile_id, revision(profile_id))


def sessions(profile_id: int) -> pd.DataFrame:
    return _sessions(database_url(), profile_id, revision(profile_id))


def session_count(profile_id: int) -> int:
    """How many sessions the profile has (a number: cheaper to hand out than the frame)."""
    return _session_count(database_url(), profile_id, revision(profile_id))


def session_areas(profile_id: int) -> pd.DataFrame:
    return _session_areas(database_url(), profile_id, revision(profile_id))


def rollers(profile_id: int) -> pd.DataFrame:
    return _rollers(database_url(), profile_id, revision(profile_id))


def scar_ratings(profile_id: int) -> pd.DataFrame:
    return _scar_ratings(database_url(), profile_id, revision(profile_id))


# --- logging pages (sessions, check-ins, ratings, rollers) ---------------------------


@st.cache_data(show_spinner=False, max_entries=256)
def _session_defaults(url: str, profile_id: int, revision: int) -> entry_defaults.SessionDefaults:
    passes = load_protocol().default_passes
    return entry_defaults.session_defaults(
        cached_engine(url), profile_id, passes_per_direction=passes
    )


@st.cache_data(show_spinner=False, max_entries=256)
def _area_choices(url: str, profile_id: int, revision: int) -> list[str]:
    return entry_defaults.area_choices(cached_engine(url), profile_id)


def session_defaults(profile_id: int) -> entry_defaults.SessionDefaults:
    """What Log a session starts with: the last session's areas and roller, and the
    protocol's passes per direction."""
    return _session_defaults(database_url(), profile_id, revision(profile_id))


def area_choices(profile_id: int) -> list[str]:
    return _area_choices(database_url(), profile_id, revision(profile_id))


def pending_check_in_count(profile_id: int) -> int:
    """Sessions still waiting for a check-in (one COUNT; not cached: it depends on now)."""
    return pending_check_ins.pending_check_in_count(engine(), profile_id)


def timezone(profile_id: int) -> str:
    """The person's time zone: their profile's, else their browser's."""
    return profile(profile_id).timezone or browser_timezone()


# A resource, shared and never copied: pickling thousands of flags for every page that
# reads them costs about as much as finding them. Nothing downstream changes these
# frames in place (pages filter them into new frames). ``clock_step`` is part of the key:
# check-in-missing, ask-dermatologist and the days to wait move with the clock.
@st.cache_resource(show_spinner=False, max_entries=64)
def _analysis(url: str, profile_id: int, revision: int, clock_step: str) -> evaluation.Analysis:
    return evaluation.analyse(
        _profile(url, profile_id, revision),
        _sessions(url, profile_id, revision),
        _rollers(url, profile_id, revision),
        now=clock(),
    )


CLOCK_STEP_MINUTES = 15


def clock() -> datetime:
    """This moment: the one clock of the cached analysis and its keys (a test moves it)."""
    return datetime.now(UTC)


def clock_key() -> str:
    """Part of cache keys for what moves with the clock (missing check-ins, the days to
    wait, 'generated'): the UTC quarter hour. Every time zone's offset is a whole number
    of quarter hours, so each local midnight starts a new key (with whole UTC hours,
    India's new day came 30 minutes late, Nepal's 45)."""
    now = clock()
    return f"{now:%Y-%m-%dT%H}:{now.minute - now.minute % CLOCK_STEP_MINUTES:02d}"


def analysis(profile_id: int) -> evaluation.Analysis:
    """The rule engine's flags, area intervals and next safe dates (``evaluation.analyse``)."""
    return _analysis(database_url(), profile_id, revision(profile_id), clock_key())


def flags(profile_id: int) -> pd.DataFrame:
    """Every safety flag of the profile (``evaluation.evaluate``)."""
    return analysis(profile_id).flags


def next_safe(profile_id: int) -> pd.DataFrame:
    """The next safe session date per area (``scheduling.next_safe_dates``)."""
    return analysis(profile_id).next_safe


# --- progress photos -----------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=256)
def _photos(url: str, profile_id: int, revision: int) -> pd.DataFrame:
    return photos.photos_frame(cached_engine(url), profile_id)


def photo_list(profile_id: int) -> pd.DataFrame:
    """The profile's photos with their ratings, without the pictures (``photos_frame``)."""
    return _photos(database_url(), profile_id, revision(profile_id))


# Pictures are large: few are kept, and not for long; a write (e.g. a deletion) gives
# every key a new revision, so a deleted picture is never served from here.
@st.cache_data(show_spinner=False, max_entries=48, ttl=600)
def _photo_jpeg(url: str, profile_id: int, photo_id: int, revision: int) -> bytes:
    return photos.photo_jpeg(cached_engine(url), profile_id, photo_id)


def photo_jpeg(profile_id: int, photo_id: int) -> bytes:
    """One of the profile's photos as JPEG bytes."""
    return _photo_jpeg(database_url(), profile_id, photo_id, revision(profile_id))
