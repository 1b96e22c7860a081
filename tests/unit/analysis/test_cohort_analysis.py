"""Baseline table, early deaths and cohort chart data.

Oracles: a hand-computed 5-patient example; invariance to row order; the published
abstract and press release on the shipped cohort; R ``binom.test`` for the exact
interval; a 10x duplicated cohort for the size of chart data.
"""

import math

import numpy as np
import pandas as pd
import pytest

from hsct_ms.analysis import cohort as baseline
from hsct_ms import stats, terms
from hsct_ms.inputs import published


def test_hand_computed_whole_cohort(five):
    row = baseline.baseline_table(five).loc["All"]
    assert row["n"] == 5
    assert row["age_mean"] == pytest.approx(40.0)  # 200 / 5
    assert row["age_sd"] == pytest.approx(math.sqrt(58.0))  # (100+0+100+16+16) / 4
    assert row["edss_median"] == 6.0
    assert row["edss_q1"] == 4.0 and row["edss_q3"] == 6.5  # R quantile type 7
    assert (row["edss_min"], row["edss_max"]) == (2.0, 7.0)
    assert (row["year_min"], row["year_max"]) == (2000, 2012)
    assert row["followup_mean"] == pytest.approx(2.22)  # 11.1 / 5
    assert row["followup_sd"] == pytest.approx(math.sqrt(14.368 / 4))
    # Reverse KM: the death at 0.1 censors; S = 3/4 at 1, 1/2 at 2, 1/4 at 3 ->
    # S is exactly 0.5 on [2, 3), so the median is the midpoint 2.5 (as R).
    assert row["followup_median_reverse_km"] == pytest.approx(2.5)
    assert row["deaths"] == 1


def test_hand_computed_groups(five):
    table = baseline.baseline_table(five)
    assert list(table.index) == list(terms.BASELINE_GROUPS)
    assert table["n"].tolist() == [2, 2, 1, 3, 5]
    assert table.loc["RRMS", "age_mean"] == pytest.approx(35.0)
    assert table.loc["RRMS", "age_sd"] == pytest.approx(math.sqrt(50.0))
    assert table.loc["Progressive", "age_mean"] == pytest.approx(130 / 3)
    assert table.loc["Progressive", "edss_median"] == 6.5
    assert table.loc["Progressive", "followup_mean"] == pytest.approx(7.1 / 3)
    assert table.loc["Progressive", "deaths"] == 1
    assert np.isnan(table.loc["PPMS", "age_sd"])  # one patient: no SD


def test_hand_computed_early_deaths(five):
    deaths = baseline.early_deaths(five)
    assert deaths["patients"].tolist() == [5, 2, 3]
    assert deaths["deaths"].tolist() == [1, 1, 0]  # 0.1 y = 36.5 days, transplanted 2005
    assert deaths.loc["All", "proportion"] == pytest.approx(0.2)
    assert deaths.loc["Transplanted after 2007", "lower"] == 0.0
    # A death just past the window is not early.
    later = five.assign(followup_years=[1.0, 3.0, 101 / 365.25, 5.0, 2.0])
    assert baseline.early_deaths(later)["deaths"].tolist() == [0, 0, 0]


def test_row_order_does_not_matter(shipped):
    shuffled = shipped.sample(frac=1, random_state=np.random.default_rng(7)).reset_index(drop=True)
    pd.testing.assert_frame_equal(baseline.baseline_table(shipped), baseline.baseline_table(shuffled))
    pd.testing.assert_frame_equal(baseline.early_deaths(shipped), baseline.early_deaths(shuffled))


