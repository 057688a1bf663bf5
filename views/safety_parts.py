"""The first-run safety questions, asked on Home until they are answered."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from dermadash.rules import safety_questions
from dermadash.storage.profiles import ProfileSnapshot
from dermadash.storage.validation import SCAR_BASELINES, ValidationError
from dermadash.timezones import is_known_timezone, known_timezones
from page_support import database

SKIPPED_KEY = "safety_setup_skipped"
SAVED_KEY = "safety_setup_saved"
YES, NO = "Yes", "No"
DEFAULT_INTERVAL_DAYS = 28


def skipped(by_default: bool) -> bool:
    """Whether to show the short reminder instead of the questions."""
    choice = st.session_state.get(SKIPPED_KEY)
    return by_default if choice is None else bool(choice)


def _offered_timezone(me: ProfileSnapshot) -> str:
    """The browser's time zone on a profile still at the default, else the saved one."""
    browser = st.context.timezone
    if me.timezone == "UTC" and browser and is_known_timezone(browser):
        return browser
    return me.timezone


def _question(field: str) -> safety_questions.Question:
    return safety_questions.questions()[field]


def safety_form(profile_id: int, me: ProfileSnapshot) -> None:
    """The five questions, each saying which rule it feeds; save or skip for now."""
    st.subheader("Five safety questions first")
    st.write(
        "dermadash checks every session against the safety protocol. Some rules depend on "
        "you, and stay silent until you answer. You can change every answer in Settings."
    )
    with st.form("safety_setup"):
        experienced = st.radio(
            _question("experienced").label,
            [NO, YES],
            index=int(me.experienced),
            horizontal=True,
            key="setup_experienced",
        )
        st.caption(_question("experienced").feeds)
        baseline = st.radio(
            _question("scar_baseline").label,
            SCAR_BASELINES,
            index=SCAR_BASELINES.index(me.scar_baseline),
            format_func=str.capitalize,
            horizontal=True,
            key="setup_baseline",
        )
        st.caption(_question("scar_baseline").feeds)
        prescribed = st.radio(
            _question("prescribed_interval_days").label,
            [NO, YES],
            index=int(me.prescribed_interval_days is not None),
            horizontal=True,
            key="setup_has_interval",
        )
        days = st.number_input(
            "If yes: at least this many days between sessions",
            min_value=1,
            max_value=365,
            value=me.prescribed_interval_days or DEFAULT_INTERVAL_DAYS,
            step=1,
            key="setup_interval",
        )
        st.caption(_question("prescribed_interval_days").feeds)
        took = st.radio(
            _question("isotretinoin_last_dose").label,
            ["Never", YES],
            index=int(me.isotretinoin_last_dose is not None),
            horizontal=True,
            key="setup_has_isotretinoin",
        )
        last_dose = st.date_input(
            "If yes: the date of the last dose",
            value=me.isotretinoin_last_dose,
            format="DD/MM/YYYY",
            key="setup_last_dose",
        )
        st.caption(_question("isotretinoin_last_dose").feeds)
        zones = known_timezones()
        offered = _offered_timezone(me)
        timezone = st.selectbox(
            _question("timezone").label,
            zones,
            index=zones.index(offered) if offered in zones else zones.index("UTC"),
            key="setup_timezone",
        )
        browser = st.context.timezone
        st.caption(
            _question("timezone").feeds
            + (f" Your browser says {browser}." if browser and is_known_timezone(browser) else "")
        )
        save, skip = st.columns(2)
        with save:
            saving = st.form_submit_button("Save answers", type="primary", width="stretch")
        with skip:
            skipping = st.form_submit_button("Skip for now", width="stretch")
    if skipping:
        st.session_state[SKIPPED_KEY] = True
        st.rerun()
    if not saving:
        return
    if took == YES and last_dose is None:
        st.error("Nothing was saved. Enter the date of your last isotretinoin dose.")
        return
    answers = replace(
        me.settings(),
        experienced=experienced == YES,
        scar_baseline=baseline,
        prescribed_interval_days=int(days) if prescribed == YES else None,
        isotretinoin_last_dose=last_dose if took == YES else None,
        timezone=timezone,
    )
    try:
        safety_questions.answer(database.engine(), profile_id, answers)
    except ValidationError as problem:
        st.error(f"Nothing was saved. {problem}")
        return
    st.session_state[SAVED_KEY] = True
    st.rerun()


def safety_reminder() -> None:
    """After a skip: one line and a button that brings the questions back."""
    reminder, action = st.columns([3, 1], vertical_alignment="center")
    with reminder:
        st.warning(
            "The safety questions are not answered yet, so some rules (isotretinoin, needle "
            "length, how often to roll) cannot warn you."
        )
    with action:
        if st.button("Answer them now", key="setup_resume", width="stretch"):
            st.session_state[SKIPPED_KEY] = False
            st.rerun()


def safety_setup_section(profile_id: int, me: ProfileSnapshot, *, compact: bool = False) -> None:
    """Home's setup block: the form, a reminder after a skip, or a thank-you once.

    ``compact`` starts with the reminder (a profile that already has sessions).
    """
    if st.session_state.pop(SAVED_KEY, False):
        st.success("Saved your answers. Change them any time in Settings.")
    if safety_questions.is_answered(me):
        return
    if skipped(by_default=compact):
        safety_reminder()
    else:
        safety_form(profile_id, me)
