"""Tests of the forest chart (hsct_ms.display.forest_chart).

Oracle: the published headline estimates (values.csv via analysis.comparison) and a
hand-made pool; the chart embeds aggregates only.
"""

import re

import pandas as pd
import pytest

from hsct_ms.analysis import comparison
from hsct_ms.display import charts, forest_chart


@pytest.fixture(scope="module")
def forest():
    return comparison.headline_estimates()


def test_forest_chart_embeds_aggregates_only(forest):
    figure = charts.figure(forest_chart.forest_chart(forest, comparison.pool(forest)), alt_text="forest")
    assert figure.data_rows < 4 * len(forest) + 10
    spec = str(figure.spec)
    assert "no interval reported" in spec and "Boffa 2021" in spec
    assert "May share patients with" in spec and "Muraro 2017" in spec


DIAMOND_MARK = r"'mark': \{[^}]*'shape': 'diamond'[^}]*\}"


def test_no_diamond_without_a_pool(forest):
    spec = str(forest_chart.forest_chart(forest, comparison.pool(forest)).to_dict())
    assert not re.search(DIAMOND_MARK, spec)
    assert "random-effects pool" not in spec


def test_a_pool_is_drawn_as_a_diamond(forest):
    pooled = pd.DataFrame([{"endpoint": forest["endpoint"].iloc[0], "time": "5 y", "interval_type": "95% CI",
                            "studies": "A, B, C", "k": 3, "scale_name": "logit", "estimate": 80.0,
                            "lower": 70.0, "upper": 88.0, "tau2": 0.1, "i2": 20.0, "q": 2.5, "q_p": 0.3,
                            "row": "Pooled, random effects — test"}])
    spec = str(forest_chart.forest_chart(forest, pooled).to_dict())
    assert "random-effects pool of A, B, C" in spec
    assert re.search(DIAMOND_MARK, spec)


def test_forest_chart_stays_within_the_bound_of_its_inputs(forest):
    # Oracle: forest_chart.row_bound from the number of estimates and pools (published
    # numbers only: no cohort enters this chart).
    pooled = pd.DataFrame([{"endpoint": forest["endpoint"].iloc[0], "time": "5 y", "interval_type": "95% CI",
                            "studies": "A, B, C", "k": 3, "scale_name": "logit", "estimate": 80.0,
                            "lower": 70.0, "upper": 88.0, "tau2": 0.1, "i2": 20.0, "q": 2.5, "q_p": 0.3,
                            "row": "Pooled, random effects — test"}])
    for pools, n_pooled in ((None, 0), (pooled, 1)):
        figure = charts.figure(forest_chart.forest_chart(forest, pools), alt_text="forest")
        assert figure.row_bound == forest_chart.row_bound(len(forest), n_pooled)
        assert len(forest) < figure.data_rows <= figure.row_bound
