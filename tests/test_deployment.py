"""The README's clinic set-up, run for real on loopback and driven in Chromium.

One deployment for the module (see ``tests/deployment.py``): a PostgreSQL cluster of its
own, two ``streamlit run app.py`` replicas started at once on its empty database, nginx
serving ``deploy/nginx.conf.template`` over HTTPS with a throwaway certificate, and an
OpenID Connect provider that people sign in with through ``st.login``'s real
authorization-code flow. The tests run in file order and build on one another (people
sign in, log, share, then replicas and the database go down under them), so the module
is ``solo``: ``make test`` runs it alone, after the parallel run.
"""

from __future__ import annotations

import http.client
import json
import re
import urllib.request
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from dermadash import auth
from dermadash.server import password_brake
from dermadash.sharing import share_links
from dermadash.storage import db
from dermadash.storage.models import Profile, RollingSession, SignInAttempts
from tests.browser import LAPTOP, save_screenshot, screenshot_on_failure
from tests.browser import chromium as launch_chromium
from tests.deployment import (
    AFFINITY_COOKIE,
    Deployment,
    clinic_deployment,
    start_together,
    unverified_tls,
)

pytestmark = [pytest.mark.slow, pytest.mark.solo, pytest.mark.browser]
WAIT_MS = 60_000
ERROR_TEXTS = ("Something went wrong", "Traceback", "Error")
NOTES = {"alice": "Alice rolled her chin", "bob": "Bob rolled his forehead"}
AREAS = {"alice": "Chin", "bob": "Forehead"}


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    with clinic_deployment(tmp_path_factory.mktemp("deployment")) as deployment:
        yield deployment


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """One Chromium for the module's browsers (each person has a context of their own)."""
    with launch_chromium() as launched:
        yield launched


class Visitor:
    """One browser (its own cookies) that the proxy sends to a replica of our choosing."""

    def __init__(self, chromium: Any, clinic: Deployment, name: str) -> None:
        self.clinic = clinic
        self.name = name
        self.context = chromium.new_context(
            viewport=LAPTOP, ignore_https_errors=True, timezone_id="Europe/London"
        )
        self.page = self.context.new_page()

    def pin_to(self, replica: str) -> None:
        """Give the browser the proxy's affinity cookie for ``replica``."""
        self.context.add_cookies(
            [
                {
                    "name": AFFINITY_COOKIE,
                    "value": self.clinic.affinity_for(replica),
                    "url": self.clinic.proxy.url,
                }
            ]
        )

    def text(self, wanted: str) -> None:
        self.page.get_by_text(wanted, exact=False).first.wait_for(timeout=WAIT_MS)

    def heading(self, title: str) -> None:
        self.page.get_by_role("heading", name=title, exact=True).wait_for(timeout=WAIT_MS)

    def settle(self) -> None:
        self.page.wait_for_timeout(300)
        self.page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=WAIT_MS)

    def body(self) -> str:
        return str(self.page.locator("body").inner_text())

    def assert_no_error(self) -> None:
        shown = self.body()
        assert not [text for text in ERROR_TEXTS if text in shown], shown[:2000]

    def go(self, link: str, title: str) -> None:
        self.page.get_by_test_id("stSidebarNav").get_by_text(link, exact=True).click()
        self.heading(title)
        self.settle()

    def sign_in(self) -> None:
        """Through the provider's sign-in page, as the person would."""
        self.page.goto(self.clinic.proxy.url)
        self.text("Each person sees only their own")
        self.page.get_by_role("button", name="Sign in").click()
        self.page.get_by_label("User name").fill(self.name)
        self.page.get_by_role("button", name="Continue").click()
        self.heading("dermadash")
        self.page.get_by_role("button", name="Sign out").wait_for(timeout=WAIT_MS)
        self.settle()

    def fill_session(self, area: str, note: str) -> None:
        self.go("Log a session", "Log a session")
        self.page.get_by_test_id("stMultiSelect").click()
        self.page.keyboard.type(area)
        self.page.keyboard.press("Enter")
        self.page.keyboard.press("Escape")
        self.settle()
        needle = self.page.get_by_label("Needle (mm)")
        needle.fill("0.25")
        needle.press("Tab")
        self.settle()
        self.page.get_by_label("Notes").fill(note)
        self.page.get_by_label("Notes").press("Tab")
        self.settle()

    def save_session(self) -> None:
        self.page.get_by_role("button", name="Save session").click()

    def screenshot(self, name: str) -> None:
        save_screenshot(self.page, f"deployment-{name}")

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="module")
def people(chromium: Any, clinic: Deployment) -> Iterator[dict[str, Visitor]]:
    visitors = {name: Visitor(chromium, clinic, name) for name in ("alice", "bob")}
    try:
        yield visitors
    finally:
        for visitor in visitors.values():
            visitor.close()


