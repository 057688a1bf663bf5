"""Share: create read-only links for a dermatologist, see who opened them, revoke them."""

from __future__ import annotations

from datetime import date

import streamlit as st

from dermadash.escaping import escape_markdown
from dermadash.formatting import format_days, format_moment
from dermadash.sharing import link_wording, share_links
from dermadash.storage.validation import NAME_MAX_CHARS, ValidationError
from dermadash.timezones import local_today
from page_support import database, owner_guard, reads
from views.report_parts import report_download
from views.table_parts import links_table

FLASH_KEY = "dermadash_share_flash"
STATUS_BADGES = {
    "active": ":green-badge[active]",
    "expired": ":gray-badge[expired]",
    "revoked": ":red-badge[revoked]",
    share_links.RESTORED: ":violet-badge[restored from a backup: cannot be opened]",
    share_links.DISABLED: ":orange-badge[switched off: too many wrong passcodes]",
}

profile_id = owner_guard.current_profile_id()
engine = database.engine()
me = reads.profile(profile_id)

st.title("Share with your dermatologist")
st.write(
    "Create a private link that opens a read-only view of your progress. Send it to "
    "your dermatologist; you can see when it was opened and switch it off at any time."
)
st.info(
    "**Anyone who has the link can see**, without signing in, until it expires or you "
    "revoke it: your name in dermadash, the sessions you logged in the period you choose "
    "(date and time, areas, needle length, passes, pain), your check-ins (redness, "
    "stinging, side effects), your scar ratings, the charts and the safety flags; your "
    "notes only if you tick “Include my notes”, your scar photos only if you tick "
    "“Include scar photos”. They cannot change anything, and they see nothing else. "
    "Send the link only to the person it is for.",
    icon=":material/visibility:",
)

base_url = share_links.app_base_url(st.context.url, st.get_option("server.baseUrlPath") or "")
if share_links.is_local_only(base_url):
    st.warning(
        f"This app's address, {base_url}, only works on this computer: a link to it will "
        "not open on your dermatologist's computer. Give them the PDF report instead, or "
        f"ask whoever runs dermadash to publish it and set {share_links.PUBLIC_URL_VARIABLE} "
        "(see “Deploying for several people” in the README).",
        icon=":material/wifi_off:",
    )

with st.container(border=True):
    st.markdown("**Report for your dermatologist's records**")
    st.caption(
        "A PDF of your progress to print, e-mail or bring along: the same charts, flags "
        "and sessions a link shows, without your photos."
    )
    report_download(profile_id, key="owner_report")

with st.form("new_share_link", clear_on_submit=True):
    st.subheader("New link")
    label = st.text_input(
        "Who is it for?",
        max_chars=NAME_MAX_CHARS,
        placeholder="e.g. Dr Rivera",
        key="share_label",
    )
    days = st.number_input(
        "Expires after (days)",
        min_value=1,
        max_value=share_links.MAX_DAYS,
        value=share_links.DEFAULT_DAYS,
        step=1,
        key="share_days",
        help=f"At most {share_links.MAX_DAYS} days; you can revoke it sooner.",
    )
    since = st.date_input(
        "Covers sessions from (optional)",
        value=None,
        max_value=local_today(me.timezone),
        format="DD/MM/YYYY",
        key="share_since",
        help="Leave it empty for the whole course, or choose e.g. the day of your last "
        "visit: the view and its report then start on that day.",
    )
    include_notes = st.checkbox("Include my notes", value=False, key="share_notes")
    include_photos = st.checkbox("Include scar photos", value=False, key="share_photos")
    with_passcode = st.checkbox(
        "Protect it with a passcode",
        value=False,
        key="share_passcode",
        help="dermadash makes a passcode to send separately (e.g. by text message); "
        f"after {share_links.MAX_PASSCODE_FAILURES} wrong tries the link switches off.",
    )
    create = st.form_submit_button("Create link", type="primary", key="create_share_link")


