"""Tests of hsct_ms.analysis.comparison: headline estimates, pooling rules and DerSimonian-Laird.

Oracles: R's metafor (stored fixture, see below), the published values files
(data/published/values.csv and studies.csv), and hand-worked small examples.
"""

import math

import numpy as np
import pandas as pd
import pytest

from hsct_ms.display import charts
from hsct_ms.analysis import comparison as peers
from hsct_ms.paths import REPO_ROOT
from hsct_ms.inputs.published import load_studies, load_values

FIXTURES = REPO_ROOT / "tests" / "fixtures" / "r"
# metafor reports 15 significant digits; the only error is floating point.
TOLERANCE = 1e-10


@pytest.fixture(scope="module")
def forest():
    return peers.headline_estimates()


def test_dersimonian_laird_matches_metafor():
    """Oracle: R metafor 3.8-1, tests/r_oracle/r/metafor_fixture.R:
    dat <- escalc(measure = "RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)
    rma(yi, vi, data = dat, method = "DL")
    """
    data = pd.read_csv(FIXTURES / "metafor_dl_data.csv")
    expected = pd.read_csv(FIXTURES / "metafor_dl.csv").iloc[0]
    fit = peers.dersimonian_laird(data["yi"], data["vi"])
    assert fit["k"] == expected["k"] == 13
    for name in ("estimate", "se", "ci_lower", "ci_upper", "z", "tau2", "q", "i2", "h2"):
        assert fit[name] == pytest.approx(expected[name], rel=TOLERANCE, abs=TOLERANCE), name
    for name in ("p", "q_p"):
        assert fit[name] == pytest.approx(expected[name], rel=1e-8), name


def test_dersimonian_laird_invariances():
    """Row order does not matter; identical studies give tau2 = 0 and the fixed-effect mean."""
    data = pd.read_csv(FIXTURES / "metafor_dl_data.csv")
    forward = peers.dersimonian_laird(data["yi"], data["vi"])
    backward = peers.dersimonian_laird(data["yi"][::-1], data["vi"][::-1])
    assert forward["estimate"] == pytest.approx(backward["estimate"], rel=1e-12)
    same = peers.dersimonian_laird([0.3, 0.3, 0.3], [0.1, 0.2, 0.4])
    assert same["tau2"] == 0 and same["estimate"] == pytest.approx(0.3)
    # hand-worked: two studies, equal variances 1, y = 0 and 4: Q = 8, C = 1, tau2 = 7,
    # pooled = 2, se = sqrt(1 / (2 / 8)) = 2.
    two = peers.dersimonian_laird([0.0, 4.0], [1.0, 1.0])
    assert (two["q"], two["tau2"], two["estimate"], two["se"]) == pytest.approx((8, 7, 2, 2))
    with pytest.raises(ValueError):
        peers.dersimonian_laird([1.0], [0.0])


def test_forest_rows_are_the_headline_estimates(forest):
    """Oracle: values.csv. One row per point estimate (percent or hazard ratio) of this
    study and the peers; never patient rows."""
    values = load_values()
    roles = load_studies().set_index("key")["role"]
    expected = values[values["kind"].isin(["estimate", "hazard_ratio"])
                      & values["unit"].isin(["percent", "ratio"])
                      & values["study"].map(roles).isin(["this_study", "peer"])]
    assert len(forest) == len(expected)
    assert sorted(forest["key"]) == sorted(expected["key"])
    assert forest["row"].is_unique
    # far fewer rows than the 210 patients of the cohort: aggregates only
    assert len(forest) < 50


def test_every_study_appears_in_the_forest(forest):
    """Oracle: studies.csv; every study with role this_study or peer has an estimate."""
    studies = load_studies()
    shown = studies[studies["role"].isin(["this_study", "peer"])]["key"]
    assert set(shown) == set(forest["study"])
    assert not set(forest["study"]) & set(studies.loc[studies["role"] == "comparator", "key"])


def test_interval_types_come_from_the_data(forest):
    """Oracle: published-facts.md via values.csv: HALT-MS 90%; Muraro and Burt 2015 no interval."""
    by_study = forest.groupby("study")["interval_type"].agg(set)
    assert by_study["nash2017"] == {"90% CI"}
    assert by_study["muraro2017"] == by_study["burt2015"] == {peers.NO_INTERVAL}
    no_interval = forest[forest["interval_type"] == peers.NO_INTERVAL]
    assert no_interval[["lower", "upper"]].isna().all().all()


