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
_STRING = rb'"[^"\\]*(?:\\.[^"\\]*)*"'
_FLAT_BODY = rb'[^"\[\]{}]*(?:' + _STRING + rb'[^"\[\]{}]*)*'
_FLAT = rb"\{" + _FLAT_BODY + rb"\}|\[" + _FLAT_BODY + rb"\]"
# Everything up to the next bracket that is not in a string or in a container with no
# container inside (a share-link view, a list of areas): those are skipped whole.
_SKIP = re.compile(rb"(?>[^\"\[\]{}]++|" + _STRING + rb"|" + _FLAT + rb")*+", re.DOTALL)
# One element of an array that holds no container, and the comma after it, if any.
_FLAT_ELEMENT = re.compile(rb"\s*(" + _FLAT + rb")\s*(,)?", re.DOTALL)
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


_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)


def decode(data: bytes, span: Span) -> Any:
    """The value in ``span``; JsonShapeError when it is not strict JSON."""
    try:
        # surrogatepass: a surrogate written as UTF-8 bytes reaches the text checks,
        # which name the field it is in.
        return _DECODER.decode(data[span.start : span.end].decode("utf-8", "surrogatepass"))
    except UnicodeDecodeError as error:
        raise JsonShapeError("holds bytes that are not UTF-8 text") from error
    except (ValueError, RecursionError) as error:
        raise JsonShapeError(str(error)) from error


def decode_run(data: bytes, pieces: list[Piece]) -> list[Any]:
    """Consecutive elements of one array, decoded together (much faster than one by one)."""
    text = data[pieces[0].span.start : pieces[-1].span.end].decode("utf-8", "surrogatepass")
    try:
        return list(_DECODER.decode(f"[{text}]"))
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
    opener = _TOKEN.search(data, span.start, span.end)
    if opener is None or data[opener.start()] != (ord("{") if is_object else ord("[")):
        raise JsonShapeError("expected an object" if is_object else "expected an array")
    closer = ord("}") if is_object else ord("]")
    depth = 1
    pos = start = opener.end()
    key: str | None = None
    awaiting_key = is_object
    has_value = after_comma = False
    deepest = 0
    while True:
        if depth > 1:
            # Inside a member: only brackets matter; skip the rest (strings too) at once.
            skipped = _SKIP.match(data, pos, span.end).end()  # type: ignore[union-attr]  # `*+` matches empty text
            if skipped >= span.end:
                raise JsonShapeError("the document ends too early")
            if deepest < depth and _holds_container(data, pos, skipped):
                deepest = depth  # a container skipped whole nests one level further
            pos = skipped
            first = data[pos]
            if first == _QUOTE:
                raise JsonShapeError("a text value is not closed")
            depth += 1 if first in _OPEN else -1
            if depth - 1 > deepest:
                deepest = depth - 1
            pos += 1
            continue
        if not is_object and not has_value:
            flat = _FLAT_ELEMENT.match(data, pos, span.end)
            if flat is not None:  # the common case, read in one step
                yield Piece(None, Span(flat.start(1), flat.end(1)), 1)
                pos = start = flat.end()
                after_comma = flat.group(2) is not None
                if not after_comma:
                    has_value = False
                    key = None
                    closing = _TOKEN.search(data, pos, span.end)
                    if closing is None or data[closing.start()] != closer:
                        raise JsonShapeError("expected ',' or the end of the list")
                    pos = closing.end()
                    break
                continue
        match = _TOKEN.search(data, pos, span.end)
        if match is None:
            raise JsonShapeError("the document ends too early")
        pos = match.end()
        first = data[match.start()]
        if awaiting_key:
            if first == closer and not after_comma:
                break  # an empty object
            if first != _QUOTE or pos - match.start() < 2:
                raise JsonShapeError("expected a member name")
            key = json.loads(match.group())
            colon = _TOKEN.search(data, pos, span.end)
            if colon is None or data[colon.start()] != _COLON:
                raise JsonShapeError(f"expected ':' after {key!r}")
            pos = start = colon.end()
            awaiting_key = False
        elif first in _OPEN:
            depth += 1
            deepest = max(deepest, 1)
            has_value = True
        elif first in _CLOSE:
            if first != closer:
                raise JsonShapeError("brackets do not match")
            if has_value or key is not None or after_comma:
                yield _piece(key, start, match.start(), has_value, deepest)
            break
        elif first == _COMMA:
            yield _piece(key, start, match.start(), has_value, deepest)
            start, key, has_value, deepest = pos, None, False, 0
            awaiting_key = is_object
            after_comma = True
        elif first == _QUOTE and pos - match.start() < 2:
            raise JsonShapeError("a text value is not closed")
        elif first == _COLON:
            raise JsonShapeError("unexpected ':'")
        else:
            has_value = True
    if data[pos : span.end].strip():
        raise JsonShapeError("text after the end of the document")


def _holds_container(data: bytes, start: int, end: int) -> bool:
    return data.find(b"{", start, end) != -1 or data.find(b"[", start, end) != -1


def _piece(key: str | None, start: int, end: int, has_value: bool, deepest: int) -> Piece:
    if not has_value:
        raise JsonShapeError("a value is missing")
    return Piece(key, Span(start, end), deepest)
