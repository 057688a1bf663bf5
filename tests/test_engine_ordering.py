"""The rule engine's two sorts: packed keys and 16-bit groups give numpy's own order."""

from __future__ import annotations

import numpy as np
import pytest

from dermadash.rules.area_rules import grouping_order
from dermadash.rules.evaluation import sort_order


def _keys(seed: int, size: int, high: int) -> tuple[np.ndarray, ...]:
    """Keys shaped like the engine's: day, severity, rule, session, area (-1 for none)."""
    generator = np.random.default_rng(seed)
    return tuple(generator.integers(-1, top, size=size) for top in (high, 3, 21, high, 40))


@pytest.mark.parametrize("high", [2, 30_000, 1_000_000])
def test_packed_keys_sort_as_lexsort_does_ties_kept_in_place(high: int) -> None:
    keys = _keys(seed=high, size=20_000, high=high)
    expected = np.lexsort(tuple(reversed(keys)))
    assert np.array_equal(sort_order(keys), expected)


def test_keys_too_wide_to_pack_fall_back_to_lexsort() -> None:
    generator = np.random.default_rng(7)
    wide = generator.integers(-(2**40), 2**40, size=5_000)
    keys = (wide, generator.integers(0, 2**30, size=5_000), generator.integers(0, 3, size=5_000))
    assert np.array_equal(sort_order(keys), np.lexsort(tuple(reversed(keys))))


@pytest.mark.parametrize("groups", [1, 4_000, 40_000])
def test_grouping_keeps_the_order_within_each_group(groups: int) -> None:
    generator = np.random.default_rng(groups)
    codes = generator.integers(-1, groups, size=50_000)
    assert np.array_equal(grouping_order(codes, groups), np.argsort(codes, kind="stable"))
