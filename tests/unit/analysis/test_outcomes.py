"""Analyses of the outcomes chapter. Oracles: the published abstract (reproduction
table on the shipped cohort), hsct_ms.stats (checked against R) for the rest, the
stored ensemble (median and range recomputed by hand with pandas), and hand-computed
examples for the sensitivity analyses, the published-number arithmetic and follow-up."""

import numpy as np
import pytest

import pandas as pd

from hsct_ms import stats, terms
from hsct_ms.analysis import outcomes
from hsct_ms.analysis import outcomes_sensitivity as sensitivity
from hsct_ms.inputs import cohort, published
from hsct_ms.reconstruction import ensemble


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
            return est["computed"] + 0.51
        return value

    table = outcomes.reproduction_table(patients, published_value=shifted)
    assert table["within"].sum() == len(table) - 1


def test_tolerances_come_from_terms():
    table = outcomes.reproduction_table(cohort.load_cohort())
    estimates = table["quantity"] == "estimate"
    assert set(table.loc[estimates, "tolerance"]) == {terms.tolerance("dwfs", "estimate")}
    assert set(table.loc[~estimates, "tolerance"]) == {terms.tolerance("dwfs", "ci_lower")}


def test_interval_comparison_matches_km_table_and_survival_at(patients):
    frames = terms.group_members(patients)
    table = outcomes.interval_comparison(frames)
    for _, row in table.iterrows():
        frame = frames[row["group"]]
        at = stats.survival_at(frame["dwfs_years"], frame["worsening"], [row["year"]]).iloc[0]
        assert row["survival"] == pytest.approx(at["survival"])
        assert row["lower"] == pytest.approx(at["lower"])
        assert row["upper"] == pytest.approx(at["upper"])
        assert row["lower_loglog"] < row["survival"] < row["upper_loglog"]


def test_models_and_groups(patients):
    frames = terms.group_members(patients)
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
    frames = terms.group_members(patients)
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


# --------------------------------------------------------------------------- subtype statistics


def test_ensemble_statistics_are_median_and_range_of_the_members():
    members = ensemble.members(ensemble.load_ensemble())
    table = outcomes.subtype_statistics(None, is_shipped=True, members=members).set_index("statistic")
    assert (table["basis"] == "ensemble").all()
    for name in ("logrank_p", "cox_hr"):
        assert table.loc[name, "value"] == pytest.approx(members[name].median())
        assert table.loc[name, "lower"] == pytest.approx(members[name].min())
        assert table.loc[name, "upper"] == pytest.approx(members[name].max())
        assert table.loc[name, "n"] == len(members)
    # covariate effects are null by construction: never shown on the shipped cohort
    assert not any(key.startswith("cox_adj") for key in table.index)


def test_cohort_statistics_equal_the_cohort_analyses(patients):
    table = outcomes.subtype_statistics(patients, is_shipped=False).set_index("statistic")
    assert (table["basis"] == "cohort").all()
    assert table.loc["logrank_p", "value"] == pytest.approx(outcomes.logrank(patients)["p"])
    models = outcomes.cox_models(patients)
    unadjusted = models[(models["model"] == "unadjusted") & (models["covariate"] == "progressive")].iloc[0]
    assert table.loc["cox_hr", "value"] == pytest.approx(unadjusted["hazard_ratio"])
    rmst = table.loc[["rmst_rrms_10y", "rmst_progressive_10y", "rmst_difference_10y"], "value"]
    assert rmst.iloc[2] == pytest.approx(rmst.iloc[0] - rmst.iloc[1])
    assert "cox_adj_age" in table.index


# --------------------------------------------------------------------------- sensitivity analyses


def tiny_cohort():
    # 5 patients: one worsens at 1, one dies (no worsening) at 2, one worsens at 3, two censored
    return pd.DataFrame({
        "subtype": ["RRMS"] * 5, "transplant_year": [2010, 2010, 2012, 2015, 2018],
        "followup_years": [6.0, 2.0, 5.0, 4.0, 1.5], "dwfs_years": [1.0, 2.0, 3.0, 4.0, 1.5],
        "worsening": [1, 0, 1, 0, 0], "died": [0, 1, 0, 0, 0],
    })


