"""Security headers on every response the app sends, set by the app itself."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator

import pytest

from dermadash.server import headers
from tests.browser import running_app

EVERY = {name.lower(): value for name, value in headers.EVERY_RESPONSE.items()}
PRIVATE = {"cache-control": "no-store", "x-robots-tag": "noindex, nofollow"}


def _fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, _lower(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        return error.code, _lower(error.headers.items()), error.read()


def _lower(items: Iterable[tuple[str, str]]) -> dict[str, str]:
    return {name.lower(): value for name, value in items}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('headers') / 'live.db'}"
    with running_app(url) as base_url:
        yield base_url


def test_the_policy_says_what_the_issue_asks() -> None:
    assert EVERY["referrer-policy"] == "no-referrer"
    assert EVERY["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in EVERY["content-security-policy"]
    assert "camera=(self)" in EVERY["permissions-policy"]
    assert "microphone=()" in EVERY["permissions-policy"]


@pytest.mark.slow
def test_every_response_carries_the_headers(served: str) -> None:
    status, _, index = _fetch(f"{served}/")
    assert status == 200
    script = re.search(rb'src="\./(static/js/[^"]+\.js)"', index)
    assert script is not None
    paths = {
        "/": 200,
        "/history": 200,  # an owner page's address: the same index
        "/healthz": 200,
        "/_stcore/health": 200,
        f"/{script.group(1).decode()}": 200,  # a static file
        "/favicon.png": 200,
        "/media/0123456789abcdef.jpg": 404,
        "/shared-photos/1/1/00000000000000000000000000000000.jpg": 404,
        "/no-such-thing.txt": None,  # whatever Streamlit answers, with the headers
    }
    for path, expected in paths.items():
        status, got, _ = _fetch(f"{served}{path}")
        if expected is not None:
            assert status == expected, path
        for name, value in EVERY.items():
            assert got.get(name) == value, (path, name)


@pytest.mark.slow
@pytest.mark.parametrize(
    "path",
    [
        "/?share=abc",
        "/?share=",
        "/?embed=true&share=abc",
        "/media/0123456789abcdef.jpg",
        "/shared-photos/1/1/00000000000000000000000000000000.jpg",
    ],
)
def test_the_share_view_and_media_are_never_stored_nor_indexed(served: str, path: str) -> None:
    _, got, _ = _fetch(f"{served}{path}")
    for name, value in PRIVATE.items():
        assert got.get(name) == value, (path, name)


@pytest.mark.slow
def test_owner_pages_do_not_carry_the_share_only_headers(served: str) -> None:
    _, got, _ = _fetch(f"{served}/")
    assert "x-robots-tag" not in got
