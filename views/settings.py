"""Settings: who you are, your dermatologist's instructions, and your own thresholds."""

from __future__ import annotations

import streamlit as st

from dermadash.rules import safety_questions
from dermadash.rules.protocol import load_protocol
from dermadash.storage import profiles
from dermadash.storage.validation import SCAR_BASELINES, ValidationError
from dermadash.timezones import known_timezones
from page_support import database, owner_guard, reads
from views.calendar_parts import calendar_section

OVERRIDE_PREFIX = "override:"
NOTICE_KEY = "settings_notice"

profile_id = owner_guard.current_profile_id()
engine = database.engine()
me = reads.profile(profile_id)
defaults = load_protocol()
mine = defaults.for_profile(me)
feeds = {field: question.feeds for field, question in safety_questions.questions(mine).items()}


def _settings(**changes: object) -> profiles.ProfileSettings:
    """The current settings with some changed."""
    current = {
        "display_name": me.display_name,
        "experienced": me.experienced,
        "scar_baseline": me.scar_baseline,
        "prescribed_interval_days": me.prescribed_interval_days,
        "isotretinoin_last_dose": me.isotretinoin_last_dose,
        "timezone": me.timezone,
        "rule_overrides": dict(me.rule_overrides),
    }
    return profiles.ProfileSettings(**{**current, **changes})  # type: ignore[arg-type]  # its own fields


def _save(settings: profiles.ProfileSettings, notice: str, *, safety: bool = False) -> None:
    """Save; ``safety`` also counts as answering the first-run safety questions."""
    try:
        if safety:
            safety_questions.answer(engine, profile_id, settings)
        else:
            profiles.update_settings(engine, profile_id, settings)
    except ValidationError as problem:
        st.error(f"Nothing was saved. {problem}")
        return
    st.session_state[NOTICE_KEY] = notice
    st.rerun()


def _forget_threshold_widgets() -> None:
    """Let the threshold inputs show the saved values again after a reset."""
    for key in [key for key in st.session_state if str(key).startswith(OVERRIDE_PREFIX)]:
        del st.session_state[key]


st.title("Settings")
if NOTICE_KEY in st.session_state:
    st.success(st.session_state.pop(NOTICE_KEY))

st.subheader("About you")
with st.form("settings_profile"):
    name = st.text_input("Your name", value=me.display_name, key="settings_name")
    zones = known_timezones()
    timezone = st.selectbox(
        "Time zone",
        zones,
        index=zones.index(me.timezone) if me.timezone in zones else zones.index("UTC"),
        help="Days between sessions are counted on your calendar, in this time zone.",
        key="settings_timezone",
    )
    st.caption(feeds["timezone"])
    experienced = st.checkbox(
        "I am experienced with dermarolling (allows needles up to 0.75 mm without a warning)",
        value=me.experienced,
        key="settings_experienced",
    )
    st.caption(feeds["experienced"])
    baseline = st.selectbox(
        "My scars are",
        SCAR_BASELINES,
        index=SCAR_BASELINES.index(me.scar_baseline),
        key="settings_baseline",
    )
    st.caption(feeds["scar_baseline"])
    st.markdown("**From your dermatologist**")
    has_interval = st.checkbox(
        "My dermatologist prescribed a minimum interval between sessions",
        value=me.prescribed_interval_days is not None,
        key="settings_has_interval",
    )
    interval = st.number_input(
        "Prescribed minimum interval (days)",
        value=me.prescribed_interval_days or 28,
        step=1,
        key="settings_interval",
    )
    st.caption(feeds["prescribed_interval_days"])
    took_isotretinoin = st.checkbox(
        "I have taken isotretinoin (e.g. Roaccutane)",
        value=me.isotretinoin_last_dose is not None,
        key="settings_has_isotretinoin",
    )
    last_dose = st.date_input(
        "Date of the last isotretinoin dose",
        value=me.isotretinoin_last_dose,
        format="DD/MM/YYYY",
        key="settings_last_dose",
    )
    st.caption(feeds["isotretinoin_last_dose"])
    if st.form_submit_button("Save", type="primary"):
        if took_isotretinoin and last_dose is None:
            st.error("Nothing was saved. Enter the date of your last isotretinoin dose.")
        else:
            _save(
                _settings(
                    display_name=name,
                    timezone=timezone,
                    experienced=experienced,
                    scar_baseline=baseline,
                    prescribed_interval_days=int(interval) if has_interval else None,
                    isotretinoin_last_dose=last_dose if took_isotretinoin else None,
                ),
                "Saved your settings.",
                safety=True,
            )

st.subheader("Your thresholds")
st.write(
    "Adjust a threshold if your dermatologist advised it. Each one can only move within "
    "limits the guides still call safe."
)
with st.form("settings_thresholds"):
    entered: dict[str, float] = {}
    for spec in mine.rules:
        for threshold in spec.thresholds:
            entered[threshold.key] = st.number_input(
                f"{threshold.label} ({threshold.unit})",
                value=int(threshold.current) if threshold.integer else float(threshold.current),
                step=1 if threshold.integer else 0.05,
                help=(
                    f"Rule {spec.id}. Default {threshold.describe(threshold.default)}; "
                    f"allowed {threshold.describe_bounds()}."
                ),
                key=f"{OVERRIDE_PREFIX}{threshold.key}",
            )
    if st.form_submit_button("Save thresholds", type="primary"):
        overrides = {
            key: value for key, value in entered.items() if value != defaults.threshold(key).default
        }
        try:
            defaults.check_overrides(overrides)
        except ValidationError as problem:
            st.error(f"Nothing was saved. {problem}")
        else:
            _save(_settings(rule_overrides=overrides), "Saved your thresholds.")

changed = [threshold for threshold in mine.thresholds if threshold.overridden]
if changed:
    st.caption(
        "Changed from the defaults: "
        + "; ".join(f"{threshold.label} {threshold.describe()}" for threshold in changed)
    )
if st.button("Reset thresholds to defaults", key="settings_reset", disabled=not changed):
    _forget_threshold_widgets()
    _save(_settings(rule_overrides={}), "All thresholds are back to their defaults.")

calendar_section(profile_id)
