"""The FHIR record download, on Your data and in the shared view, beside the report."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from dermadash.timezones import local_today
from dermadash.transfer import fhir_export
from dermadash.transfer.fhir_export import FhirChoice
from page_support import database, reads
from views.report_parts import LinkNoLongerValid

FHIR_LABEL = "FHIR record (JSON)"


def fhir_download(
    profile_id: int,
    choice: FhirChoice,
    key: str,
    still_allowed: Callable[[], bool] = lambda: True,
) -> None:
    """A button that makes the FHIR Bundle when clicked (asked again: a revoked link
    downloads nothing)."""
    day = local_today(reads.profile(profile_id).timezone)

    def make() -> bytes:
        if not still_allowed():
            raise LinkNoLongerValid("the share link is no longer valid")
        return fhir_export.bundle_json(database.engine(), profile_id, choice)

    st.download_button(
        FHIR_LABEL,
        data=make,
        file_name=fhir_export.fhir_filename(day),
        mime="application/fhir+json",
        key=key,
        icon=":material/medical_information:",
        on_click="ignore",
        help="An HL7 FHIR R4 Bundle for a medical record system: sessions, check-ins, "
        "scar ratings, side effects and safety flags"
        + (", with photos." if choice.include_photos else ", without photos."),
    )
