"""A small OpenID Connect provider for the deployment test, over plain HTTP on loopback.

Run as ``python -m tests.oidc_provider CLIENT_ID CLIENT_SECRET REDIRECT_URI``; it binds
127.0.0.1 on a free port and prints its issuer URL on the first line of its output.

It does what a real provider does for the authorization-code flow that Streamlit's
``st.login`` (Authlib) runs: discovery, a sign-in page where a person types their user
name, one-use codes bound to the client, its redirect URI, the nonce and the PKCE
challenge, ID tokens signed with RS256 under a published key set, and a userinfo
endpoint. Anything else (a wrong secret, a reused code, a foreign redirect URI) is
refused with the OAuth error a real provider would send. Test use only: anyone may
sign in as anyone by typing their name.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import secrets
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey

TOKEN_SECONDS = 3600
KEY_ID = "deployment-test"


@dataclass(frozen=True)
class Grant:
    """What a code stands for until it is exchanged, once."""

    username: str
    redirect_uri: str
    nonce: str | None
    code_challenge: str | None


def claims_for(username: str, issuer: str) -> dict[str, Any]:
    """The identity claims of a user name (its subject is stable per name)."""
    return {
        "iss": issuer,
        "sub": f"user-{username}",
        "name": username.title(),
        "email": f"{username}@clinic.test",
        "email_verified": True,
    }


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class Provider:
    """The provider's state: its key, the registered client, codes and access tokens."""

    def __init__(self, client_id: str, client_secret: str, redirect_uri: str) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.redirect_uri = redirect_uri
        self.key = RSAKey.generate_key(2048, parameters={"kid": KEY_ID, "use": "sig"})
        self.issuer = ""
        self.grants: dict[str, Grant] = {}
        self.access_tokens: dict[str, str] = {}
        self.lock = threading.Lock()

    def metadata(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "grant_types_supported": ["authorization_code"],
        }

    def issue_code(self, grant: Grant) -> str:
        code = secrets.token_urlsafe(24)
        with self.lock:
            self.grants[code] = grant
        return code

    def redeem(self, code: str, redirect_uri: str, verifier: str | None) -> dict[str, Any] | None:
        """The token response for a code, or None when the exchange must be refused."""
        with self.lock:
            grant = self.grants.pop(code, None)  # a code works once
        if grant is None or grant.redirect_uri != redirect_uri:
            return None
        if grant.code_challenge is not None and (
            verifier is None or s256(verifier) != grant.code_challenge
        ):
            return None
        now = int(time.time())
        claims = {
            **claims_for(grant.username, self.issuer),
            "aud": self.client_id,
            "iat": now,
            "exp": now + TOKEN_SECONDS,
        }
        if grant.nonce:
            claims["nonce"] = grant.nonce
        id_token = jwt.encode({"alg": "RS256", "kid": KEY_ID}, claims, self.key)
        access_token = secrets.token_urlsafe(24)
        with self.lock:
            self.access_tokens[access_token] = grant.username
        return {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": TOKEN_SECONDS,
            "id_token": id_token,
            "scope": "openid email profile",
        }


SIGN_IN_PAGE = """<!doctype html>
<html><head><title>Clinic sign-in</title></head><body>
<h1>Clinic sign-in</h1>
<form method="post" action="/authorize">
{hidden}
<label>User name <input name="username" autocomplete="username" required></label>
<button type="submit">Continue</button>
</form></body></html>
"""
AUTHORIZE_FIELDS = ("client_id", "redirect_uri", "state", "nonce", "code_challenge", "scope")


