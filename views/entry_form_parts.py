"""The form fields shared by the logging pages (Log a session, Check-in, History).

Each ``*_fields`` function draws keyed widgets and returns the ``records`` input built
from what they hold. Initial values go into session state only when a key is new, so a
failed save keeps what the person typed, and ``forget_fields`` starts a form afresh.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from dermadash.formatting import format_hours, format_minutes, format_mm, format_moment
from dermadash.storage import entry_defaults, save_once, validation
from dermadash.storage.records import CheckInInput, SessionInput
from dermadash.timezones import local_today

YES_NO = (True, False)
PAIN_SCALE = tuple(range(11))
SIDE_EFFECT_OPTIONS = validation.SIDE_EFFECTS
SAVED_TOKENS_KEY = "dermadash_saved_form_tokens"
T = TypeVar("T")


def yes_no_label(value: bool) -> str:
    return "Yes" if value else "No"


def seed(key: str, value: Any) -> str:
    """Give a widget its first value once; later reruns keep what the person set."""
    if key not in st.session_state:
        st.session_state[key] = value
    return key


def forget_fields(prefix: str) -> None:
    """Drop every widget value of a form, so it is drawn again from its defaults."""
    for key in [key for key in st.session_state if str(key).startswith(f"{prefix}_")]:
        del st.session_state[key]


def yes_no(label: str, key: str, initial: bool | None) -> bool | None:
    """A Yes / No answer that can stay unanswered (None: not recorded)."""
    return st.segmented_control(
        label,
        YES_NO,
        format_func=yes_no_label,
        key=seed(key, initial),
    )


def optional_number(label: str, key: str, initial: float | None, step: float) -> float | None:
    return st.number_input(label, value=None, step=step, format="%g", key=seed(key, initial))


# --- saving once -----------------------------------------------------------------------


def form_token(prefix: str) -> str:
    """The idempotency key of the form currently on screen."""
    return str(st.session_state[seed(f"{prefix}__token", save_once.new_form_token())])


def save_form_once(prefix: str, save: Callable[[], T]) -> tuple[T, bool]:
    """Save what this rendering of the form holds, once whatever the clicks."""
    saved = st.session_state.setdefault(SAVED_TOKENS_KEY, {})
    return save_once.save_once(saved, form_token(prefix), save)


def new_form(prefix: str) -> None:
    """Start a new entry: fresh defaults and a fresh idempotency key."""
    forget_fields(prefix)


def save_button(prefix: str, label: str) -> bool:
    """The form's Save button, keyed by the form's token.

    A second click sent before the next rendering arrives names the old token's
    button: after a save has started a new form that button is gone, so the click
    does nothing; before, the token is found in the saved ones and nothing is written.
    """
    return st.button(
        label, type="primary", key=f"{prefix}_save_{form_token(prefix)}", icon=":material/save:"
    )


# --- sessions --------------------------------------------------------------------------


def roller_label(rollers: pd.DataFrame) -> Callable[[int | None], str]:
    names = {
        int(row.roller_id): f"{row.name} · {format_mm(row.needle_mm)}"
        + (" (retired)" if pd.notna(row.retired_on) else "")
        for row in rollers.itertuples()
    }

    def label(roller_id: int | None) -> str:
        return "No roller listed" if roller_id is None else names.get(roller_id, "Unknown roller")

    return label


def _fill_needle_from_roller(prefix: str, rollers: pd.DataFrame) -> None:
    roller_id = st.session_state.get(f"{prefix}_roller_id")
    match = rollers[rollers["roller_id"] == roller_id]
    if not match.empty:
        st.session_state[f"{prefix}_needle_mm"] = float(match.iloc[0]["needle_mm"])


def session_fields(
    prefix: str,
    initial: SessionInput,
    *,
    rollers: pd.DataFrame,
    area_options: list[str],
    timezone: str,
) -> SessionInput:
    """Every field of a session; returns the input as it stands (not yet validated)."""
    local_start = initial.started_at.astimezone(ZoneInfo(timezone))
    latest_day = local_today(timezone) + timedelta(days=validation.MAX_DAYS_AHEAD)
    when_day = when_time = st.container(horizontal=True)
    day = when_day.date_input(
        "Date",
        min_value=validation.EARLIEST_DATE,
        max_value=latest_day,
        format="DD/MM/YYYY",
        key=seed(f"{prefix}_day", local_start.date()),
    )
    clock = when_time.time_input(
        "Time", step=timedelta(minutes=5), key=seed(f"{prefix}_time", local_start.time())
    )
    areas = st.multiselect(
        "Areas treated",
        options=area_options + [area for area in initial.areas if area not in area_options],
        accept_new_options=True,
        placeholder="Choose or type an area",
        key=seed(f"{prefix}_areas", list(initial.areas)),
    )
    roller_options: list[int | None] = [
        int(row.roller_id)
        for row in rollers.itertuples()
        if pd.isna(row.retired_on) or row.roller_id == initial.roller_id
    ]
    roller_options.append(None)
    roller_column = needle_column = st.container(horizontal=True)
    roller_id = roller_column.selectbox(
        "Roller",
        roller_options,
        format_func=roller_label(rollers),
        key=seed(f"{prefix}_roller_id", initial.roller_id),
        on_change=_fill_needle_from_roller,
        args=(prefix, rollers),
    )
    needle_mm = needle_column.number_input(
        "Needle (mm)",
        value=None,
        step=0.05,
        format="%g",
        width=170,
        key=seed(f"{prefix}_needle_mm", initial.needle_mm),
    )
    st.caption("Passes in each direction")
    vertical = horizontal = diagonal = st.container(horizontal=True)
    passes = {
        name: column.number_input(
            label,
            value=None,
            step=1,
            width=105,
            key=seed(f"{prefix}_{name}", getattr(initial, name)),
        )
        for column, name, label in (
            (vertical, "passes_vertical", "Vertical"),
            (horizontal, "passes_horizontal", "Horizontal"),
            (diagonal, "passes_diagonal", "Diagonal"),
        )
    }
    answers = {
        name: yes_no(label, f"{prefix}_{name}", getattr(initial, name))
        for name, label in SESSION_QUESTIONS
    }
    pain = st.pills(
        "Pain (0 = none, 10 = worst)",
        PAIN_SCALE,
        key=seed(f"{prefix}_pain", initial.pain),
    )
    notes = st.text_area(
        "Notes", height=80, max_chars=None, key=seed(f"{prefix}_notes", initial.notes or "")
    )
    started_at = entry_defaults.local_moment(day, clock, timezone) if day and clock else None
    return SessionInput(
        started_at=started_at,  # type: ignore[arg-type]  # None is reported by validate()
        areas=list(areas),
        needle_mm=needle_mm,  # type: ignore[arg-type]  # None is reported by validate()
        roller_id=roller_id,
        pain=pain,
        notes=notes or None,
        **passes,
        **answers,
    )


SESSION_QUESTIONS = (
    ("sterilized_before", "Roller sterilised before rolling"),
    ("sterilized_after", "Roller sterilised after rolling"),
    ("skin_cleansed", "Skin cleansed, no makeup"),
    ("active_acne", "Active acne or inflamed skin in the area"),
    ("retinoid_48h", "Retinoid used in the 48 h before"),
    ("pinpoint_bleeding", "Pinpoint bleeding"),
    ("mask_applied", "Sheet mask or serum applied after"),
)


def session_input_now(defaults: entry_defaults.SessionDefaults, timezone: str) -> SessionInput:
    """A new session's starting values: now, the last areas and roller, default passes."""
    return SessionInput(
        started_at=entry_defaults.local_now(timezone),
        areas=defaults.areas,
        needle_mm=defaults.needle_mm,  # type: ignore[arg-type]  # None: the field starts empty
        roller_id=defaults.roller_id,
        passes_vertical=defaults.passes.vertical,
        passes_horizontal=defaults.passes.horizontal,
        passes_diagonal=defaults.passes.diagonal,
    )


