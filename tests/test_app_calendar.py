"""The "Calendar reminders" section of the Settings page, run for real with AppTest."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from dermadash import auth
from dermadash.calendar import endpoint, links
from dermadash.storage import records
from dermadash.storage.profiles import default_profile_id, profile_id_for_identity
from tests.apptest import APP, TIMEOUT_SECONDS, assert_no_exception, open_app, texts

SETTINGS = "views/settings.py"
FEED_URL = re.compile(r"/calendar/([A-Za-z0-9_-]{43})\.ics$")


def _token_shown(app: AppTest) -> str:
    [code] = [element.value for element in app.code]
    match = FEED_URL.search(code)
    assert match, code
    return match.group(1)


def test_the_section_warns_about_third_parties_and_says_how_often_apps_refresh(
    app_engine: Engine,
) -> None:
    app = open_app(page=SETTINGS)
    assert_no_exception(app)
    shown = texts(app)
    assert "Calendar reminders" in shown
    assert "Your calendar provider will see these reminders" in shown
    assert "Generic titles" in shown
    assert "No calendar links yet." in shown
    assert "only works on this computer" in shown  # no public address configured
    guide = " ".join(str(element.value) for element in app.expander[-1].markdown)
    for app_name, refresh in (
        ("Google Calendar", "every 12 to 24 hours"),
        ("Apple Calendar", "how often to refresh"),
        ("Outlook", "every few hours"),
    ):
        assert app_name in guide
        assert refresh in guide


def test_creating_a_link_shows_it_once_and_it_serves_the_feed(app_engine: Engine) -> None:
    app = open_app(page=SETTINGS)
    profile_id = default_profile_id(app_engine)
    records.add_session(
        app_engine,
        profile_id,
        records.SessionInput(
            started_at=datetime.now(UTC) - timedelta(days=1), areas=["Chin"], needle_mm=0.25
        ),
    )
    app.checkbox(key="calendar_generic").check()
    app.button(key="create_calendar_link").click().run()
    assert_no_exception(app)
    token = _token_shown(app)
    assert "shown only this once" in texts(app)
    assert "It works until you revoke it." in texts(app)
    body = endpoint.feed_for_token(app_engine, token)
    assert body is not None
    assert "Chin" not in body.decode()  # generic titles were ticked
    [row] = links.list_links(app_engine, profile_id)
    assert row.generic_titles
    assert row.expires_at is None

    app.run()  # the next run no longer shows the address
    assert not app.code
    assert "Calendar link 1" in texts(app)
    assert "not fetched yet" not in texts(app)  # fetched once, just above
    assert "last fetched" in texts(app)


def test_an_expiry_can_be_chosen(app_engine: Engine) -> None:
    app = open_app(page=SETTINGS)
    app.checkbox(key="calendar_expires").check()
    app.number_input(key="calendar_days").set_value(7)
    app.button(key="create_calendar_link").click().run()
    assert_no_exception(app)
    [row] = links.list_links(app_engine, default_profile_id(app_engine))
    assert row.expires_at is not None
    assert timedelta(days=6, hours=23) < row.expires_at - row.created_at <= timedelta(days=7)
    assert "It works until" in texts(app)


def test_revoking_from_the_page_stops_the_feed_at_once(app_engine: Engine) -> None:
    profile_id = default_profile_id(app_engine)
    new = links.create_link(app_engine, profile_id)
    app = open_app(page=SETTINGS)
    app.button(key=f"revoke_calendar_{new.link_id}").click().run()
    assert_no_exception(app)
    assert endpoint.feed_for_token(app_engine, new.token) is None
    assert f"Calendar link {new.link_id} is revoked" in texts(app)
    assert ":red-badge[revoked]" in texts(app)


def test_the_download_button_is_there_even_before_any_link(app_engine: Engine) -> None:
    app = open_app(page=SETTINGS)
    assert_no_exception(app)
    [button] = [item for item in app.get("download_button") if "calendar" in item.proto.label]
    assert button.proto.label == "Download calendar (.ics)"
    assert app.checkbox(key="calendar_file_generic").value is False


def test_with_oidc_each_persons_calendar_holds_only_their_own(
    app_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(auth.AUTH_VARIABLE, "oidc")
    sam = profile_id_for_identity(app_engine, "sam-sub", "Sam")
    alex = profile_id_for_identity(app_engine, "alex-sub", "Alex")
    started = datetime.now(UTC) - timedelta(hours=6)
    for person, area in ((sam, "Sam's chin"), (alex, "Alex's forehead")):
        records.add_session(
            app_engine,
            person,
            records.SessionInput(started_at=started, areas=[area], needle_mm=0.25),
        )
    tokens = {}
    for sub, email in (("sam-sub", "sam@example.com"), ("alex-sub", "alex@example.com")):
        app = AppTest.from_file(APP, default_timeout=TIMEOUT_SECONDS)
        app.context["timezone"] = "Europe/London"
        app.user = {"is_logged_in": True, "sub": sub, "email": email, "name": sub}
        app.run()
        app.switch_page(SETTINGS).run()
        assert "Calendar link" not in texts(app)  # nobody sees another's links
        app.button(key="create_calendar_link").click().run()
        assert_no_exception(app)
        tokens[sub] = _token_shown(app)
    sam_feed = endpoint.feed_for_token(app_engine, tokens["sam-sub"])
    alex_feed = endpoint.feed_for_token(app_engine, tokens["alex-sub"])
    assert sam_feed is not None
    assert alex_feed is not None
    assert "Sam's chin" in sam_feed.decode()
    assert "Alex's forehead" not in sam_feed.decode()
    assert "Alex's forehead" in alex_feed.decode()
    assert "Sam's chin" not in alex_feed.decode()
    assert [row.link_id for row in links.list_links(app_engine, sam)] == [1]
    assert [row.link_id for row in links.list_links(app_engine, alex)] == [2]