def _count(clinic: Deployment, model: Any) -> int:
    engine = db.make_engine(clinic.database_url)
    try:
        with db.reading(engine) as session:
            return int(session.scalar(select(func.count()).select_from(model)) or 0)
    finally:
        engine.dispose()


def _open_both_at_once(chromium: Any, clinic: Deployment) -> None:
    """A page on each replica at the same moment: each replica's first script run
    brings the schema up to date, so both try at once."""
    visitors = [Visitor(chromium, clinic, f"viewer{name}") for name in ("A", "B")]
    try:
        for visitor, replica in zip(visitors, ("A", "B"), strict=True):
            visitor.pin_to(replica)
        for visitor in visitors:  # start both loads, then wait for both
            visitor.page.goto(f"{clinic.proxy.url}/?share=none", wait_until="commit")
        for visitor in visitors:
            visitor.text(share_links.NOT_VALID_MESSAGE)
            visitor.assert_no_error()
    finally:
        for visitor in visitors:
            visitor.close()


def assert_security_headers(headers: Mapping[str, str]) -> None:
    """The app's own headers (issue 12) and the proxy's HSTS, each once, as a browser
    receives them through the proxy."""
    assert headers["referrer-policy"] == "no-referrer"  # a share token stays on its page
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "camera=(self)" in headers["permissions-policy"]
    assert headers["strict-transport-security"] == "max-age=63072000; includeSubDomains"


# --- Migrations under replicas --------------------------------------------------------


def test_replicas_started_at_once_on_an_empty_database_migrate_it_once(
    chromium: Any, clinic: Deployment
) -> None:
    for replica in clinic.replicas:
        assert replica.is_running()
    _open_both_at_once(chromium, clinic)
    log = clinic.cluster.server_log()
    assert log.count("CREATE TABLE profiles") == 1, log
    assert "ERROR:" not in log, log
    engine = db.make_engine(clinic.database_url)
    assert db.current_revision(engine) == db.head_revision()
    engine.dispose()


def test_replicas_restarted_at_once_on_a_schema_one_behind_upgrade_it_once(
    chromium: Any, clinic: Deployment
) -> None:
    for replica in clinic.replicas:
        replica.stop()
    # Meanwhile the proxy says in plain words what is going on, and tries again.
    waiting = clinic.fetch("/", "visitor-while-stopped")
    assert waiting.status == 503
    assert waiting.headers["Retry-After"] == "5"
    assert waiting.headers["Cache-Control"] == "no-store"
    assert "max-age=63072000" in waiting.headers["Strict-Transport-Security"]
    assert b"<title>dermadash is starting</title>" in waiting.body
    assert b'http-equiv="refresh" content="5"' in waiting.body
    engine = db.make_engine(clinic.database_url)
    db.downgrade(engine, "-1")
    behind = db.current_revision(engine)
    assert behind != db.head_revision()
    log_before = len(clinic.cluster.server_log())
    start_together(clinic.replicas)
    clinic.wait_until_proxied()
    _open_both_at_once(chromium, clinic)
    log = clinic.cluster.server_log()[log_before:]
    upgrades = re.findall(r"UPDATE alembic_version SET version_num='(\w+)'", log)
    assert upgrades == [db.head_revision()], log
    assert "ERROR:" not in log, log
    assert db.current_revision(engine) == db.head_revision()
    engine.dispose()


# --- People, through the proxy ----------------------------------------------------------


