"""Owner sign-in when hosted: no owner page renders before it; each person sees their own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from streamlit.testing.v1 import AppTest

from dermadash import auth
from dermadash.server import password_brake
from dermadash.sharing import share_links
from dermadash.storage import records
from dermadash.storage.models import SignInAttempts
from dermadash.storage.profiles import profile_id_for_identity
from page_support.owner_guard import OWNER_SIGNED_IN_KEY
from tests.apptest import (
    APP,
    TIMEOUT_SECONDS,
    assert_no_exception,
    open_app,
    texts,
)

PASSWORD = "a long owner passphrase"
PAGES = ("views/home.py", "views/share.py")


def _add_sessions(engine: Engine, profile_id: int, count: int, note: str) -> None:
    for day in range(count):
        records.add_session(
            engine,
            profile_id,
            records.SessionInput(
                started_at=datetime(2026, 2, 1, 20, tzinfo=UTC) + timedelta(days=7 * day),
                areas=["cheeks"],
                needle_mm=0.25,
                notes=note,
            ),
        )


def _app(user: dict[str, object] | None = None, page: str | None = None) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=TIMEOUT_SECONDS)
    app.context["timezone"] = "Europe/London"
    if user is not None:
        app.user = user
    app.run()
    if page is not None:
        app.switch_page(page).run()
    return app


def _owner_content_shown(app: AppTest) -> bool:
    shown = texts(app)
    return any(
        marker in shown
        for marker in ("No sessions yet", "Sessions logged", "Share with your dermatologist")
    )


# --- OpenID Connect -------------------------------------------------------------------


@pytest.fixture
def oidc(app_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setenv(auth.AUTH_VARIABLE, "oidc")
    return app_engine


def _signed_in(sub: str, email: str) -> dict[str, object]:
    return {"is_logged_in": True, "sub": sub, "email": email, "name": email.split("@")[0]}


@pytest.mark.parametrize("page", [None, *PAGES])
@pytest.mark.parametrize(
    "user",
    [{"email": "test@example.com"}, {"is_logged_in": False}, {"is_logged_in": True}],
    ids=["no-login", "logged-out", "no-identity"],
)
def test_oidc_owner_pages_refuse_without_sign_in(
    oidc: Engine, user: dict[str, object], page: str | None
) -> None:
    app = _app(user, page=page)
    assert_no_exception(app)
    assert not _owner_content_shown(app)
    assert "[auth] section" in texts(app)  # no secrets.toml here: says how to set it up


def test_oidc_sign_in_button_when_configured(oidc: Engine) -> None:
    app = AppTest.from_file(APP, default_timeout=TIMEOUT_SECONDS)
    app.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback"}
    app.user = {"is_logged_in": False}
    app.run()
    assert_no_exception(app)
    assert app.button(key="owner_login").label == "Sign in"
    assert not _owner_content_shown(app)


def test_oidc_each_person_sees_only_their_own(oidc: Engine) -> None:
    sam = profile_id_for_identity(oidc, "sam-sub", "Sam")
    alex = profile_id_for_identity(oidc, "alex-sub", "Alex")
    _add_sessions(oidc, sam, 2, "sam-note")
    _add_sessions(oidc, alex, 5, "alex-note")
    share_links.create_link(oidc, alex, "Dr Okafor")

    as_sam = _app(_signed_in("sam-sub", "sam@example.com"))
    assert_no_exception(as_sam)
    as_sam.radio(key="dash_period").set_value("All").run()
    assert "Sessions in the period 2" in texts(as_sam)
    as_sam.switch_page("views/share.py").run()
    assert_no_exception(as_sam)
    assert "Share with your dermatologist" in texts(as_sam)
    assert "Dr Okafor" not in texts(as_sam)
    assert as_sam.button(key="owner_sign_out").label == "Sign out"

    as_alex = _app(_signed_in("alex-sub", "alex@example.com"), page="views/share.py")
    assert "Dr Okafor" in texts(as_alex)
    as_alex.switch_page("views/home.py").run()
    as_alex.radio(key="dash_period").set_value("All").run()
    assert "Sessions in the period 5" in texts(as_alex)


def test_oidc_first_sign_in_gets_a_new_empty_profile(oidc: Engine) -> None:
    _add_sessions(oidc, profile_id_for_identity(oidc, "sam-sub", "Sam"), 2, "sam-note")
    newcomer = _app(_signed_in("new-sub", "new@example.com"))
    assert_no_exception(newcomer)
    assert "No sessions yet" in texts(newcomer)


def test_oidc_sign_out_logs_out(oidc: Engine) -> None:
    app = _app(_signed_in("sam-sub", "sam@example.com"))
    app.button(key="owner_sign_out").click().run()
    assert_no_exception(app)
    assert not _owner_content_shown(app)


# --- Owner password -----------------------------------------------------------------


@pytest.fixture
def password_mode(app_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setenv(auth.AUTH_VARIABLE, "password")
    monkeypatch.setenv(auth.PASSWORD_HASH_VARIABLE, auth.hash_password(PASSWORD))
    return app_engine


def _sign_in(app: AppTest, password: str) -> AppTest:
    app.text_input(key="owner_password").input(password)
    app.button(key="owner_sign_in_submit").click().run()
    return app


def test_password_mode_refuses_without_the_right_password(password_mode: Engine) -> None:
    app = _app()
    assert_no_exception(app)
    assert not _owner_content_shown(app)
    assert app.text_input(key="owner_password").label == "Password"
    _sign_in(app, "not the password at all")
    assert_no_exception(app)
    assert "That password is not right." in texts(app)
    assert not _owner_content_shown(app)


def test_password_mode_with_the_right_password(password_mode: Engine) -> None:
    app = _sign_in(_app(), PASSWORD)
    assert_no_exception(app)
    assert "No sessions yet" in texts(app)
    app.switch_page("views/share.py").run()
    assert "Share with your dermatologist" in texts(app)
    app.button(key="owner_sign_out").click().run()
    assert not _owner_content_shown(app)
    assert app.text_input(key="owner_password")


def test_password_attempts_are_braked(
    password_mode: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The brake is per client address, in the database: AppTest runs all count as the
    same loopback address (per-address and cross-process cases: test_server_password_brake).

    The first wait is made a minute long: the real two seconds can pass between two tabs
    on a busy machine, and then the right password rightly gets in."""
    monkeypatch.setattr(password_brake, "FIRST_DELAY_SECONDS", 60.0)
    app = _app()
    for _ in range(5):
        _sign_in(app, "wrong guess number x")
        assert "That password is not right." in texts(app)
    _sign_in(app, PASSWORD)  # even the right one waits once the brake is on
    assert "Too many wrong passwords from here" in texts(app)
    assert not _owner_content_shown(app)
    other_tab = _sign_in(_app(), PASSWORD)  # same address, another browser session
    assert "Too many wrong passwords from here" in texts(other_tab)
    with password_mode.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(SignInAttempts)) == 2


