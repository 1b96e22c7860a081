"""Sensitivity analyses of the limitations chapter.

Oracles: hand computations (the tipping-point formula; a hand-made 5-patient example
for the censoring bounds; the late-death product), the published values of
data/published/ (abstract of Boffa et al. 2021, Muraro et al. 2017), invariances
(monotonicity in f), the Kaplan-Meier estimate itself (the bounds must bracket it), and
the stored ensemble (data/ensemble.csv) for each statement the chapter's prose makes
about it.
"""

import math

import numpy as np
import pytest

import pandas as pd

from hsct_ms import stats, terms
from hsct_ms.analysis import limitations
from hsct_ms.display import limitations_tables
from hsct_ms.errors import CannotCompute
from hsct_ms.inputs import cohort, published
from hsct_ms.reconstruction import ensemble


def test_tipping_point_against_hand_computation():
    # By hand: S_obs^(1/(1-f)) = c  <=>  f = 1 - ln S_obs / ln c.
    assert limitations.tipping_point(0.713, 0.41) == pytest.approx(1 - math.log(0.713) / math.log(0.41), abs=1e-12)
    assert limitations.tipping_point(0.713, 0.41) == pytest.approx(0.62060, abs=1e-4)


def test_tipping_point_brings_the_estimate_to_the_comparator():
    for s, c in ((0.713, 0.41), (0.572, 0.41), (0.9, 0.5)):
        f = limitations.tipping_point(s, c)
        assert limitations.inflate(s, f) == pytest.approx(c, abs=1e-12)


def test_no_unrecorded_events_needed_when_already_below():
    assert limitations.tipping_point(0.35, 0.41) == 0.0
    assert limitations.tipping_point(0.41, 0.41) == 0.0


def test_inflate_is_identity_at_zero_and_decreasing_in_f():
    s = np.array([1.0, 0.9, 0.713, 0.3])
    assert np.allclose(limitations.inflate(s, 0.0), s)
    f = np.linspace(0, 0.9, 91)
    values = limitations.inflate(0.713, f)
    assert np.all(np.diff(values) < 0)
    assert limitations.inflate(1.0, 0.5) == 1.0


def test_tipping_point_is_monotone():
    # A higher observed estimate needs more unrecorded events; a lower comparator too.
    observed = np.linspace(0.42, 0.99, 30)
    points = [limitations.tipping_point(s, 0.41) for s in observed]
    assert np.all(np.diff(points) > 0)
    comparators = np.linspace(0.2, 0.7, 30)
    points = [limitations.tipping_point(0.713, c) for c in comparators]
    assert np.all(np.diff(points) < 0)


def test_inflate_rejects_invalid_input():
    with pytest.raises(ValueError):
        limitations.inflate(0.7, 1.0)
    with pytest.raises(ValueError):
        limitations.inflate(1.2, 0.1)
    with pytest.raises(ValueError):
        limitations.tipping_point(0.7, 1.0)


def test_tipping_point_stays_in_the_domain_of_the_model():
    # Oracle: the model's domain, f in [0, 1) (inflate refuses f = 1). The formula gives
    # f = 1 at S = 1 (a curve with no recorded worsening): no share brings it down, so
    # the tipping point does not exist and is refused in the cohort's terms.
    for s in np.linspace(0.01, 1 - 1e-9, 200):
        f = limitations.tipping_point(s, 0.5)
        assert 0 <= f < 1
        limitations.inflate(s, f)  # in the model's domain: no error
    group = r"progressive MS \(SPMS \+ PPMS\) group"
    with pytest.raises(CannotCompute, match=r"no worsening is recorded .* " + group) as error:
        limitations.tipping_point(1.0, 0.5, "Progressive")
    assert error.value.what == "the tipping point of unrecorded worsening" and error.value.remedy
    with pytest.raises(CannotCompute, match="no patient is followed that long"):
        limitations.tipping_point(float("nan"), 0.5, "RRMS")


def test_tipping_point_of_a_small_centre_cohort_curve():
    # The 12-patient shape of issue 13: 6 RRMS, 6 SPMS, one worsening in each group.
    # Where the 10-year estimate is below 1 the tipping point is in [0, 1) and inflate
    # accepts it; a group whose only worsening comes after 10 years has none.
    t = np.array([3.5, 4.4, 5.3, 6.2, 7.1, 11.0])
    with_event = stats.km_at(t, np.array([0, 1, 0, 0, 0, 0]), [10])[0][0]
    f = limitations.tipping_point(with_event, 0.5, "RRMS")
    assert 0 <= f < 1 and limitations.inflate(with_event, f) == pytest.approx(min(with_event, 0.5))
    late = stats.km_at(t, np.array([0, 0, 0, 0, 0, 1]), [10])[0][0]
    assert late == 1.0
    with pytest.raises(CannotCompute):
        limitations.tipping_point(late, 0.5, "SPMS")