def _profiles(clinic: Deployment) -> dict[str, tuple[int, list[str]]]:
    """Each profile's identity, with its id and its sessions' notes."""
    engine = db.make_engine(clinic.database_url)
    try:
        with db.reading(engine) as session:
            rows = session.execute(
                select(Profile.owner_identity, Profile.id, RollingSession.notes).outerjoin(
                    RollingSession, RollingSession.profile_id == Profile.id
                )
            ).all()
    finally:
        engine.dispose()
    found: dict[str, tuple[int, list[str]]] = {}
    for identity, profile_id, note in rows:
        found.setdefault(str(identity), (int(profile_id), []))[1].extend([note] if note else [])
    return found


def test_plain_http_is_sent_to_https_and_each_browser_gets_a_replica_cookie(
    clinic: Deployment,
) -> None:
    plain = http.client.HTTPConnection("127.0.0.1", clinic.proxy.http_port, timeout=10)
    plain.request("GET", "/history")
    answer = plain.getresponse()
    assert answer.status == 301
    assert answer.getheader("Location", "").startswith("https://127.0.0.1")
    plain.close()
    request = urllib.request.Request(f"{clinic.proxy.url}/")
    with urllib.request.urlopen(request, timeout=10, context=unverified_tls()) as page:
        cookie = page.headers.get("Set-Cookie", "")
        assert cookie.startswith(f"{AFFINITY_COOKIE}=")
        assert "Secure" in cookie
        assert "HttpOnly" in cookie
        # Only the share view must never be stored.
        assert "no-store" not in ", ".join(page.headers.get_all("Cache-Control") or [])
        assert_security_headers({name.lower(): value for name, value in page.headers.items()})


def test_healthz_answers_through_the_proxy_for_each_replica(clinic: Deployment) -> None:
    for name in ("A", "B"):
        answer = clinic.fetch("/healthz", clinic.affinity_for(name))
        assert answer.replica == clinic.replica(name).address
        assert answer.status == 200
        assert json.loads(answer.body) == {
            "status": "ok",
            "database": "ok",
            "schema": db.head_revision(),
        }
        assert answer.headers["Referrer-Policy"] == "no-referrer"


def test_two_people_sign_in_and_each_sees_only_their_own_rows_on_either_replica(
    clinic: Deployment, people: dict[str, Visitor]
) -> None:
    alice, bob = people["alice"], people["bob"]
    alice.pin_to("A")
    bob.pin_to("B")
    for person in (alice, bob):
        person.sign_in()
        person.assert_no_error()
        person.fill_session(AREAS[person.name], NOTES[person.name])
        person.save_session()
        person.text("Session saved.")
        person.settle()
    alice.screenshot("alice-saved-on-A")

    for alice_on, bob_on in (("A", "B"), ("B", "A")):
        alice.pin_to(alice_on)
        bob.pin_to(bob_on)
        for person, other in ((alice, bob), (bob, alice)):
            person.page.goto(f"{clinic.proxy.url}/history")
            person.heading("History")
            person.text(NOTES[person.name])
            person.settle()
            shown = person.body()
            assert NOTES[other.name] not in shown, (alice_on, shown)
            assert "Sign out" in shown  # still signed in on the other replica
            person.assert_no_error()

    profiles = _profiles(clinic)
    issuer = clinic.issuer
    assert profiles[f"{issuer} user-alice"][1] == [NOTES["alice"]]
    assert profiles[f"{issuer} user-bob"][1] == [NOTES["bob"]]
    # Both replicas served a WebSocket (the page) through the proxy.
    streams = {
        line.rsplit(" ", 1)[-1]
        for line in clinic.proxy.access_lines()
        if '"GET /_stcore/stream" 101' in line
    }
    assert streams >= {replica.address for replica in clinic.replicas}


