"""The spreadsheet (CSV) format shared by import and export.

Column names are a public interface (the README, "Import, backup and export"), defined with the
schema in ``dermadash.columns`` (``SPREADSHEET_*``). Export writes exactly those columns,
plus three optional ones (``mask_applied``, ``peeling``, ``check_in_notes``) that make an
export → import round trip lossless.

Formula injection: a spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or
``@`` as a formula (and a leading tab or carriage return can hide one). Export puts an
apostrophe in front of such text; import takes exactly that apostrophe away again.
"""

from __future__ import annotations

import re

AREA_SEPARATOR = ";"
TRUE_WORDS = frozenset({"yes", "true", "1", "y"})
FALSE_WORDS = frozenset({"no", "false", "0", "n"})

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


def _looks_like_formula(text: str) -> bool:
    """Text a spreadsheet could run: a formula start that is not simply a number."""
    return text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text)


def guard_cell(text: str) -> str:
    """Text made safe for a spreadsheet: one apostrophe in front of anything formula-like.

    Leading apostrophes are looked through, so text that already starts with one
    (``'=x``) gets another and comes back unchanged from :func:`unguard_cell`.
    """
    if _looks_like_formula(text.lstrip("'")):
        return "'" + text
    return text


def unguard_cell(text: str) -> str:
    """The inverse of :func:`guard_cell`: drop the apostrophe it added."""
    if text.startswith("'") and _looks_like_formula(text.lstrip("'")):
        return text[1:]
    return text


def format_number(value: float | int) -> str:
    """A number exactly as stored, without a needless '.0' (6.0 → '6', 0.25 → '0.25')."""
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, int):
        return str(value)
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def format_flag(value: bool | None) -> str:
    if value is None:
        return ""
    return "yes" if value else "no"
