"""The deployment test's OpenID Connect provider refuses what a real one refuses.

Otherwise a sign-in that "works" in the deployment test could be one that a clinic's
provider would reject.
"""

from __future__ import annotations

import base64
import json
import secrets
import urllib.error
import urllib.request
from collections.abc import Iterator
from email.message import Message
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from tests.deployment import OidcClient, oidc_provider
from tests.oidc_provider import s256

CLIENT = OidcClient("the-client", "the secret", "https://127.0.0.1:9/oauth2callback")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def _call(
    url: str, form: dict[str, str] | None = None, secret: str = CLIENT.client_secret
) -> tuple[int, Message, bytes]:
    data = urlencode(form).encode() if form is not None else None
    basic = base64.b64encode(f"{CLIENT.client_id}:{secret}".encode()).decode()
    request = urllib.request.Request(url, data=data, headers={"Authorization": f"Basic {basic}"})
    try:
        with OPENER.open(request, timeout=10) as answer:
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.headers, refused.read()


@pytest.fixture(scope="module")
def issuer() -> Iterator[str]:
    with oidc_provider(CLIENT) as url:
        yield url


def _code(issuer: str, verifier: str, nonce: str = "n-1", username: str = "alice") -> str:
    form = {
        "client_id": CLIENT.client_id,
        "redirect_uri": CLIENT.redirect_uri,
        "scope": "openid email profile",
        "state": "s-1",
        "nonce": nonce,
        "code_challenge": s256(verifier),
        "username": username,
    }
    status, headers, _ = _call(f"{issuer}/authorize", form)
    assert status == 302
    location = urlsplit(headers["Location"])
    assert location.geturl().startswith(CLIENT.redirect_uri)
    query = parse_qs(location.query)
    assert query["state"] == ["s-1"]
    return query["code"][0]


def _exchange(
    issuer: str, code: str, verifier: str, secret: str = CLIENT.client_secret
) -> tuple[int, Message, bytes]:
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": CLIENT.redirect_uri,
        "code_verifier": verifier,
    }
    return _call(f"{issuer}/token", form, secret)


def test_a_code_gives_one_signed_id_token_for_that_person(issuer: str) -> None:
    verifier = secrets.token_urlsafe(32)
    status, _, body = _exchange(issuer, _code(issuer, verifier), verifier)
    assert status == 200
    _, _, keys = _call(f"{issuer}/jwks")
    token = jwt.decode(json.loads(body)["id_token"], KeySet.import_key_set(json.loads(keys)))
    claims = token.claims
    assert (claims["iss"], claims["aud"], claims["sub"]) == (issuer, CLIENT.client_id, "user-alice")
    assert claims["nonce"] == "n-1"


def test_the_provider_refuses_what_a_real_one_refuses(issuer: str) -> None:
    verifier = secrets.token_urlsafe(32)
    foreign = f"{issuer}/authorize?" + urlencode(
        {"client_id": CLIENT.client_id, "redirect_uri": "https://evil.test/cb", "scope": "openid"}
    )
    assert _call(foreign)[0] == 400
    code = _code(issuer, verifier)
    assert _exchange(issuer, code, verifier, secret="not the secret")[0] == 401
    assert _exchange(issuer, code, "another verifier")[0] == 400  # PKCE
    code = _code(issuer, verifier)
    assert _exchange(issuer, code, verifier)[0] == 200
    assert _exchange(issuer, code, verifier)[0] == 400  # a code works once