def test_a_link_shared_through_one_replica_opens_through_the_other_until_revoked(
    chromium: Any, clinic: Deployment, people: dict[str, Visitor]
) -> None:
    alice = people["alice"]
    alice.pin_to("A")
    alice.page.goto(f"{clinic.proxy.url}/share")
    alice.text("Share with your dermatologist")
    alice.page.get_by_label("Who is it for?").fill("Dr Rivera")
    alice.page.get_by_role("button", name="Create link").click()
    code = alice.page.locator('[data-testid="stCode"]').first
    code.wait_for(timeout=WAIT_MS)
    link = code.inner_text().strip()
    assert link.startswith(f"{clinic.proxy.url}/?share=")
    token = link.split("share=", 1)[1]

    viewer = Visitor(chromium, clinic, "dermatologist")
    try:
        viewer.pin_to("B")
        response = viewer.page.goto(link)
        assert response is not None
        headers = response.all_headers()
        assert_security_headers(headers)
        assert "no-store" in headers["cache-control"]  # the share view is never stored
        assert "noindex" in headers["x-robots-tag"]
        viewer.text("Read-only view shared with Dr Rivera")
        viewer.text("Sessions logged")
        viewer.assert_no_error()
        assert "Bob" not in viewer.body()
        viewer.screenshot("shared-on-B")

        alice.page.reload()
        alice.text("opened 1 time")
        alice.page.get_by_role("button", name="Revoke").click()
        alice.text("is revoked")

        # B's open page, at its next interaction (the viewer's period starts at "All").
        viewer.page.get_by_role("radiogroup", name="Period").get_by_text("Last 30 days").click()
        with screenshot_on_failure(viewer.page, "deployment-revoked-on-B"):
            viewer.text(share_links.NOT_VALID_MESSAGE)
        assert "Sessions logged" not in viewer.body()
    finally:
        viewer.close()
    # The token never reaches the proxy's access log.
    assert not [line for line in clinic.proxy.access_lines() if token in line]
    assert [line for line in clinic.proxy.access_lines() if '"GET /"' in line]


def test_a_page_whose_replica_stops_carries_on_signed_in_on_the_other(
    clinic: Deployment, people: dict[str, Visitor]
) -> None:
    alice = people["alice"]
    alice.pin_to("A")
    alice.page.goto(f"{clinic.proxy.url}/history")
    alice.heading("History")
    alice.text(NOTES["alice"])
    replica_a = clinic.replica("A")
    replica_a.stop()
    try:
        # The page's WebSocket drops; the browser reconnects, and the proxy sends it to B.
        alice.page.get_by_test_id("stSidebarNav").get_by_text("Home", exact=True).click()
        alice.heading("dermadash")
        alice.settle()
        alice.go("History", "History")
        alice.text(NOTES["alice"])
        shown = alice.body()
        assert NOTES["bob"] not in shown
        assert "Sign out" in shown
        alice.assert_no_error()
        assert clinic.served_by(clinic.affinity_for("A")) == clinic.replica("B").address
    finally:
        replica_a.start()
        replica_a.wait_until_up()
        clinic.wait_until_proxied()


# --- PostgreSQL restarts ------------------------------------------------------------


def test_a_database_restart_shows_a_plain_message_loses_nothing_and_recovers(
    clinic: Deployment, people: dict[str, Visitor]
) -> None:
    alice, bob = people["alice"], people["bob"]
    alice.pin_to("A")
    bob.pin_to("B")
    bob.page.goto(f"{clinic.proxy.url}/history")
    bob.text(NOTES["bob"])
    alice.page.goto(clinic.proxy.url)
    alice.heading("dermadash")
    alice.fill_session("Nose", "Logged while the database restarts")
    sessions_before = _count(clinic, RollingSession)

    clinic.cluster.stop()
    try:
        alice.save_session()  # submitted during the outage
        alice.text(db.UNREACHABLE_MESSAGE)
        bob.page.get_by_test_id("stSidebarNav").get_by_text("Home", exact=True).click()
        bob.text(db.UNREACHABLE_MESSAGE)
        for person in (alice, bob):
            assert "Session saved." not in person.body()
            person.assert_no_error()
        alice.screenshot("database-down")
        for name in ("A", "B"):
            down = clinic.fetch("/healthz", clinic.affinity_for(name))
            assert (down.replica, down.status) == (clinic.replica(name).address, 503)
            assert json.loads(down.body)["status"] == "unavailable"
    finally:
        clinic.cluster.start()

    # Both pages come back on their own: no click, no reload.
    alice.heading("Log a session")
    bob.heading("dermadash")
    for person in (alice, bob):
        person.settle()
        assert db.UNREACHABLE_MESSAGE not in person.body()
        person.assert_no_error()
    assert _count(clinic, RollingSession) == sessions_before  # refused whole, not half
    for name in ("A", "B"):
        assert clinic.fetch("/healthz", clinic.affinity_for(name)).status == 200

    # Saved again once the database is back: exactly one more session.
    alice.fill_session("Nose", "Logged after the database came back")
    alice.save_session()
    alice.text("Session saved.")
    assert _count(clinic, RollingSession) == sessions_before + 1
    bob.go("History", "History")
    bob.text(NOTES["bob"])
    assert "Logged after the database came back" not in bob.body()


