"""Live check of hsct_ms.stats (lifelines-based) against R on the cohort the book uses.

Oracle: R's survival package, run now by ``Rscript tests/r_oracle/r/cohort_oracle.R <csv>``
(the R calls and options are written in that script): survfit(conf.type = "plain")
at 5 and 10 years for all patients, RRMS and progressive (SPMS + PPMS); restricted
mean to 10 years; survdiff RRMS vs progressive; coxph progressive vs RRMS (Efron);
the proportional-hazards test; reverse Kaplan-Meier median follow-up.

The proportional-hazards test is lifelines' Grambsch & Therneau (1994) approximation
(R's cox.zph before survival 3.0). Its oracle is the same approximation computed
independently in R by tests/r_oracle/r/zph_gt1994.R from ``residuals(fit,
"schoenfeld")``, ``vcov(fit)`` and g(t) = 1 - S(t-); R >= 3.0's cox.zph is a score
test and differs (cohort_oracle.R prints it too, as ``zph_*``, for comparison).

Two cohorts are checked: the shipped one (``hsct_ms.paths.SHIPPED_COHORT``, or the
CSV named by the environment variable ``COHORT_CSV``, the file the book is built on
when set), and a synthetic cohort with the same columns drawn here with a fixed seed,
so the comparison itself is exercised even while the shipped cohort is rebuilt.

R is a test requirement, not optional: without Rscript these tests fail (never skip).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from r_scripts import R_DIR, oracle_cohort_path, run_r_script

from hsct_ms import stats as sv
from hsct_ms import terms
from hsct_ms.paths import SHIPPED_COHORT

ORACLE_SCRIPT = R_DIR / "cohort_oracle.R"
KM_TOL = 1e-6  # KM, Greenwood, medians, restricted means, log-rank: closed forms
COX_RTOL = 1e-5  # two Newton fits; observed agreement ~1e-8 (see tests/unit/stats/test_cox.py)


def run_r_oracle(cohort_csv: Path) -> dict[str, float]:
    return run_r_script(ORACLE_SCRIPT, cohort_csv)


def synthetic_cohort(seed: int = 20210226, n: int = 210) -> pd.DataFrame:
    """A cohort with the shipped columns, drawn with a fixed seed; times on a monthly
    grid so that events, censorings and deaths tie as in real registry data."""
    rng = np.random.default_rng(seed)
    subtype = rng.choice(["RRMS", "SPMS", "PPMS"], size=n, p=[0.58, 0.37, 0.05])
    followup = np.ceil(rng.uniform(1.0, 15.0, n) * 12) / 12
    rate = np.where(subtype == "RRMS", 0.03, 0.09)
    worsening_time = np.ceil(rng.exponential(1 / rate) * 12) / 12
    worsening = (worsening_time <= followup).astype(int)
    dwfs = np.where(worsening == 1, worsening_time, followup)
    died = (rng.uniform(size=n) < 0.05).astype(int)
    return pd.DataFrame(
        {
            "patient_id": np.arange(1, n + 1),
            "subtype": subtype,
            "age": rng.integers(18, 60, n),
            "baseline_edss": rng.choice(np.arange(2.0, 7.0, 0.5), n),
            "transplant_year": rng.integers(1997, 2020, n),
            "followup_years": followup,
            "dwfs_years": dwfs,
            "worsening": worsening,
            "died": died,
        }
    )


@pytest.fixture(scope="module", params=["synthetic", "shipped"])
def cohort_and_r(request, tmp_path_factory):
    path = oracle_cohort_path(request.param, {"synthetic": synthetic_cohort}, tmp_path_factory)
    cohort = pd.read_csv(path)
    cohort["progressive"] = terms.progressive_mask(cohort).astype(int)
    return cohort, run_r_oracle(path)


GROUPS = {
    "all": lambda c: c,
    "rrms": lambda c: c[c["subtype"] == "RRMS"],
    "progressive": lambda c: c[c["progressive"] == 1],
}


@pytest.mark.parametrize("group", list(GROUPS))
def test_km_at_5_and_10_years_match_r(cohort_and_r, group):
    # R: summary(survfit(Surv(dwfs_years, worsening) ~ 1, conf.type = "plain"),
    #    times = c(5, 10), extend = TRUE)
    cohort, r = cohort_and_r
    d = GROUPS[group](cohort)
    result = sv.survival_at(d["dwfs_years"], d["worsening"], [5, 10]).set_index("time")
    for years in (5, 10):
        key = f"km_{group}_{years}_"
        row = result.loc[float(years)]
        assert row["at_risk"] == r[key + "at_risk"]
        for column, r_name in [("survival", "surv"), ("se", "se"), ("lower", "lower"), ("upper", "upper")]:
            assert row[column] == pytest.approx(r[key + r_name], abs=KM_TOL, nan_ok=True), (group, years, column)


@pytest.mark.parametrize("group", list(GROUPS))
def test_restricted_mean_to_10_years_matches_r(cohort_and_r, group):
    # R: summary(survfit(Surv(dwfs_years, worsening) ~ 1), rmean = 10)$table
    cohort, r = cohort_and_r
    d = GROUPS[group](cohort)
    result = sv.restricted_mean(d["dwfs_years"], d["worsening"], tau=10)
    assert result["rmst"] == pytest.approx(r[f"rmean_{group}_10"], abs=KM_TOL)
    assert result["se"] == pytest.approx(r[f"rmean_{group}_10_se"], abs=KM_TOL)


def test_logrank_rrms_vs_progressive_matches_r(cohort_and_r):
    # R: survdiff(Surv(dwfs_years, worsening) ~ progressive)
    cohort, r = cohort_and_r
    result = sv.logrank_test(cohort["dwfs_years"], cohort["worsening"], cohort["progressive"])
    assert result["chi2"] == pytest.approx(r["logrank_chisq"], rel=KM_TOL)
    assert result["df"] == r["logrank_df"]
    assert result["p"] == pytest.approx(r["logrank_p"], rel=KM_TOL)


def test_cox_progressive_vs_rrms_matches_r(cohort_and_r):
    # R: coxph(Surv(dwfs_years, worsening) ~ progressive, ties = "efron"); summary()
    # conf.int and Wald p; the 1994 PH test from zph_gt1994.R (g = 1 - S(t-)).
    cohort, r = cohort_and_r
    hr = sv.cox_model(cohort, "dwfs_years", "worsening", ["progressive"]).loc["progressive"]
    assert hr["coef"] == pytest.approx(r["cox_coef"], rel=COX_RTOL)
    assert hr["hazard_ratio"] == pytest.approx(r["cox_hr"], rel=COX_RTOL)
    assert hr["lower"] == pytest.approx(r["cox_lower"], rel=COX_RTOL)
    assert hr["upper"] == pytest.approx(r["cox_upper"], rel=COX_RTOL)
    assert hr["p"] == pytest.approx(r["cox_p"], rel=COX_RTOL)
    zph = sv.cox_ph_test(cohort, "dwfs_years", "worsening", ["progressive"]).loc["progressive"]
    assert zph["chi2"] == pytest.approx(r["zph_gt_chisq"], rel=COX_RTOL)
    assert zph["p"] == pytest.approx(r["zph_gt_p"], rel=COX_RTOL)


def test_adjusted_cox_matches_r(cohort_and_r):
    # R: coxph(Surv(dwfs_years, worsening) ~ progressive + age + baseline_edss,
    # ties = "efron"); summary() conf.int and Wald p; the 1994 PH test (zph_gt1994.R),
    # each term and GLOBAL.
    cohort, r = cohort_and_r
    terms = ["progressive", "age", "baseline_edss"]
    model = sv.cox_model(cohort, "dwfs_years", "worsening", terms)
    for term in terms:
        for column, key in (("hazard_ratio", "hr"), ("lower", "lower"), ("upper", "upper"), ("p", "p")):
            assert model.loc[term, column] == pytest.approx(r[f"cox_adj_{term}_{key}"], rel=COX_RTOL), (term, column)
    zph = sv.cox_ph_test(cohort, "dwfs_years", "worsening", terms)
    for term in terms:
        assert zph.loc[term, "chi2"] == pytest.approx(r[f"zph_gt_adj_{term}_chisq"], rel=COX_RTOL), term
    assert zph.loc["GLOBAL", "chi2"] == pytest.approx(r["zph_gt_adj_global_chisq"], rel=COX_RTOL)
    assert zph.loc["GLOBAL", "p"] == pytest.approx(r["zph_gt_adj_global_p"], rel=COX_RTOL)


def test_reverse_km_median_followup_matches_r(cohort_and_r):
    # R: summary(survfit(Surv(followup_years, 1 - died) ~ 1, conf.type = "plain"))$table
    #    [c("median", "0.95LCL", "0.95UCL")]
    cohort, r = cohort_and_r
    result = sv.reverse_km_median_followup(cohort["followup_years"], cohort["died"])
    assert result["median"] == pytest.approx(r["followup_median"], abs=KM_TOL, nan_ok=True)
    assert result["lower"] == pytest.approx(r["followup_lower"], abs=KM_TOL, nan_ok=True)
    assert result["upper"] == pytest.approx(r["followup_upper"], abs=KM_TOL, nan_ok=True)


def test_r_ran_on_the_whole_cohort(cohort_and_r):
    cohort, r = cohort_and_r
    assert r["n"] == len(cohort)


def test_r_on_the_shipped_cohort_meets_the_published_targets():
    # Oracle: the published abstract (data/published/), checked with R alone, so the
    # reconstruction's targets do not rest on this package's own Kaplan-Meier code.
    # R: survfit(Surv(dwfs_years, worsening) ~ 1, conf.type = "plain"), 95%.
    from hsct_ms.inputs import published

    r = run_r_oracle(SHIPPED_COHORT)
    for group, r_group in (("RRMS", "rrms"), ("progressive", "progressive")):
        for year in (5, 10):
            prefix = f"km_{r_group}_{year}_"
            assert abs(100 * r[prefix + "surv"] - published.dwfs_value(group, year, "estimate")) <= 0.5
            assert abs(100 * r[prefix + "lower"] - published.dwfs_value(group, year, "ci_lower")) <= 1.5
            assert abs(100 * r[prefix + "upper"] - published.dwfs_value(group, year, "ci_upper")) <= 1.5
    for year in (5, 10):
        # Not calibrated: the press release's rounded whole-cohort figures, within 2 points.
        assert abs(100 * r[f"km_all_{year}_surv"] - published.dwfs_value("all", year, "estimate")) <= 2.0
