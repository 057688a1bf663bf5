"""The read-only view a dermatologist opens with a share link (``/?share=<token>``).

The token is checked again on every script run, so a revoked or expired link stops
showing anything at the viewer's next interaction. Nothing here writes except the
audit of views and the count of wrong passcodes, and nothing reaches another profile or
an owner page. What is shown is what the owner chose for the link (``LinkOptions``):
notes, photos and the first day, applied to the frames before anything is drawn.
"""

from __future__ import annotations

from urllib.parse import urljoin

import streamlit as st

from dermadash import photos
from dermadash.dashboard import model
from dermadash.escaping import escape_markdown
from dermadash.formatting import format_day, format_moment
from dermadash.server import shared_photos
from dermadash.sharing import link_scope, share_links
from dermadash.storage.profiles import DEFAULT_DISPLAY_NAME
from dermadash.timezones import local_today
from dermadash.transfer import fhir_export
from page_support import database, reads
from views import photo_parts
from views.dashboard_parts import render_dashboard, viewer_data
from views.fhir_parts import fhir_download
from views.flag_parts import flag_overview
from views.report_parts import report_download
from views.table_parts import sessions_table

VIEW_MARKER = "dermadash_share_viewed_{link_id}"
PASSCODE_MARKER = "dermadash_share_passcode_ok_{link_id}"


def _not_valid() -> None:
    """The same answer for a wrong, expired, revoked or malformed token."""
    st.title("dermadash")
    st.info(share_links.NOT_VALID_MESSAGE)
    st.caption("If you expected to see someone's progress here, ask them for a new link.")
    st.stop()


def _require_passcode(link: share_links.LinkInfo) -> None:
    """For a link with a passcode: ask for it once per browser session, before anything
    of the person's is shown (each wrong one is counted in the database)."""
    marker = PASSCODE_MARKER.format(link_id=link.link_id)
    if not link.needs_passcode or st.session_state.get(marker):
        return
    st.title("dermadash")
    st.write(
        "This link is protected with a passcode. Enter the passcode that came with it "
        "(capital letters or not, with or without the dash)."
    )
    with st.form("share_passcode", clear_on_submit=True):
        typed = st.text_input(
            "Passcode", type="password", key="share_passcode_input", autocomplete="off"
        )
        submitted = st.form_submit_button("Open", type="primary", key="share_passcode_open")
    if submitted:
        answer = share_links.check_passcode(database.engine(), link.link_id, typed)
        if answer.accepted:
            st.session_state[marker] = True
            st.rerun()
        elif answer.tries_left:
            st.error(
                f"That passcode is not right. {answer.tries_left} "
                f"{'try' if answer.tries_left == 1 else 'tries'} left before the link is "
                "switched off."
            )
        else:
            st.error(
                "That passcode is not right, and that was the last try: the link is "
                "switched off. Ask the person who sent it for a new link."
            )
    st.stop()


def _record_view_once(link: share_links.LinkInfo) -> None:
    """One audit row per opening of the page (browser session), not per rerun."""
    marker = VIEW_MARKER.format(link_id=link.link_id)
    if not st.session_state.get(marker):
        share_links.record_view(database.engine(), link.link_id)
        st.session_state[marker] = True


def _key_facts(link: share_links.LinkInfo, facts: model.KeyFacts) -> None:
    """Sessions, check-ins, needle lengths and whether photos are shared, at a glance."""
    first, second, third, fourth = st.columns(4)
    first.metric("Sessions logged", facts.session_count)
    second.metric("Check-ins recorded", f"{facts.check_ins} of {facts.session_count}")
    # The range fits the metric's column; every length is in its help.
    third.metric(
        "Needle lengths used",
        facts.needle_range,
        help=f"Every length used: {facts.needle_lengths}.",
    )
    fourth.metric("Scar photos", "shared" if link.include_photos else "not shared")


def _charts_and_flags(link: share_links.LinkInfo, has_sessions: bool, timezone: str) -> None:
    """The owner's dashboard (filters only change what is drawn here) and every flag."""
    render_dashboard(
        link.profile_id, for_viewer=True, options=link.options, still_allowed=_still_valid
    )
    flags = viewer_data(link.profile_id, link.options).flags
    st.header("Every safety flag")
    if flags.empty:
        st.success(
            "No flags: every session logged follows the safety protocol."
            if has_sessions
            else "No flags: no session has been logged to check yet."
        )
        return
    covered = f"Since {format_day(link.since)}" if link.since else "All sessions"
    st.caption(f"{covered}, whatever the period chosen above.")
    flag_overview(flags, local_today(timezone), key="shared_flags")


