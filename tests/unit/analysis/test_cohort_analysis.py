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
from hsct_ms.display import charts
from hsct_ms.inputs import cohort
from hsct_ms.display import cohort_charts
from hsct_ms.inputs import published
from hsct_ms.paths import SHIPPED_COHORT


@pytest.fixture
def five():
    """Five patients; every summary below was worked out by hand."""
    return pd.DataFrame({
        "patient_id": ["P1", "P2", "P3", "P4", "P5"],
        "subtype": ["RRMS", "RRMS", "SPMS", "SPMS", "PPMS"],
        "age": [30.0, 40.0, 50.0, 36.0, 44.0],
        "baseline_edss": [2.0, 4.0, 6.0, 6.5, 7.0],
        "transplant_year": [2000, 2010, 2005, 2012, 2008],
        "followup_years": [1.0, 3.0, 0.1, 5.0, 2.0],
        "dwfs_years": [1.0, 3.0, 0.1, 5.0, 2.0],
        "worsening": [0, 0, 0, 0, 0],
        "died": [0, 0, 1, 0, 0],
    })


@pytest.fixture(scope="module")
def shipped():
    return cohort.load_cohort(SHIPPED_COHORT)


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
    assert list(table.index) == list(baseline.BASELINE_GROUPS)
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
    pd.testing.assert_frame_equal(baseline.format_baseline_table(shipped, True),
                                  baseline.format_baseline_table(shuffled, True))


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


def test_status_codes_shipped_and_user(shipped):
    long = baseline.baseline_long(shipped, is_shipped=True)
    status = long.set_index(["characteristic", "group"])["status"]
    assert status[("Patients, n", "RRMS")] == "R=P"
    assert status[("Age, mean (years)", "All")] == "R=P"
    assert status[("Age, mean (years)", "RRMS")] == "A"  # age by subtype: an assumption
    assert status[("Baseline EDSS, median", "SPMS")] == "A"
    assert status[("Follow-up, mean (years)", "All")] == "R=P"
    assert set(long["status"]) <= set(baseline.STATUS_LABELS)
    assert "R" not in set(long["status"])  # every calibrated value matches
    user = baseline.baseline_long(shipped, is_shipped=False)
    assert set(user["status"]) == {"F"}
    # Default: read from the cohort's attrs.
    assert shipped.attrs["cohort"].is_shipped
    assert baseline.baseline_long(shipped).equals(long)


def test_formatted_table_shape(shipped):
    shown = baseline.format_baseline_table(shipped)
    assert list(shown.columns) == ["Characteristic", *baseline.BASELINE_GROUPS, "Published"]
    assert shown.iloc[0]["All"] == "210 [R=P]"


CHARTS = [
    (cohort_charts.transplants_per_year_counts, cohort_charts.transplants_per_year_chart),
    (cohort_charts.edss_counts, cohort_charts.edss_chart),
    (cohort_charts.followup_counts, cohort_charts.followup_chart),
]


@pytest.mark.parametrize("count, draw", CHARTS)
def test_chart_data_are_bins_not_patients(shipped, count, draw):
    tenfold = pd.concat([shipped] * 10, ignore_index=True)
    counts = count(tenfold)
    assert len(counts) < 100
    assert counts["patients"].sum() == len(tenfold)
    pd.testing.assert_frame_equal(
        counts.drop(columns=["patients", "patients_label"]),
        count(shipped).drop(columns=["patients", "patients_label"]))
    figure = charts.figure(draw(counts), alt_text="test chart")
    assert figure.data_rows == len(counts) < 100
    assert "patient_id" not in str(figure.spec)


def test_followup_bins_hand_computed(five):
    counts = cohort_charts.followup_counts(five)
    assert counts[["bin_start", "subtype", "patients"]].values.tolist() == [
        [0.0, "SPMS", 1], [1.0, "RRMS", 1], [2.0, "PPMS", 1], [3.0, "RRMS", 1], [5.0, "SPMS", 1]]


def test_formatted_early_deaths(shipped, five):
    shown = baseline.format_early_deaths(baseline.early_deaths(shipped), is_shipped=True)
    assert shown["Deaths within 100 days"].tolist() == [3, 3, 0]
    assert shown.loc[0, "Published"] == "3 (1.4%)"  # abstract: 3 (1.4%)
    assert shown.loc[0, "Exact 95% interval (%)"] == "0.3\u20134.1"
    assert set(shown["Status"]) == {baseline.STATUS_LABELS["R=P"]}
    user = baseline.format_early_deaths(baseline.early_deaths(five), is_shipped=False)
    assert set(user["Status"]) == {baseline.STATUS_LABELS["F"]}


@pytest.mark.parametrize("count", [cohort_charts.transplants_per_year_counts, cohort_charts.edss_counts,
                                   cohort_charts.followup_counts])
def test_small_bins_are_blanked_for_a_users_cohort(shipped, count):
    # Oracle: the unsuppressed counts of the same cohort, and the rule in hsct_ms.display.disclosure.
    plain = count(shipped)
    protected = count(shipped, min_count=5)
    small = plain["patients"].between(1, 4)
    assert small.any(), "the shipped cohort has small bins, so the test can fail"
    assert protected.loc[small, "patients"].isna().all()
    assert (protected.loc[small, "patients_label"] == "<5").all()
    assert (protected.loc[~small, "patients"] == plain.loc[~small, "patients"]).all()

