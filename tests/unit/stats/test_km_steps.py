"""Tests of hsct_ms.stats.km_steps.

Oracles: :func:`hsct_ms.stats.survival_at` on the exact data (itself checked against
R); the 5-patient example worked by hand (r_fixtures.py); the row-count bound;
invariance to row order.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from r_fixtures import FIVE_E, FIVE_T, assert_close_with_nan, dataset

from hsct_ms import stats as sv

def test_km_steps_are_the_exact_curve_on_a_monthly_grid():
    # Oracle: survival_at on the exact data (itself checked against R above): at
    # each displayed grid time the step value is the exact KM estimate there.
    data = dataset("lung")
    years = data["time"] / 365.25
    steps = sv.km_steps(years, data["status"])
    months = steps["time"] * 12
    np.testing.assert_allclose(months, np.round(months), atol=1e-8)  # no exact times published
    exact = sv.survival_at(years, data["status"], steps["time"] + 1e-12)
    np.testing.assert_allclose(steps["survival"], exact["survival"], atol=1e-12)
    np.testing.assert_allclose(steps["lower"], exact["lower"], atol=1e-12)
    np.testing.assert_allclose(steps["upper"], exact["upper"], atol=1e-12)
    assert steps.iloc[0].to_dict() == {
        "time": 0.0, "survival": 1.0, "lower": 1.0, "upper": 1.0,
        "at_risk": len(data), "events": 0, "censored_since_previous": 0,
    }
    assert steps["events"].sum() == data["status"].sum()
    assert steps["censored_since_previous"].sum() == (data["status"] == 0).sum()
    assert steps["time"].is_monotonic_increasing and steps["time"].is_unique
    # Events are grouped per month: fewer rows than distinct event times.
    assert len(steps) < data.loc[data["status"] == 1, "time"].nunique()
    # Last row: the month of the last follow-up.
    assert steps["time"].iloc[-1] == pytest.approx(math.ceil(years.max() * 12 - 1e-9) / 12)


def test_km_steps_hand_computed_five_patients():
    # Oracle: the hand computation above, on a grid of width 1 (time units):
    # events at 2, 4, 6 fall in cells 2, 4, 6; censorings at 1 and 4 are counted
    # up to the rows at 2 and 4; at_risk counts patients with time > k - 1.
    steps = sv.km_steps(FIVE_T, FIVE_E, time_resolution=1.0)
    assert steps["time"].tolist() == [0.0, 2.0, 4.0, 6.0]
    assert steps["at_risk"].tolist() == [5, 4, 3, 1]
    assert steps["events"].tolist() == [0, 1, 1, 1]
    assert steps["censored_since_previous"].tolist() == [0, 1, 1, 0]
    assert_close_with_nan(steps["survival"], [1.0, 0.75, 0.5, 0.0], atol=1e-12)
    # Width 5: events at 2 and 4 share cell 1 (time 5); the event at 6 is in cell 2.
    coarse = sv.km_steps(FIVE_T, FIVE_E, time_resolution=5.0)
    assert coarse["time"].tolist() == [0.0, 5.0, 10.0]
    assert coarse["events"].tolist() == [0, 2, 1]
    assert coarse["survival"].tolist() == [1.0, 0.5, 0.0]


def test_km_steps_rows_scale_with_months_not_patients():
    # Oracle: the row-count bound in the brief (O(distinct rounded times)).
    rng = np.random.default_rng(3)
    t = rng.uniform(0.001, 15, 20_000)
    e = rng.integers(0, 2, 20_000)
    steps = sv.km_steps(t, e)
    assert len(steps) <= 15 * 12 + 2
    # A censored tail after the last event gives a last row with no events.
    tail = sv.km_steps([1.0, 2.0, 5.0], [1, 0, 0])
    assert tail["time"].tolist() == [0.0, 1.0, 5.0]
    assert tail["events"].tolist() == [0, 1, 0]
    assert tail["censored_since_previous"].tolist() == [0, 0, 2]


def test_km_steps_row_order_does_not_change_results():
    a = dataset("lung")
    b = a.sample(frac=1.0, random_state=7).reset_index(drop=True)
    pd.testing.assert_frame_equal(sv.km_steps(a["time"] / 365.25, a["status"]),
                                  sv.km_steps(b["time"] / 365.25, b["status"]))

def test_rows_are_bounded_by_the_grid_whatever_the_number_of_distinct_times():
    # Oracle: the grid. Events at 12,000 distinct times, several in every month of 25
    # years, give one row per grid time from 0 to the last follow-up: grid_times rows.
    from hsct_ms.stats.km_steps import grid_cell, grid_times
    rng = np.random.default_rng(11)
    months = 25 * 12
    t = (np.repeat(np.arange(months), 40) + rng.uniform(0.001, 0.999, 40 * months)) / 12
    e = (rng.uniform(size=t.size) < 0.7).astype(int)
    steps = sv.km_steps(t, e)
    assert np.unique(t[e == 1]).size > 8000
    assert len(steps) == grid_times(t.max()) == months + 1
    assert grid_cell([0.0, 1 / 12, 1.0, 1.0 + 1e-6]).tolist() == [0, 1, 12, 13]
    # At each grid time the value is the exact estimate (the grid moves no value).
    exact = sv.survival_at(t, e, steps["time"])["survival"].to_numpy()
    assert steps["survival"].to_numpy() == pytest.approx(exact, abs=1e-12)