def test_direct_scaling_is_the_km_at_f_zero_and_close_to_the_power_model():
    durations = np.array([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13])
    events = np.array([1, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 0])
    km = stats.km_at(durations, events, [10.0])[0][0]
    assert limitations.km_with_unrecorded_events(durations, events, 0.0, [10.0])[0] == pytest.approx(km)
    direct = limitations.km_with_unrecorded_events(durations, events, 0.3, [10.0])[0]
    assert direct < km
    assert direct == pytest.approx(limitations.inflate(km, 0.3), abs=0.03)


def test_censoring_bounds_on_a_hand_made_example():
    # Five patients, time point 5 y: worsening at 1 and 3, censored at 2 (before 5), 6 and 8.
    # Best: the patient censored at 2 is worsening-free at 5 -> 3 of 5 = 0.6.
    # Worst: that patient worsened at 2 -> 2 of 5 = 0.4.
    # KM: 4/5 at 1, then 4/5 * 2/3 at 3 (3 at risk) = 0.5333.
    bounds = limitations.censoring_bounds([1, 2, 3, 6, 8], [1, 0, 1, 0, 0], 5.0)
    assert bounds["best"] == pytest.approx(0.6)
    assert bounds["worst"] == pytest.approx(0.4)
    assert bounds["km"] == pytest.approx(8 / 15)
    assert (bounds["n"], bounds["events"], bounds["censored_before"]) == (5, 2, 1)


def test_no_kaplan_meier_value_where_nobody_was_followed():
    # Same five patients at 10 y: the last follow-up is 8 y, so the curve would only carry
    # its 8-year value forward; the bounds still hold (worst: all 3 censored worsened).
    bounds = limitations.censoring_bounds([1, 2, 3, 6, 8], [1, 0, 1, 0, 0], 10.0)
    assert np.isnan(bounds["km"])
    assert bounds["best"] == pytest.approx(0.6) and bounds["worst"] == pytest.approx(0.0)
    rows = limitations_tables.censoring_rows(
        pd.DataFrame([{"group": "RRMS", "year": 10, **bounds}]),
        pd.DataFrame(columns=["group", "year", "estimate"]), lambda c: c.astype(str))
    assert rows["Kaplan-Meier (%)"].iloc[0].startswith("not estimated")


def test_censoring_exactly_at_the_time_point_is_not_before_it():
    bounds = limitations.censoring_bounds([1, 5, 6], [1, 0, 0], 5.0)
    assert bounds["best"] == bounds["worst"] == pytest.approx(2 / 3)


def test_bounds_bracket_the_km_estimate_on_the_shipped_cohort():
    groups = terms.group_members(cohort.load_cohort())
    table = limitations.censoring_bounds_table(groups)
    assert (table["worst"] <= table["km"] + 1e-12).all()
    assert (table["km"] <= table["best"] + 1e-12).all()


def test_bounds_bracket_the_km_estimate_on_random_data():
    rng = np.random.default_rng(7)
    for _ in range(50):
        n = int(rng.integers(5, 60))
        t = np.round(rng.exponential(5, n), 2) + 0.01
        e = rng.integers(0, 2, n)
        for time in (1.0, 5.0, 10.0):
            b = limitations.censoring_bounds(t, e, time)
            if t.max() < time:  # nobody followed: no estimate to bracket
                assert np.isnan(b["km"])
                continue
            assert b["worst"] - 1e-12 <= b["km"] <= b["best"] + 1e-12


def test_published_points_are_the_abstract_values():
    # Oracle: the abstract, RRMS 10 years: 71.3% (57.8-84.8).
    points = limitations.published_points(years=(5, 10)).set_index(["group", "year"])
    assert points.loc[(terms.RRMS, 10)].tolist() == pytest.approx([0.713, 0.578, 0.848])
    assert len(points) == 4


def test_tipping_curve_spans_the_published_interval_and_rises():
    points = limitations.published_points(years=(10,))
    curve = limitations.tipping_curve(points, level=0.5, steps=11)
    for point in points.itertuples(index=False):
        line = curve[curve["group"] == point.group]
        assert line["observed"].min() == pytest.approx(point.lower)
        assert line["observed"].max() == pytest.approx(point.upper)
        assert np.all(np.diff(line["tipping_point"]) >= 0)


