"""Matching a spreadsheet's header to dermadash's column names.

Names match whatever their case and spacing ("Needle mm" is ``needle_mm``). A name
that is not known but is one typo or a British spelling away from a known column is
refused, with the column it probably means: silently ignoring ``sterilised_before``
would leave the sterilisation rule blind for every session in the file.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

_SEPARATORS = re.compile(r"[\s\-]+")
# British "-ise"/"-isation"/"-our" endings, written the American way the columns use.
_BRITISH_ENDINGS = (
    (re.compile(r"is(e|ed|es|ing|ation)(?=_|$)"), r"iz\1"),
    (re.compile(r"our(?=_|$)"), "or"),
)
MAX_COLUMNS = 500
MAX_NAME_CHARS = 64  # far longer than any known name: enough to tell a column
# Edits allowed for a near miss: one for short names, two from this length on.
LONG_NAME_CHARS = 8


def header_name(raw: str) -> str:
    """A header cell as a column name: lower case, spaces and hyphens as underscores."""
    return _SEPARATORS.sub("_", raw.replace("\ufeff", "").strip().lower())


def american_spelling(name: str) -> str:
    for pattern, replacement in _BRITISH_ENDINGS:
        name = pattern.sub(replacement, name)
    return name


def edit_distance_at_most(first: str, second: str, limit: int) -> bool:
    """Whether ``first`` becomes ``second`` in at most ``limit`` single-letter edits."""
    if abs(len(first) - len(second)) > limit:
        return False
    previous = list(range(len(second) + 1))
    for row, letter in enumerate(first, start=1):
        current = [row]
        for column, other in enumerate(second, start=1):
            current.append(
                min(previous[column] + 1, current[-1] + 1, previous[column - 1] + (letter != other))
            )
        if min(current) > limit:
            return False
        previous = current
    return previous[-1] <= limit


def near_miss(name: str, known: Sequence[str]) -> str | None:
    """The known column ``name`` was probably meant to be, or None when it is unrelated."""
    american = american_spelling(name)
    if american in known:
        return american
    limit = 2 if len(name) >= LONG_NAME_CHARS else 1
    for candidate in known:
        if len(candidate) >= 4 and edit_distance_at_most(american, candidate, limit):
            return candidate
    return None


def duplicate_names(header: Iterable[str]) -> list[str]:
    """Names that appear more than once (counted in one pass)."""
    counts = Counter(name for name in header if name)
    return sorted(name for name, count in counts.items() if count > 1)


def misspelt_columns(header: Sequence[str], known: Sequence[str]) -> list[tuple[str, str]]:
    """(written, meant) for each unknown name that is a near miss of an absent column."""
    present = set(header)
    found = []
    for name in header:
        if not name or name in known:
            continue
        meant = near_miss(name, known)
        if meant is not None and meant not in present:
            found.append((name, meant))
    return found
