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