# --- The password brake, across replicas ---------------------------------------------

OWNER_PASSWORD = "the clinic owner's long passphrase"
WAIT_PATTERN = re.compile(r"try again in (\d+) seconds")
BROWSER_ADDRESS = "127.0.0.1"  # what the proxy forwards for a browser on this machine


def _brake_row(clinic: Deployment) -> tuple[int, datetime | None]:
    """The browser address's counted failures and when it may try next, from the database."""
    engine = db.make_engine(clinic.database_url)
    try:
        with db.reading(engine) as session:
            row = session.get(SignInAttempts, password_brake.address_bucket(BROWSER_ADDRESS))
            return (0, None) if row is None else (row.failures, row.next_attempt_at)
    finally:
        engine.dispose()


def _wait_until_allowed(visitor: Visitor, clinic: Deployment) -> None:
    _, next_attempt = _brake_row(clinic)
    if next_attempt is not None:
        left = (next_attempt - datetime.now(UTC)).total_seconds()
        visitor.page.wait_for_timeout(max(0, left) * 1000 + 300)


def _submit_password(visitor: Visitor, password: str) -> None:
    visitor.page.get_by_label("Password", exact=True).fill(password)
    visitor.page.get_by_role("button", name="Sign in").click()


def test_the_password_brake_is_one_budget_for_both_replicas(
    chromium: Any, clinic: Deployment
) -> None:
    for replica in clinic.replicas:
        replica.stop()
        replica.environment = {
            **replica.environment,
            "DERMADASH_AUTH": "password",
            "DERMADASH_OWNER_PASSWORD_HASH": auth.hash_password(OWNER_PASSWORD),
        }
    start_together(clinic.replicas)
    clinic.wait_until_proxied()
    guesser, owner = Visitor(chromium, clinic, "guesser"), Visitor(chromium, clinic, "owner")
    try:
        guesser.pin_to("A")
        owner.pin_to("B")
        for visitor in (guesser, owner):
            visitor.page.goto(clinic.proxy.url)
            with screenshot_on_failure(visitor.page, f"deployment-password-{visitor.name}"):
                visitor.text("Sign in to see your dermarolling log")
        # Through A: the free tries and two more, each once the brake allows it, until
        # the wait has grown to a few seconds.
        for counted in range(1, password_brake.FREE_FAILURES + 3):
            _wait_until_allowed(guesser, clinic)
            _submit_password(guesser, f"wrong guess {counted}")
            for _ in range(WAIT_MS // 100):
                if _brake_row(clinic)[0] == counted:
                    break
                guesser.page.wait_for_timeout(100)
            assert _brake_row(clinic)[0] == counted
        guesser.text("That password is not right.")
        # Through B, the other replica, the same address is braked at once, its try not
        # even counted...
        _submit_password(owner, "one more wrong guess")
        owner.text("Too many wrong passwords from here")
        assert WAIT_PATTERN.search(owner.body())
        assert "not right" not in owner.body()
        assert _brake_row(clinic)[0] == password_brake.FREE_FAILURES + 2
        # ... and never locked out: once the wait is over, the right password opens.
        _wait_until_allowed(owner, clinic)
        _submit_password(owner, OWNER_PASSWORD)
        owner.page.get_by_role("button", name="Sign out").wait_for(timeout=WAIT_MS)
        owner.assert_no_error()
        assert _brake_row(clinic) == (0, None)  # a right password clears the address
    finally:
        guesser.close()
        owner.close()
