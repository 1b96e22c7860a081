"""Aalen-Johansen cumulative incidence. Oracles: a hand-computed 6-patient example,
the Kaplan-Meier estimate (equal to 1 - CIF without competing events), and invariances
(row order, run to run). R survfit(Surv(t, factor(status, 0:2)) ~ 1) is the live oracle
in tests/r_oracle/test_outcomes_against_r.py."""

import warnings

import numpy as np
import pytest

from hsct_ms import stats
from hsct_ms.stats import competing_risks as cr


def test_hand_computed_example():
    # t:      1  2  2  3  4  5      status: 1 = worsening, 2 = death, 0 = censored
    # status: 1  2  1  0  1  0
    # t=1: n=6, S- = 1, CIF1 += 1/6; S = 5/6
    # t=2: n=5, one worsening and one death: CIF1 += (5/6) * 1/5 = 1/6 -> 2/6; S = 5/6 * 3/5 = 1/2
    # t=3: censored; t=4: n=2, CIF1 += (1/2) * 1/2 = 1/4 -> 7/12
    t = [1, 2, 2, 3, 4, 5]
    e = [1, 2, 1, 0, 1, 0]
    out = cr.cumulative_incidence(t, e, [0.5, 1, 2, 3.5, 4, 10])
    assert out["cumulative_incidence"].tolist() == pytest.approx([0, 1 / 6, 2 / 6, 2 / 6, 7 / 12, 7 / 12])
    deaths = cr.cumulative_incidence(t, e, [10], event_of_interest=2)
    assert deaths["cumulative_incidence"].iloc[0] == pytest.approx(1 / 6)


def test_no_jitter_warning_and_deterministic():
    t = [1, 2, 2, 2, 3, 3, 4]
    e = [1, 2, 1, 0, 2, 1, 0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        first = cr.cumulative_incidence(t, e, [2, 3, 4])
    second = cr.cumulative_incidence(t, e, [2, 3, 4])
    assert first.equals(second)


def test_without_competing_events_equals_one_minus_kaplan_meier():
    rng = np.random.default_rng(7)
    t = np.round(rng.exponential(5, 80), 1) + 0.1  # rounded: many ties
    e = (rng.random(80) < 0.6).astype(int)
    cif = cr.cumulative_incidence(t, e, [2, 5, 8])["cumulative_incidence"].to_numpy()
    km = stats.survival_at(t, e, [2, 5, 8])["survival"].to_numpy()
    assert cif == pytest.approx(1 - km, abs=1e-12)


def test_row_order_does_not_matter():
    rng = np.random.default_rng(3)
    t = np.round(rng.exponential(5, 60), 1) + 0.1
    e = rng.integers(0, 3, 60)
    perm = rng.permutation(60)
    a = cr.cumulative_incidence(t, e, [1, 3, 6])
    b = cr.cumulative_incidence(t[perm], e[perm], [1, 3, 6])
    assert a["cumulative_incidence"].to_numpy() == pytest.approx(b["cumulative_incidence"].to_numpy(), abs=1e-12)


def test_break_ties_moves_only_tied_events_and_earlier():
    t = np.array([1.0, 2.0, 2.0, 2.0, 3.0])
    e = np.array([1, 1, 2, 0, 1])
    out = cr.break_ties(t, e)
    assert out[0] == 1.0 and out[3] == 2.0 and out[4] == 3.0  # untied event and censoring stay
    assert len(set(out[[1, 2]])) == 2 and (out[[1, 2]] <= 2.0).all() and (out[[1, 2]] > 1.5).all()