def test_tipping_summary_against_hand_computation():
    # By hand: f = 1 - ln(0.713) / ln(0.5) = 0.51216 at the RRMS estimate; the progressive
    # lower bound (41.8%) is below one half, so f = 0 there.
    summary = limitations.tipping_summary(limitations.published_points(years=(10,)), level=0.5).set_index("group")
    assert summary.loc[terms.RRMS, "f_estimate"] == pytest.approx(1 - math.log(0.713) / math.log(0.5))
    assert summary.loc[terms.PROGRESSIVE, "f_lower"] == 0.0


def test_late_death_alternative_against_hand_computation():
    # Oracle: 0.855 x 0.93 at 5 years; 0.713 x 0.93^2 at 10 years (constant death hazard).
    points = limitations.published_points(years=(5, 10))
    table = limitations.late_death_alternative(points, 0.93).set_index(["group", "year"])
    assert table.loc[(terms.RRMS, 5), "alive_and_worsening_free"] == pytest.approx(0.855 * 0.93)
    assert table.loc[(terms.RRMS, 10), "overall_survival"] == pytest.approx(0.93 ** 2)
    assert table.loc[(terms.RRMS, 10), "difference"] == pytest.approx(0.713 * 0.93 ** 2 - 0.713)


def test_late_death_source_is_muraro_overall_survival():
    # Oracle: data/published/values.csv (Muraro et al. 2017: 93% alive at 5 years).
    assert published.value(limitations.LATE_DEATH_SOURCE) == 93


def test_comparator_candidates_give_a_reason_each_and_drop_cree():
    table = limitations.comparator_candidates().set_index("key")
    assert {"cree2016", "burt2019", "boffa2023"} <= set(table.index)
    assert table["verdict"].str.startswith("not used").all()
    assert "not DWFS" in table.loc["cree2016", "verdict"]


# --------------------------------------------------------------------------- the stored ensemble


@pytest.fixture(scope="module")
def draws():
    return ensemble.load_ensemble()


def test_failure_reasons_are_all_named(draws):
    failures = limitations.failure_counts(draws)
    assert "other" not in set(failures["reason"])
    assert failures["draws"].sum() == int(((draws["status"] != "member") & (draws["block"] == "varied")).sum())


def test_cutoff_failures_come_from_early_cutoffs(draws):
    # The chapter says draws rejected for the follow-up narrow the cut-offs covered.
    failed = draws[draws["failure"].str.contains("data cut-off", na=False)]
    members = ensemble.members(draws)
    assert failed["data_cutoff"].max() < members["data_cutoff"].max()
    assert failed["data_cutoff"].min() < members["data_cutoff"].min()


def test_hazard_ratio_above_one_in_every_reconstruction(draws):
    # Holds by construction (published progressive estimates below RRMS ones); the chapter says so.
    conclusions = limitations.ensemble_conclusions(ensemble.members(draws)).set_index("conclusion")
    assert conclusions["share"].iloc[0] == 1.0 and conclusions["by_construction"].iloc[0]
    assert 0 < conclusions["share"].iloc[1] < 1  # significance is not fixed


def test_spread_statements_of_the_chapter_hold(draws):
    # The chapter says: no setting explains much of the log-rank p or the hazard ratio,
    # the seed spreads them as much as the ensemble does, and the early hazard shape
    # drives the RMST difference most.
    spread = limitations.spread_table(draws).set_index("statistic")
    for column in ("logrank_p", "cox_hr"):
        assert spread.loc[column, "top_share"] < 0.1
        assert spread.loc[column, "seed_share"] >= 0.8
    assert spread.loc["rmst_difference_10y", "top_setting"] == "early_hazard_slope"
    assert spread.loc["rmst_difference_10y", "top_share"] > 5 * spread.loc["rmst_difference_10y", "chance_share"]


def test_chapter_module_holds_no_chart_code():
    import inspect

    assert "altair" not in inspect.getsource(limitations)
    assert isinstance(limitations.published_points(), pd.DataFrame)


def test_definition_range_spans_the_rules_and_leaves_out_withheld_estimates():
    frame = pd.DataFrame({
        "group": [terms.RRMS] * 4 + [terms.PROGRESSIVE],
        "year": [10.0, 10.0, 10.0, 5.0, 10.0],
        "survival": [0.70, 0.62, 0.40, 0.10, 0.05],
        "at_risk": [30, 25, 3, 50, 40],
    })
    assert limitations.definition_range(frame) == (0.40, 0.70)
    # An estimate on 3 patients at risk is withheld by the table, so the range leaves it out.
    assert limitations.definition_range(frame, min_count=5) == (0.62, 0.70)
    assert limitations.definition_range(frame, group=terms.PROGRESSIVE) == (0.05, 0.05)
    assert limitations.definition_range(frame, min_count=100) is None
    assert limitations.definition_range(None) is None
