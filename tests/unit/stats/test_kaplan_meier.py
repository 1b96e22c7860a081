"""Tests of hsct_ms.stats.kaplan_meier.

Oracles, named at each test: R 4.2.2 / survival 3.5-3 (tests/fixtures/r/, see
r_fixtures.py); the 5-patient example worked by hand in r_fixtures.py; a naive loop
written from the textbook definition; lifelines' ``KaplanMeierFitter`` for the fast
numpy :func:`km_at`; invariance to row order.
"""

from __future__ import annotations

import math
import time

import numpy as np
import pandas as pd
import pytest
from lifelines import KaplanMeierFitter
from r_fixtures import FIVE_E, FIVE_T, Z95, assert_close_with_nan, assert_matches_r, dataset, fixture

from hsct_ms import stats as sv

def test_km_table_hand_computed_five_patients():
    # Oracle: the hand computation above.
    table = sv.km_table(FIVE_T, FIVE_E)
    assert table["time"].tolist() == [1.0, 2.0, 4.0, 6.0]
    assert table["at_risk"].tolist() == [5, 4, 3, 1]
    assert table["events"].tolist() == [0, 1, 1, 1]
    assert table["censored"].tolist() == [1, 0, 1, 0]
    assert_close_with_nan(table["survival"], [1.0, 0.75, 0.5, 0.0], atol=1e-12)
    assert_close_with_nan(table["greenwood_se"], [0.0, math.sqrt(3) / 8, 0.25, np.nan], atol=1e-12)
    assert_close_with_nan(
        table["lower"], [1.0, 0.75 - Z95 * math.sqrt(3) / 8, 0.5 - Z95 * 0.25, np.nan], atol=1e-12
    )
    assert_close_with_nan(table["upper"], [1.0, 1.0, 0.5 + Z95 * 0.25, np.nan], atol=1e-12)


@pytest.mark.parametrize("name", ["five", "aml", "aml_maintained", "aml_nonmaintained", "lung"])
def test_km_table_against_r(name):
    # Oracle: R survfit(Surv(time, status) ~ 1, conf.type = "plain") and
    # conf.type = "log-log", conf.int = 0.95 (fixtures/r/km_table.csv); std_err is
    # surv * survfit$std.err. NaN where R gives NA/NaN (S = 0; log-log also at S = 1).
    expected = fixture("km_table.csv").query("dataset == @name").reset_index(drop=True)
    data = dataset(name)
    table = sv.km_table(data["time"], data["status"])
    assert_matches_r(table, expected,
                     exact={"time": "time", "at_risk": "n_risk", "events": "n_event", "censored": "n_censor"},
                     close={"survival": "surv", "greenwood_se": "std_err", "lower": "lower_plain",
                            "upper": "upper_plain", "lower_loglog": "lower_loglog", "upper_loglog": "upper_loglog"})


def test_km_table_level_90_against_r():
    # Oracle: R survfit(Surv(time, status) ~ 1, data = lung, conf.type = "plain" /
    # "log-log", conf.int = 0.90) (fixtures/r/km_table_level90.csv).
    expected = fixture("km_table_level90.csv")
    data = dataset("lung")
    table = sv.km_table(data["time"], data["status"], level=0.90)
    assert_close_with_nan(table["lower"], expected["lower_plain"])
    assert_close_with_nan(table["upper"], expected["upper_plain"])
    assert_close_with_nan(table["lower_loglog"], expected["lower_loglog"])
    assert_close_with_nan(table["upper_loglog"], expected["upper_loglog"])


@pytest.mark.parametrize("name", ["five", "aml", "aml_nonmaintained", "lung"])
def test_survival_at_against_r(name):
    # Oracle: R summary(survfit(..., conf.type = "plain"), times = ..., extend = TRUE)
    # (fixtures/r/survival_at.csv): times before the first event, on event times
    # (right-continuous), between times, and after the last follow-up.
    expected = fixture("survival_at.csv").query("dataset == @name").reset_index(drop=True)
    data = dataset(name)
    result = sv.survival_at(data["time"], data["status"], expected["time"])
    assert_matches_r(result, expected, exact={"time": "time", "at_risk": "n_risk"},
                     close={"survival": "surv", "se": "std_err", "lower": "lower", "upper": "upper"})
    # km_at (numpy, for speed) against survival_at (lifelines): the same curve up to
    # rounding (lifelines multiplies through logs, km_at directly).
    survival, se = sv.km_at(data["time"], data["status"], expected["time"])
    assert_close_with_nan(survival, result["survival"], atol=1e-14)
    assert_close_with_nan(se, result["se"], atol=1e-14)


@pytest.mark.parametrize("name, group_col", [("aml", "x"), ("lung", "sex")])
def test_at_risk_table_against_r(name, group_col):
    # Oracle: R summary(survfit(Surv(time, status) ~ group), times, extend = TRUE)$n.risk
    # (fixtures/r/at_risk.csv).
    expected = fixture("at_risk.csv").query("dataset == @name")
    data = dataset(name)
    times = sorted(expected["time"].unique())
    table = sv.at_risk_table(data["time"], data[group_col], times)
    for row in expected.itertuples():
        label = type(table.index[0])(row.group) if not isinstance(table.index[0], str) else row.group
        assert table.loc[label, row.time] == row.n_risk, (row.group, row.time)
    assert table.index.name == "group" and table.columns.name == "time"


