"""Tests of hsct_ms.stats.survival.

Oracles, named at each test:

* R 4.2.2, survival 3.5-3: outputs stored in tests/fixtures/r/ by
  ``Rscript tests/r_oracle/r/make_fixtures.R`` (the R call for each file is in that script);
  the input data sets (survival::aml, survival::lung, a 5-patient example) are stored
  there too, so these tests need no R. tests/r_oracle/test_against_r.py runs R live.
* A 5-patient example worked by hand below.
* A naive loop implementation of Kaplan-Meier written from the textbook definition.
* Invariances: row order, group labels.
"""

from __future__ import annotations

import math
import time

import numpy as np
import pandas as pd
import pytest

from hsct_ms import stats as sv
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


def test_median_rmst_reverse_km_hand_computed_five_patients():
    # Oracle: the hand computation above.
    median = sv.km_median(FIVE_T, FIVE_E)
    assert median["median"] == 5.0
    assert median["lower"] == 2.0
    assert math.isnan(median["upper"])
    rmst = sv.restricted_mean(FIVE_T, FIVE_E, tau=6)
    assert rmst["rmst"] == pytest.approx(4.5, abs=1e-12)
    assert rmst["se"] == pytest.approx(math.sqrt(0.6875), abs=1e-12)
    assert rmst["lower"] == pytest.approx(4.5 - Z95 * math.sqrt(0.6875), abs=1e-12)
    followup = sv.reverse_km_median_followup(FIVE_T, 1 - FIVE_E)
    # died = 1 - event here, so 1 - died = the original events: forward median 5.
    assert followup["median"] == 5.0
    followup = sv.reverse_km_median_followup(FIVE_T, FIVE_E)
    assert math.isnan(followup["median"])


def test_restricted_mean_before_first_time_is_tau():
    # Oracle: hand computation; S = 1 on [0, 1), so the area to tau = 0.5 is 0.5, SE 0.
    # (R refuses tau below the first time; see the restricted_mean Notes.)
    rmst = sv.restricted_mean(FIVE_T, FIVE_E, tau=0.5)
    assert rmst["rmst"] == 0.5 and rmst["se"] == 0.0


# ---------------------------------------------------------------------------
# Kaplan-Meier against R
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["five", "aml", "aml_maintained", "aml_nonmaintained", "lung"])
def test_km_table_against_r(name):
    # Oracle: R survfit(Surv(time, status) ~ 1, conf.type = "plain") and
    # conf.type = "log-log", conf.int = 0.95 (fixtures/r/km_table.csv); std_err is
    # surv * survfit$std.err. NaN where R gives NA/NaN (S = 0; log-log also at S = 1).
    expected = fixture("km_table.csv").query("dataset == @name").reset_index(drop=True)
    data = dataset(name)
    table = sv.km_table(data["time"], data["status"])
    np.testing.assert_array_equal(table["time"], expected["time"])
    np.testing.assert_array_equal(table["at_risk"], expected["n_risk"])
    np.testing.assert_array_equal(table["events"], expected["n_event"])
    np.testing.assert_array_equal(table["censored"], expected["n_censor"])
    assert_close_with_nan(table["survival"], expected["surv"])
    assert_close_with_nan(table["greenwood_se"], expected["std_err"])
    assert_close_with_nan(table["lower"], expected["lower_plain"])
    assert_close_with_nan(table["upper"], expected["upper_plain"])
    assert_close_with_nan(table["lower_loglog"], expected["lower_loglog"])
    assert_close_with_nan(table["upper_loglog"], expected["upper_loglog"])


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
    np.testing.assert_array_equal(result["time"], expected["time"])
    np.testing.assert_array_equal(result["at_risk"], expected["n_risk"])
    assert_close_with_nan(result["survival"], expected["surv"])
    assert_close_with_nan(result["se"], expected["std_err"])
    assert_close_with_nan(result["lower"], expected["lower"])
    assert_close_with_nan(result["upper"], expected["upper"])
    survival, se = sv.km_at(data["time"], data["status"], expected["time"])
    assert_close_with_nan(survival, result["survival"], atol=0)
    assert_close_with_nan(se, result["se"], atol=0)


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


# ---------------------------------------------------------------------------
# Log-rank, Cox, restricted mean, medians, binomial against R
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name, group_col", [("aml", "x"), ("lung", "sex"), ("lung", "ph_ecog")])
def test_logrank_against_r(name, group_col):
    # Oracle: R survdiff(Surv(time, status) ~ group) (rho = 0), p = pchisq(chisq, df,
    # lower.tail = FALSE) (fixtures/r/logrank.csv). lung by ph_ecog has four groups,
    # one with a single patient; rows with missing ph_ecog dropped, as R does.
    expected = fixture("logrank.csv").query("dataset == @name and group_col == @group_col").iloc[0]
    data = dataset(name).dropna(subset=[group_col])
    result = sv.logrank_test(data["time"], data["status"], data[group_col])
    assert result["chi2"] == pytest.approx(expected["chisq"], rel=1e-9)
    assert result["df"] == expected["df"]
    assert result["p"] == pytest.approx(expected["p"], rel=1e-6)


