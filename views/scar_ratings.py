"""Scar ratings: how visible the scars are in each area, every week or two."""

from __future__ import annotations

import streamlit as st

from dermadash import photos
from dermadash.escaping import escape_markdown
from dermadash.formatting import format_day
from dermadash.storage import entry_defaults, history_filters, validation
from dermadash.storage.records import ScarRatingInput
from dermadash.storage.validation import ValidationError
from dermadash.timezones import local_today
from page_support import database, owner_guard, reads
from views import entry_form_parts

FORM = "rate"
SAVED_KEY = "rated_count"
STARTING_AREAS = 4

profile_id = owner_guard.current_profile_id()
engine = database.engine()
timezone = reads.timezone(profile_id)
ratings = reads.scar_ratings(profile_id)
last_ratings = history_filters.last_rating_per_area(ratings)
last_by_area = {row.area: row for row in last_ratings.itertuples()}

st.title("Scar ratings")
st.caption(
    "Rate how visible the scars are in each area: 0 = no visible scars, 10 = the worst. "
    "Rate in the same light every week or two; skip an area by leaving it empty. "
    "A photo with a rating lets you compare dates later on the Photos page."
)

saved_count = st.session_state.pop(SAVED_KEY, None)
if saved_count:
    st.success(f"Saved {saved_count} rating{'s' if saved_count != 1 else ''}.")

own_areas = [area for area in reads.area_choices(profile_id) if area in last_by_area]
treated = reads.session_areas(profile_id)["area"].unique().tolist()
areas = list(dict.fromkeys(own_areas + treated)) or list(
    entry_defaults.COMMON_AREAS[:STARTING_AREAS]
)

rated_on = st.date_input(
    "Date",
    min_value=validation.EARLIEST_DATE,
    max_value=local_today(timezone),
    format="DD/MM/YYYY",
    key=entry_form_parts.seed(f"{FORM}_day", local_today(timezone)),
)


PHOTO_WAYS = {"upload": "Upload", "camera": "Camera"}


def photo_field(index: int) -> bytes | None:
    """An optional photo, uploaded or taken with the camera; its bytes, or None."""
    # The form token is part of the key, so a saved form starts with an empty uploader.
    suffix = f"{index}_{entry_form_parts.form_token(FORM)}"
    way = st.segmented_control(
        "Add a photo",
        list(PHOTO_WAYS),
        format_func=PHOTO_WAYS.get,
        key=f"{FORM}_photo_way_{suffix}",
    )
    if way == "upload":
        picture = st.file_uploader(
            "Photo",
            type=photos.UPLOAD_TYPES,
            max_upload_size=photos.MAX_UPLOAD_MB,
            key=f"{FORM}_photo_file_{suffix}",
            label_visibility="collapsed",
        )
    elif way == "camera":
        picture = st.camera_input(
            "Photo", key=f"{FORM}_photo_camera_{suffix}", label_visibility="collapsed"
        )
    else:
        picture = None
    return picture.getvalue() if picture is not None else None


def rating_fields(index: int, area: str | None) -> tuple[ScarRatingInput | None, bytes | None]:
    """One area's severity, notes and photo; no rating when the area is left unrated."""
    with st.container(border=True):
        if area is None:
            area = st.text_input(
                "Another area", placeholder="e.g. Jawline", key=f"{FORM}_other_area"
            )
        else:
            st.markdown(f"**{escape_markdown(area)}**")
        last = last_by_area.get(area) if area else None
        if last is not None:
            st.caption(f"Last rating: {last.severity} / 10 on {format_day(last.rated_on)}")
        elif area:
            st.caption("Not rated yet.")
        severity = st.pills(
            "Severity",
            entry_form_parts.PAIN_SCALE,
            key=entry_form_parts.seed(f"{FORM}_severity_{index}", None),
            label_visibility="collapsed",
        )
        notes = st.text_input(
            "Notes",
            placeholder="Notes (optional)",
            key=entry_form_parts.seed(f"{FORM}_notes_{index}", ""),
            label_visibility="collapsed",
        )
        photo = photo_field(index)
    if severity is None and not (area and notes) and photo is None:
        return None, None
    return ScarRatingInput(
        rated_on=rated_on,
        area=area or "",
        severity=severity,  # type: ignore[arg-type]  # validation reports no severity
        notes=notes or None,
    ), photo


entered = [rating_fields(index, area) for index, area in enumerate(areas)]
entered.append(rating_fields(len(areas), None))

if entry_form_parts.save_button(FORM, "Save ratings"):
    chosen = [(rating, photo) for rating, photo in entered if rating is not None]
    try:
        ids, _ = entry_form_parts.save_form_once(
            FORM,
            lambda: photos.add_ratings_with_photos(
                engine,
                profile_id,
                [rating for rating, _ in chosen],
                [photo for _, photo in chosen],
            ),
        )
    except ValidationError as problem:
        st.error(str(problem))
    else:
        entry_form_parts.new_form(FORM)
        st.session_state[SAVED_KEY] = len(ids)
        st.rerun()

if not ratings.empty:
    st.subheader("Latest rating per area")
    st.dataframe(
        [
            {
                "Area": row.area,
                "Severity": f"{row.severity} / 10",
                "Date": format_day(row.rated_on),
                "Notes": row.notes or "",
            }
            for row in last_ratings.itertuples()
        ],
        hide_index=True,
        width="stretch",
    )
    st.caption("Change or delete a rating on the History page; compare photos on the Photos page.")