class Handler(BaseHTTPRequestHandler):
    provider: Provider

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test reads nothing from here."""

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, payload: dict[str, Any]) -> None:
        self._send(status, json.dumps(payload).encode(), "application/json")

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _form(self) -> dict[str, str]:
        length = int(self.headers.get("Content-Length") or 0)
        fields = parse_qs(self.rfile.read(length).decode(), keep_blank_values=True)
        return {name: values[0] for name, values in fields.items()}

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = {name: values[0] for name, values in parse_qs(url.query).items()}
        provider = self.provider
        if url.path == "/.well-known/openid-configuration":
            self._json(200, provider.metadata())
        elif url.path == "/jwks":
            self._json(200, {"keys": [provider.key.as_dict(private=False)]})
        elif url.path == "/authorize":
            problem = self._authorize_problem(query)
            if problem:
                self._send(400, problem.encode(), "text/plain; charset=utf-8")
                return
            hidden = "\n".join(
                f'<input type="hidden" name="{name}" value="{html.escape(query[name])}">'
                for name in AUTHORIZE_FIELDS
                if name in query
            )
            self._send(200, SIGN_IN_PAGE.format(hidden=hidden).encode(), "text/html")
        elif url.path == "/userinfo":
            token = self.headers.get("Authorization", "").removeprefix("Bearer ").strip()
            username = provider.access_tokens.get(token)
            if username is None:
                self._json(401, {"error": "invalid_token"})
            else:
                self._json(200, claims_for(username, provider.issuer))
        else:
            self._send(404, b"not found", "text/plain")

    def _authorize_problem(self, query: dict[str, str]) -> str | None:
        if query.get("client_id") != self.provider.client_id:
            return "unknown client"
        if query.get("redirect_uri") != self.provider.redirect_uri:
            return "redirect_uri is not registered for this client"
        if query.get("response_type", "code") != "code":
            return "only the authorization-code flow is supported"
        if "openid" not in query.get("scope", "").split():
            return "the openid scope is required"
        return None

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        form = self._form()
        if url.path == "/authorize":
            self._sign_in(form)
        elif url.path == "/token":
            self._token(form)
        else:
            self._send(404, b"not found", "text/plain")

    def _sign_in(self, form: dict[str, str]) -> None:
        problem = self._authorize_problem({**form, "response_type": "code"})
        username = form.get("username", "").strip().lower()
        if problem or not username.isalnum():
            self._send(400, (problem or "type a user name").encode(), "text/plain")
            return
        code = self.provider.issue_code(
            Grant(
                username=username,
                redirect_uri=form["redirect_uri"],
                nonce=form.get("nonce"),
                code_challenge=form.get("code_challenge"),
            )
        )
        answer = {"code": code, **({"state": form["state"]} if "state" in form else {})}
        self._redirect(f"{form['redirect_uri']}?{urlencode(answer)}")

    def _client_authenticated(self, form: dict[str, str]) -> bool:
        provider = self.provider
        basic = self.headers.get("Authorization", "")
        if basic.startswith("Basic "):
            decoded = base64.b64decode(basic.removeprefix("Basic ")).decode()
            client_id, _, client_secret = decoded.partition(":")
        else:
            client_id, client_secret = form.get("client_id", ""), form.get("client_secret", "")
        return secrets.compare_digest(
            client_id.encode(), provider.client_id.encode()
        ) and secrets.compare_digest(client_secret.encode(), provider.client_secret.encode())

    def _token(self, form: dict[str, str]) -> None:
        if not self._client_authenticated(form):
            self._json(401, {"error": "invalid_client"})
            return
        if form.get("grant_type") != "authorization_code":
            self._json(400, {"error": "unsupported_grant_type"})
            return
        answer = self.provider.redeem(
            form.get("code", ""), form.get("redirect_uri", ""), form.get("code_verifier")
        )
        if answer is None:
            self._json(400, {"error": "invalid_grant"})
        else:
            self._json(200, answer)


def serve(client_id: str, client_secret: str, redirect_uri: str) -> None:
    provider = Provider(client_id, client_secret, redirect_uri)
    handler = type("BoundHandler", (Handler,), {"provider": provider})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    provider.issuer = f"http://127.0.0.1:{server.server_address[1]}"
    print(provider.issuer, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    serve(*sys.argv[1:4])