def test_logrank_observed_expected_against_r():
    # Oracle: R survdiff(Surv(time, status) ~ ph_ecog, lung)$obs and $exp
    # (fixtures/r/logrank_lung_ph_ecog_oe.csv).
    expected = fixture("logrank_lung_ph_ecog_oe.csv")
    data = dataset("lung").dropna(subset=["ph_ecog"])
    result = sv.logrank_test(data["time"], data["status"], data["ph_ecog"].astype(int))
    for row in expected.itertuples():
        assert result["observed"][row.group] == row.observed
        assert result["expected"][row.group] == pytest.approx(row.expected, rel=1e-9)


@pytest.mark.parametrize("name", ["lung", "aml"])
def test_cox_model_against_r(name):
    # Oracle: R coxph(Surv(time, status) ~ age + sex, lung) and
    # coxph(Surv(time, status) ~ nonmaintained, aml), ties = "efron" (R's default);
    # HR and CI from summary()$conf.int, Wald p from summary()$coefficients
    # (fixtures/r/cox.csv). Tolerance 1e-6 relative: both are Newton fits, stopped at
    # their own convergence criteria (observed agreement ~1e-8).
    expected = fixture("cox.csv").query("dataset == @name").set_index("covariate")
    data = dataset(name)
    if name == "aml":
        data = data.assign(nonmaintained=(data["x"] == "Nonmaintained").astype(int))
    result = sv.cox_model(data, "time", "status", list(expected.index))
    for covariate, row in expected.iterrows():
        got = result.loc[covariate]
        assert got["coef"] == pytest.approx(row["coef"], rel=1e-6)
        assert got["se"] == pytest.approx(row["se"], rel=1e-6)
        assert got["hazard_ratio"] == pytest.approx(row["hr"], rel=1e-6)
        assert got["lower"] == pytest.approx(row["lower"], rel=1e-6)
        assert got["upper"] == pytest.approx(row["upper"], rel=1e-6)
        assert got["p"] == pytest.approx(row["p"], rel=1e-6)


@pytest.mark.parametrize("name", ["lung", "aml"])
def test_cox_ph_test_against_r(name):
    # Oracles (fixtures/r/cox_zph.csv):
    # - method="score" against R survival 3.5-3 cox.zph(fit, transform = "km")
    #   (score test, full information matrix). Tolerance 1e-6 relative: the only
    #   difference is the fitted beta (lifelines vs R convergence).
    # - method="grambsch-therneau" (lifelines proportional_hazard_test with R's
    #   left-continuous KM transform) against the Grambsch & Therneau 1994 formula of
    #   survival < 3.0 computed in R from residuals(fit, "schoenfeld") and fit$var.
    expected = fixture("cox_zph.csv").query("dataset == @name").set_index("covariate")
    data = dataset(name)
    covariates = [c for c in expected.index if c != "GLOBAL"]
    if name == "aml":
        data = data.assign(nonmaintained=(data["x"] == "Nonmaintained").astype(int))
        expected = expected.loc[covariates]  # R reports GLOBAL even for one covariate
    score = sv.cox_ph_test(data, "time", "status", covariates, transform="km")
    assert list(score.index) == list(expected.index)
    np.testing.assert_allclose(score["chi2"], expected["chisq_r3"], rtol=1e-6)
    np.testing.assert_array_equal(score["df"], expected["df_r3"])
    np.testing.assert_allclose(score["p"], expected["p_r3"], rtol=1e-6)
    approx = sv.cox_ph_test(data, "time", "status", covariates, method="grambsch-therneau")
    np.testing.assert_allclose(approx["chi2"], expected["chisq_gt1994"], rtol=1e-6)
    np.testing.assert_allclose(approx["p"], expected["p_gt1994"], rtol=1e-6)


def test_cox_ph_test_methods_really_differ_on_lung():
    # Oracle: fixtures/r/cox_zph.csv. Documents the gap stated in cox_ph_test's Notes:
    # the 1994 approximation is not a rounding-level substitute for R >= 3.0.
    expected = fixture("cox_zph.csv").query("dataset == 'lung'").set_index("covariate")
    assert expected.loc["age", "chisq_gt1994"] == pytest.approx(0.1293, abs=1e-4)
    assert expected.loc["age", "chisq_r3"] == pytest.approx(0.2092, abs=1e-4)


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


@pytest.mark.parametrize("name", ["five", "aml", "aml_maintained", "aml_nonmaintained", "lung"])
def test_medians_against_r(name):
    # Oracle: R summary(survfit(Surv(time, status) ~ 1, conf.type = "plain"))$table
    # [c("median", "0.95LCL", "0.95UCL")] and the same with Surv(time, 1 - status)
    # for the reverse Kaplan-Meier (fixtures/r/median.csv). NA -> NaN.
    expected = fixture("median.csv").query("dataset == @name").set_index("direction")
    data = dataset(name)
    forward = sv.km_median(data["time"], data["status"])
    reverse = sv.reverse_km_median_followup(data["time"], data["status"])  # died = status
    for got, direction in [(forward, "forward"), (reverse, "reverse")]:
        row = expected.loc[direction]
        assert_close_with_nan(
            [got["median"], got["lower"], got["upper"]], [row["median"], row["lower"], row["upper"]]
        )


