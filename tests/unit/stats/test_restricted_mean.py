"""Tests of hsct_ms.stats.restricted_mean.

Oracles: the 5-patient example worked by hand (r_fixtures.py) and R survival 3.5-3
``summary(survfit(...), rmean = tau)`` (tests/fixtures/r/rmean.csv). The variance is
the package's own (lifelines' is wrong, lifelines issue 1682), so R is its oracle.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from r_fixtures import FIVE_E, FIVE_T, FIXTURES, Z95, dataset, fixture

from hsct_ms import stats as sv

def test_restricted_mean_hand_computed_five_patients():
    # Oracle: the hand computation in r_fixtures.py.
    rmst = sv.restricted_mean(FIVE_T, FIVE_E, tau=6)
    assert rmst["rmst"] == pytest.approx(4.5, abs=1e-12)
    assert rmst["se"] == pytest.approx(math.sqrt(0.6875), abs=1e-12)
    assert rmst["lower"] == pytest.approx(4.5 - Z95 * math.sqrt(0.6875), abs=1e-12)

def test_restricted_mean_before_first_time_is_tau():
    # Oracle: hand computation; S = 1 on [0, 1), so the area to tau = 0.5 is 0.5, SE 0.
    # (R refuses tau below the first time; see the restricted_mean Notes.)
    rmst = sv.restricted_mean(FIVE_T, FIVE_E, tau=0.5)
    assert rmst["rmst"] == 0.5 and rmst["se"] == 0.0


@pytest.mark.parametrize(
    "name, tau",
    [(row.dataset, row.tau) for row in pd.read_csv(FIXTURES / "rmean.csv").itertuples()],
)
def test_restricted_mean_against_r(name, tau):
    # Oracle: R summary(survfit(Surv(time, status) ~ 1), rmean = tau)$table
    # ["rmean"], ["se(rmean)"] (= print(fit, rmean = tau)) (fixtures/r/rmean.csv);
    # tau on, between and after the observed times.
    expected = fixture("rmean.csv").query("dataset == @name and tau == @tau").iloc[0]
    data = dataset(name)
    result = sv.restricted_mean(data["time"], data["status"], tau)
    assert result["rmst"] == pytest.approx(expected["rmean"], rel=1e-9)
    assert result["se"] == pytest.approx(expected["se"], rel=1e-9, abs=1e-12)


def test_restricted_mean_row_order_and_tau():
    # Oracle: invariance to row order; tau must be positive.
    a = dataset("lung")
    b = a.sample(frac=1.0, random_state=7).reset_index(drop=True)
    assert sv.restricted_mean(a["time"], a["status"], 365) == sv.restricted_mean(b["time"], b["status"], 365)
    with pytest.raises(ValueError, match="tau"):
        sv.restricted_mean(FIVE_T, FIVE_E, tau=0)