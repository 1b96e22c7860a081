"""Charts of the limitations chapter.

Oracles: the chart specifications themselves (the slider parameter the browser test
moves; aggregate data only: one row per Kaplan-Meier step, group, time point or
ensemble member, never a patient row) and hand-made inputs.
"""

import json

import numpy as np
import pandas as pd
import pytest

from hsct_ms import terms
from hsct_ms.analysis import limitations
from hsct_ms.display import limitations_charts
from hsct_ms.inputs import cohort
from hsct_ms.reconstruction import ensemble


@pytest.fixture(scope="module")
def groups():
    return terms.group_members(cohort.load_cohort(), terms.COMPARED_GROUPS)


def _data_rows(chart) -> list[dict]:
    spec = chart.to_dict()
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


def test_unrecorded_events_chart_has_the_slider_and_no_patient_rows(groups):
    chart = limitations_charts.unrecorded_events_chart(groups, 0.5, "One half")
    spec = json.dumps(chart.to_dict())
    assert f'"name": "{limitations_charts.SLIDER_PARAM}"' in spec
    assert "patient_id" not in spec and "REC0" not in spec
    n_patients = sum(len(frame) for frame in groups.values())
    assert len(_data_rows(chart)) < n_patients


def test_unrecorded_events_chart_cuts_curves_on_a_user_cohort(groups):
    # With a disclosure threshold the curves stop before few remain at risk: fewer steps.
    full = limitations_charts.unrecorded_events_chart(groups, 0.5, "One half")
    cut = limitations_charts.unrecorded_events_chart(groups, 0.5, "One half", min_count=20)
    assert len(_data_rows(cut)) < len(_data_rows(full))


def test_tipping_curve_chart_draws_each_group_over_its_interval():
    points = limitations.published_points(years=(10,))
    curve = limitations.tipping_curve(points, steps=5)
    chart = limitations_charts.tipping_curve_chart(curve, limitations.tipping_summary(points), 0.5)
    rows = pd.DataFrame(_data_rows(chart))
    assert set(rows["group"]) == set(terms.COMPARED_GROUPS)
    assert len(rows) == len(curve) + len(points)


def test_censoring_bounds_chart_shows_published_diamonds(groups):
    bounds = limitations.censoring_bounds_table(groups, years=(5, 10))
    chart = limitations_charts.censoring_bounds_chart(bounds, limitations.published_points(years=(5, 10)))
    rows = pd.DataFrame(_data_rows(chart))
    assert len(rows) == 4 and rows["estimate"].notna().all()


def test_ensemble_chart_has_one_row_per_member():
    members = ensemble.members(ensemble.load_ensemble())
    rows = [row for row in _data_rows(limitations_charts.ensemble_hazard_ratio_chart(members)) if "draw" in row]
    assert len(rows) == len(members)  # plus one row for the rule at 1
    assert {row["log_rank"] for row in rows} <= {"p < 0.05", "p ≥ 0.05"}
    assert np.all(np.diff([row["cox_hr"] for row in rows]) >= 0)


def test_worst_case_cohort_stays_within_the_grid_bound_of_the_unrecorded_events_chart():
    # Oracle: groups x (months of the longest accepted follow-up + 1 point at the year) + 2
    # rules; a cohort with an event in every month up to that follow-up reaches it exactly.
    from hsct_ms.display import charts
    from hsct_ms.inputs.cohort_schema import max_followup_years
    rng = np.random.default_rng(3)
    months = int(round(max_followup_years() * 12))
    frames = {}
    for label in terms.COMPARED_GROUPS:
        t = np.append((np.repeat(np.arange(months), 4) + rng.uniform(0.01, 0.99, 4 * months)) / 12,
                      float(max_followup_years()))
        frames[label] = pd.DataFrame({"dwfs_years": t, "worsening": np.r_[np.ones(t.size - 1, int), 0]})
    figure = charts.figure(limitations_charts.unrecorded_events_chart(frames, 0.5, "One half"), alt_text="t")
    assert figure.row_bound == limitations_charts.unrecorded_events_row_bound(2) == 2 * (months + 2) + 2
    assert figure.data_rows == figure.row_bound


def test_charts_of_published_numbers_and_of_the_ensemble_are_bounded_by_their_inputs():
    # Oracle: their inputs' sizes (no cohort enters these charts).
    from hsct_ms.display import charts
    points = limitations.published_points(years=(10,))
    curve, summary = limitations.tipping_curve(points), limitations.tipping_summary(points)
    figure = charts.figure(limitations_charts.tipping_curve_chart(curve, summary, 0.5), alt_text="t")
    assert figure.data_rows <= figure.row_bound == len(curve) + len(summary)
    frames = {label: pd.DataFrame({"dwfs_years": [1.0, 6.0, 11.0], "worsening": [1, 0, 0]})
              for label in terms.COMPARED_GROUPS}
    bounds = limitations.censoring_bounds_table(frames)
    figure = charts.figure(limitations_charts.censoring_bounds_chart(bounds, limitations.published_points((5, 10))),
                           alt_text="t")
    assert figure.data_rows <= figure.row_bound == len(bounds)
    members = ensemble.members(ensemble.load_ensemble())
    figure = charts.figure(limitations_charts.ensemble_hazard_ratio_chart(members, 1.5), alt_text="t")
    assert figure.data_rows == figure.row_bound == len(members) + 2


def test_unrecorded_events_chart_with_every_curve_withheld_has_a_finite_axis():
    # Found by the generated cohorts: groups below the small-count threshold.
    from hsct_ms.display import charts
    frames = {label: pd.DataFrame({"dwfs_years": [1.0, 2.0, 3.0], "worsening": [1, 0, 0]})
              for label in terms.COMPARED_GROUPS}
    figure = charts.figure(limitations_charts.unrecorded_events_chart(frames, 0.5, "One half", min_count=5),
                           alt_text="t")
    assert "NaN" not in json.dumps(figure.spec)
    assert figure.spec["layer"][0]["encoding"]["x"]["scale"]["domain"] == [0, 10.0]


def test_no_value_is_labelled_at_the_year_past_follow_up_or_below_the_threshold():
    # Oracle: hand-made groups. RRMS followed past 10 years by 6 patients, progressive
    # MS only to 8 years: the 10-year label exists for RRMS alone (its KM value), and
    # with a threshold of 7 for neither.
    from hsct_ms.display import charts
    frames = {"RRMS": pd.DataFrame({"dwfs_years": [1.0, 2.0, 10.5, 11, 12, 13, 14, 15],
                                    "worsening": [1, 0, 0, 0, 0, 0, 1, 0]}),
              "Progressive": pd.DataFrame({"dwfs_years": [0.5, 3.0, 8.0], "worsening": [1, 0, 0]})}

    def labelled(min_count):
        chart = limitations_charts.unrecorded_events_chart(frames, 0.5, "One half", min_count=min_count)
        spec = charts.figure(chart, alt_text="t").spec
        return [row for rows in spec["datasets"].values() for row in rows if row.get("time") == 10.0 and "group" in row]

    assert labelled(0) == [{"group": "RRMS", "survival": pytest.approx(7 / 8), "time": 10.0}]
    assert labelled(5) == [{"group": "RRMS", "survival": pytest.approx(7 / 8), "time": 10.0}]
    assert labelled(7) == []