def test_shipped_cohort_against_published(shipped):
    table = baseline.baseline_table(shipped)
    for subtype in ("RRMS", "SPMS", "PPMS"):
        assert table.loc[subtype, "n"] == published.subtype_count(subtype)
    assert table.loc["Progressive", "n"] == published.subtype_count("SPMS") + published.subtype_count("PPMS")
    assert table.loc["All", "n"] == published.cohort_value("patients", "count") == 210
    assert abs(table.loc["All", "age_mean"] - published.cohort_value("age", "mean")) < 0.2
    assert abs(table.loc["All", "followup_mean"] - published.cohort_value("followup", "mean")) < 0.1
    assert abs(table.loc["All", "followup_sd"] - published.cohort_value("followup", "sd")) < 0.1
    assert table.loc["All", "edss_median"] == published.cohort_value("baseline_edss", "median")
    deaths = baseline.early_deaths(shipped)
    assert deaths.loc["All", "deaths"] == published.value("boffa2021_early_deaths_all_count") == 3
    assert round(100 * deaths.loc["All", "proportion"], 1) == published.value("boffa2021_early_deaths_all_percent")
    assert deaths.loc["Transplanted after 2007", "deaths"] == published.value(
        "boffa2021_early_deaths_after_2007_count")


def test_clopper_pearson_against_r(shipped):
    # R 4.x: print(binom.test(3, 210)$conf.int, digits = 15)
    # [1] 0.00295580276930755 0.04117905916336695
    row = baseline.early_deaths(shipped).loc["All"]
    assert row["lower"] == pytest.approx(0.00295580276930755, rel=1e-9)
    assert row["upper"] == pytest.approx(0.04117905916336695, rel=1e-9)


def test_reverse_km_median_has_its_interval(shipped):
    # Oracle: hsct_ms.stats.reverse_km_median_followup, itself tested against R's survfit.
    table = baseline.baseline_table(shipped)
    for group, frame in terms.group_members(shipped, terms.BASELINE_GROUPS).items():
        expected = stats.reverse_km_median_followup(frame["followup_years"], frame["died"])
        # Float columns only: a row Series of mixed dtypes holds NaN as pd.NA.
        row = table.loc[group, ["followup_median_reverse_km", "followup_median_lower",
                                "followup_median_upper"]].astype(float)
        assert row["followup_median_reverse_km"] == pytest.approx(expected["median"], nan_ok=True)
        assert row["followup_median_lower"] == pytest.approx(expected["lower"], nan_ok=True)
        assert row["followup_median_upper"] == pytest.approx(expected["upper"], nan_ok=True)
    assert table.loc["All", "followup_median_lower"] <= table.loc["All", "followup_median_reverse_km"] \
        <= table.loc["All", "followup_median_upper"]


def test_era_comparison_hand_computed(five):
    # Eras: up to 2007 P1, P3 (1 early death of 2), after 2007 P2, P4, P5 (0 of 3).
    # Hypergeometric with 5 patients and 1 death: P(death in the early era) = 2/5, else 3/5;
    # two-sided p sums the tables no more likely than the observed one: 2/5.
    result = baseline.era_comparison(baseline.early_deaths(five))
    assert result["p_value"] == pytest.approx(0.4)
    assert result["odds_ratio"] == math.inf


def test_era_comparison_shipped_hand_computed(shipped):
    # Shipped: 3 early deaths, all among the 102 patients up to 2007, none among the 108
    # after. Every other split of the 3 deaths is more likely, so the two-sided p is the
    # probability of the observed table alone: C(102, 3) / C(210, 3) = 1030200 / 9129120.
    # R 4.x: print(fisher.test(matrix(c(3, 99, 0, 108), 2, byrow = TRUE))$p.value, digits = 15)
    # [1] 0.112847678637152
    deaths = baseline.early_deaths(shipped)
    assert deaths.loc[baseline.EARLY_ERA, "patients"] == 102
    result = baseline.era_comparison(deaths)
    assert result["p_value"] == pytest.approx(math.comb(102, 3) / math.comb(210, 3), rel=1e-9)
    assert result["p_value"] == pytest.approx(1030200 / 9129120, rel=1e-9)
    assert result["p_value"] == pytest.approx(0.112847678637152, rel=1e-12)