@st.dialog("Your new link", dismissible=False)
def _show_new_link(label: str, url: str, new: share_links.NewLink, options: str) -> None:
    """The link (and passcode) once, until the owner closes the dialog themselves."""
    st.markdown(
        f"For **{escape_markdown(label)}** ({options}). Copy it now with the button at "
        "the right of the box: it is **shown once**, because dermadash keeps only a "
        "fingerprint of it."
    )
    st.code(url, language=None, wrap_lines=True)
    if new.passcode:
        st.markdown(
            "**Passcode**, also shown once: send it separately from the link (e.g. by "
            "text message or read it out), so that one stolen message is not enough."
        )
        st.code(new.passcode, language=None)
    st.caption(f"It works until {format_moment(new.expires_at, me.timezone)}.")
    if st.button("I have copied it: close", type="primary", key="close_new_link"):
        st.rerun()


if create:
    chosen = share_links.LinkOptions(
        include_notes, include_photos, since if isinstance(since, date) else None
    )
    try:
        new = share_links.create_link(
            engine,
            profile_id,
            label,
            days=int(days),
            include_photos=chosen.include_photos,
            include_notes=chosen.include_notes,
            since=chosen.since,
            passcode=with_passcode,
        )
    except ValidationError as problem:
        st.error(str(problem))
    else:
        _show_new_link(
            label.strip(), share_links.share_url(base_url, new.token), new, chosen.describe()
        )

st.subheader("Your links")
flash = st.session_state.pop(FLASH_KEY, None)
if flash:
    st.success(flash, icon=":material/link_off:")

# Read fresh on every run (never cached): view counts change without a data revision.
links = share_links.list_links(engine, profile_id)
if links.empty:
    st.write("No links yet. Create one above when you are ready to share your progress.")

for link in links.itertuples():
    with st.container(border=True):
        text_column, action_column = st.columns([4, 1], vertical_alignment="center")
        text_column.markdown(f"**{escape_markdown(link.label)}** {STATUS_BADGES[link.status]}")
        text_column.caption(link_wording.describe_link(link._asdict(), me.timezone))
        if link.status == "active" and action_column.button(
            "Revoke", key=f"revoke_{link.link_id}", icon=":material/link_off:"
        ):
            share_links.revoke_link(engine, profile_id, link.link_id)
            st.session_state[FLASH_KEY] = (
                f"The link for {escape_markdown(link.label)} is revoked: it no longer "
                "opens anything, also for someone who has it open right now."
            )
            st.rerun()
        if link.status == share_links.RESTORED:
            with action_column.popover(
                "Delete", icon=":material/delete:", key=f"ask_delete_{link.link_id}"
            ):
                st.write("Delete this link and the record of when it was opened?")
                if st.button("Delete link", type="primary", key=f"delete_{link.link_id}"):
                    share_links.delete_link(engine, profile_id, link.link_id)
                    st.session_state[FLASH_KEY] = (
                        f"Deleted the restored link for {escape_markdown(link.label)}."
                    )
                    st.rerun()

restored = int((links["status"] == share_links.RESTORED).sum())
if restored:
    st.info(
        f"{restored} {'link was' if restored == 1 else 'links were'} restored from a backup. "
        "A backup never holds a link's secret address, so a restored link cannot be "
        "opened by anyone: create a new link for your dermatologist, and delete the old "
        "one when you no longer need the record of when it was opened.",
        icon=":material/settings_backup_restore:",
    )

if len(links) > 1:
    with st.expander("Every link at a glance (sortable)", icon=":material/table:"):
        links_table(links, me.timezone, key="share_links_table")

if not links.empty:
    active = int((links["status"] == "active").sum())
    st.caption(
        f"{active} active {'link' if active == 1 else 'links'}. A link lasts "
        f"{format_days(share_links.DEFAULT_DAYS)} unless you choose otherwise, "
        f"{format_days(share_links.MAX_DAYS)} at most."
    )
