"""What every page shares: the engine, whose data is shown, cached reads.

Streamlit's caching lives here, in the pages' layer: the engine is a cached resource
per database URL, and reads are cached per (profile, data revision), so any write,
in this replica or another, makes the next read fresh.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pandas as pd
import streamlit as st
from sqlalchemy import Engine
from streamlit.errors import StreamlitSecretNotFoundError

from dermadash import auth, photos
from dermadash.auth import AuthMode
from dermadash.rules import evaluation
from dermadash.server import client_address, password_brake, this_computer
from dermadash.settings import database_url
from dermadash.storage import db, logbook, queries
from dermadash.storage.profiles import (
    ProfileSnapshot,
    data_revision,
    default_profile_id,
    load_profile,
    profile_id_for_identity,
)

LOGGER = logging.getLogger("dermadash")
PROFILE_KEY = "dermadash_profile_id"


@st.cache_resource(show_spinner=False)
def _engine_for(url: str) -> Engine:
    engine = db.make_engine(url)
    db.upgrade(engine)
    return engine


def engine() -> Engine:
    """The database engine, brought up to date on first use; stops the page if it cannot."""
    try:
        return _engine_for(database_url())
    except db.DatabaseUnavailable as problem:
        st.error(str(problem))
        st.stop()
        raise  # unreachable: st.stop() ends the script run


DATABASE_RETRY_SECONDS = 3


def show_database_unreachable() -> None:
    """The plain answer while the database is down; the page reruns once it answers."""
    st.error(db.UNREACHABLE_MESSAGE, icon=":material/cloud_off:")
    st.button("Try again", key="database_try_again", type="primary")
    _rerun_when_database_answers()


@st.fragment(run_every=DATABASE_RETRY_SECONDS)
def _rerun_when_database_answers() -> None:
    try:
        answering = db.answers(_engine_for(database_url()))
    except db.DatabaseUnavailable:
        answering = False
    if answering:
        st.rerun(scope="app")


def browser_timezone() -> str:
    return st.context.timezone or "UTC"


def current_profile_id() -> int:
    """The profile whose data this page shows (the one-person default when local).

    When hosted (``DERMADASH_AUTH=password`` or ``oidc``) the page stops at a sign-in
    prompt until the owner has signed in: no owner page renders anyone's data before.
    """
    mode = _auth_mode()
    if mode is AuthMode.OIDC:
        return _oidc_profile_id()
    if mode is AuthMode.PASSWORD:
        _require_owner_password()
    else:
        _require_this_computer()
    if PROFILE_KEY not in st.session_state:
        st.session_state[PROFILE_KEY] = default_profile_id(engine(), browser_timezone())
    return int(st.session_state[PROFILE_KEY])


# --- Owner sign-in (the decisions live in dermadash.auth) ----------------------------

OWNER_SIGNED_IN_KEY = "dermadash_owner_signed_in"
IDENTITY_KEY = "dermadash_identity"


def _auth_mode() -> AuthMode:
    try:
        return auth.configured_mode()
    except auth.AuthConfigError as problem:
        st.error(str(problem))
        st.stop()
        raise  # unreachable: st.stop() ends the script run


def _require_this_computer() -> None:
    """Without sign-in, owner pages open only on the computer the app runs on: the
    server layer says so in a header of the WebSocket (``dermadash.server.this_computer``).
    The page address the browser reports is not used: a client can claim any."""
    if not this_computer.proves_this_computer(st.context.headers.get(this_computer.PROOF_HEADER)):
        st.title("dermadash")
        st.error(auth.NOT_LOCAL_MESSAGE)
        st.stop()


def _client_address() -> str:
    """The address this browser's tries count against (``dermadash.server.client_address``).

    ``st.context.ip_address`` is the WebSocket's real peer; Streamlit reports a
    loopback one as None (and AppTest a stand-in object): both count as loopback.
    """
    try:
        trusted = client_address.trusted_proxies()
    except client_address.TrustedProxiesError as problem:
        st.error(str(problem))
        st.stop()
        raise  # unreachable: st.stop() ends the script run
    peer = st.context.ip_address
    peer = peer if isinstance(peer, str) and peer else "127.0.0.1"
    return client_address.client_address(peer, st.context.headers.get("X-Forwarded-For"), trusted)


def _require_owner_password() -> None:
    if st.session_state.get(OWNER_SIGNED_IN_KEY):
        return
    stored_hash = auth.stored_password_hash()
    st.title("dermadash")
    if stored_hash is None:
        st.error(
            "Sign-in by password is switched on, but no owner password is set yet. "
            "Whoever runs dermadash should run `python -m dermadash password` on the server."
        )
        st.stop()
    st.write("Sign in to see your dermarolling log.")
    with st.form("owner_sign_in", clear_on_submit=True):
        attempt = st.text_input(
            "Password", type="password", key="owner_password", autocomplete="current-password"
        )
        submitted = st.form_submit_button("Sign in", type="primary", key="owner_sign_in_submit")
    if submitted:
        outcome = password_brake.sign_in(
            engine(), _client_address(), lambda: auth.verify_password(stored_hash, attempt)
        )
        if outcome.signed_in:
            st.session_state[OWNER_SIGNED_IN_KEY] = True
            st.rerun()
        elif outcome.wait_seconds:
            st.error(
                "Too many wrong passwords from here. Please try again in "
                f"{outcome.wait_seconds} seconds."
            )
        else:
            st.error("That password is not right.")
    st.stop()


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, StreamlitSecretNotFoundError):
        return False


def _oidc_profile_id() -> int:
    person = auth.person_from_user_info(st.user.to_dict())
    if person is None:
        st.title("dermadash")
        if not _oidc_configured():
            st.error(
                "Sign-in is set to OpenID Connect, but `.streamlit/secrets.toml` has no "
                "[auth] section yet. Whoever runs dermadash should add it (see the README)."
            )
            st.stop()
        st.write("Sign in to see your dermarolling log. Each person sees only their own.")
        st.button("Sign in", type="primary", key="owner_login", on_click=st.login)
        st.stop()
    if st.session_state.get(IDENTITY_KEY) != person.identity:
        st.session_state[PROFILE_KEY] = profile_id_for_identity(
            engine(), person.identity, person.name, browser_timezone()
        )
        st.session_state[IDENTITY_KEY] = person.identity
    return int(st.session_state[PROFILE_KEY])


def owner_signed_in() -> bool:
    """Whether the owner pages may open now, without drawing anything."""
    try:
        mode = auth.configured_mode()
    except auth.AuthConfigError:
        return True  # require_owner() shows the configuration problem
    if mode is AuthMode.OIDC:
        return auth.person_from_user_info(st.user.to_dict()) is not None
    if mode is AuthMode.PASSWORD:
        return bool(st.session_state.get(OWNER_SIGNED_IN_KEY))
    return True


def require_owner() -> int:
    """For the router: sign-in before any owner page, and a way to sign out."""
    profile_id = current_profile_id()
    mode = _auth_mode()
    if mode is AuthMode.OIDC:
        st.sidebar.button("Sign out", key="owner_sign_out", on_click=st.logout)
    elif mode is AuthMode.PASSWORD and st.sidebar.button("Sign out", key="owner_sign_out"):
        for key in (OWNER_SIGNED_IN_KEY, PROFILE_KEY):
            st.session_state.pop(key, None)
        st.rerun()
    return profile_id


def revision(profile_id: int) -> int:
    return data_revision(engine(), profile_id)


@st.cache_data(show_spinner=False, max_entries=256)
def _profile(url: str, profile_id: int, revision: int) -> ProfileSnapshot:
    return load_profile(_engine_for(url), profile_id)


@st.cache_data(show_spinner=False, max_entries=256)
def _sessions(url: str, profile_id: int, revision: int) -> pd.DataFrame:
    return queries.sessions_frame(_engine_for(url), profile_id)


@st.cache_data(show_spinner=False, max_entries=256)
def _session_areas(url: str, profile_id: int, revision: int) -> pd.DataFrame:
    return queries.session_areas_frame(_engine_for(url), profile_id)


@st.cache_data(show_spinner=False, max_entries=256)
def _rollers(url: str, profile_id: int, revision: int) -> pd.DataFrame:
    return queries.rollers_frame(_engine_for(url), profile_id)


@st.cache_data(show_spinner=False, max_entries=256)
def _scar_ratings(url: str, profile_id: int, revision: int) -> pd.DataFrame:
    return queries.scar_ratings_frame(_engine_for(url), profile_id)


def profile(profile_id: int) -> ProfileSnapshot:
    return _profile(database_url(), profile_id, revision(profile_id))


def sessions(profile_id: int) -> pd.DataFrame:
    return _sessions(database_url(), profile_id, revision(profile_id))


def session_areas(profile_id: int) -> pd.DataFrame:
    return _session_areas(database_url(), profile_id, revision(profile_id))


def rollers(profile_id: int) -> pd.DataFrame:
    return _rollers(database_url(), profile_id, revision(profile_id))


def scar_ratings(profile_id: int) -> pd.DataFrame:
    return _scar_ratings(database_url(), profile_id, revision(profile_id))


# --- logging pages (sessions, check-ins, ratings, rollers) ---------------------------


@st.cache_data(show_spinner=False, max_entries=256)
def _session_defaults(url: str, profile_id: int, revision: int) -> logbook.SessionDefaults:
    return logbook.session_defaults(_engine_for(url), profile_id)


@st.cache_data(show_spinner=False, max_entries=256)
def _area_choices(url: str, profile_id: int, revision: int) -> list[str]:
    return logbook.area_choices(_engine_for(url), profile_id)


def session_defaults(profile_id: int) -> logbook.SessionDefaults:
    return _session_defaults(database_url(), profile_id, revision(profile_id))


def area_choices(profile_id: int) -> list[str]:
    return _area_choices(database_url(), profile_id, revision(profile_id))


def pending_check_in_count(profile_id: int) -> int:
    """Sessions still waiting for a check-in (one COUNT; not cached: it depends on now)."""
    return logbook.pending_check_in_count(engine(), profile_id)


def timezone(profile_id: int) -> str:
    """The person's time zone: their profile's, else their browser's."""
    return profile(profile_id).timezone or browser_timezone()


