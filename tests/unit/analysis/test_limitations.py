"""Sensitivity analyses of the limitations chapter.

Oracles: hand computations (the tipping-point formula with the published RRMS 10-year
estimate and Cree et al.'s 41%; a hand-made 5-patient example for the censoring
bounds), invariances (monotonicity in f), and the Kaplan-Meier estimate itself (the
bounds must bracket it).
"""

import math

import numpy as np
import pytest

from hsct_ms.inputs import cohort
from hsct_ms.analysis import limitations
from hsct_ms.analysis import outcomes
from hsct_ms import stats


def test_tipping_point_against_hand_computation():
    # By hand: S_obs^(1/(1-f)) = c  <=>  f = 1 - ln S_obs / ln c.
    assert limitations.tipping_point(0.713, 0.41) == pytest.approx(1 - math.log(0.713) / math.log(0.41), abs=1e-12)
    assert limitations.tipping_point(0.713, 0.41) == pytest.approx(0.62060, abs=1e-4)


def test_tipping_point_brings_the_estimate_to_the_comparator():
    for s, c in ((0.713, 0.41), (0.572, 0.41), (0.9, 0.5)):
        f = limitations.tipping_point(s, c)
        assert limitations.inflate(s, f) == pytest.approx(c, abs=1e-12)


def test_no_unrecorded_events_needed_when_already_below():
    assert limitations.tipping_point(0.35, 0.41) == 0.0
    assert limitations.tipping_point(0.41, 0.41) == 0.0


def test_inflate_is_identity_at_zero_and_decreasing_in_f():
    s = np.array([1.0, 0.9, 0.713, 0.3])
    assert np.allclose(limitations.inflate(s, 0.0), s)
    f = np.linspace(0, 0.9, 91)
    values = limitations.inflate(0.713, f)
    assert np.all(np.diff(values) < 0)
    assert limitations.inflate(1.0, 0.5) == 1.0


def test_tipping_point_is_monotone():
    # A higher observed estimate needs more unrecorded events; a lower comparator too.
    observed = np.linspace(0.42, 0.99, 30)
    points = [limitations.tipping_point(s, 0.41) for s in observed]
    assert np.all(np.diff(points) > 0)
    comparators = np.linspace(0.2, 0.7, 30)
    points = [limitations.tipping_point(0.713, c) for c in comparators]
    assert np.all(np.diff(points) < 0)


def test_inflate_rejects_invalid_input():
    with pytest.raises(ValueError):
        limitations.inflate(0.7, 1.0)
    with pytest.raises(ValueError):
        limitations.inflate(1.2, 0.1)
    with pytest.raises(ValueError):
        limitations.tipping_point(0.7, 1.0)


def test_direct_scaling_is_the_km_at_f_zero_and_close_to_the_power_model():
    durations = np.array([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13])
    events = np.array([1, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 0])
    km = stats.km_at(durations, events, [10.0])[0][0]
    assert limitations.km_with_unrecorded_events(durations, events, 0.0, [10.0])[0] == pytest.approx(km)
    direct = limitations.km_with_unrecorded_events(durations, events, 0.3, [10.0])[0]
    assert direct < km
    assert direct == pytest.approx(limitations.inflate(km, 0.3), abs=0.03)


def test_censoring_bounds_on_a_hand_made_example():
    # Five patients, time point 5 y: worsening at 1 and 3, censored at 2 (before 5), 6 and 8.
    # Best: the patient censored at 2 is worsening-free at 5 -> 3 of 5 = 0.6.
    # Worst: that patient worsened at 2 -> 2 of 5 = 0.4.
    # KM: 4/5 at 1, then 4/5 * 2/3 at 3 (3 at risk) = 0.5333.
    bounds = limitations.censoring_bounds([1, 2, 3, 6, 8], [1, 0, 1, 0, 0], 5.0)
    assert bounds["best"] == pytest.approx(0.6)
    assert bounds["worst"] == pytest.approx(0.4)
    assert bounds["km"] == pytest.approx(8 / 15)
    assert (bounds["n"], bounds["events"], bounds["censored_before"]) == (5, 2, 1)


def test_censoring_exactly_at_the_time_point_is_not_before_it():
    bounds = limitations.censoring_bounds([1, 5, 6], [1, 0, 0], 5.0)
    assert bounds["best"] == bounds["worst"] == pytest.approx(2 / 3)


def test_bounds_bracket_the_km_estimate_on_the_shipped_cohort():
    groups = outcomes.analysis_groups(cohort.load_cohort())
    table = limitations.censoring_bounds_table(groups)
    assert (table["worst"] <= table["km"] + 1e-12).all()
    assert (table["km"] <= table["best"] + 1e-12).all()


def test_bounds_bracket_the_km_estimate_on_random_data():
    rng = np.random.default_rng(7)
    for _ in range(50):
        n = int(rng.integers(5, 60))
        t = np.round(rng.exponential(5, n), 2) + 0.01
        e = rng.integers(0, 2, n)
        for time in (1.0, 5.0, 10.0):
            b = limitations.censoring_bounds(t, e, time)
            assert b["worst"] - 1e-12 <= b["km"] <= b["best"] + 1e-12


def test_tipping_table_cross_check_lands_near_the_comparator():
    groups = outcomes.analysis_groups(cohort.load_cohort())
    table = limitations.tipping_table({k: groups[k] for k in ("RRMS", "Progressive")}, 0.41)
    assert (table["tipping_point"] > 0).all()
    assert np.allclose(table["direct_at_tipping"], 0.41, atol=0.02)
