"""In a real Chromium: the owner shares, a fresh browser opens the link, revocation ends it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from fhir.resources.R4B.bundle import Bundle
from pypdf import PdfReader

from dermadash import auth, demo
from dermadash.sharing import share_links
from dermadash.storage import db
from dermadash.storage.profiles import default_profile_id
from tests.browser import (
    LAPTOP,
    PHONE,
    browser,  # noqa: F401  (a fixture)
    running_app,
    save_screenshot,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser
WAIT_MS = 30_000
DOWNLOAD_WAIT_MS = 120_000  # the report is made on the click (charts drawn by Chromium)


def _wait_for_text(page: Page, text: str) -> None:
    page.get_by_text(text, exact=False).first.wait_for(timeout=WAIT_MS)


def test_share_open_revoke(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    database_url = f"sqlite:///{tmp_path / 'live.db'}"
    engine = db.make_engine(database_url)
    db.upgrade(engine)
    demo.load_demo(engine, default_profile_id(engine))

    with running_app(database_url) as base_url:
        owner_context = browser.new_context(viewport=LAPTOP)
        owner = owner_context.new_page()
        viewer_context = browser.new_context(viewport=PHONE)  # fresh: no cookies, no session
        viewer = viewer_context.new_page()
        current = owner
        try:
            owner.goto(f"{base_url}/share")
            _wait_for_text(owner, "Share with your dermatologist")
            _wait_for_text(owner, "only works on this computer")
            owner.get_by_label("Who is it for?").fill("Dr Rivera")
            owner.get_by_role("button", name="Create link").click()
            code = owner.locator('[data-testid="stCode"]').first
            code.wait_for(timeout=WAIT_MS)
            link = code.inner_text().strip()
            assert link.startswith(f"{base_url}/?share=")
            token = link.split("share=", 1)[1]
            assert len(token) == 43
            save_screenshot(owner, "sharing-share-page-laptop")

            current = viewer
            viewer.goto(link)
            _wait_for_text(viewer, "Read-only view shared with Dr Rivera")
            _wait_for_text(viewer, "Sessions logged")
            # The owner's charts (drawn by plotly.js) and every flag, in a fresh browser.
            charts = viewer.locator('[data-testid="stPlotlyChart"] .main-svg')
            charts.first.wait_for(timeout=WAIT_MS)
            assert charts.count() >= 5
            _wait_for_text(viewer, "Every safety flag")
            assert viewer.get_by_text("What to do:").count() >= 1
            assert viewer.get_by_text("Share with your dermatologist").count() == 0
            # Only the dashboard's period and area pickers and the button that makes the
            # report: nothing that could write.
            writers = ", ".join(
                f'[data-testid="{kind}"]'
                for kind in (
                    "stTextInput",
                    "stTextArea",
                    "stNumberInput",
                    "stCheckbox",
                    "stForm",
                    "stFileUploader",
                    "stChatInput",
                )
            )
            assert viewer.locator(writers).count() == 0
            buttons = viewer.locator('[data-testid="stButton"]')
            assert buttons.count() == 1
            assert "Make the PDF report" in buttons.inner_text()
            # The dermatologist makes the PDF report (a progress bar meanwhile), then
            # downloads it for the medical record.
            buttons.get_by_role("button").click()
            _wait_for_text(viewer, "The report is ready to download")
            with viewer.expect_download(timeout=DOWNLOAD_WAIT_MS) as download_info:
                viewer.get_by_role("button", name="Download PDF report").click()
            download = download_info.value
            assert download.suggested_filename.endswith(".pdf")
            saved = tmp_path / download.suggested_filename
            download.save_as(saved)
            assert saved.read_bytes().startswith(b"%PDF")
            assert "Dermarolling progress report" in "".join(
                page.extract_text() for page in PdfReader(saved).pages
            )
            # And the same record as FHIR, for a record system.
            with viewer.expect_download(timeout=DOWNLOAD_WAIT_MS) as download_info:
                viewer.get_by_role("button", name="FHIR record (JSON)").click()
            fhir_file = tmp_path / download_info.value.suggested_filename
            download_info.value.save_as(fhir_file)
            bundle = Bundle.model_validate_json(fhir_file.read_bytes())
            kinds = [type(entry.resource).__name__ for entry in bundle.entry]
            assert kinds.count("Procedure") > 20
            save_screenshot(viewer, "sharing-shared-view-phone")
            viewer.set_viewport_size(LAPTOP)
            save_screenshot(viewer, "sharing-shared-view-laptop")

            current = owner
            owner.reload()
            _wait_for_text(owner, "opened 1 time")
            owner.set_viewport_size(PHONE)
            save_screenshot(owner, "sharing-share-page-phone")
            owner.get_by_role("button", name="Revoke").click()
            _wait_for_text(owner, "is revoked")

            current = viewer
            viewer.set_viewport_size(PHONE)
            viewer.reload()
            _wait_for_text(viewer, share_links.NOT_VALID_MESSAGE)
            assert viewer.get_by_text("Sessions logged").count() == 0
            assert viewer.get_by_text("Dr Rivera").count() == 0
            save_screenshot(viewer, "sharing-not-valid-phone")
        except BaseException:
            save_screenshot(current, "FAILED-sharing-browser")
            raise
        finally:
            owner_context.close()
            viewer_context.close()
            engine.dispose()


def test_password_sign_in_in_a_real_browser(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    password = "a long owner passphrase"
    with running_app(
        f"sqlite:///{tmp_path / 'live.db'}",
        DERMADASH_AUTH="password",
        DERMADASH_OWNER_PASSWORD_HASH=auth.hash_password(password),
    ) as base_url:
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        try:
            page.goto(f"{base_url}/share")
            _wait_for_text(page, "Sign in to see your dermarolling log")
            assert page.get_by_text("Share with your dermatologist").count() == 0
            page.get_by_label("Password", exact=True).fill("not the right one")
            page.get_by_role("button", name="Sign in").click()
            _wait_for_text(page, "That password is not right.")
            assert page.get_by_text("Share with your dermatologist").count() == 0
            save_screenshot(page, "sharing-sign-in-phone")
            page.get_by_label("Password", exact=True).fill(password)
            page.get_by_role("button", name="Sign in").click()
            _wait_for_text(page, "Share with your dermatologist")
        except BaseException:
            save_screenshot(page, "FAILED-sharing-sign-in")
            raise
        finally:
            context.close()


def test_a_period_change_after_revocation_shows_nothing_more(  # type: ignore[no-untyped-def]
    browser,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Changing the period reruns only the dashboard (a fragment), which asks the link
    again first: once revoked, the next change shows the not-valid page, no chart."""
    database_url = f"sqlite:///{tmp_path / 'live.db'}"
    engine = db.make_engine(database_url)
    db.upgrade(engine)
    profile_id = default_profile_id(engine)
    demo.load_demo(engine, profile_id)
    link = share_links.create_link(engine, profile_id, "Dr Rivera")
    with running_app(database_url) as base_url:
        context = browser.new_context(viewport=LAPTOP)
        viewer = context.new_page()
        try:
            viewer.goto(f"{base_url}/?share={link.token}")
            charts = viewer.locator('[data-testid="stPlotlyChart"] .main-svg')
            charts.first.wait_for(timeout=WAIT_MS)
            viewer.get_by_text("Last 90 days", exact=True).click()
            _wait_for_text(viewer, "Showing ")
            assert charts.count() >= 5
            share_links.revoke_link(engine, profile_id, link.link_id)
            viewer.get_by_text("Last 30 days", exact=True).click()
            _wait_for_text(viewer, share_links.NOT_VALID_MESSAGE)
            viewer.locator('[data-testid="stPlotlyChart"]').first.wait_for(
                state="detached", timeout=WAIT_MS
            )
            assert viewer.get_by_text("Read-only view shared with").count() == 0
        except BaseException:
            save_screenshot(viewer, "FAILED-sharing-period-after-revoke")
            raise
        finally:
            context.close()
            engine.dispose()