def session_title(row: Any, timezone: str) -> str:
    """'Mon 3 Mar 2026, 21:30 · Left cheek, Chin' for a sessions_frame row."""
    moment = format_moment(row.started_at.to_pydatetime(), timezone)
    return f"{moment} · {', '.join(row.areas) or 'no area'}"


def session_summary(row: Any) -> str:
    """Needle, passes and pain of a sessions_frame row in one line."""
    parts = [format_mm(row.needle_mm)]
    if pd.notna(row.roller_name):
        parts.insert(0, str(row.roller_name))
    passes = [row.passes_vertical, row.passes_horizontal, row.passes_diagonal]
    if any(pd.notna(value) for value in passes):
        shown = ["–" if pd.isna(value) else str(int(value)) for value in passes]
        parts.append("passes " + " / ".join(shown))
    if pd.notna(row.pain):
        parts.append(f"pain {int(row.pain)}/10")
    return " · ".join(parts)


def check_in_summary(row: Any) -> str:
    """A sessions_frame row's check-in in one line, or what is missing."""
    if not row.has_check_in:
        return "No check-in yet."
    parts = []
    if pd.notna(row.redness_hours):
        parts.append(f"redness {format_hours(row.redness_hours)}")
    if pd.notna(row.stinging_minutes):
        parts.append(f"stinging {format_minutes(row.stinging_minutes)}")
    if row.side_effect == "none":
        parts.append("no side effects")
    elif pd.notna(row.side_effect):
        parts.append(validation.SIDE_EFFECT_LABELS[row.side_effect].lower() + " (side effect)")
    for name, label in (("peeling", "peeling"), ("makeup_48h", "makeup"), ("sun_24h", "sun")):
        value = getattr(row, name)
        if pd.notna(value) and bool(value):
            parts.append(label)
    text = ", ".join(parts) if parts else "nothing recorded"
    return f"Check-in: {text}."


