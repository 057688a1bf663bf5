"""Your data: import a spreadsheet, back up and restore, export, delete."""

from __future__ import annotations

import streamlit as st

from dermadash.escaping import escape_markdown
from dermadash.storage import erase
from dermadash.storage.queries import has_any_entries
from dermadash.storage.validation import ValidationError
from dermadash.timezones import local_today
from dermadash.transfer import backup, csv_export, file_import
from dermadash.transfer.backup import RestoreRefused
from dermadash.transfer.fhir_export import FhirChoice
from dermadash.transfer.import_report import ProgressCallback
from page_support import database, owner_guard, reads
from views import import_parts
from views.fhir_parts import fhir_download

profile_id = owner_guard.current_profile_id()
engine = database.engine()
me = reads.profile(profile_id)
today = local_today(me.timezone)
CSV = "text/csv"
PROBLEMS_SHOWN = 200


def _nonce(flow: str) -> int:
    return int(st.session_state.get(f"{flow}_nonce", 0))


def _finish(flow: str, message: str) -> None:
    """Remember a success message, clear the upload, and draw the page again."""
    st.session_state[f"{flow}_done"] = message
    st.session_state.pop(f"{flow}_parsed", None)
    st.session_state[f"{flow}_nonce"] = _nonce(flow) + 1
    st.rerun()


def _show_done(flow: str) -> None:
    message = st.session_state.pop(f"{flow}_done", None)
    if message:
        st.success(message)


def _parsed(
    flow: str, file_id: str, data: bytes, encoding: str | None, dates: str | None
) -> file_import.ParsedImport:
    """Parse an upload once per file and reading choice (reruns reuse it)."""
    cache_key = f"{flow}_parsed"
    identity = (file_id, encoding, dates)
    cached = st.session_state.get(cache_key)
    if cached is None or cached[0] != identity:
        parsed = file_import.parse_upload(data, me.timezone, date_order=dates, encoding=encoding)
        cached = (identity, parsed)
        st.session_state[cache_key] = cached
    return cached[1]


def _progress_bar() -> ProgressCallback:
    bar = st.progress(0.0, text="Importing…")

    def show(done: int, total: int) -> None:
        bar.progress(done / total if total else 1.0, text=f"Imported {done:,} of {total:,}")

    return show


def import_flow(flow: str, label: str, types: list[str], hint: str) -> None:
    """Upload → preview and problems → one all-or-nothing write."""
    _show_done(flow)
    uploaded = st.file_uploader(label, type=types, key=f"{flow}_file_{_nonce(flow)}")
    if uploaded is None:
        st.caption(hint)
        return
    spreadsheet = not uploaded.name.lower().endswith(".json")
    encoding, dates = import_parts.reading_choices(flow) if spreadsheet else (None, None)
    if not import_parts.confirmed(flow, uploaded.file_id):
        return
    parsed = _parsed(flow, uploaded.file_id, uploaded.getvalue(), encoding, dates)
    st.markdown(f"**{escape_markdown(uploaded.name)}** is {parsed.label}.")
    if parsed.table is not None:
        st.caption(escape_markdown(parsed.describe_reading()))
    for notice in parsed.notices:
        st.caption(escape_markdown(notice))
    if not parsed.ok:
        show_problems(flow, parsed)
        return
    st.dataframe(parsed.preview_frame(), hide_index=True, width="stretch")
    if parsed.kind != "backup" and parsed.entry_count > 50:
        st.caption(f"Showing the first 50 of {parsed.entry_count:,} rows.")
    plan = file_import.plan_import(engine, profile_id, parsed)
    if plan.refusal:
        st.warning(plan.refusal)
        return
    if plan.new == 0:
        st.info("Everything in this file is already there; there is nothing new to import.")
        return
    st.info(f"Ready: {escape_markdown(plan.describe())}")
    verb = "Restore" if parsed.kind == "backup" else "Import"
    if st.button(f"{verb} {plan.new:,} entries", type="primary", key=f"{flow}_go"):
        try:
            result = file_import.apply_import(engine, profile_id, parsed, _progress_bar())
        except (ValidationError, RestoreRefused) as problem:
            st.error(f"{escape_markdown(str(problem))} Nothing was imported.")
            return
        _finish(flow, escape_markdown(result.describe()))


def show_problems(flow: str, parsed: file_import.ParsedImport) -> None:
    """Every problem, in words that wrap on a phone; a file of them when there are many."""
    count = len(parsed.problems)
    st.error(
        f"{count:,} {'problem' if count == 1 else 'problems'} found, so nothing was "
        "imported. Fix them in your file and upload it again."
    )
    table = parsed.problems_frame(limit=PROBLEMS_SHOWN)
    table["Column"] = table["Column"].map(escape_markdown)
    table["What is wrong"] = table["What is wrong"].map(escape_markdown)
    st.table(table, hide_index=True)
    if count > PROBLEMS_SHOWN:
        st.caption(f"Showing the first {PROBLEMS_SHOWN} problems.")
        st.download_button(
            f"Download all {count:,} problems (CSV)",
            data=parsed.problems_csv(),
            file_name="dermadash-import-problems.csv",
            mime=CSV,
            on_click="ignore",
            key=f"{flow}_problems",
        )