def _photos(link: share_links.LinkInfo) -> None:
    """Scar photos, only for a link that includes them: for any other link not one
    photo, nor even the list of them, is read."""
    if not link.include_photos:
        return
    photo_list = link_scope.shown_photos(reads.photo_list(link.profile_id), link.options)
    st.subheader("Scar photos")
    if photo_list.empty:
        st.info("No scar photos have been added yet. Open the same link again later.")
        return
    st.caption("Each photo was taken with a scar rating (0 = no visible scars, 10 = the worst).")
    area = photo_parts.choose_area(photo_list, key="shared_photos_area")
    area_list = photos.area_photos(photo_list, area)
    picture, comparison = _photo_addresses(link)
    photo_parts.compare(
        link.profile_id, area_list, key=f"shared_compare_{area}", comparison=comparison
    )
    with st.expander(f"Every photo of {escape_markdown(area)}"):
        photo_parts.gallery(link.profile_id, area_list, key="shared_gallery", picture=picture)


def _photo_addresses(
    link: share_links.LinkInfo,
) -> tuple[photo_parts.PictureSource, photo_parts.ComparisonSource]:
    """Photos come from dermadash's own route, which checks the link on every request:
    once the link is revoked or expired, the addresses this page gave answer 404."""
    page = st.context.url or "http://localhost/"  # AppTest runs report no address

    def picture(photo_id: int) -> str:
        return urljoin(page, shared_photos.photo_path(link.link_id, photo_id, token))

    def comparison(before_id: int, after_id: int, view: str) -> str:
        path = shared_photos.comparison_path(link.link_id, before_id, after_id, view, token)
        return urljoin(page, path)

    return picture, comparison


def _still_valid() -> bool:
    """The link is asked again on every run, also a rerun of the dashboard alone."""
    return share_links.resolve_token(database.engine(), token) is not None


token = st.query_params.get("share", "")
link = share_links.resolve_token(database.engine(), token)
if link is None:
    _not_valid()
assert link is not None  # _not_valid() stops the run
_require_passcode(link)
_record_view_once(link)

person = reads.profile(link.profile_id)
sessions = viewer_data(link.profile_id, link.options).sessions
facts = model.key_facts(sessions, person.timezone)
viewer_timezone = reads.browser_timezone()

name = escape_markdown(person.display_name)
st.title(
    "Dermarolling progress"
    if person.display_name == DEFAULT_DISPLAY_NAME
    else f"Dermarolling progress: {name}"
)
period = link_scope.covered_period(link.options, facts.first_day, facts.last_day)
st.caption(
    f"Read-only view shared with {escape_markdown(link.label)}. "
    f"Period covered: {period}. Shared: {link.options.describe()}. "
    f"This link works until {format_moment(link.expires_at, viewer_timezone)} (your time)."
)

if facts.session_count:
    _key_facts(link, facts)
else:
    # Scar ratings and photos may come before the first session: they are still shown.
    st.info(
        ("No sessions have been logged yet" if link.since is None else "No sessions since then")
        + ", so there are no session charts, safety checks or session table to show. "
        "They appear here as soon as sessions are logged; open the same link again later."
    )
report_download(
    link.profile_id,
    link=link,
    key="viewer_report",
    # Checked again on the click: a link revoked since this run downloads nothing.
    still_allowed=_still_valid,
)
fhir_download(
    link.profile_id,
    fhir_export.choice_for_link(link),
    key="viewer_fhir",
    still_allowed=_still_valid,
)

_charts_and_flags(link, bool(facts.session_count), person.timezone)
_photos(link)

st.subheader("Sessions")
if facts.session_count:
    sessions_table(
        sessions, person.timezone, key="shared_sessions", include_notes=link.include_notes
    )
else:
    st.caption("No sessions logged yet.")
st.caption(
    "Times are in the person's time zone. dermadash informs; it does not diagnose: "
    "its flags follow public dermarolling guides, not a medical examination."
)
