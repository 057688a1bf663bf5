"""The flags one rule found at one severity, with their texts rendered."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dermadash.rules.messages import FlagValues, render
from dermadash.rules.protocol import RuleSpec
from dermadash.rules.session_inputs import NO_SESSION, Sessions


@dataclass
class Found:
    """Flags of one rule and one severity, before they are put in one frame.

    A flag about a session names its areas (``session_rows``); a flag about one area
    of a session names that area (``area``); a profile flag names neither.
    """

    spec: RuleSpec
    severity: str
    day: np.ndarray
    session: np.ndarray
    message: np.ndarray
    advice: np.ndarray
    session_rows: np.ndarray | None = None
    area: np.ndarray | None = None

    def area_lists(self, data: Sessions | None) -> np.ndarray:
        """The ``areas`` list of each of these flags (an object array of lists)."""
        if self.session_rows is not None and data is not None:
            lists: np.ndarray = data.areas[self.session_rows]
            return lists
        count = len(self.day)
        if self.area is not None:
            return np.fromiter(([name] for name in self.area.tolist()), dtype=object, count=count)
        return np.fromiter(([] for _ in range(count)), dtype=object, count=count)

    def own_area(self) -> np.ndarray:
        """The ``area`` text of flags about one area; None for the others (a flag about a
        session is named after its areas by ``_assemble``, once per session)."""
        if self.area is not None:
            return self.area
        return np.full(len(self.day), None, dtype=object)

    def rows_or_none(self) -> np.ndarray:
        """The session positions of flags about a session; NO_SESSION for the others."""
        if self.session_rows is not None:
            return self.session_rows
        return np.full(len(self.day), NO_SESSION, dtype="int64")


def found(
    spec: RuleSpec,
    severity: str,
    index: np.ndarray,
    day: np.ndarray,
    session: np.ndarray,
    values: FlagValues,
    *,
    session_rows: np.ndarray | None = None,
    area: np.ndarray | None = None,
) -> Found:
    """The flags at ``index`` with their message and advice filled from ``values``."""
    return Found(
        spec=spec,
        severity=severity,
        day=day,
        session=session,
        message=render(spec.message_for(severity), index, values),
        advice=render(spec.advice_for(severity), index, values),
        session_rows=session_rows,
        area=area,
    )