def backup_button(key: str, label: str = "Download a backup") -> None:
    st.download_button(
        label,
        data=lambda: backup.backup_json(engine, profile_id),
        file_name=backup.backup_filename(today),
        mime="application/json",
        on_click="ignore",
        key=key,
        icon=":material/download:",
    )


st.title("Your data")
st.caption(
    "Bring in the spreadsheet you kept so far, keep a backup, take your records anywhere, "
    "or delete them."
)

import_tab, backup_tab, export_tab, delete_tab = st.tabs(
    ["Import", "Backup & restore", "Export", "Delete"]
)

with import_tab:
    st.subheader("Import a spreadsheet")
    st.write(
        "Upload a CSV file of sessions (one row per session) or of scar ratings, or a "
        "dermadash backup. You see every row and every problem before anything is saved, "
        "and importing the same file twice adds nothing twice."
    )
    import_flow(
        "import",
        "Spreadsheet (CSV) or backup (JSON)",
        ["csv", "tsv", "txt", "json"],
        "Sessions need the columns date, area and needle_mm; scar ratings need date, area "
        "and severity. Dates look like 2026-03-02, 02/03/2026 or 02.03.2026, with or without "
        "a time (21:30 or 9:30 PM; a date alone counts as noon). Several areas go in one "
        "cell separated by ';'.",
    )
    st.download_button(
        "Download an example spreadsheet",
        data=csv_export.sessions_template(),
        file_name="dermadash-sessions-example.csv",
        mime=CSV,
        on_click="ignore",
        key="template",
        icon=":material/table:",
    )

with backup_tab:
    st.subheader("Back up everything")
    st.write(
        "One file with your settings and safety answers, rollers, sessions and check-ins, "
        "scar ratings with their photos, and share links with what each one showed and "
        "their view history. Share links' secret addresses are never in it. Keep it "
        "somewhere safe: it holds health information."
    )
    backup_button("backup_download")
    st.subheader("Restore a backup")
    st.write(
        "A backup goes back into an empty profile. Backups made by older versions of "
        "dermadash work too. Restored share links keep their history but their old "
        "addresses no longer open: create new ones."
    )
    import_flow("restore", "Backup file (JSON)", ["json"], "Choose a dermadash backup file.")

with export_tab:
    st.subheader("Export to a spreadsheet")
    if not has_any_entries(engine, profile_id):
        st.info(
            "Nothing to export yet. Log a session, or import a spreadsheet under Import, "
            "and your records can be downloaded here."
        )
    else:
        st.write(
            "CSV files open in Excel, Numbers, LibreOffice or Google Sheets and import back "
            "into dermadash unchanged. Text that a spreadsheet could run as a formula is "
            "written with a leading apostrophe."
        )
        st.download_button(
            "Sessions with check-ins (CSV)",
            data=lambda: csv_export.sessions_csv(engine, profile_id),
            file_name=csv_export.export_filename("sessions", today),
            mime=CSV,
            on_click="ignore",
            key="export_sessions",
            icon=":material/download:",
        )
        st.download_button(
            "Scar ratings (CSV)",
            data=lambda: csv_export.ratings_csv(engine, profile_id),
            file_name=csv_export.export_filename("ratings", today),
            mime=CSV,
            on_click="ignore",
            key="export_ratings",
            icon=":material/download:",
        )
        st.download_button(
            "Safety flags (CSV)",
            data=lambda: csv_export.flags_csv(reads.flags(profile_id)),
            file_name=csv_export.export_filename("flags", today),
            mime=CSV,
            on_click="ignore",
            key="export_flags",
            icon=":material/download:",
        )
        st.subheader("For a medical record")
        st.write(
            "One HL7 FHIR R4 file that a clinic's record system can import: your sessions, "
            "check-ins, scar ratings, side effects and safety flags, with your notes."
        )
        include_photos = st.checkbox("Include scar photos", key="fhir_photos")
        fhir_download(profile_id, FhirChoice(include_photos=include_photos), key="export_fhir")

with delete_tab:
    st.subheader("Delete all my data")
    _show_done("erase")
    st.warning(
        "This deletes every session, check-in, scar rating, photo, roller, share link and "
        "calendar link, "
        "and your health settings. It cannot be undone. Download a backup first if you may "
        "want any of it back."
    )
    backup_button("erase_backup", "Download a backup first")
    typed = st.text_input(
        f"Type DELETE (or your profile's name, {escape_markdown(me.display_name)}) to confirm",
        key=f"erase_confirm_{_nonce('erase')}",
    )
    confirmed = erase.is_confirmed(typed, me.display_name)
    if st.button("Delete all my data", type="primary", disabled=not confirmed, key="erase_go"):
        try:
            counts = erase.erase_profile_data(engine, profile_id, typed)
        except ValidationError as problem:
            st.error(escape_markdown(str(problem)))
        else:
            _finish("erase", counts.describe())