def test_km_matches_naive_textbook_loop():
    # Oracle: a naive loop over distinct times straight from the definitions
    # (S = prod (1 - d/n); Greenwood var = S^2 sum d / (n (n - d))), on random data
    # with heavy ties (times rounded to whole months).
    rng = np.random.default_rng(20210101)
    t = np.ceil(rng.exponential(60, 300)) / 12
    e = rng.integers(0, 2, 300)
    table = sv.km_table(t, e)
    s, total, rows = 1.0, 0.0, []
    for u in sorted(set(t)):
        n = int((t >= u).sum())
        d = int(((t == u) & (e == 1)).sum())
        s *= 1 - d / n
        total += d / (n * (n - d)) if d and n > d else 0.0
        rows.append((u, n, d, s, s * math.sqrt(total)))
    naive = pd.DataFrame(rows, columns=["time", "n", "d", "s", "se"])
    np.testing.assert_array_equal(table["time"], naive["time"])
    np.testing.assert_array_equal(table["at_risk"], naive["n"])
    np.testing.assert_allclose(table["survival"], naive["s"], atol=1e-12)
    np.testing.assert_allclose(table["greenwood_se"], naive["se"], atol=1e-12)


def test_km_at_equals_lifelines_kaplan_meier_fitter():
    # Oracle: lifelines KaplanMeierFitter (survival_function_at_times), on tied data
    # with times before, on, between and after the observed times. km_at is numpy
    # for speed; it must be the same curve. Greenwood SE against km_table (R-checked).
    rng = np.random.default_rng(20210226)
    t = np.ceil(rng.exponential(6, 210) * 12) / 12
    e = rng.integers(0, 2, 210)
    q = np.array([0.0, 0.01, 1.0, 2.5, 5.0, 10.0, t.max(), t.max() + 3])
    survival, se = sv.km_at(t, e, q)
    expected = KaplanMeierFitter().fit(t, e).survival_function_at_times(q).to_numpy()
    np.testing.assert_allclose(survival, expected, rtol=1e-12, atol=1e-15)
    table = sv.km_table(t, e)
    idx = np.maximum(np.searchsorted(table["time"], q, side="right") - 1, 0)
    expected_se = np.where(q < table["time"].iloc[0], 0.0, table["greenwood_se"].to_numpy()[idx])
    assert_close_with_nan(se, expected_se, atol=1e-14)

def test_km_row_order_does_not_change_results():
    # Oracle: invariance. Every estimate is a function of the set of (time, event)
    # rows, not of their order.
    a = dataset("lung")
    b = a.sample(frac=1.0, random_state=7).reset_index(drop=True)
    pd.testing.assert_frame_equal(sv.km_table(a["time"], a["status"]), sv.km_table(b["time"], b["status"]))
    pd.testing.assert_frame_equal(sv.survival_at(a["time"], a["status"], [100, 365]),
                                  sv.survival_at(b["time"], b["status"], [100, 365]))

@pytest.mark.parametrize(
    "durations, events, message",
    [
        ([1, 2, 3], [1, 0], "different lengths"),
        ([1, 0, 3], [1, 0, 1], "strictly positive"),
        ([1, -2, 3], [1, 0, 1], "strictly positive"),
        ([1, np.nan, 3], [1, 0, 1], "finite"),
        ([1, np.inf, 3], [1, 0, 1], "finite"),
        ([1, 2, 3], [1, 2, 0], "0 \\(censored\\) or 1 \\(event\\)"),
        ([1, 2, 3], [1, np.nan, 0], "0 \\(censored\\) or 1 \\(event\\)"),
        ([], [], "empty"),
    ],
)
def test_invalid_inputs_raise_clear_errors(durations, events, message):
    with pytest.raises(ValueError, match=message):
        sv.km_table(durations, events)
    with pytest.raises(ValueError, match=message):
        sv.survival_at(durations, events, [1])


def test_other_invalid_arguments():
    with pytest.raises(ValueError, match="level"):
        sv.km_table(FIVE_T, FIVE_E, level=95)
    with pytest.raises(ValueError, match="times"):
        sv.survival_at(FIVE_T, FIVE_E, [-1])

def test_boolean_events_are_accepted():
    pd.testing.assert_frame_equal(sv.km_table(FIVE_T, FIVE_E.astype(bool)), sv.km_table(FIVE_T, FIVE_E))


def test_km_at_is_fast_enough_for_the_calibration_loop():
    # Requirement from the reconstruction: well under 1 ms for 200 patients (the
    # reason km_at is numpy, not KaplanMeierFitter, which takes ~15 ms).
    # Best of several batches, so a busy machine does not make the test flaky.
    rng = np.random.default_rng(11)
    t = rng.exponential(8, 200)
    e = rng.integers(0, 2, 200)
    best = math.inf
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(200):
            sv.km_at(t, e, [5.0, 10.0])
        best = min(best, (time.perf_counter() - start) / 200)
    assert best < 1e-3, f"km_at took {best * 1e6:.0f} us"