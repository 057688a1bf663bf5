"""Reading a large JSON document one piece at a time, in bounded memory.

``json.loads`` of a whole backup builds every object at once (13 times the file's size
for a backup of share-link views). Here a regular expression walks the bytes and hands
out the *spans* of an object's members or an array's elements, so a caller decodes
one record at a time with ``json.loads`` and keeps only what it needs. The walk tracks
how deeply each piece nests, so a hostile file is refused before anything decodes it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

# A string (escapes included), one structural character, a run of anything else (a
# number, true, false, null or garbage), or an unterminated quote. Every non-blank
# byte belongs to exactly one token, so nothing is skipped unseen.
_TOKEN = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}:,]|[^\s"\[\]{}:,]+|"', re.DOTALL)
_OPEN = frozenset(b"[{")
_CLOSE = frozenset(b"]}")
_QUOTE = ord('"')
_COMMA = ord(",")
_COLON = ord(":")


class JsonShapeError(ValueError):
    """The bytes are not well-formed JSON of the expected shape."""


@dataclass(frozen=True)
class Span:
    """Where one JSON value lies in the document: ``data[start:end]``."""

    start: int
    end: int


@dataclass(frozen=True)
class Piece:
    """One member of an object (``key`` set) or element of an array, not yet decoded.

    ``depth`` is how many containers nest inside it: 0 for a number, 1 for ``{"a": 1}``.
    """

    key: str | None
    span: Span
    depth: int


def _refuse_constant(name: str) -> Any:
    raise JsonShapeError(f"{name} is not a JSON number")


def decode(data: bytes, span: Span) -> Any:
    """The value in ``span``; JsonShapeError when it is not strict JSON."""
    try:
        return json.loads(data[span.start : span.end], parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as error:
        raise JsonShapeError(str(error)) from error


def whole(data: bytes) -> Span:
    return Span(0, len(data))


def members(data: bytes, span: Span) -> Iterator[Piece]:
    """The members of the object in ``span``, in file order."""
    return _pieces(data, span, is_object=True)


def elements(data: bytes, span: Span) -> Iterator[Piece]:
    """The elements of the array in ``span``, in file order."""
    return _pieces(data, span, is_object=False)


def _pieces(data: bytes, span: Span, *, is_object: bool) -> Iterator[Piece]:
    tokens = _TOKEN.finditer(data, span.start, span.end)
    opener = next(tokens, None)
    if opener is None or data[opener.start()] != (ord("{") if is_object else ord("[")):
        raise JsonShapeError("expected an object" if is_object else "expected an array")
    depth = 1
    start = opener.end()
    key: str | None = None
    awaiting_key = is_object
    has_value = False
    deepest = 0
    after_comma = False
    closer = ord("}") if is_object else ord("]")
    for match in tokens:
        first = data[match.start()]
        if depth == 1 and awaiting_key:
            if first == closer and not after_comma:
                depth = 0  # an empty object
                closed_at = match.end()
                break
            if first != _QUOTE or match.end() - match.start() < 2:
                raise JsonShapeError("expected a member name")
            key = json.loads(match.group())
            colon = next(tokens, None)
            if colon is None or data[colon.start()] != _COLON:
                raise JsonShapeError(f"expected ':' after {key!r}")
            start = colon.end()
            awaiting_key = False
            continue
        if first in _OPEN:
            depth += 1
            deepest = max(deepest, depth - 1)
            has_value = True
        elif first in _CLOSE:
            depth -= 1
            if depth == 0:
                if first != closer:
                    raise JsonShapeError("brackets do not match")
                if has_value or key is not None or after_comma:
                    yield _piece(key, start, match.start(), has_value, deepest)
                closed_at = match.end()
                break
        elif depth == 1 and first == _COMMA:
            yield _piece(key, start, match.start(), has_value, deepest)
            start, key, has_value, deepest = match.end(), None, False, 0
            awaiting_key = is_object
            after_comma = True
        elif first == _QUOTE and match.end() - match.start() < 2:
            raise JsonShapeError("a text value is not closed")
        elif depth == 1 and first == _COLON:
            raise JsonShapeError("unexpected ':'")
        else:
            has_value = True
    else:
        raise JsonShapeError("the document ends too early")
    if data[closed_at : span.end].strip():
        raise JsonShapeError("text after the end of the document")


def _piece(key: str | None, start: int, end: int, has_value: bool, deepest: int) -> Piece:
    if not has_value:
        raise JsonShapeError("a value is missing")
    return Piece(key, Span(start, end), deepest)