def test_event_codes_by_hand():
    codes = sensitivity.event_codes(tiny_cohort())
    assert codes["code"].tolist() == [1, 2, 1, 0, 0]
    assert codes["time"].tolist() == [1.0, 2.0, 3.0, 4.0, 1.5]


def test_sensitivity_table_by_hand():
    # at year 3.5: main KM censors the death: (4/5)(3/4... ) -> times 1 (n=5, d=1), 1.5 censored,
    # 2 censored (death), 3 (n=2, d=1): S = 4/5 * 1/2 = 0.4.
    # composite: 1 (n=5), 2 death (n=3): 4/5 * 2/3, 3 (n=2): * 1/2 = 0.266667.
    # competing: CIF = 1/5 + (4/5 * 2/3) * 1/2 = 0.2 + 0.266667 = 0.466667 -> 0.533333.
    row = sensitivity.sensitivity_table({"RRMS": tiny_cohort()}, years=(3.5,)).iloc[0]
    assert row["main"] == pytest.approx(0.4)
    assert row["composite"] == pytest.approx(4 / 5 * 2 / 3 * 1 / 2)
    assert row["competing"] == pytest.approx(1 - (0.2 + 4 / 15))
    assert row["deaths"] == 1


def test_sensitivity_ordering_on_the_shipped_cohort(patients):
    # composite <= main <= competing: counting deaths as events can only lower the curve,
    # counting them as competing can only raise the share not worsened.
    table = sensitivity.sensitivity_table(terms.group_members(patients))
    assert (table["composite"] <= table["main"] + 1e-12).all()
    assert (table["main"] <= table["competing"] + 1e-12).all()


def test_published_comparison_uses_the_abstract():
    difference = sensitivity.published_difference().set_index("year")
    # 85.5 - 71.0 = 14.5 points at 5 years; 71.3 - 57.2 = 14.1 at 10 (abstract)
    assert difference.loc[5, "difference"] == pytest.approx(0.145)
    assert difference.loc[10, "difference"] == pytest.approx(0.141)
    conditional = sensitivity.published_conditional().set_index("group")
    assert conditional.loc["RRMS", "conditional"] == pytest.approx(0.713 / 0.855)
    bounds, diff = sensitivity.published_rmst_bounds()
    assert bounds.set_index("group").loc["RRMS", "lower"] == pytest.approx(5 * 0.855 + 5 * 0.713)
    assert diff["sign_determined"] is False


# --------------------------------------------------------------------------- follow-up


def test_calendar_assumption_shipped_and_user(patients):
    shipped = sensitivity.calendar_assumption(patients, True)
    assert shipped["source"] == "reconstruction" and shipped["data_cutoff"] == 2020.5
    user = sensitivity.calendar_assumption(tiny_cohort(), False)
    # latest follow-up end: 2010 + 0.5 + 6.0 = 2016.5, 2018 + 0.5 + 1.5 = 2020.0
    assert user == {"data_cutoff": 2020.0, "month_fraction": 0.5, "source": "assumed"}


def test_followup_completeness_by_hand():
    # cut-off 2020.0, mid-year: potential 9.5, 9.5, 7.5, 4.5, 1.5; the death ends at 2.0
    # observed 6, 2, 5, 4, 1.5 -> C = 18.5 / (9.5 + 2 + 7.5 + 4.5 + 1.5) = 18.5 / 25
    table = sensitivity.followup_completeness(tiny_cohort(), {"data_cutoff": 2020.0, "month_fraction": 0.5})
    first = table.iloc[0]
    assert first["clark_c"] == pytest.approx(18.5 / 25)
    # gaps 3.5, -, 2.5, 0.5, 0 with a 1-year window: two followed to the cut-off
    assert (first["died"], first["followed to the cut-off"], first["stopped before the cut-off"]) == (1, 2, 2)
    assert table["month_fraction"].tolist() == [0.5, 1.0]


