"""The Flags, Protocol and Settings pages, run with AppTest on both databases."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from dermadash import demo
from dermadash.rules import flagging
from dermadash.rules.protocol import RULE_IDS
from dermadash.storage.profiles import default_profile_id, load_profile
from tests.apptest import assert_no_exception, open_app, texts

DISCLAIMER = "dermadash informs; it does not diagnose"


def _with_demo(engine: Engine) -> int:
    profile_id = default_profile_id(engine)
    demo.load_demo(engine, profile_id)
    return profile_id


def test_flags_page_empty_state(app_database: str) -> None:
    app = open_app(page="views/flags.py")
    assert_no_exception(app)
    assert "No sessions yet" in texts(app)


def _tables(app: AppTest) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The Flags page's two tables: one row per rule, and every flag."""
    by_rule, every = app.dataframe
    return by_rule.value, every.value


def test_flags_page_summarises_per_rule_lists_every_flag_typed_and_filters(
    app_engine: Engine,
) -> None:
    profile_id = _with_demo(app_engine)
    flags = flagging.profile_flags(app_engine, profile_id)
    app = open_app(page="views/flags.py")
    assert_no_exception(app)
    by_rule, every = _tables(app)
    assert len(every) == len(flags)
    # Critical first, and dates are dates (they sort as dates, not as weekday names).
    assert every["Severity"].iloc[0] == "Critical"
    assert list(every["Severity"]).index("Warning") > list(every["Severity"]).index("Critical")
    assert str(every["Date"].dtype).startswith("datetime64")
    per_rule = by_rule.groupby("Rule id")["Flags"].sum()
    assert per_rule.to_dict() == flags["rule"].value_counts().to_dict()
    assert by_rule["Flags"].sum() == len(flags)
    assert DISCLAIMER not in texts(app)

    app.multiselect(key="flags_rules").select("not-sterilized").run()
    assert_no_exception(app)
    by_rule, every = _tables(app)
    assert list(by_rule["Rule id"]) == ["not-sterilized"]
    assert list(every["What happened"]) == ["The roller was not sterilized before the session."]

    app.multiselect(key="flags_rules").unselect("not-sterilized").run()
    app.multiselect(key="flags_areas").select("Forehead").run()
    assert_no_exception(app)
    _by_rule, every = _tables(app)
    assert not every["What happened"].str.contains("Left cheek was rolled").any()

    app.multiselect(key="flags_areas").unselect("Forehead").run()
    acne_day = _flag_day(app_engine, profile_id, "active-acne")
    app.date_input(key="flags_period").set_value((acne_day, acne_day)).run()
    assert_no_exception(app)
    _by_rule, every = _tables(app)
    assert "Rolled over active acne or inflamed skin." in set(every["What happened"])
    assert not every["What happened"].str.contains("Redness lasted 80 h").any()


def _flag_day(engine: Engine, profile_id: int, rule: str) -> date:
    flags = flagging.profile_flags(engine, profile_id)
    return flags.loc[flags["rule"] == rule, "date"].iloc[0]


def test_protocol_page_lists_every_rule_and_says_it_informs(app_database: str) -> None:
    app = open_app(page="views/protocol.py")
    assert_no_exception(app)
    assert DISCLAIMER in texts(app)
    table = app.table[0].value
    assert tuple(table.index) == RULE_IDS
    assert "0.5 mm" in " ".join(table["Your thresholds"])
    assert len(app.expander) == len(RULE_IDS)


def test_settings_change_name_timezone_and_prescription(app_engine: Engine) -> None:
    app = open_app(page="views/settings.py")
    profile_id = int(app.session_state["dermadash_profile_id"])
    app.text_input(key="settings_name").input("Alex")
    app.selectbox(key="settings_timezone").select("Europe/Paris")
    app.checkbox(key="settings_has_interval").check()
    app.number_input(key="settings_interval").set_value(14)
    app.checkbox(key="settings_has_isotretinoin").check()
    app.date_input(key="settings_last_dose").set_value(date(2025, 1, 10))
    app.button[0].click().run()  # the first form's Save
    assert_no_exception(app)
    assert "Saved your settings." in texts(app)
    saved = load_profile(app_engine, profile_id)
    assert saved.display_name == "Alex"
    assert saved.timezone == "Europe/Paris"
    assert saved.prescribed_interval_days == 14
    assert saved.isotretinoin_last_dose == date(2025, 1, 10)

    protocol = open_app(page="views/protocol.py")
    assert "prescribed interval: 14 days" in " ".join(protocol.table[0].value["Your thresholds"])


def test_override_outside_safe_bounds_changes_nothing(app_engine: Engine) -> None:
    app = open_app(page="views/settings.py")
    profile_id = int(app.session_state["dermadash_profile_id"])
    app.number_input(key="override:needle-too-long.home_max_mm").set_value(1.5)
    app.button[1].click().run()  # Save thresholds
    assert_no_exception(app)
    assert "Nothing was saved" in texts(app)
    assert "between 0.1 mm and 0.5 mm" in texts(app)
    assert load_profile(app_engine, profile_id).rule_overrides == {}


def test_override_within_bounds_then_reset_to_defaults(app_engine: Engine) -> None:
    app = open_app(page="views/settings.py")
    profile_id = int(app.session_state["dermadash_profile_id"])
    app.number_input(key="override:too-many-passes.max_passes").set_value(4)
    app.button[1].click().run()
    assert_no_exception(app)
    assert "Saved your thresholds." in texts(app)
    assert load_profile(app_engine, profile_id).rule_overrides == {"too-many-passes.max_passes": 4}
    protocol = open_app(page="views/protocol.py")
    assert "4 passes (yours; default 6 passes)" in " ".join(
        protocol.table[0].value["Your thresholds"]
    )

    app.button(key="settings_reset").click().run()
    assert_no_exception(app)
    assert "back to their defaults" in texts(app)
    assert load_profile(app_engine, profile_id).rule_overrides == {}
    assert app.number_input(key="override:too-many-passes.max_passes").value == 6
