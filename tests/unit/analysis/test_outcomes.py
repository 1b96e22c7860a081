"""Analyses of the outcomes chapter. Oracles: the published abstract (reproduction
table on the shipped cohort), hsct_ms.stats.survival (checked against R) for the rest."""

import numpy as np
import pytest

from hsct_ms.inputs import cohort
from hsct_ms.analysis import outcomes
from hsct_ms.inputs import published
from hsct_ms import stats


@pytest.fixture(scope="module")
def patients():
    return cohort.load_cohort()


def test_reproduction_table_on_shipped_cohort_is_within_tolerance(patients):
    table = outcomes.reproduction_table(patients)
    assert len(table) == 2 * 2 * 3
    assert table["within"].all()
    row = table[(table["group"] == "RRMS") & (table["year"] == 5) & (table["quantity"] == "estimate")].iloc[0]
    assert row["published"] == published.dwfs_value("RRMS", 5, "estimate")


def test_reproduction_table_flags_a_perturbed_value(patients):
    def perturbed(group, year, kind):
        value = published.dwfs_value(group, year, kind)
        return value + 5.0 if (group, year, kind) == ("progressive", 10, "ci_lower") else value

    table = outcomes.reproduction_table(patients, published_value=perturbed)
    flagged = table[~table["within"]]
    assert flagged[["group", "year", "quantity"]].values.tolist() == [["Progressive", 10, "lower"]]


def test_estimate_tolerance_is_half_a_point(patients):
    base = outcomes.reproduction_table(patients)
    est = base[(base["group"] == "RRMS") & (base["year"] == 10) & (base["quantity"] == "estimate")].iloc[0]

    def shifted(group, year, kind):
        value = published.dwfs_value(group, year, kind)
        if (group, year, kind) == ("RRMS", 10, "estimate"):
            return est["reproduced"] + 0.51
        return value

    table = outcomes.reproduction_table(patients, published_value=shifted)
    assert table["within"].sum() == len(table) - 1


def test_comparison_verb():
    assert outcomes.comparison_verb(True) == "reproduces"
    assert outcomes.comparison_verb(False) == "compares with"


def test_interval_comparison_matches_km_table_and_survival_at(patients):
    frames = outcomes.analysis_groups(patients)
    table = outcomes.interval_comparison(frames)
    for _, row in table.iterrows():
        frame = frames[row["group"]]
        at = stats.survival_at(frame["dwfs_years"], frame["worsening"], [row["year"]]).iloc[0]
        assert row["survival"] == pytest.approx(at["survival"])
        assert row["lower"] == pytest.approx(at["lower"])
        assert row["upper"] == pytest.approx(at["upper"])
        assert row["lower_loglog"] < row["survival"] < row["upper_loglog"]


def test_models_and_groups(patients):
    frames = outcomes.analysis_groups(patients)
    assert list(frames) == ["All", "RRMS", "Progressive", "SPMS"]
    assert len(frames["Progressive"]) == (patients["subtype"] != "RRMS").sum()
    models = outcomes.cox_models(patients)
    assert set(models["model"]) == set(outcomes.MODELS)
    unadjusted = models[models["model"] == "unadjusted"].iloc[0]
    assert unadjusted["lower"] < unadjusted["hazard_ratio"] < unadjusted["upper"]
    ph = outcomes.ph_tests(patients)
    assert "GLOBAL" in set(ph["covariate"])
    assert ((ph["p"] >= 0) & (ph["p"] <= 1)).all()


def test_restricted_means_match_survival(patients):
    frames = outcomes.analysis_groups(patients)
    table = outcomes.restricted_means(frames, tau=10)
    rrms = frames["RRMS"]
    expected = stats.restricted_mean(rrms["dwfs_years"], rrms["worsening"], 10)
    row = table.set_index("group").loc["RRMS"]
    assert row["rmst"] == pytest.approx(expected["rmst"])
    assert row["lower"] == pytest.approx(expected["lower"])
    assert (table["rmst"] <= 10).all() and np.isfinite(table["se"]).all()


def test_logrank_matches_survival_logrank_test(patients):
    result = outcomes.logrank(patients)
    labels = np.where(patients["subtype"] == "RRMS", "b", "a")
    direct = stats.logrank_test(patients["dwfs_years"], patients["worsening"], labels)
    assert result["chi2"] == pytest.approx(direct["chi2"])
    assert result["df"] == 1
    assert result["observed"]["Progressive"] == direct["observed"]["a"]