def test_era_table_by_hand():
    eras = sensitivity.era_table(tiny_cohort(), split_year=2011).set_index("era")
    assert eras["patients"].tolist() == [2, 3]
    assert eras.loc["up to 2011", "worsenings"] == 1 and eras.loc["up to 2011", "deaths"] == 1


def test_tables_per_build_are_the_cohorts_own_or_the_ensembles_spread(shipped):
    calendar = {"data_cutoff": 2020.0, "month_fraction": 0.5}
    own = sensitivity.completeness_spread(tiny_cohort(), calendar)
    assert own[0] is own[1] is own[2]  # a user's cohort: its own values, no spread
    members = ensemble.members(ensemble.load_ensemble())
    median, low, high = sensitivity.completeness_spread(shipped, calendar, members)
    # Oracle: the ensemble's own columns, summarised here.
    clark = members["followup_clark_c"]
    assert median.loc[0, "clark_c"] == pytest.approx(clark.median())
    assert (low.loc[0, "clark_c"], high.loc[0, "clark_c"]) == (clark.min(), clark.max())
    assert high.loc[1, "stopped before the cut-off"] == members["followup_stopped_before_the_cut_off_latest"].max()
    assert median["month_fraction"].tolist() == [0.5, 1.0]
    median, low, high = sensitivity.era_spread(shipped, members)
    assert median["lower"].isna().all()  # no one draw's interval over the reconstructions
    assert low.loc[1, "at_risk"] == members["era_late_at_risk"].min()
    assert median["era"].tolist() == sensitivity.era_table(shipped)["era"].tolist()


def test_spread_sources_read_the_ensemble_drivers():
    frame = ensemble.load_ensemble()
    sources = outcomes.spread_sources(frame).set_index("statistic")
    assert "logrank_p" in sources.index and "cox_hr" in sources.index
    drivers = ensemble.spread_drivers(frame, "cox_hr", log=True).set_index("source")
    assert sources.loc["cox_hr", "settings_share"] == pytest.approx(
        drivers.loc[drivers["kind"] == "all settings", "share_of_variance"].iloc[0])
    assert sources.loc["cox_hr", "top_share"] == pytest.approx(
        drivers.loc[drivers["kind"] == "setting", "share_of_variance"].max())


def test_cohort_statistics_give_what_they_can_when_a_cox_model_cannot_be_estimated():
    # Separation (every worsening is progressive, none in RRMS beyond one): the Cox model is
    # refused, its rows are empty with the reason, and the log-rank test is still given.
    frame = pd.DataFrame({
        "patient_id": [f"P{i}" for i in range(8)],
        "subtype": ["SPMS"] * 4 + ["RRMS"] * 4,
        "age": [30.0, 41, 35, 50, 28, 33, 45, 38], "baseline_edss": [6.0, 6.5, 5.5, 7.0, 2.0, 3.0, 2.5, 4.0],
        "transplant_year": [2005] * 8,
        "dwfs_years": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], "followup_years": [1.0, 2, 3, 4, 5, 6, 7, 8],
        "worsening": [1, 1, 1, 1, 0, 0, 0, 0], "died": [0] * 8})
    table = outcomes.cohort_statistics(frame).set_index("statistic")
    assert np.isnan(table.loc["cox_hr", "value"]) and "on this cohort" in table.loc["cox_hr", "note"]
    assert table.loc["logrank_p", "value"] < 0.05 and table.loc["logrank_p", "note"] == ""
    from hsct_ms.display import outcomes_tables

    phrase = outcomes_tables.subtype_statistic_phrases(table.reset_index().assign(basis="cohort"))["cox_hr"]
    assert phrase.startswith("not estimable (the fit")
