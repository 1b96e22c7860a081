"""Tests of hsct_ms.analysis.disability and hsct_ms.display.disability_tables/_charts.

Oracles: the shipped cohort and its reconstructed visits (the derived endpoint equals the
file's by construction, so agreement must be complete and a changed rule must break
it); hand-made frames whose small counts and withheld cells are known; the published
RRMS slope in data/published/values.csv.
"""

import dataclasses
import json

import pandas as pd
import pytest

from hsct_ms import terms
from hsct_ms.analysis import disability
from hsct_ms.display import charts
from hsct_ms.display import disability_charts as figures
from hsct_ms.display import disability_tables as shown
from hsct_ms.inputs.visits import load_visits
from hsct_ms.stats import disability as rule_module
from hsct_ms.stats.disability import DEFAULT_RULE
from hsct_ms.stats.edss_change import EdssSlope


@pytest.fixture(scope="module")
def shipped_visits(shipped, tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.delenv("VISITS_CSV", raising=False)
    mp.delenv("RELAPSES_CSV", raising=False)
    mp.setenv(rule_module.CACHE_VARIABLE, str(tmp_path_factory.mktemp("cache")))
    try:
        yield load_visits(shipped)
    finally:
        mp.undo()


def test_agreement_is_complete_on_the_shipped_reconstruction(shipped, shipped_visits):
    derived = disability.derived_endpoints(shipped_visits, shipped)
    table = disability.agreement_table(shipped, derived).set_index("group")
    assert table.loc[terms.ALL, "same"] == 210 == table.loc[terms.ALL, "patients"]
    assert table.loc[terms.RRMS, "worsening_derived"] == shipped.query("subtype == 'RRMS'")["worsening"].sum()
    assert derived.attrs["rule"] == DEFAULT_RULE.record()


def test_agreement_counts_a_different_rule_as_different(shipped, shipped_visits):
    strict = dataclasses.replace(DEFAULT_RULE, confirmation_months=12)
    derived = disability.derived_endpoints(shipped_visits, shipped, strict)
    table = disability.agreement_table(shipped, derived).set_index("group")
    # 12-month confirmation loses the worsenings confirmed only at 6 months.
    assert table.loc[terms.ALL, "same"] < 210
    assert table.loc[terms.ALL, "worsening_derived"] < table.loc[terms.ALL, "worsening_file"]


def test_sensitivity_covers_every_rule_group_and_year(shipped, shipped_visits):
    frame = disability.sensitivity_table(shipped_visits, shipped)
    assert len(frame) == 6 * 3 * 2
    default = frame[frame["default"] & (frame["group"] == terms.ALL)]
    assert len(default) == 2 and default["events"].iloc[0] == 41
    assert frame["survival"].between(0, 1).all()


def test_edss_bins_are_aggregates_for_the_two_groups(shipped, shipped_visits):
    bins = disability.edss_bins(shipped_visits, shipped)
    assert set(bins["group"]) == set(terms.COMPARED_GROUPS)
    first = bins[bins["bin"] == "0 (transplant)"].set_index("group")
    assert first.loc[terms.RRMS, "n_patients"] == 122
    assert first.loc[terms.RRMS, "mean"] == pytest.approx(shipped.query("subtype == 'RRMS'")["baseline_edss"].mean())
    assert "patient_id" not in bins.columns


def test_published_slope_and_its_meaning_over_follow_up():
    ref = disability.published_slope()
    assert (ref["estimate"], ref["ci_lower"], ref["ci_upper"]) == (-0.09, -0.15, -0.04)
    over = disability.slope_over_followup(-0.09, 6.2)
    assert over["points"] == pytest.approx(-0.558) and over["steps"] == pytest.approx(-1.116)


def fit(n_patients, slope=-0.1, converged=True):
    return EdssSlope(slope, slope - 0.05, slope + 0.05, 0.01, 0.95, n_patients, 10 * n_patients, converged)


def test_slope_is_withheld_on_few_patients_and_missing_fit_is_said():
    assert shown.slope_text(fit(3), 5) == ("withheld", "withheld")
    assert shown.slope_text(fit(3), 0)[0] == "−0.100"
    assert shown.slope_text(None, 5)[0].startswith("not computed")
    reference = disability.published_slope()
    assert "inside the published interval" in shown.slope_sentence(fit(50), reference, 6.0, 5)
    assert "outside" in shown.slope_sentence(fit(50, slope=0.2), reference, 6.0, 5)
    assert shown.slope_sentence(fit(2), reference, 6.0, 5).startswith("Too few")
    rows = shown.slope_rows(reference, fit(50, converged=False), "cohort", 5)
    assert "did not converge" in rows["Source"].iloc[1]


def test_improvement_share_withheld_when_small():
    derived = pd.DataFrame({"patient_id": list("ABCDEFG"), "subtype": ["RRMS"] * 4 + ["SPMS"] * 3,
                            "improvement": [1, 0, 0, 0, 1, 1, 0]})
    table = disability.improvement_table(derived)
    rows = shown.improvement_rows(table, lambda n: str(n), 5)
    assert rows["Share (%)"].tolist() == ["withheld"] * 3
    rows = shown.improvement_rows(table, lambda n: str(n), 0)
    assert rows["Share (%)"].tolist() == ["42.9", "25.0", "66.7"]


def test_sensitivity_rows_and_chart_withhold_estimates_with_few_at_risk():
    frame = pd.DataFrame({
        "rule": ["r"] * 4, "confirmation_months": 6.0, "baseline": "fixed",
        "group": [terms.RRMS, terms.RRMS, terms.PROGRESSIVE, terms.PROGRESSIVE],
        "year": [5.0, 10.0, 5.0, 10.0], "survival": [0.8, 0.7, 0.6, 0.5], "lower": 0.1, "upper": 0.9,
        "at_risk": [20, 3, 12, 0], "events": [5, 5, 6, 6], "default": True})
    rows = shown.sensitivity_rows(frame, str, 5)
    assert rows["DWFS 10 y (%)"].tolist() == ["withheld", "withheld"]
    assert rows["DWFS 5 y (%)"].tolist() == ["80.0", "60.0"]
    spec = charts.figure(figures.sensitivity_chart(frame, min_count=5), "alt").spec
    values = [v for data in spec["datasets"].values() for v in data]
    assert sorted(v["survival"] for v in values) == [0.6, 0.8]


def test_edss_chart_draws_no_small_bin_and_no_patient():
    bins = pd.DataFrame({"group": [terms.RRMS] * 2, "bin": ["0 (transplant)", "0-1"], "bin_start": [0.0, 0.0],
                         "bin_end": [0.0, 1.0], "mean": [4.0, 3.5], "ci_lower": [3.0, 2.5],
                         "ci_upper": [5.0, 4.5], "n_patients": [10, 2], "n_visits": [10, 3]})
    spec = charts.figure(figures.edss_chart(bins, min_count=5), "alt").spec
    text = json.dumps(spec["datasets"])
    assert '"0-1"' not in text and "patient_id" not in text
    rows = shown.edss_rows(bins, lambda n: "<5" if n < 5 else str(n), 5)
    assert rows["Mean EDSS"].tolist() == ["4.00", "withheld"]


def test_prederive_fills_the_cache_the_chapter_reads(shipped, shipped_visits, tmp_path, monkeypatch):
    # Thirty patients and their visits, given as a user's VISITS_CSV: quick, and a fresh cache.
    patients = shipped.iloc[:30].copy()
    patients.attrs = {}
    visits = shipped_visits.visits
    visits[visits["patient_id"].isin(set(patients["patient_id"]))].drop(columns="line").to_csv(
        tmp_path / "visits.csv", index=False)
    monkeypatch.setenv("VISITS_CSV", str(tmp_path / "visits.csv"))
    monkeypatch.setenv(rule_module.CACHE_VARIABLE, str(tmp_path / "fresh"))
    assert disability.prederive(patients) == 30
    assert len(list((tmp_path / "fresh").glob("*.csv"))) == 6
    monkeypatch.setattr(rule_module, "_derive_chunk", lambda task: pytest.fail("derived again"))
    disability.sensitivity_table(load_visits(patients), patients)


def test_agreement_counts_each_kind_of_difference():
    patients = pd.DataFrame({"patient_id": ["A", "B", "C"], "subtype": ["RRMS", "RRMS", "SPMS"],
                             "dwfs_years": [2.0, 3.0, 4.0], "worsening": [1, 0, 1]})
    derived = pd.DataFrame({"patient_id": ["A", "B", "C"], "dwfs_years": [2.001, 3.0, 5.0],
                            "worsening": [1, 1, 1]})
    table = disability.agreement_table(patients, derived).set_index("group")
    assert table.loc[terms.ALL, ["same", "other_status", "other_time"]].tolist() == [1, 1, 1]
    assert table.loc[terms.RRMS, ["same", "other_status", "other_time"]].tolist() == [1, 1, 0]
