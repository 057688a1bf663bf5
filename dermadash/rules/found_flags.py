"""The flags one rule found at one severity, with their texts rendered."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dermadash.rules.messages import FlagValues, render
from dermadash.rules.protocol import RuleSpec
from dermadash.rules.session_inputs import Sessions


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

    def area_columns(self, data: Sessions | None) -> tuple[np.ndarray, list[list[str]]]:
        """The ``area`` text and the ``areas`` lists of these flags."""
        if self.session_rows is not None and data is not None:
            return data.area_labels(self.session_rows), data.areas[self.session_rows].tolist()
        if self.area is not None:
            return self.area, [[name] for name in self.area.tolist()]
        return np.full(len(self.day), None, dtype=object), [[] for _ in range(len(self.day))]


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
