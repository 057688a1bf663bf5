"""Drawing progress photos: pick an area, compare two dates, see every photo over time.

Used by the owner's Photos page and by the shared view (read-only: no delete buttons).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from dermadash import photo_compare, photos
from dermadash.escaping import escape_markdown
from dermadash.formatting import format_day
from page_support import reads

THUMBNAIL_PX = 168
GALLERY_PAGE = 24  # photos shown at first: the page keeps its shape on a long log
SIDE_BY_SIDE, BLEND = "Side by side", "Blend"
# What st.image is given for a photo: its JPEG bytes (the owner's pages) or the address
# of dermadash's shared-photo route (the shared view, where each request checks the link).
PictureSource = Callable[[int], bytes | str]
# The same for two photos made comparable: (before id, after id, view), where the view is
# "before" or "after" (both at one size) or "mix<percent>" (the blend).
ComparisonSource = Callable[[int, int, str], bytes | str]


def choose_area(photo_list: pd.DataFrame, key: str) -> str:
    """Pills of the photographed areas, the most recently photographed chosen first."""
    areas = photos.areas_latest_first(photo_list)
    if len(areas) == 1:
        return areas[0]
    chosen = st.pills("Area", areas, default=areas[0], format_func=escape_markdown, key=key)
    return chosen or areas[0]


def _labels(area_list: pd.DataFrame) -> dict[int, str]:
    """A label per photo; several photos of one rating are numbered."""
    labels: dict[int, str] = {}
    for _rating, group in area_list.groupby("rating_id", sort=False):
        for number, row in enumerate(group.itertuples(), start=1):
            label = photos.photo_label(row.rated_on, row.severity)
            labels[row.photo_id] = f"{label} (photo {number})" if len(group) > 1 else label
    return {photo_id: labels[photo_id] for photo_id in area_list["photo_id"]}


def owner_pictures(profile_id: int) -> PictureSource:
    return lambda photo_id: reads.photo_jpeg(profile_id, photo_id)


# Pictures are large: few are kept, and not for long; the data revision in the key means
# a deleted photo is never served from here.
@st.cache_data(show_spinner=False, max_entries=8, ttl=600)
def _same_size(
    url: str, profile_id: int, before_id: int, after_id: int, revision: int
) -> tuple[bytes, bytes]:
    before = reads.photo_jpeg(profile_id, before_id)
    return photo_compare.same_size(before, reads.photo_jpeg(profile_id, after_id))


@st.cache_data(show_spinner=False, max_entries=24, ttl=600)
def _blend(
    url: str, profile_id: int, before_id: int, after_id: int, revision: int, percent: int
) -> bytes:
    before = reads.photo_jpeg(profile_id, before_id)
    return photo_compare.blend(before, reads.photo_jpeg(profile_id, after_id), percent / 100)


def owner_comparisons(profile_id: int) -> ComparisonSource:
    def picture(before_id: int, after_id: int, view: str) -> bytes:
        key = (reads.database_url(), profile_id, before_id, after_id, reads.revision(profile_id))
        if view.startswith("mix"):
            return _blend(*key, int(view.removeprefix("mix")))
        return _same_size(*key)[0 if view == "before" else 1]

    return picture


def _framed(row: pd.Series, heading: str, picture: bytes | str) -> None:
    """One compared photo: short heading, picture, date (kept short to fit a phone)."""
    with st.container(gap="small"):
        st.markdown(f"**{heading}** · severity {row['severity']}/10")
        st.image(picture, caption=format_day(row["rated_on"]), width="stretch")


def _blended(comparison: ComparisonSource, before: pd.Series, after: pd.Series, key: str) -> None:
    """One picture fading from the earlier photo to the later one as the slider moves."""
    percent = st.slider(
        "From before to after",
        min_value=0,
        max_value=100,
        value=50,
        step=5,
        format="%d%%",
        key=f"{key}_blend",
        help="0 % shows the before photo, 100 % the after photo; in between, a mix of both.",
    )
    st.image(
        comparison(int(before["photo_id"]), int(after["photo_id"]), f"mix{percent}"),
        caption=(
            f"{100 - percent} % {format_day(before['rated_on'])} ({before['severity']}/10), "
            f"{percent} % {format_day(after['rated_on'])} ({after['severity']}/10)"
        ),
        width="stretch",
    )


def compare(
    profile_id: int,
    area_list: pd.DataFrame,
    key: str,
    comparison: ComparisonSource | None = None,
) -> None:
    """Two of an area's photos (first and latest unless chosen), side by side or blended
    with a slider, both at the same size; with the change in words."""
    comparison = comparison or owner_comparisons(profile_id)

    area = area_list["area"].iloc[0]
    if len(area_list) < 2:
        st.info(
            f"One photo of {escape_markdown(area)} so far. "
            "Add another with a later rating to compare the two."
        )
        return
    labels = _labels(area_list)
    ids = list(labels)
    before_column, after_column = st.columns(2)
    before_id = before_column.selectbox(
        "Before", ids, index=0, format_func=labels.get, key=f"{key}_before"
    )
    after_id = after_column.selectbox(
        "After", ids, index=len(ids) - 1, format_func=labels.get, key=f"{key}_after"
    )
    by_id = area_list.set_index("photo_id", drop=False)
    before, after = by_id.loc[before_id], by_id.loc[after_id]
    way = st.segmented_control(
        "Show", [SIDE_BY_SIDE, BLEND], default=SIDE_BY_SIDE, key=f"{key}_way"
    )
    if way == BLEND:
        _blended(comparison, before, after, key)
    else:
        # A horizontal container does not stack on a phone the way columns do: the two
        # photos stay side by side at every width, at the same size.
        with st.container(horizontal=True, wrap=False, gap="small"):
            _framed(before, "Before", comparison(int(before_id), int(after_id), "before"))
            _framed(after, "After", comparison(int(before_id), int(after_id), "after"))
    if before_id != after_id:
        st.markdown(photos.describe_change(before, after))


def gallery(
    profile_id: int,
    area_list: pd.DataFrame,
    key: str,
    on_delete: Callable[[int], None] | None = None,
    picture: PictureSource | None = None,
) -> None:
    """An area's photos, oldest first, the latest ``GALLERY_PAGE`` of them until older
    ones are asked for; with a delete button when ``on_delete`` is given."""
    picture = picture or owner_pictures(profile_id)
    limit_key = f"{key}_limit"
    limit = int(st.session_state.get(limit_key, GALLERY_PAGE))
    older = max(0, len(area_list) - limit)
    if older:
        st.caption(f"The latest {limit} of {len(area_list)} photos.")
    with st.container(horizontal=True, gap="small"):
        for row in area_list.iloc[older:].itertuples():
            with st.container(width=THUMBNAIL_PX, gap="small"):
                st.image(
                    picture(row.photo_id),
                    caption=photos.photo_label(row.rated_on, row.severity),
                    width="stretch",
                )
                if on_delete is not None:
                    _delete_button(row, key, on_delete)
    if older and st.button(f"Show older photos ({older} more)", key=f"{key}_older"):
        st.session_state[limit_key] = limit + GALLERY_PAGE
        st.rerun()


def _delete_button(row: Any, key: str, on_delete: Callable[[int], None]) -> None:
    photo_id = row.photo_id
    with st.popover("Delete", icon=":material/delete:", key=f"{key}_ask_{photo_id}"):
        st.write(
            f"Delete this photo of {escape_markdown(row.area)} from {format_day(row.rated_on)} "
            "for good? The rating stays."
        )
        if st.button("Delete photo", type="primary", key=f"{key}_delete_{photo_id}"):
            on_delete(int(photo_id))
