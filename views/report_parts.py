"""The report download, for the owner (Share page) and the viewer (shared view).

The report is made when asked for ("Make the PDF report"), with a progress bar while
it is read, drawn and laid out; it is kept per profile, data revision, quarter hour and photo
choice, so a second download, or a second dermatologist, gets it at once, and any new
entry makes it fresh. The download button checks ``still_allowed`` again on the click,
so a share link revoked meanwhile downloads nothing. For a share link the report shows
what the link shows (its photos, notes and first day) and names the link in its footer.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import streamlit as st

from dermadash.report import chart_images, html_page, pdf
from dermadash.report.chromium import chromium_available
from dermadash.report.content import ReportPhoto, ReportRequest, stored_photos
from dermadash.settings import database_url
from dermadash.sharing import share_links
from dermadash.timezones import local_today
from page_support import database, reads

PDF_LABEL = "Download PDF report"
HTML_LABEL = "Download HTML report"
MAKE_LABEL = "Make the PDF report"
KEPT_REPORTS = 8


@dataclass(frozen=True)
class ReportKey:
    """What a made report depends on: a new entry, quarter hour or link choice makes it anew."""

    url: str
    kind: str  # "pdf" or "html"
    profile_id: int
    revision: int
    clock_step: str
    options: share_links.LinkOptions | None  # a share link's choices; None: the owner's own
    made_for: str | None  # the link's label, named in the footer


class LinkNoLongerValid(PermissionError):
    """The share link was revoked or expired between drawing the button and the click."""


class _MadeReports:
    """The last few reports made in this server process, newest last (thread-safe)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._reports: OrderedDict[ReportKey, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: ReportKey) -> bytes | None:
        with self._lock:
            if key in self._reports:
                self._reports.move_to_end(key)
            return self._reports.get(key)

    def put(self, key: ReportKey, data: bytes) -> None:
        with self._lock:
            self._reports[key] = data
            self._reports.move_to_end(key)
            while len(self._reports) > self.size:
                self._reports.popitem(last=False)


@st.cache_resource(show_spinner=False)
def made_reports() -> _MadeReports:
    return _MadeReports(KEPT_REPORTS)


def report_photos(profile_id: int, since: date | None = None) -> Sequence[ReportPhoto]:
    """The profile's scar photos for the report (read only when they are included), of
    those rated since a share link's first day when it has one."""
    return stored_photos(database.engine(), profile_id, since=since)


def _make(key: ReportKey, progress: pdf.ReportProgress) -> bytes:
    options = key.options
    photos = (
        report_photos(key.profile_id, options.since) if options and options.include_photos else None
    )
    request = ReportRequest(options=options, made_for=key.made_for, photos=photos)
    if key.kind == "pdf":
        return pdf.build_pdf(database.engine(), key.profile_id, request, progress)
    return html_page.build_html(database.engine(), key.profile_id, request).encode("utf-8")


def _make_with_progress(key: ReportKey) -> bytes | None:
    """Make the report under a status box with a progress bar and keep it; None when
    it could not be made (the box says why)."""
    with st.status("Making the report…", expanded=True) as status:
        bar = st.progress(0.0, text="Starting")
        try:
            data = _make(key, lambda what, fraction: bar.progress(min(1.0, fraction), text=what))
        except (chart_images.ChromiumMissing, chart_images.ChartDrawingFailed) as problem:
            status.update(label="The PDF report could not be made", state="error")
            st.error(f"{problem} Try again in a moment.")
            return None
        status.update(label="The report is ready to download", state="complete", expanded=False)
    made_reports().put(key, data)
    return data


def report_download(
    profile_id: int,
    *,
    key: str,
    link: share_links.LinkInfo | None = None,
    still_allowed: Callable[[], bool] = lambda: True,
) -> None:
    """A button that makes the report (the PDF, or the HTML report without Chromium),
    then its download button; a report already made is offered at once. With a share
    ``link``: what the link shows, named in the footer; without one, the owner's own
    report (no photos)."""
    pdf = chromium_available()
    kind = "pdf" if pdf else "html"
    report_key = ReportKey(
        url=database_url(),
        kind=kind,
        profile_id=profile_id,
        revision=reads.revision(profile_id),
        clock_step=reads.clock_key(),
        options=link.options if link else None,
        made_for=link.label if link else None,
    )
    day = local_today(reads.profile(profile_id).timezone).isoformat()
    if not pdf:
        st.caption(
            "The PDF report needs Chromium, which is not installed where dermadash runs. "
            "The same report as one web page opens in any browser, also offline."
        )
    if pdf and made_reports().get(report_key) is None:
        asked = st.button(
            MAKE_LABEL,
            key=f"{key}_make",
            icon=":material/picture_as_pdf:",
            help="Summary, key figures, charts, safety flags per rule, sessions per month "
            "and needle lengths, on a few pages. It takes a few seconds to make.",
        )
        if not asked or _make_with_progress(report_key) is None:
            return

    def download() -> bytes:
        if not still_allowed():
            raise LinkNoLongerValid("the share link is no longer valid")
        made = made_reports().get(report_key)
        return made if made is not None else _make(report_key, _quiet)

    st.download_button(
        PDF_LABEL if pdf else HTML_LABEL,
        data=download,
        file_name=f"dermadash-report-{day}.{kind}",
        mime="application/pdf" if pdf else "text/html",
        key=key,
        icon=":material/download:" if pdf else ":material/description:",
        on_click="ignore",
        type="primary" if pdf else "secondary",
    )


def _quiet(_what: str, _fraction: float) -> None:
    """No progress to show (the report is made inside the download click)."""
