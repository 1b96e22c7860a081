"""Charts of the cohort chapter: drawn from counts per bin, small counts withheld on a user's cohort."""

import pandas as pd
import pytest

from hsct_ms.display import charts, cohort_charts


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


def worst_case_patients():
    """Every subtype in every accepted transplant year, at every EDSS score and in every
    follow-up year bin up to the longest accepted follow-up: the most bins a cohort can fill."""
    from hsct_ms.inputs.cohort_schema import (EDSS_SCALE, FIRST_TRANSPLANT_YEAR, current_year,
                                              max_followup_years)
    from hsct_ms.terms import SUBTYPES
    years = list(range(FIRST_TRANSPLANT_YEAR, current_year() + 1))
    n = max(len(years), len(EDSS_SCALE), max_followup_years() + 1)
    rows = []
    for subtype in SUBTYPES:
        for k in range(n):
            followup = min(k + 0.5, float(max_followup_years()))
            rows.append({"subtype": subtype, "transplant_year": years[k % len(years)],
                         "baseline_edss": EDSS_SCALE[k % len(EDSS_SCALE)], "followup_years": followup})
    return pd.DataFrame(rows)


@pytest.mark.parametrize("count, draw, bound", [
    (cohort_charts.transplants_per_year_counts, cohort_charts.transplants_per_year_chart,
     cohort_charts.per_year_row_bound),
    (cohort_charts.edss_counts, cohort_charts.edss_chart, cohort_charts.edss_row_bound),
    (cohort_charts.followup_counts, cohort_charts.followup_chart, cohort_charts.followup_row_bound),
])
def test_worst_case_cohort_fills_the_grid_and_stays_within_its_bound(count, draw, bound):
    # Oracle: the grid sizes (accepted years, EDSS scale, follow-up bins, each x subtypes);
    # a cohort that fills every bin reaches the declared bound exactly.
    figure = charts.figure(draw(count(worst_case_patients())), alt_text="test chart")
    assert figure.row_bound == bound()
    assert figure.data_rows == bound()