# --- check-ins -------------------------------------------------------------------------


def check_in_fields(prefix: str, initial: CheckInInput | None) -> CheckInInput:
    """Every field of a check-in; returns the input as it stands (not yet validated)."""
    initial = initial or CheckInInput()
    redness_column = stinging_column = st.container(horizontal=True)
    with redness_column:
        redness = optional_number(
            "Redness lasted (hours)", f"{prefix}_redness_hours", initial.redness_hours, 1.0
        )
    with stinging_column:
        stinging = optional_number(
            "Stinging lasted (minutes)",
            f"{prefix}_stinging_minutes",
            initial.stinging_minutes,
            5.0,
        )
    side_effect = st.segmented_control(
        "Side effect",
        SIDE_EFFECT_OPTIONS,
        format_func=lambda value: validation.SIDE_EFFECT_LABELS[value],
        key=seed(f"{prefix}_side_effect", initial.side_effect),
    )
    peeling = yes_no("Peeling or dryness", f"{prefix}_peeling", initial.peeling)
    makeup = yes_no("Makeup within 48 h after", f"{prefix}_makeup_48h", initial.makeup_48h)
    sun = yes_no("Direct sun within 24 h after", f"{prefix}_sun_24h", initial.sun_24h)
    notes = st.text_area("Notes", height=80, key=seed(f"{prefix}_notes", initial.notes or ""))
    return CheckInInput(
        redness_hours=redness,
        stinging_minutes=stinging,
        peeling=peeling,
        side_effect=side_effect,
        makeup_48h=makeup,
        sun_24h=sun,
        notes=notes or None,
    )


def side_effect_warning(side_effect: str | None) -> None:
    """Bruising, infection or an allergic reaction: say plainly what to do now."""
    if side_effect in (None, "none"):
        return
    label = validation.SIDE_EFFECT_LABELS[side_effect].lower()
    st.error(
        f"You reported {label}. Stop rolling and see a dermatologist (or your doctor) "
        "before your next session, sooner if it gets worse or you have a fever."
    )
