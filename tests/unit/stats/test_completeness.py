"""Completeness of follow-up. Oracle: hand-computed 4-patient examples."""

import numpy as np
import pytest

from hsct_ms.stats import completeness as cp


def test_potential_followup_by_hand():
    # transplanted mid-2010, cut-off mid-2020: 10 years
    assert cp.potential_followup([2010, 2019], 2020.5, 0.5) == pytest.approx([10.0, 1.0])


def test_clark_completeness_by_hand():
    # potential 10, 8, 6, 4; the third died at 1 year (potential ends there)
    # observed 10, 4, 1, 5 (the last beyond the cut-off: counted as 4)
    # C = (10 + 4 + 1 + 4) / (10 + 8 + 1 + 4) = 19 / 23
    c = cp.clark_completeness([10, 4, 1, 5], [0, 0, 1, 0], [10, 8, 6, 4])
    assert c == pytest.approx(19 / 23)
    assert cp.clark_completeness([3, 2], [0, 0], [3, 2]) == 1.0


def test_censoring_reasons_by_hand():
    reasons = cp.censoring_reasons([10, 4, 1, 3.6], [0, 0, 1, 0], [10, 8, 6, 4], window_years=0.5)
    assert list(reasons) == ["followed to the cut-off", "stopped before the cut-off", "died",
                             "followed to the cut-off"]
    assert list(reasons.cat.categories) == list(cp.CENSORING_REASONS)


def test_a_wider_window_only_moves_patients_to_administrative():
    rng = np.random.default_rng(1)
    potential = rng.uniform(1, 20, 50)
    observed = potential * rng.uniform(0.2, 1, 50)
    narrow = cp.censoring_reasons(observed, np.zeros(50), potential, 0.5)
    wide = cp.censoring_reasons(observed, np.zeros(50), potential, 2.0)
    assert (wide == "followed to the cut-off").sum() >= (narrow == "followed to the cut-off").sum()
    assert not ((narrow == "followed to the cut-off") & (wide != "followed to the cut-off")).any()
