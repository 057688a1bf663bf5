"""The sign-in decisions of ``dermadash.auth`` (pure: no Streamlit, no database)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dermadash import auth
from dermadash.auth import AuthMode


@pytest.mark.parametrize(
    ("value", "mode"),
    [
        (None, AuthMode.NONE),
        ("", AuthMode.NONE),
        ("none", AuthMode.NONE),
        ("Password", AuthMode.PASSWORD),
        (" oidc ", AuthMode.OIDC),
    ],
)
def test_mode_from_the_environment(value: str | None, mode: AuthMode) -> None:
    environ = {} if value is None else {auth.AUTH_VARIABLE: value}
    assert auth.configured_mode(environ) is mode


def test_an_unknown_mode_is_refused_plainly() -> None:
    with pytest.raises(auth.AuthConfigError, match="must be one of: none, password, oidc"):
        auth.configured_mode({auth.AUTH_VARIABLE: "ldap"})


def test_password_hash_round_trip(tmp_path: Path) -> None:
    password_hash = auth.hash_password("a long passphrase")
    assert password_hash.startswith("$argon2id$")
    assert auth.hash_password("a long passphrase") != password_hash  # salted
    assert auth.verify_password(password_hash, "a long passphrase")
    for wrong in ("a long passphrasE", "", "x" * 5000):
        assert not auth.verify_password(password_hash, wrong)
    assert not auth.verify_password("not a hash", "a long passphrase")

    target = tmp_path / "owner.argon2"
    environ = {auth.PASSWORD_FILE_VARIABLE: str(target)}
    assert auth.stored_password_hash(environ) is None
    auth.save_password_hash(password_hash, target)
    assert auth.stored_password_hash(environ) == password_hash
    from_env = {**environ, auth.PASSWORD_HASH_VARIABLE: "$argon2id$other"}
    assert auth.stored_password_hash(from_env) == "$argon2id$other"


def test_too_short_password_is_refused() -> None:
    with pytest.raises(auth.AuthConfigError, match="at least 10 characters"):
        auth.hash_password("123456789")


@pytest.mark.parametrize(
    ("user", "identity", "name"),
    [
        ({"email": "test@example.com"}, None, None),
        ({"is_logged_in": False, "email": "a@example.com"}, None, None),
        ({"is_logged_in": True}, None, None),
        (
            {"is_logged_in": True, "sub": "123", "iss": "https://accounts.google.com",
             "email": "sam@example.com", "name": "Sam"},
            "https://accounts.google.com 123", "Sam",
        ),
        ({"is_logged_in": True, "sub": "123", "email": "a@x.org"}, "123", "a@x.org"),
        ({"is_logged_in": True, "email": "A@X.org"}, "email a@x.org", "A@X.org"),
    ],
)  # fmt: skip
def test_who_is_signed_in(user: dict[str, object], identity: str | None, name: str | None) -> None:
    person = auth.person_from_user_info(user)
    if identity is None:
        assert person is None
    else:
        assert person == auth.SignedInPerson(identity=identity, name=name or "")


def test_overlong_identity_is_digested() -> None:
    person = auth.person_from_user_info({"is_logged_in": True, "sub": "x" * 400})
    assert person is not None
    assert person.identity.startswith("sha256 ")
    assert len(person.identity) <= auth.IDENTITY_MAX_CHARS
