"""First-run safety questions: asked on Home, skippable, the same on the command line."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from sqlalchemy import Engine

from dermadash.rules import flagging
from dermadash.storage import db
from dermadash.storage.profiles import default_profile_id, load_profile
from dermadash.timezones import local_today
from tests.apptest import assert_no_exception, open_app, texts
from tests.test_app_logging import LOG, click, fill_session
from tests.test_cli_foundation import run_cli

FEEDS = (
    "Feeds needle-too-long",
    "Feeds ask-dermatologist",
    "Feeds too-frequent: a prescribed interval",
    "Feeds isotretinoin",
    "Feeds too-frequent and the next safe date",
)


def open_store(url: str) -> Engine:
    engine = db.make_engine(url)
    db.upgrade(engine)
    return engine


def test_a_fresh_home_leads_with_the_first_session_and_the_questions(app_database: str) -> None:
    app = open_app(timezone="Europe/Berlin")
    assert_no_exception(app)
    shown = texts(app)
    assert app.button(key="first_session").label == "Log your first session"
    assert "Five safety questions first" in shown
    for line in FEEDS:
        assert line in shown
    assert "Your browser says Europe/Berlin." in shown
    assert app.selectbox(key="setup_timezone").value == "Europe/Berlin"
    assert app.button(key="load_demo").proto.type == "secondary"
    assert app.button(key="first_session").proto.type == "primary"
    labels = [link.label for link in app.get("page_link")]
    assert labels[:2] == ["Log a session", "Check-in"]
    app.button(key="first_session").click().run()
    assert_no_exception(app)
    assert app.title[0].value == "Log a session"
    assert "Answer the five safety questions first" in texts(app)


def test_answering_lets_the_isotretinoin_rule_flag_a_session(app_database: str) -> None:
    app = open_app(timezone="Europe/Berlin")
    dose = local_today("Europe/Berlin") - timedelta(days=40)
    app.radio(key="setup_experienced").set_value("Yes")
    app.radio(key="setup_baseline").set_value("moderate")
    app.radio(key="setup_has_interval").set_value("Yes")
    app.number_input(key="setup_interval").set_value(14)
    app.radio(key="setup_has_isotretinoin").set_value("Yes")
    app.date_input(key="setup_last_dose").set_value(dose)
    click(app, "Save answers")
    assert_no_exception(app)
    assert "Saved your answers" in texts(app)
    assert "Five safety questions first" not in texts(app)

    engine = open_store(app_database)
    try:
        profile_id = default_profile_id(engine)
        me = load_profile(engine, profile_id)
        assert (me.experienced, me.scar_baseline, me.prescribed_interval_days) == (
            True,
            "moderate",
            14,
        )
        assert (me.isotretinoin_last_dose, me.timezone) == (dose, "Europe/Berlin")
        assert me.safety_answered_at is not None

        page = open_app(page=LOG, timezone="Europe/Berlin")
        fill_session(page, areas=["Chin"], needle_mm=0.25, day=local_today("Europe/Berlin"))
        click(page, "Save session")
        assert_no_exception(page)
        flags = flagging.profile_flags(engine, profile_id)
        isotretinoin = flags[flags["rule"] == "isotretinoin"]
        assert len(isotretinoin) == 1
        assert isotretinoin.iloc[0]["severity"] == "critical"
    finally:
        engine.dispose()


def test_skipping_asks_again_from_home_until_answered(app_database: str) -> None:
    app = open_app()
    click(app, "Skip for now")
    assert_no_exception(app)
    assert "Five safety questions first" not in texts(app)
    assert "The safety questions are not answered yet" in texts(app)
    again = open_app()  # a later visit asks again
    assert "Five safety questions first" in texts(again)
    click(app, "Answer them now")
    assert "Five safety questions first" in texts(app)


def test_a_yes_to_isotretinoin_without_a_date_saves_nothing(app_database: str) -> None:
    app = open_app()
    app.radio(key="setup_has_isotretinoin").set_value("Yes")
    click(app, "Save answers")
    assert "Enter the date of your last isotretinoin dose" in texts(app)
    engine = open_store(app_database)
    try:
        assert load_profile(engine, default_profile_id(engine)).safety_answered_at is None
    finally:
        engine.dispose()


def test_home_with_sessions_shows_a_reminder_not_the_whole_form(app_database: str) -> None:
    app = open_app()
    app.button(key="load_demo").click().run()
    assert_no_exception(app)
    assert "The safety questions are not answered yet" in texts(app)
    assert "Five safety questions first" not in texts(app)


def test_profile_show_and_set_on_the_command_line(database_url: str) -> None:
    shown = run_cli(database_url, "profile", "show")
    assert shown.returncode == 0, shown.stderr
    assert "not answered yet" in shown.stdout
    for line in FEEDS:
        assert line in shown.stdout
    saved = run_cli(
        database_url,
        "profile",
        "set",
        "--experienced",
        "yes",
        "--baseline",
        "moderate",
        "--prescribed-days",
        "14",
        "--isotretinoin",
        "2026-03-15",
        "--timezone",
        "Europe/Berlin",
    )
    assert saved.returncode == 0, saved.stderr
    assert "14 days" in saved.stdout
    assert "not answered yet" not in saved.stdout
    engine = open_store(database_url)
    try:
        me = load_profile(engine, default_profile_id(engine))
        assert (me.experienced, me.scar_baseline, me.prescribed_interval_days) == (
            True,
            "moderate",
            14,
        )
        assert (me.isotretinoin_last_dose, me.timezone) == (date(2026, 3, 15), "Europe/Berlin")
        cleared = run_cli(
            database_url, "profile", "set", "--isotretinoin", "never", "--prescribed-days", "none"
        )
        assert cleared.returncode == 0, cleared.stderr
        me = load_profile(engine, default_profile_id(engine))
        assert (me.isotretinoin_last_dose, me.prescribed_interval_days) == (None, None)
        assert me.experienced is True  # what was not given stays
    finally:
        engine.dispose()


def test_profile_set_refuses_bad_answers_with_every_reason_and_changes_nothing(
    database_url: str,
) -> None:
    refused = run_cli(
        database_url,
        "profile",
        "set",
        "--experienced",
        "maybe",
        "--prescribed-days",
        "0",
        "--baseline",
        "huge",
        "--timezone",
        "Mars/Olympus",
        "--isotretinoin",
        "15/03/2026",
    )
    assert refused.returncode == 2
    for reason in (
        "Experienced must be yes or no",
        "between 1 and 365 days",
        "Scar baseline must be one of: mild, moderate, severe",
        "'Mars/Olympus' is not a time zone we know",
        "must be a date such as 2026-03-15, or 'never'",
        "Nothing was changed",
    ):
        assert reason in refused.stderr
    assert "Traceback" not in refused.stderr
    engine = open_store(database_url)
    try:
        me = load_profile(engine, default_profile_id(engine))
        assert (me.experienced, me.safety_answered_at) == (False, None)
    finally:
        engine.dispose()


def test_every_answer_names_a_real_rule() -> None:
    from dermadash.rules import safety_questions
    from dermadash.rules.protocol import load_protocol

    rule_ids = {rule.id for rule in load_protocol().rules}
    for question in safety_questions.questions().values():
        assert question.rule in rule_ids
        assert question.feeds.startswith(f"Feeds {question.rule}")


def test_settings_keep_the_answers_editable_and_count_as_answering(app_database: str) -> None:
    app = open_app(page="views/settings.py")
    assert_no_exception(app)
    for line in FEEDS:
        assert line in texts(app)
    app.checkbox(key="settings_has_isotretinoin").check()
    app.date_input(key="settings_last_dose").set_value(date(2026, 5, 1))
    click(app, "Save")
    assert_no_exception(app)
    engine = open_store(app_database)
    try:
        me = load_profile(engine, default_profile_id(engine))
        assert me.isotretinoin_last_dose == date(2026, 5, 1)
        assert me.safety_answered_at is not None
    finally:
        engine.dispose()
    assert "Five safety questions first" not in texts(open_app())


def test_every_new_profile_starts_unanswered_and_answering_is_per_profile(engine: Engine) -> None:
    from dermadash.rules import safety_questions
    from dermadash.storage.profiles import profile_id_for_identity

    owner = default_profile_id(engine)
    signed_in = profile_id_for_identity(engine, "oidc|ana", "Ana", "Europe/Madrid")
    for profile_id in (owner, signed_in):
        assert not safety_questions.is_answered(load_profile(engine, profile_id))
    ana = load_profile(engine, signed_in)
    safety_questions.answer(engine, signed_in, ana.settings())
    assert safety_questions.is_answered(load_profile(engine, signed_in))
    assert not safety_questions.is_answered(load_profile(engine, owner))


def test_deleting_all_data_asks_the_questions_again(engine: Engine) -> None:
    from dermadash.rules import safety_questions
    from dermadash.storage import erase

    profile_id = default_profile_id(engine)
    me = load_profile(engine, profile_id)
    safety_questions.answer(engine, profile_id, replace(me.settings(), experienced=True))
    assert safety_questions.is_answered(load_profile(engine, profile_id))
    erase.erase_profile_data(engine, profile_id, "DELETE")
    after = load_profile(engine, profile_id)
    assert (after.experienced, safety_questions.is_answered(after)) == (False, False)
