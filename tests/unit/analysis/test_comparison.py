"""Tests of hsct_ms.analysis.comparison: headline estimates, pooling rules and DerSimonian-Laird.

Oracles: R's metafor (stored fixture, see below), the published values files
(data/published/values.csv and studies.csv), and hand-worked small examples.
"""

import math

import numpy as np
import pandas as pd
import pytest

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


def _key(frame):
    return frame[list(peers.POOLING_ATTRIBUTES)].astype(str).agg(" | ".join, axis=1)


def test_nothing_is_pooled_across_designs_or_populations(forest):
    """Oracle: studies.csv. MIST (randomised, RRMS) and Boffa 2023 (propensity-weighted,
    active SPMS) report the only two hazard ratios of progression: they are not pooled."""
    groups = peers.pooling_groups(forest)
    assert not groups["qualifies"].any()
    assert peers.pool(forest).empty
    hr = groups[groups["quantity"] == "progression_hr"]
    assert len(hr) == 2 and set(hr["design"]) == {"randomised trial", "comparative observational study"}
    reasons = peers.not_pooled_reasons(forest).set_index("estimate")["reason"]
    mist = reasons[reasons.index.str.startswith("MIST")].iloc[0]
    assert "Boffa 2023 differs in design" in mist and "population (active SPMS)" in mist


def test_every_estimate_not_pooled_has_a_reason(forest):
    reasons = peers.not_pooled_reasons(forest)
    assert len(reasons) == len(forest)
    assert (reasons["reason"].str.len() > 0).all()


def test_overlap_from_studies_csv(forest):
    """Oracle: studies.csv overlap_with: Boffa 2021, Boffa 2023 and Muraro 2017 name each other."""
    overlap = forest.drop_duplicates("study").set_index("study")["overlap"]
    assert overlap["boffa2021"] == "Boffa 2023, Muraro 2017"
    assert overlap["boffa2023"] == "Boffa 2021, Muraro 2017"
    assert overlap["sormani2017"] == "cannot be ruled out"
    assert overlap["burt2019"] == "none known"


def _made_up(**changes):
    base = dict(quantity="pfs", endpoint="PFS", time_years=5.0, time="5 y", scale="Percentage at a time point",
                ci_level=0.95, interval_type="95% CI", row="r", role="peer", design="observational cohort",
                population="RRMS")
    rows = [dict(base, study="a", label="A", estimate=80, lower=70, upper=88),
            dict(base, study="b", label="B", estimate=70, lower=60, upper=78),
            dict(base, study="c", label="C", estimate=75, lower=65, upper=83)]
    rows[2].update(changes)
    studies = pd.DataFrame({"key": list("abc"), "label": list("ABC"), "overlap_with": ["", "", ""]})
    return pd.DataFrame(rows), studies


def test_pooling_rule_on_a_made_up_table():
    """Hand-made: three RRMS cohorts with 95% intervals at 5 years qualify and pool to a
    value between them; change the third's design, population, time or interval type, or
    let two share patients, and nothing qualifies."""
    table, studies = _made_up()
    groups = peers.pooling_groups(table, studies=studies)
    assert groups["qualifies"].tolist() == [True]
    pooled = peers.pool(table, studies=studies)
    assert pooled["k"].iloc[0] == 3 and 70 < pooled["estimate"].iloc[0] < 80
    for change in (dict(design="randomised trial"), dict(population="active SPMS"),
                   dict(time="4 y", time_years=4.0), dict(interval_type="90% CI", ci_level=0.90)):
        table, studies = _made_up(**change)
        assert not peers.pooling_groups(table, studies=studies)["qualifies"].any(), change
        assert peers.pool(table, studies=studies).empty
    table, studies = _made_up()
    studies.loc[0, "overlap_with"] = "b"
    groups = peers.pooling_groups(table, studies=studies)
    assert not groups["qualifies"].any() and "may share patients" in groups["reason"].iloc[0]


def test_pool_recovers_standard_errors_on_its_scale():
    """The made-up group is pooled on the logit scale: check against a direct computation."""
    table, studies = _made_up()
    row = peers.pool(table, studies=studies).iloc[0]
    z = 1.959963984540054
    p = table[["estimate", "lower", "upper"]] / 100
    logit = np.log(p / (1 - p))
    fit = peers.dersimonian_laird(logit["estimate"], ((logit["upper"] - logit["lower"]) / (2 * z)) ** 2)
    assert row["estimate"] == pytest.approx(100 / (1 + math.exp(-fit["estimate"])))
