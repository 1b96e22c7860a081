"""Tests of hsct_ms.stats.edss_change.

Oracles: in a balanced design (every patient seen at the same times) the mixed model's
fixed slope equals the mean of the patients' own least-squares slopes (a known property
of GLS with a random intercept and slope); a hand-computed three-patient table of bin
means and t intervals.
"""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from hsct_ms.stats.edss_change import annualised_change, edss_by_bin, with_baseline


def balanced(seed=7, n=40):
    rng = np.random.default_rng(seed)
    times = np.array([0, 0.5, 1, 1.5, 2, 3, 4, 5])
    rows = []
    for i in range(n):
        a, b = 4 + rng.normal(0, 1), -0.1 + rng.normal(0, 0.08)
        for t in times:
            rows.append((f"P{i}", t, a + b * t + rng.normal(0, 0.3)))
    return pd.DataFrame(rows, columns=["patient_id", "years_since_transplant", "edss"])


def test_balanced_design_slope_is_the_mean_of_patient_slopes():
    visits = balanced()
    fit = annualised_change(visits)
    own = visits.groupby("patient_id").apply(
        lambda g: np.polyfit(g["years_since_transplant"], g["edss"], 1)[0], include_groups=False)
    assert fit.converged
    assert fit.slope == pytest.approx(own.mean(), abs=1e-5)
    assert fit.ci_lower < fit.slope < fit.ci_upper
    assert fit.n_patients == 40 and fit.n_visits == 320
    # Wald interval from the model's standard error: symmetric, z = 1.96.
    assert (fit.slope - fit.ci_lower) == pytest.approx(fit.ci_upper - fit.slope)


def test_row_order_does_not_change_the_estimate():
    visits = balanced(seed=3, n=25)
    shuffled = visits.sample(frac=1, random_state=1)
    assert annualised_change(shuffled).slope == pytest.approx(annualised_change(visits).slope, abs=1e-6)


def test_baseline_from_cohort_is_added_only_where_missing():
    cohort = pd.DataFrame({"patient_id": ["A", "B", "C"], "baseline_edss": [3.0, 6.0, 2.0]})
    visits = pd.DataFrame({"patient_id": ["A", "A", "B"], "years_since_transplant": [0.0, 1.0, 1.0],
                           "edss": [3.0, 3.5, 6.5]})
    out = with_baseline(visits, cohort)
    assert list(zip(out.patient_id, out.years_since_transplant, out.edss)) == [
        ("A", 0.0, 3.0), ("A", 1.0, 3.5), ("B", 0.0, 6.0), ("B", 1.0, 6.5)]


def test_bin_means_by_hand():
    visits = pd.DataFrame({
        "patient_id": ["A", "A", "A", "B", "B", "C"],
        "years_since_transplant": [0.0, 0.5, 0.9, 0.0, 0.5, 1.5],
        "edss": [3.0, 2.0, 3.0, 5.0, 4.0, 6.0],
    })
    groups = {"All": pd.DataFrame({"patient_id": ["A", "B", "C"]})}
    out = edss_by_bin(visits, groups).set_index("bin")
    assert list(out.index) == ["0 (transplant)", "0-1", "1-2"]
    # 0-1: A's mean 2.5 (two visits), B 4.0 -> mean 3.25 over 2 patients, 3 visits.
    row = out.loc["0-1"]
    assert row["mean"] == 3.25 and row["n_patients"] == 2 and row["n_visits"] == 3
    half = stats.t.ppf(0.975, 1) * np.std([2.5, 4.0], ddof=1) / np.sqrt(2)
    assert row["ci_lower"] == pytest.approx(3.25 - half) and row["ci_upper"] == pytest.approx(3.25 + half)
    assert out.loc["0 (transplant)", "mean"] == 4.0
    assert np.isnan(out.loc["1-2", "ci_lower"]) and out.loc["1-2", "n_patients"] == 1
    assert "patient_id" not in out.columns
