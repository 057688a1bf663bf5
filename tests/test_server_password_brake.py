"""The password brake: per address, growing waits, a ceiling for everyone that slows but
never locks out, one atomic step, counts in the database (both databases)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select

from dermadash import auth
from dermadash.server import password_brake
from dermadash.server.client_address import (
    TrustedProxiesError,
    client_address,
    trusted_proxies,
)
from dermadash.server.password_brake import (
    EVERYONE_CEILING,
    EVERYONE_SPACING_SECONDS,
    FREE_FAILURES,
    delay_after,
    reserve,
    sign_in,
)
from dermadash.storage.models import SignInAttempts
from tests.conftest import PROJECT_ROOT

PASSWORD = "the owner's long passphrase"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
ATTACKER = "198.51.100.7"
OWNER = "203.0.113.20"


@pytest.fixture(scope="module")
def password_hash() -> str:
    return auth.hash_password(PASSWORD)


def _try(engine: Engine, address: str, password_hash: str, guess: str, now: datetime):
    return sign_in(engine, address, lambda: auth.verify_password(password_hash, guess), now)


def test_waits_grow_after_the_free_tries_and_stop_growing() -> None:
    assert [delay_after(n, crowded=False) for n in range(1, FREE_FAILURES)] == [0.0] * 4
    waits = [delay_after(n, crowded=False) for n in range(FREE_FAILURES, FREE_FAILURES + 12)]
    assert waits == sorted(waits)
    assert waits[0] < waits[1] < waits[2]
    assert max(waits) == password_brake.MAX_DELAY_SECONDS
    assert delay_after(1, crowded=True) == EVERYONE_SPACING_SECONDS


def test_wrong_passwords_from_one_address_do_not_stop_the_owner_at_another(
    engine: Engine, password_hash: str
) -> None:
    for _ in range(FREE_FAILURES):
        outcome = _try(engine, ATTACKER, password_hash, "a wrong guess here", NOW)
        assert outcome == password_brake.Outcome(signed_in=False)
    assert _try(engine, ATTACKER, password_hash, PASSWORD, NOW).wait_seconds > 0
    assert _try(engine, OWNER, password_hash, PASSWORD, NOW).signed_in


def test_the_wait_grows_with_each_failure_and_a_right_password_clears_it(
    engine: Engine, password_hash: str
) -> None:
    moment = NOW
    for _ in range(FREE_FAILURES):
        assert not _try(engine, OWNER, password_hash, "a typo in it", moment).wait_seconds
    waits = []
    for _ in range(3):
        wait = reserve(engine, OWNER, moment)
        assert wait > 0
        waits.append(wait)
        moment += timedelta(seconds=wait)
        assert not _try(engine, OWNER, password_hash, "another typo", moment).wait_seconds
    assert waits[0] < waits[1] < waits[2]
    moment += timedelta(seconds=reserve(engine, OWNER, moment))
    assert _try(engine, OWNER, password_hash, PASSWORD, moment).signed_in
    assert not _try(engine, OWNER, password_hash, "one more typo", moment).wait_seconds


def test_old_failures_are_forgotten(engine: Engine, password_hash: str) -> None:
    for _ in range(FREE_FAILURES):
        _try(engine, OWNER, password_hash, "a typo in it", NOW)
    assert reserve(engine, OWNER, NOW) > 0
    later = NOW + password_brake.WINDOW + timedelta(seconds=1)
    assert _try(engine, OWNER, password_hash, PASSWORD, later).signed_in


def test_a_crowd_of_addresses_slows_everyone_but_locks_no_one_out(
    engine: Engine, password_hash: str
) -> None:
    for number in range(EVERYONE_CEILING + 1):
        assert not reserve(engine, f"198.51.100.{number % 250}/{number}", NOW)
    # Past the ceiling each address gets a try, then waits the spacing (not longer):
    assert not reserve(engine, ATTACKER, NOW)
    assert reserve(engine, ATTACKER, NOW) == EVERYONE_SPACING_SECONDS
    assert _try(engine, OWNER, password_hash, PASSWORD, NOW).signed_in
    # Even an owner who mistyped waits only the spacing for the next try.
    assert not _try(engine, "192.0.2.1", password_hash, "a typo in it", NOW).signed_in
    then = NOW + timedelta(seconds=EVERYONE_SPACING_SECONDS)
    assert _try(engine, "192.0.2.1", password_hash, PASSWORD, then).signed_in


def test_the_database_keeps_no_address(engine: Engine) -> None:
    reserve(engine, ATTACKER, NOW)
    with engine.connect() as connection:
        buckets = connection.scalars(select(SignInAttempts.bucket)).all()
    assert sorted(buckets) == sorted(["everyone", password_brake.address_bucket(ATTACKER)])
    assert not any(ATTACKER in bucket for bucket in buckets)


@pytest.mark.slow
def test_forty_concurrent_guesses_reach_the_password_check_at_most_the_free_tries(
    engine: Engine, password_hash: str
) -> None:
    checks = 0
    counting = threading.Lock()
    start = threading.Barrier(40)

    def check() -> bool:
        nonlocal checks
        with counting:
            checks += 1
        return auth.verify_password(password_hash, "a concurrent guess")  # real argon2

    def guess() -> None:
        start.wait()
        sign_in(engine, ATTACKER, check, NOW)

    threads = [threading.Thread(target=guess) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert checks == FREE_FAILURES
    assert reserve(engine, ATTACKER, NOW) > 0


def _process_tries(url: str, address: str, count: int) -> list[int]:
    result = subprocess.run(
        [sys.executable, "-m", "tests.brake_worker", url, address, str(count)],
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout)


@pytest.mark.slow
def test_two_app_processes_on_one_database_share_the_budget(
    database_url: str, engine: Engine
) -> None:
    first = _process_tries(database_url, ATTACKER, 3)
    second = _process_tries(database_url, ATTACKER, 4)  # another process, or a restart
    assert first == [0, 0, 0]
    assert second[: FREE_FAILURES - 3] == [0, 0]
    assert all(wait > 0 for wait in second[FREE_FAILURES - 3 :])
    assert _process_tries(database_url, OWNER, 1) == [0]


@pytest.mark.parametrize(
    ("peer", "forwarded_for", "trusted", "counted_as"),
    [
        (ATTACKER, None, "", ATTACKER),
        (ATTACKER, "10.1.2.3", "", ATTACKER),  # no trusted proxy: the header means nothing
        (ATTACKER, "10.1.2.3", "127.0.0.1", ATTACKER),  # not from the trusted proxy
        ("127.0.0.1", "10.1.2.3", "127.0.0.1", "10.1.2.3"),
        ("10.0.0.5", "6.6.6.6, 10.1.2.3", "10.0.0.0/8", "10.1.2.3"),  # the last hop only
        ("127.0.0.1", "not an address", "127.0.0.1", "127.0.0.1"),
    ],
)
def test_the_client_address(
    peer: str, forwarded_for: str | None, trusted: str, counted_as: str
) -> None:
    networks = trusted_proxies({"DERMADASH_TRUSTED_PROXIES": trusted})
    assert client_address(peer, forwarded_for, networks) == counted_as


def test_a_wrong_trusted_proxy_setting_is_explained() -> None:
    with pytest.raises(TrustedProxiesError, match="not an address or a network"):
        trusted_proxies({"DERMADASH_TRUSTED_PROXIES": "127.0.0.1, nginx"})
