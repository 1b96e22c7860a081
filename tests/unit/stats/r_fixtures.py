"""Shared test data for tests/unit/stats: R's outputs and inputs, and a hand-worked example.

Oracles: R 4.2.2, survival 3.5-3, outputs stored in tests/fixtures/r/ by
``Rscript tests/r_oracle/r/make_fixtures.R`` (the R call for each file is in that
script); the input data sets (survival::aml, survival::lung, a 5-patient example) are
stored there too, so the unit tests need no R. tests/r_oracle/ runs R live.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hsct_ms.paths import REPO_ROOT

FIXTURES = REPO_ROOT / "tests" / "fixtures" / "r"
KM_TOL = 1e-6  # KM, Greenwood SE and intervals: R writes 15 significant digits


def fixture(name: str) -> pd.DataFrame:
    return pd.read_csv(FIXTURES / name)


def dataset(name: str) -> pd.DataFrame:
    """The data sets as R wrote them; the aml arms and lung are split as in make_fixtures.R."""
    if name == "five":
        return fixture("data_five.csv")
    if name.startswith("aml"):
        aml = fixture("data_aml.csv")
        arm = {"aml": None, "aml_maintained": "Maintained", "aml_nonmaintained": "Nonmaintained"}[name]
        return aml if arm is None else aml[aml["x"] == arm].reset_index(drop=True)
    if name == "lung":
        return fixture("data_lung.csv")
    raise KeyError(name)


def assert_close_with_nan(actual, expected, atol=KM_TOL, rtol=0.0):
    actual = np.asarray(actual, dtype=float)
    expected = np.asarray(expected, dtype=float)
    np.testing.assert_array_equal(np.isnan(actual), np.isnan(expected))
    np.testing.assert_allclose(actual, expected, atol=atol, rtol=rtol, equal_nan=True)


def assert_matches_r(result: pd.DataFrame, expected: pd.DataFrame, exact: dict, close: dict) -> None:
    """Our column -> R's column: ``exact`` ones equal, ``close`` ones within KM_TOL (NaN where R's is)."""
    for ours, theirs in exact.items():
        np.testing.assert_array_equal(result[ours], expected[theirs])
    for ours, theirs in close.items():
        assert_close_with_nan(result[ours], expected[theirs])


# ---------------------------------------------------------------------------
# Hand-computed 5-patient example
# ---------------------------------------------------------------------------
# durations 1+, 2, 4, 4+, 6 ("+" = censored); z = 1.959964 (95%).
#   t=1: n=5, d=0, one censored                 S = 1
#   t=2: n=4, d=1   S = 3/4                     Greenwood sum = 1/(4*3) = 1/12
#        SE = 3/4 * sqrt(1/12) = sqrt(3)/8 = 0.216506
#        plain: 0.75 -/+ 1.959964*0.216506 = [0.325655, 1.174345 -> clipped to 1]
#   t=4: n=3, d=1 (the censoring at 4 is still at risk)  S = 3/4 * 2/3 = 1/2
#        Greenwood sum = 1/12 + 1/(3*2) = 1/4;  SE = 1/2 * 1/2 = 0.25
#        plain: 0.5 -/+ 0.489991 = [0.010009, 0.989991]
#   t=6: n=1, d=1   S = 0; Greenwood term 1/(1*0) is infinite: SE undefined (NaN).
# Median: S = 0.5 exactly on [4, 6), so the median is the midpoint (4 + 6)/2 = 5.
# Median interval: lower band <= 0.5 first at t=2 (0.3257) -> lower limit 2;
#   upper band never <= 0.5 (1, 1, 0.99, NaN) -> upper limit NaN.
# Restricted mean to tau=6: 1*2 + 3/4*2 + 1/2*2 = 4.5.
#   Var = A(2)^2/(4*3) + A(4)^2/(3*2) with A(2) = 3/4*2 + 1/2*2 = 2.5, A(4) = 1/2*2 = 1
#       = 6.25/12 + 1/6 = 0.6875;  SE = 0.829156 (the term at t=6 has n = d: 0).
# Reverse KM (event = censored): t=1: 4/5; t=4: n=3, d=1 -> 4/5 * 2/3 = 0.5333;
#   never <= 0.5 -> median follow-up NaN.
FIVE_T = np.array([1.0, 2.0, 4.0, 4.0, 6.0])
FIVE_E = np.array([0, 1, 1, 0, 1])
Z95 = 1.959963984540054
