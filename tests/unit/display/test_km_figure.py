"""The Kaplan-Meier figure of the outcomes chapter: deterministic spec, legend
parameter, at-risk rows equal to stats.at_risk_table, chart data bounded by the
number of distinct months (oracle: hsct_ms.stats.survival, itself checked against R)."""

import json

import numpy as np
import pandas as pd
import pytest

from hsct_ms.display import charts
from hsct_ms.inputs import cohort
from hsct_ms.display import km_figure
from hsct_ms.analysis import outcomes
from hsct_ms import stats


@pytest.fixture(scope="module")
def frames():
    return outcomes.analysis_groups(cohort.load_cohort())


def test_building_twice_gives_the_same_spec(frames):
    first = km_figure.km_figure(frames).to_dict()
    second = km_figure.km_figure(frames).to_dict()
    assert first == second
    text = json.dumps(first)
    assert "param_" not in text and "view_" not in text  # no Altair counters


def test_legend_parameter_is_named_and_bound_to_the_legend(frames):
    spec = km_figure.km_figure(frames).to_dict()
    params = {p["name"]: p for p in spec["params"]}
    assert km_figure.LEGEND_PARAM == "group_pick"
    assert params["group_pick"]["bind"] == "legend"
    assert params["group_pick"]["views"] == ["km_curves"]


def test_at_risk_rows_match_at_risk_table(frames):
    rows = km_figure.at_risk_rows(frames)
    assert list(dict.fromkeys(rows["group"])) == list(frames)
    for label, frame in frames.items():
        expected = stats.at_risk_table(frame["dwfs_years"], np.full(len(frame), label),
                                          km_figure.AT_RISK_TIMES).loc[label]
        got = rows[rows["group"] == label].set_index("time")["at_risk"]
        assert got.tolist() == expected.tolist()
        assert got.index.tolist() == [float(t) for t in km_figure.AT_RISK_TIMES]


def test_censoring_marks_count_every_censoring_once():
    t = [0.01, 0.02, 0.5, 1.0, 1.0, 2.0]
    e = [0, 0, 1, 0, 1, 0]
    marks = km_figure.censoring_marks(t, e)
    assert marks["time"].tolist() == pytest.approx([1 / 12, 1.0, 2.0])
    assert marks["censored"].tolist() == [2, 1, 1]
    assert marks["censored"].sum() == 6 - sum(e)
    # the tick sits on the curve at its month
    assert marks["survival"].tolist() == pytest.approx(stats.km_at(t, e, marks["time"])[0].tolist())


def test_chart_rows_stay_bounded_for_a_hundredfold_cohort(frames):
    big = {label: pd.concat([frame] * 100, ignore_index=True) for label, frame in frames.items()}
    fig = charts.figure(km_figure.km_figure(big), alt_text="test")
    small = charts.figure(km_figure.km_figure(frames), alt_text="test")
    assert fig.data_rows < 2000
    assert fig.data_rows == small.data_rows  # rows follow distinct months, not patients
