"""The report download button, for the owner (Share page) and the viewer (shared view).

The report is made only when the button is clicked (Streamlit runs ``data`` when it is
a callable) and cached per profile, data revision, hour and photo choice: a second
click, or a second dermatologist, gets it at once; any new entry makes it fresh.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

import streamlit as st

from dermadash import report, sharing
from dermadash.timezones import local_today
from views import common

PDF_LABEL = "Download PDF report"
HTML_LABEL = "Download HTML report"


class LinkNoLongerValid(PermissionError):
    """The share link was revoked or expired between drawing the button and the click."""


def report_photos(profile_id: int, since: date | None = None) -> Sequence[report.ReportPhoto]:
    """The profile's scar photos for the report (read only when they are included)."""
    return report.stored_photos(common.engine(), profile_id, since)


# Keyed by the link's choices and label too, so each link gets its own report.
@st.cache_data(show_spinner=False, max_entries=8)
def _report(
    url: str,
    profile_id: int,
    revision: int,
    hour: str,
    chosen: sharing.LinkOptions | None,
    made_for: str | None,
    as_pdf: bool,
) -> bytes | str:
    include_photos = bool(chosen and chosen.include_photos)
    photos = report_photos(profile_id, chosen.since) if chosen and include_photos else ()
    build = report.build_pdf if as_pdf else report.build_html
    return build(
        common.engine(),
        profile_id,
        include_photos=include_photos,
        photos=photos,
        options=chosen,
        made_for=made_for,
    )


def report_download(
    profile_id: int,
    *,
    key: str,
    link: sharing.LinkInfo | None = None,
    still_allowed: Callable[[], bool] = lambda: True,
) -> None:
    """A download button for the report: the PDF, or the HTML report without Chromium.

    For a share ``link`` the report shows what the link shows (its photos, notes and
    first day) and names the link in its footer; without one, the owner's own report
    (no photos). ``still_allowed`` is asked again when the button is clicked (the shared
    view passes a fresh check of its token), so a link revoked meanwhile downloads nothing.
    """
    options = link.options if link else None
    made_for = link.label if link else None
    url, revision = common.database_url(), common.revision(profile_id)
    day = local_today(common.profile(profile_id).timezone).isoformat()
    pdf = report.chromium_available()

    def make() -> bytes | str:
        if not still_allowed():
            raise LinkNoLongerValid("the share link is no longer valid")
        return _report(url, profile_id, revision, common.hour_key(), options, made_for, pdf)

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