def test_password_mode_without_a_password_set(
    app_engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(auth.AUTH_VARIABLE, "password")
    monkeypatch.delenv(auth.PASSWORD_HASH_VARIABLE, raising=False)
    monkeypatch.setenv(auth.PASSWORD_FILE_VARIABLE, str(tmp_path / "absent"))
    app = _app()
    assert_no_exception(app)
    assert "python -m dermadash password" in texts(app)
    assert not _owner_content_shown(app)


# --- No sign-in -----------------------------------------------------------------------


@pytest.mark.parametrize("claimed_url", [None, "http://127.0.0.1:8501/", "http://localhost/"])
def test_no_sign_in_refuses_a_run_without_an_http_request(
    app_engine: Engine, monkeypatch: pytest.MonkeyPatch, claimed_url: str | None
) -> None:
    """Without the server layer's proof there is no owner page, whatever URL is claimed
    (the served cases, with real peers and Host headers, are in test_server_this_computer)."""
    monkeypatch.setenv(auth.AUTH_VARIABLE, "none")
    app = AppTest.from_file(APP, default_timeout=TIMEOUT_SECONDS)
    if claimed_url:
        app.context["url"] = claimed_url
    app.session_state[OWNER_SIGNED_IN_KEY] = True  # a password session means nothing here
    app.run()
    assert_no_exception(app)
    assert "DERMADASH_AUTH=password" in texts(app)
    assert not _owner_content_shown(app)


def test_an_unknown_mode_is_explained(app_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(auth.AUTH_VARIABLE, "magic")
    app = _app()
    assert_no_exception(app)
    assert "must be one of: none, password, oidc" in texts(app)
    assert not _owner_content_shown(app)


@pytest.mark.parametrize("mode", ["password", "oidc"])
def test_share_links_need_no_sign_in(
    app_engine: Engine, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    monkeypatch.setenv(auth.AUTH_VARIABLE, mode)
    owner = profile_id_for_identity(app_engine, "sam-sub", "Sam")
    _add_sessions(app_engine, owner, 2, "sam-note")
    new = share_links.create_link(app_engine, owner, "Dr Rivera")
    viewer = open_app(query={"share": new.token})
    assert_no_exception(viewer)
    assert "Sessions logged 2" in texts(viewer)
    assert "Sign in" not in texts(viewer)
