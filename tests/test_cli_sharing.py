"""``share create|list|revoke`` and ``password`` in a real subprocess on a real database."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from dermadash import auth, demo
from dermadash.report.chromium import chromium_available
from dermadash.sharing import share_links
from dermadash.storage import db
from dermadash.storage.profiles import default_profile_id
from tests.conftest import DEMO_TODAY, PROJECT_ROOT


def run_cli(
    database_url: str, *args: str, stdin: str | None = None, **extra_env: str
) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "DERMADASH_DATABASE_URL": database_url, **extra_env}
    environment.pop(share_links.PUBLIC_URL_VARIABLE, None)
    environment.update(extra_env)
    return subprocess.run(
        [sys.executable, "-m", "dermadash", *args],
        cwd=PROJECT_ROOT,
        env=environment,
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_create_list_revoke(database_url: str) -> None:
    created = run_cli(
        database_url,
        "share",
        "create",
        "--label",
        "Dr Rivera",
        "--days",
        "14",
        DERMADASH_PUBLIC_URL="https://derma.example.org/",
    )
    assert created.returncode == 0, created.stderr
    link = created.stdout.strip().splitlines()[-1]
    assert link.startswith("https://derma.example.org/?share=")
    token = link.split("=", 1)[1]

    engine = db.make_engine(database_url)
    try:
        opened = share_links.resolve_token(engine, token)
        assert opened is not None
        assert opened.profile_id == default_profile_id(engine)
        assert opened.include_photos is False

        listed = run_cli(database_url, "share", "list")
        assert listed.returncode == 0, listed.stderr
        assert "Dr Rivera" in listed.stdout
        assert "active" in listed.stdout
        assert token not in listed.stdout

        revoked = run_cli(database_url, "share", "revoke", str(opened.link_id))
        assert revoked.returncode == 0, revoked.stderr
        assert share_links.resolve_token(engine, token) is None
        assert "revoked" in run_cli(database_url, "share", "list").stdout
    finally:
        engine.dispose()


def test_default_address_is_local_and_said_so(sqlite_url: str) -> None:
    created = run_cli(sqlite_url, "share", "create", "--label", "Clinic", "--photos")
    assert created.returncode == 0, created.stderr
    assert created.stdout.strip().splitlines()[-1].startswith("http://127.0.0.1:8501/?share=")
    assert "only opens on this computer" in created.stdout
    assert "with photos" in created.stdout


def test_bad_input_is_refused_plainly(sqlite_url: str) -> None:
    for args, message in (
        (("share", "create", "--label", "Dr", "--days", "366"), "between 1 and 365 days"),
        (("share", "create", "--label", " "), "Label is required"),
        (("share", "revoke", "99"), "no share link with id 99"),
    ):
        result = run_cli(sqlite_url, *args)
        assert result.returncode == 2
        assert message in result.stderr
        assert "Traceback" not in result.stderr
    assert "No share links yet" in run_cli(sqlite_url, "share", "list").stdout


def test_password_from_stdin_is_stored_as_an_argon2_hash(sqlite_url: str, tmp_path: Path) -> None:
    target = tmp_path / "secret" / "owner.argon2"
    result = run_cli(
        sqlite_url,
        "password",
        stdin="correct horse battery\n",
        DERMADASH_PASSWORD_FILE=str(target),
    )
    assert result.returncode == 0, result.stderr
    stored = target.read_text().strip()
    assert stored.startswith("$argon2id$")
    assert "correct horse battery" not in stored
    assert target.stat().st_mode & 0o077 == 0  # readable by its owner only
    assert auth.verify_password(stored, "correct horse battery")
    assert not auth.verify_password(stored, "correct horse battery!")

    short = run_cli(sqlite_url, "password", stdin="short\n", DERMADASH_PASSWORD_FILE=str(target))
    assert short.returncode == 2
    assert "at least 10 characters" in short.stderr
    assert target.read_text().strip() == stored  # nothing changed


def test_report_command_writes_a_pdf_and_an_html_report(database_url: str, tmp_path: Path) -> None:
    engine = db.make_engine(database_url)
    db.upgrade(engine)
    try:
        demo.load_demo(engine, default_profile_id(engine), today=DEMO_TODAY)
    finally:
        engine.dispose()
    html_file = tmp_path / "builder.html"
    written = run_cli(database_url, "report", "--out", str(html_file))
    assert written.returncode == 0, written.stderr
    assert f"to {html_file}" in written.stdout
    page = html_file.read_text(encoding="utf-8")
    assert "Dermarolling progress report" in page
    assert "Plotly.newPlot(" in page

    if not chromium_available():
        pytest.skip("no Chromium to draw the PDF's charts")
    pdf_file = tmp_path / "builder.pdf"
    written = run_cli(database_url, "report", "--out", str(pdf_file))
    assert written.returncode == 0, written.stderr
    text = "\n".join(page.extract_text() for page in PdfReader(pdf_file).pages)
    assert "Dermarolling progress report" in text
    assert "Safety flags" in text
    assert "Sessions per month (newest first)" in text


def test_report_command_without_chromium_suggests_html(sqlite_url: str, tmp_path: Path) -> None:
    target = tmp_path / "builder.pdf"
    refused = run_cli(
        sqlite_url, "report", "--out", str(target), BROWSER_PATH="/nonexistent/chromium"
    )
    assert refused.returncode == 2
    assert "needs Chromium" in refused.stderr
    assert f"--out {tmp_path / 'builder.html'}" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert not target.exists()
    wrong = run_cli(sqlite_url, "report", "--out", str(tmp_path / "builder.docx"))
    assert wrong.returncode == 2
    assert "must end in .pdf or .html" in wrong.stderr


def test_list_marks_links_restored_from_a_backup(sqlite_url: str, tmp_path: Path) -> None:
    engine = db.make_engine(sqlite_url)
    try:
        db.upgrade(engine)
        share_links.create_link(engine, default_profile_id(engine), "Dr Rivera")
    finally:
        engine.dispose()
    backup_file = tmp_path / "backup.json"
    assert run_cli(sqlite_url, "export", str(backup_file)).returncode == 0
    elsewhere = f"sqlite:///{tmp_path / 'elsewhere.db'}"
    restored = run_cli(elsewhere, "import", str(backup_file))
    assert restored.returncode == 0, restored.stderr
    listed = run_cli(elsewhere, "share", "list")
    assert listed.returncode == 0, listed.stderr
    (row,) = [line for line in listed.stdout.splitlines() if line.endswith("Dr Rivera")]
    assert row.split()[1] == share_links.RESTORED
    assert "came back from a backup and cannot be opened" in listed.stdout


def test_share_create_shapes_the_link_and_share_list_says_why_one_is_off(
    database_url: str,
) -> None:
    created = run_cli(
        database_url,
        "share",
        "create",
        "--label",
        "Dr Okafor",
        "--notes",
        "--photos",
        "--since",
        "2026-01-12",
        "--passcode",
    )
    assert created.returncode == 0, created.stderr
    assert "with notes · with photos · since Mon 12 Jan 2026" in created.stdout
    passcode = re.search(
        r"Its passcode, shown only now .*: ([A-Z2-9]{4}-[A-Z2-9]{4})$", created.stdout, re.M
    )
    assert passcode is not None, created.stdout
    token = created.stdout.strip().splitlines()[-1].split("share=", 1)[1]
    engine = db.make_engine(database_url)
    try:
        link = share_links.resolve_token(engine, token)
        assert link is not None
        assert link.options == share_links.LinkOptions(True, True, date(2026, 1, 12))
        assert share_links.check_passcode(engine, link.link_id, passcode.group(1)).accepted
        for _ in range(share_links.MAX_PASSCODE_FAILURES):
            share_links.check_passcode(engine, link.link_id, "WRONG-CODE")
    finally:
        engine.dispose()
    listed = run_cli(database_url, "share", "list")
    assert listed.returncode == 0, listed.stderr
    assert "disabled" in listed.stdout
    assert share_links.TOO_MANY_PASSCODES_REASON in listed.stdout
    assert passcode.group(1) not in listed.stdout

    plain = run_cli(database_url, "share", "create", "--label", "Clinic")
    assert "without notes · without photos · whole course" in plain.stdout
    assert "passcode" not in plain.stdout


@pytest.mark.parametrize("since", ["12/01/2026", "2026-13-01", "2999-01-01"])
def test_share_create_refuses_a_bad_first_day(sqlite_url: str, since: str) -> None:
    refused = run_cli(sqlite_url, "share", "create", "--label", "Clinic", "--since", since)
    assert refused.returncode == 2
    assert "Traceback" not in refused.stderr
    assert "YYYY-MM-DD" in refused.stderr or "cannot be in the future" in refused.stderr
    assert "No share links yet" in run_cli(sqlite_url, "share", "list").stdout