def test_pooling_only_where_endpoint_time_and_interval_agree(forest):
    groups = peers.pooling_groups(forest)
    qualifying = groups[groups["qualifies"]]
    for group in qualifying.itertuples():
        members = forest[peers._pool_key(forest) == group.pool_key]
        assert members["quantity"].nunique() == 1
        assert members["time"].nunique() == 1
        assert members["interval_type"].nunique() == 1
        assert members["interval_type"].iloc[0] != peers.NO_INTERVAL
        assert members["study"].nunique() == len(members) >= 2
    # HALT-MS (90%) is never pooled with a 95% interval; no estimate without interval is.
    pooled_keys = set(qualifying["pool_key"])
    keys = peers._pool_key(forest)
    assert not forest[keys.isin(pooled_keys) & (forest["study"] == "nash2017")].shape[0]
    assert (forest.loc[keys.isin(pooled_keys), "interval_type"] != peers.NO_INTERVAL).all()
    # every estimate not pooled has a reason
    reasons = peers.not_pooled_reasons(forest)
    assert len(reasons) + int(qualifying["n_estimates"].sum()) == len(forest)
    assert (reasons["reason"].str.len() > 0).all()


def test_pooling_rule_on_a_made_up_table():
    """Hand-made: 95% group of two studies qualifies; a 90% estimate of the same endpoint
    and time does not join it; two subgroups of one study do not qualify."""
    base = dict(quantity="pfs", endpoint="PFS", time_years=5.0, time="5 y", scale="Percentage at a time point",
                ci_level=0.95, interval_type="95% CI", label="x", row="r", role="peer")
    rows = [dict(base, study="a", label="A", estimate=80, lower=70, upper=88),
            dict(base, study="b", label="B", estimate=70, lower=60, upper=78),
            dict(base, study="c", label="C", estimate=90, lower=80, upper=95, ci_level=0.90, interval_type="90% CI"),
            dict(base, study="d", label="D", quantity="efs", estimate=50, lower=40, upper=60),
            dict(base, study="d", label="D", quantity="efs", estimate=55, lower=45, upper=65)]
    groups = peers.pooling_groups(pd.DataFrame(rows)).set_index("pool_key")
    assert groups.loc["pfs | 5 | 95% CI", "qualifies"]
    assert not groups.loc["pfs | 5 | 90% CI", "qualifies"]
    assert not groups.loc["efs | 5 | 95% CI", "qualifies"]
    pooled = peers.pool(pd.DataFrame(rows))
    assert len(pooled) == 1 and pooled["k"].iloc[0] == 2
    assert 70 < pooled["estimate"].iloc[0] < 80


def test_pool_recovers_standard_errors_on_its_scale(forest):
    """The pooled group is pooled on the log scale: check against a direct computation."""
    pooled = peers.pool(forest)
    groups = peers.pooling_groups(forest)
    assert len(pooled) == int(groups["qualifies"].sum())
    for row in pooled.itertuples():
        members = forest[forest["endpoint"] == row.endpoint]
        z = 1.959963984540054
        yi = np.log(members["estimate"])
        vi = ((np.log(members["upper"]) - np.log(members["lower"])) / (2 * z)) ** 2
        fit = peers.dersimonian_laird(yi, vi)
        assert row.estimate == pytest.approx(math.exp(fit["estimate"]))


def test_forest_chart_embeds_aggregates_only(forest):
    figure = charts.figure(peers.forest_chart(forest, peers.pool(forest)), alt_text="forest")
    assert figure.data_rows < 4 * len(forest) + 10
    spec = str(figure.spec)
    assert "no interval reported" in spec and "Boffa 2021" in spec


def test_differences_table_covers_the_studies():
    table = peers.differences_table()
    assert list(table["cite"]) == peers.citation_keys()
    row = table.set_index("cite").loc["burt2019"]
    assert row["regimen"] == "cyclophosphamide + ATG"
    assert "eligibility 2.0 to 6.0" in row["EDSS"]


def test_forest_chart_without_pool(forest):
    """The chart draws with no pooled group too (the case where none qualifies)."""
    figure = charts.figure(peers.forest_chart(forest), alt_text="forest")
    assert figure.data_rows > 0
    empty = peers.pool(forest[forest["study"] == "boffa2021"])
    assert empty.empty and list(empty.columns) == list(peers.POOLED_COLUMNS)
    charts.figure(peers.forest_chart(forest, empty), alt_text="forest")
