"""The owner guard: no owner page draws anyone's data before its owner has signed in.

Every owner page starts with ``current_profile_id()``; the router calls ``require_owner()``
before it runs any of them. The decisions live in ``dermadash.auth``; this module draws the
sign-in form (password or OpenID Connect) and keeps who signed in in the session.
"""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from dermadash import auth
from dermadash.auth import AuthMode
from dermadash.server import client_address, password_brake, this_computer
from dermadash.storage.profiles import default_profile_id, profile_id_for_identity
from page_support.database import engine
from page_support.reads import browser_timezone

PROFILE_KEY = "dermadash_profile_id"
OWNER_SIGNED_IN_KEY = "dermadash_owner_signed_in"
IDENTITY_KEY = "dermadash_identity"


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


def _auth_mode() -> AuthMode:
    try:
        return auth.configured_mode()
    except auth.AuthConfigError as problem:
        st.error(str(problem))
        st.stop()


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