# A resource, shared and never copied: pickling thousands of flags for every page that
# reads them costs about as much as finding them. Nothing downstream changes these
# frames in place (pages filter them into new frames). ``hour`` is part of the key:
# check-in-missing, ask-dermatologist and the days to wait move with the clock.
@st.cache_resource(show_spinner=False, max_entries=64)
def _analysis(url: str, profile_id: int, revision: int, hour: str) -> evaluation.Analysis:
    return evaluation.analyse(
        _profile(url, profile_id, revision),
        _sessions(url, profile_id, revision),
        _rollers(url, profile_id, revision),
    )


def hour_key() -> str:
    """Part of cache keys for what moves with the clock (missing check-ins, 'generated')."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H")


def analysis(profile_id: int) -> evaluation.Analysis:
    """The rule engine's flags, area intervals and next safe dates (``evaluation.analyse``)."""
    return _analysis(database_url(), profile_id, revision(profile_id), hour_key())


def flags(profile_id: int) -> pd.DataFrame:
    """Every safety flag of the profile (see ``dermadash.rules.evaluate``)."""
    return analysis(profile_id).flags


def next_safe(profile_id: int) -> pd.DataFrame:
    """The next safe session date per area (see ``dermadash.rules.next_safe_dates``)."""
    return analysis(profile_id).next_safe


# --- progress photos -----------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=256)
def _photos(url: str, profile_id: int, revision: int) -> pd.DataFrame:
    return photos.photos_frame(_engine_for(url), profile_id)


def photo_list(profile_id: int) -> pd.DataFrame:
    """The profile's photos with their ratings, without the pictures (``photos_frame``)."""
    return _photos(database_url(), profile_id, revision(profile_id))


# Pictures are large: few are kept, and not for long; a write (e.g. a deletion) gives
# every key a new revision, so a deleted picture is never served from here.
@st.cache_data(show_spinner=False, max_entries=48, ttl=600)
def _photo_jpeg(url: str, profile_id: int, photo_id: int, revision: int) -> bytes:
    return photos.photo_jpeg(_engine_for(url), profile_id, photo_id)


def photo_jpeg(profile_id: int, photo_id: int) -> bytes:
    """One of the profile's photos as JPEG bytes."""
    return _photo_jpeg(database_url(), profile_id, photo_id, revision(profile_id))
