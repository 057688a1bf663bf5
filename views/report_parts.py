"""The report download button, for the owner (Share page) and the viewer (shared view).

The report is made only when the button is clicked (Streamlit runs ``data`` when it is
a callable) and cached per profile, data revision, hour and photo choice: a second
click, or a second dermatologist, gets it at once; any new entry makes it fresh.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from dermadash import report
from dermadash.timezones import local_today
from views import common

PDF_LABEL = "Download PDF report"
HTML_LABEL = "Download HTML report"


class LinkNoLongerValid(PermissionError):
    """The share link was revoked or expired between drawing the button and the click."""


def report_photos(profile_id: int) -> Sequence[report.ReportPhoto]:
    """The profile's scar photos for the report (read only when they are included)."""
    return report.stored_photos(common.engine(), profile_id)


@st.cache_data(show_spinner=False, max_entries=8)
def _pdf(url: str, profile_id: int, revision: int, hour: str, include_photos: bool) -> bytes:
    photos = report_photos(profile_id) if include_photos else ()
    return report.build_pdf(
        common.engine(), profile_id, include_photos=include_photos, photos=photos
    )


@st.cache_data(show_spinner=False, max_entries=8)
def _html(url: str, profile_id: int, revision: int, hour: str, include_photos: bool) -> str:
    photos = report_photos(profile_id) if include_photos else ()
    return report.build_html(
        common.engine(), profile_id, include_photos=include_photos, photos=photos
    )


def report_download(
    profile_id: int,
    *,
    include_photos: bool,
    key: str,
    still_allowed: Callable[[], bool] = lambda: True,
) -> None:
    """A download button for the report: the PDF, or the HTML report without Chromium.

    ``still_allowed`` is asked again when the button is clicked (the shared view passes
    a fresh check of its token), so a link revoked meanwhile downloads nothing.
    """
    url, revision = common.database_url(), common.revision(profile_id)
    day = local_today(common.profile(profile_id).timezone).isoformat()
    pdf = report.chromium_available()
    build = _pdf if pdf else _html

    def make() -> bytes | str:
        if not still_allowed():
            raise LinkNoLongerValid("the share link is no longer valid")
        return build(url, profile_id, revision, common.hour_key(), include_photos)

    if not pdf:
        st.caption(
            "The PDF report needs Chromium, which is not installed where dermadash runs. "
            "The same report as one web page opens in any browser, also offline."
        )
    st.download_button(
        PDF_LABEL if pdf else HTML_LABEL,
        data=make,
        file_name=f"dermadash-report-{day}.{'pdf' if pdf else 'html'}",
        mime="application/pdf" if pdf else "text/html",
        key=key,
        icon=":material/picture_as_pdf:" if pdf else ":material/description:",
        on_click="ignore",
        help="Summary, key figures, charts, safety flags, sessions and needle lengths. "
        "It takes a few seconds to make.",
    )
