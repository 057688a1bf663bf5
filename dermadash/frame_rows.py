"""Rows of a query frame, read by column name in plain loops."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd


def frame_rows(frame: pd.DataFrame) -> Iterator[Any]:
    """``frame.itertuples(index=False)``: one named tuple per row.

    Typed ``Any`` because pandas types every field of a row as any scalar; the query
    functions that build the frames say what each column holds.
    """
    return frame.itertuples(index=False)
