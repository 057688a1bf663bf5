"""Saving a form only once, however often Save is clicked."""

from __future__ import annotations

import uuid
from collections.abc import Callable, MutableMapping
from typing import TypeVar

T = TypeVar("T")


def new_form_token() -> str:
    """A fresh idempotency key for one rendering of a form."""
    return uuid.uuid4().hex


def save_once(saved: MutableMapping[str, T], token: str, save: Callable[[], T]) -> tuple[T, bool]:
    """Run ``save`` unless this form token was saved already.

    Returns what ``save`` returned (or returned the first time) and whether this call
    saved. A second click on Save sends the same form again: it finds its token and
    writes nothing. A failed save (it raises) records nothing, so it can be retried.
    """
    if token in saved:
        return saved[token], False
    result = save()
    saved[token] = result
    return result, True
