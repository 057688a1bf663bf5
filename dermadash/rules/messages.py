"""Flag messages and advice: the protocol's templates filled with each flag's values.

A template is filled once per distinct combination of the values it names, not once
per flag, so a million flags with a few hundred distinct texts cost a few hundred
``str.format`` calls.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dermadash.formatting import format_number
from dermadash.rules.protocol import Protocol


def field_names(template: str) -> list[str]:
    """The names a template fills, e.g. ``["area", "days"]``."""
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


@dataclass(frozen=True)
class Field:
    """A value that differs between flags: the arrays that decide its text, and how to
    write the text for one position. Texts are written once per distinct value."""

    keys: tuple[np.ndarray, ...]
    text: Callable[[int], str]


FlagValues = Mapping[str, str | Field]
"""What fills a rule's message and advice: constants, or fields that vary per flag."""


def render(template: str, index: np.ndarray, values: FlagValues) -> np.ndarray:
    """Fill ``template`` for the flags at ``index`` (positions in the fields' arrays)."""
    used = {name: values[name] for name in field_names(template)}
    constants = {name: value for name, value in used.items() if isinstance(value, str)}
    fields = {name: value for name, value in used.items() if isinstance(value, Field)}
    if not fields:
        return np.full(len(index), template.format(**constants), dtype=object)
    code = np.zeros(len(index), dtype="int64")
    for field in fields.values():
        for key in field.keys:
            codes, uniques = pd.factorize(key[index], use_na_sentinel=True)
            code = code * (len(uniques) + 1) + (codes + 1)
    _, first, inverse = np.unique(code, return_index=True, return_inverse=True)
    texts = [
        template.format(
            **constants, **{name: field.text(int(index[i])) for name, field in fields.items()}
        )
        for i in first
    ]
    return np.array(texts, dtype=object)[inverse.reshape(-1)]


def number_field(values: np.ndarray) -> Field:
    """Numbers written as the app writes them (``0.5``, ``24``)."""
    return Field((values,), lambda position: format_number(float(values[position])))


def basis_texts(protocol: Protocol) -> tuple[str, str, str]:
    """Why the minimum interval is what it is: short needles, a longer one, prescribed."""
    short = format_number(protocol.value("too-frequent.short_needle_max_mm"))
    return (
        f"for needles up to {short} mm",
        f"when a needle longer than {short} mm is used",
        "prescribed by your dermatologist",
    )
