"""Photos: compare an area at two dates, every photo over time, add or delete photos."""

from __future__ import annotations

import streamlit as st

from dermadash import photos
from dermadash.escaping import escape_markdown
from dermadash.formatting import format_day
from dermadash.storage.records import RecordNotFound
from dermadash.storage.validation import ValidationError
from page_support import database, owner_guard, reads
from views import photo_parts

MESSAGE_KEY = "photos_message"
ADD_FORM = "photos_add"

profile_id = owner_guard.current_profile_id()
engine = database.engine()
photo_list = reads.photo_list(profile_id)
ratings = reads.scar_ratings(profile_id)

st.title("Photos")
st.caption(
    "Scars are easiest to judge by eye: take each photo in the same light, from the same "
    "angle. Photos stay in your database, re-saved without location or camera details, and "
    "are shared only through a link you create with photos included."
)

message = st.session_state.pop(MESSAGE_KEY, None)
if message:
    st.success(message)


def delete(photo_id: int) -> None:
    try:
        photos.delete_photo(engine, profile_id, photo_id)
    except RecordNotFound:
        st.session_state[MESSAGE_KEY] = "That photo was already deleted."
    else:
        st.session_state[MESSAGE_KEY] = "Deleted the photo."
    st.rerun()


if photo_list.empty:
    st.info(
        "No photos yet. Add one when you rate your scars, or below to a rating you "
        "already made; two photos of an area on different dates can then be compared here."
    )
    st.page_link("views/scar_ratings.py", label="Rate your scars", icon=":material/star_rate:")
else:
    area = photo_parts.choose_area(photo_list, key="photos_area")
    area_list = photos.area_photos(photo_list, area)
    st.subheader(f"Compare: {escape_markdown(area)}")
    photo_parts.compare(profile_id, area_list, key=f"photos_compare_{area}")
    st.subheader(f"Every photo of {escape_markdown(area)}")
    photo_parts.gallery(profile_id, area_list, key="photos_gallery", on_delete=delete)


def add_to_earlier_rating() -> None:
    """Attach a photo to a rating already saved."""
    latest_first = ratings.sort_values(["rated_on", "rating_id"], ascending=False)
    labels = {
        row.rating_id: f"{row.area}, {format_day(row.rated_on)}, severity {row.severity}/10"
        for row in latest_first.itertuples()
    }
    rating_id = st.selectbox(
        "Rating", list(labels), format_func=labels.get, key=f"{ADD_FORM}_rating"
    )
    picture = st.file_uploader(
        "Photo",
        type=photos.UPLOAD_TYPES,
        max_upload_size=photos.MAX_UPLOAD_MB,
        key=f"{ADD_FORM}_file_{st.session_state.get(f'{ADD_FORM}_round', 0)}",
        help=f"A JPEG, PNG, WebP or HEIC (iPhone) picture of at most {photos.MAX_UPLOAD_MB} MB.",
    )
    if st.button("Add photo", type="primary", key=f"{ADD_FORM}_save", disabled=picture is None):
        try:
            photos.add_photo(engine, profile_id, int(rating_id), picture.getvalue())  # type: ignore[call-overload, union-attr]  # button off without both
        except ValidationError as problem:
            st.error(str(problem))
        else:
            # A new key gives an empty uploader for the next photo.
            st.session_state[f"{ADD_FORM}_round"] = st.session_state.get(f"{ADD_FORM}_round", 0) + 1
            st.session_state[MESSAGE_KEY] = (
                f"Added the photo to {escape_markdown(labels[rating_id])}."
            )
            st.rerun()


if not ratings.empty:
    with st.expander("Add a photo to an earlier rating", icon=":material/add_a_photo:"):
        add_to_earlier_rating()
