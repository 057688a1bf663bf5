"""Calendar reminders on the Settings page: subscribe links, their last fetch, revoking,
and the same calendar as a one-off ``.ics`` file."""

from __future__ import annotations

import streamlit as st

from dermadash.calendar import feed, links
from dermadash.formatting import format_moment
from dermadash.sharing import share_links
from dermadash.timezones import local_today
from page_support import database, reads

FLASH_KEY = "dermadash_calendar_flash"
STATUS_BADGES = {
    links.ACTIVE: ":green-badge[active]",
    links.EXPIRED: ":gray-badge[expired]",
    links.REVOKED: ":red-badge[revoked]",
}
THIRD_PARTY_WARNING = (
    "**Your calendar provider will see these reminders.** Google, Apple (iCloud) and "
    "Microsoft fetch the calendar on their own servers and keep a copy there, and so does "
    "anyone who has the link, without signing in, until you revoke it. The events show "
    "your area names (e.g. “Next safe session: Left cheek”) and the reason for each date "
    "(such as the minimum interval, redness still reported or an isotretinoin wait), "
    "nothing else from your log. Tick **Generic titles** for events that name no area, "
    "treatment or reason, e.g. on a work calendar."
)
HOW_TO_SUBSCRIBE = (
    "- **Google Calendar** (on a computer): Other calendars, **+**, *From URL*, paste the "
    "link. Google refreshes it only every 12 to 24 hours and may not show its alarms.\n"
    "- **Apple Calendar**: on a Mac, *File › New Calendar Subscription*, paste the link and "
    "choose how often to refresh (e.g. every 15 minutes); on an iPhone, *Settings › Apps › "
    "Calendar › Calendar Accounts › Add Account › Other › Add Subscribed Calendar*.\n"
    "- **Outlook**: *Add calendar › Subscribe from web*, paste the link. Outlook refreshes "
    "it every few hours (up to a day on the web).\n\n"
    "Because some apps refresh slowly and drop the alarms of subscribed calendars, each "
    "reminder is an event on its own day and time: it shows even without an alarm."
)


def _create_form(profile_id: int, base_url: str, timezone: str) -> None:
    with st.form("new_calendar_link", clear_on_submit=True):
        generic = st.checkbox(
            "Generic titles (name no area, treatment or reason)",
            key="calendar_generic",
        )
        expires = st.checkbox("Stop working after a number of days", key="calendar_expires")
        days = st.number_input(
            "Days until it stops working",
            min_value=1,
            max_value=share_links.MAX_DAYS,
            value=share_links.DEFAULT_DAYS,
            step=1,
            key="calendar_days",
            help="Used only when the box above is ticked. Without it, the link works until "
            "you revoke it.",
        )
        create = st.form_submit_button(
            "Create calendar link", type="primary", key="create_calendar_link"
        )
    if not create:
        return
    new = links.create_link(
        database.engine(), profile_id, generic_titles=generic, days=int(days) if expires else None
    )
    url = links.calendar_url(base_url, new.token)
    st.success(
        "Calendar link created. Copy it now (the button at the right of the box) and paste "
        "it into your calendar app: it is shown only this once, because dermadash keeps "
        "only a fingerprint of it.",
        icon=":material/event:",
    )
    st.code(url, language=None, wrap_lines=True)
    st.link_button(
        "Open in my calendar app", links.webcal_url(url), icon=":material/calendar_add_on:"
    )
    ending = (
        f"It works until {format_moment(new.expires_at, timezone)}."
        if new.expires_at
        else "It works until you revoke it."
    )
    st.caption(ending)


def _link_list(profile_id: int, timezone: str) -> None:
    flash = st.session_state.pop(FLASH_KEY, None)
    if flash:
        st.success(flash, icon=":material/event_busy:")
    # Read fresh on every run (never cached): fetch times change without a data revision.
    rows = links.list_links(database.engine(), profile_id)
    if not rows:
        st.caption("No calendar links yet.")
    for row in rows:
        with st.container(border=True):
            text_column, action_column = st.columns([4, 1], vertical_alignment="center")
            text_column.markdown(f"**Calendar link {row.link_id}** {STATUS_BADGES[row.status]}")
            text_column.caption(row.describe(timezone))
            if row.status == links.ACTIVE and action_column.button(
                "Revoke", key=f"revoke_calendar_{row.link_id}", icon=":material/event_busy:"
            ):
                links.revoke_link(database.engine(), profile_id, row.link_id)
                st.session_state[FLASH_KEY] = (
                    f"Calendar link {row.link_id} is revoked: it answers nothing from now on, "
                    "and calendars subscribed to it drop its events at their next refresh."
                )
                st.rerun()


def _download(profile_id: int, timezone: str) -> None:
    generic = st.checkbox("Generic titles in the file", key="calendar_file_generic", value=False)
    st.download_button(
        "Download calendar (.ics)",
        data=lambda: feed.profile_feed(database.engine(), profile_id, generic_titles=generic),
        file_name=f"dermadash-reminders-{local_today(timezone).isoformat()}.ics",
        mime="text/calendar",
        on_click="ignore",
        key="calendar_download",
        icon=":material/download:",
    )


def calendar_section(profile_id: int) -> None:
    """The whole "Calendar reminders" section (one call from the Settings page)."""
    timezone = reads.profile(profile_id).timezone
    st.subheader("Calendar reminders")
    st.write(
        "See your reminders in the calendar you already use: the next safe session date "
        "for each area, the check-ins still to do, and when to rate your scars again. A "
        "subscribed calendar updates by itself as you log."
    )
    st.warning(THIRD_PARTY_WARNING, icon=":material/cloud_sync:")
    base_url = share_links.app_base_url(st.context.url, st.get_option("server.baseUrlPath") or "")
    if share_links.is_local_only(base_url):
        st.info(
            f"This app's address, {base_url}, only works on this computer: a calendar on "
            "your phone or an online calendar (Google, iCloud, Outlook.com) cannot fetch a "
            "link to it. Download the calendar as a file below instead, or ask whoever runs "
            f"dermadash to publish it and set {share_links.PUBLIC_URL_VARIABLE}.",
            icon=":material/wifi_off:",
        )
    _create_form(profile_id, base_url, timezone)
    with st.expander("How to subscribe, and how often each app refreshes"):
        st.markdown(HOW_TO_SUBSCRIBE)
    _link_list(profile_id, timezone)
    st.markdown("**As a file**")
    st.caption(
        "For a one-off import: the reminders as they are today. A file does not update as "
        "you log; a subscribed link does."
    )
    _download(profile_id, timezone)