def test_clopper_pearson_against_r():
    # Oracle: R binom.test(k, n, conf.level = level)$conf.int (fixtures/r/binom.csv).
    for row in fixture("binom.csv").itertuples():
        lower, upper = sv.clopper_pearson(row.k, row.n, row.level)
        assert lower == pytest.approx(row.lower, abs=1e-9)
        assert upper == pytest.approx(row.upper, abs=1e-9)


# ---------------------------------------------------------------------------
# Invariances
# ---------------------------------------------------------------------------


def test_row_order_does_not_change_results():
    # Oracle: invariance. Every estimate is a function of the set of (time, event,
    # group) rows, not of their order.
    data = dataset("lung")
    shuffled = data.sample(frac=1.0, random_state=7).reset_index(drop=True)
    for a, b in [(data, shuffled)]:
        pd.testing.assert_frame_equal(sv.km_table(a["time"], a["status"]), sv.km_table(b["time"], b["status"]))
        pd.testing.assert_frame_equal(
            sv.survival_at(a["time"], a["status"], [100, 365]),
            sv.survival_at(b["time"], b["status"], [100, 365]),
        )
        pd.testing.assert_frame_equal(
            sv.km_steps(a["time"] / 365.25, a["status"]), sv.km_steps(b["time"] / 365.25, b["status"])
        )
        assert sv.restricted_mean(a["time"], a["status"], 365) == sv.restricted_mean(b["time"], b["status"], 365)
        assert sv.logrank_test(a["time"], a["status"], a["sex"])["chi2"] == pytest.approx(
            sv.logrank_test(b["time"], b["status"], b["sex"])["chi2"], rel=1e-12
        )
        pd.testing.assert_frame_equal(
            sv.cox_model(a, "time", "status", ["age", "sex"]),
            sv.cox_model(b, "time", "status", ["age", "sex"]),
            rtol=1e-8,
        )
        pd.testing.assert_frame_equal(
            sv.cox_ph_test(a, "time", "status", ["age", "sex"]),
            sv.cox_ph_test(b, "time", "status", ["age", "sex"]),
            rtol=1e-6,
        )


def test_relabelling_groups_does_not_change_logrank():
    # Oracle: invariance. The statistic does not depend on the names or the order
    # of the groups (R drops the first group before solving; any group gives the same).
    data = dataset("lung").dropna(subset=["ph_ecog"])
    base = sv.logrank_test(data["time"], data["status"], data["ph_ecog"])
    relabelled = data["ph_ecog"].map({0: "z", 1: "b", 2: "a", 3: "m"})
    other = sv.logrank_test(data["time"], data["status"], relabelled)
    assert other["chi2"] == pytest.approx(base["chi2"], rel=1e-10)
    assert other["df"] == base["df"] and other["p"] == pytest.approx(base["p"], rel=1e-9)
    aml = dataset("aml")
    flipped = aml["x"].map({"Maintained": "B", "Nonmaintained": "A"})
    assert sv.logrank_test(aml["time"], aml["status"], flipped)["chi2"] == pytest.approx(
        sv.logrank_test(aml["time"], aml["status"], aml["x"])["chi2"], rel=1e-12
    )


# ---------------------------------------------------------------------------
# Chart steps
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# Input checks and speed
# ---------------------------------------------------------------------------


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
    with pytest.raises(ValueError, match="tau"):
        sv.restricted_mean(FIVE_T, FIVE_E, tau=0)
    with pytest.raises(ValueError, match="two groups"):
        sv.logrank_test(FIVE_T, FIVE_E, ["a"] * 5)
    with pytest.raises(ValueError, match="0 <= k <= n"):
        sv.clopper_pearson(3, 2)
    with pytest.raises(ValueError, match="died"):
        sv.reverse_km_median_followup(FIVE_T, [0, 1, 2, 0, 0])
    with pytest.raises(ValueError, match="transform"):
        sv.cox_ph_test(dataset("aml").assign(arm=lambda d: (d["x"] == "Maintained").astype(int)),
                       "time", "status", ["arm"], transform="rank")


def test_boolean_events_are_accepted():
    pd.testing.assert_frame_equal(sv.km_table(FIVE_T, FIVE_E.astype(bool)), sv.km_table(FIVE_T, FIVE_E))


def test_survival_at_is_fast_enough_for_the_calibration_loop():
    # Requirement from the reconstruction: well under 1 ms for 200 patients.
    # Best of several batches, so a busy machine does not make the test flaky.
    rng = np.random.default_rng(11)
    t = rng.exponential(8, 200)
    e = rng.integers(0, 2, 200)
    best = math.inf
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(200):
            sv.survival_at(t, e, [5.0, 10.0])
        best = min(best, (time.perf_counter() - start) / 200)
    assert best < 1e-3, f"survival_at took {best * 1e6:.0f} us"
