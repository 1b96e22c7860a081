"""Tests of hsct_ms.stats.logrank.

Oracles: R survival 3.5-3 ``survdiff`` (tests/fixtures/r/logrank*.csv); invariance
to row order and group labels.
"""

from __future__ import annotations

import pytest
from r_fixtures import FIVE_E, FIVE_T, dataset, fixture

from hsct_ms import stats as sv

@pytest.mark.parametrize("name, group_col", [("aml", "x"), ("lung", "sex"), ("lung", "ph_ecog")])
def test_logrank_against_r(name, group_col):
    # Oracle: R survdiff(Surv(time, status) ~ group) (rho = 0), p = pchisq(chisq, df,
    # lower.tail = FALSE) (fixtures/r/logrank.csv). lung by ph_ecog has four groups,
    # one with a single patient; rows with missing ph_ecog dropped, as R does.
    expected = fixture("logrank.csv").query("dataset == @name and group_col == @group_col").iloc[0]
    data = dataset(name).dropna(subset=[group_col])
    result = sv.logrank_test(data["time"], data["status"], data[group_col])
    assert result["chi2"] == pytest.approx(expected["chisq"], rel=1e-9)
    assert result["df"] == expected["df"]
    assert result["p"] == pytest.approx(expected["p"], rel=1e-6)


def test_logrank_observed_expected_against_r():
    # Oracle: R survdiff(Surv(time, status) ~ ph_ecog, lung)$obs and $exp
    # (fixtures/r/logrank_lung_ph_ecog_oe.csv).
    expected = fixture("logrank_lung_ph_ecog_oe.csv")
    data = dataset("lung").dropna(subset=["ph_ecog"])
    result = sv.logrank_test(data["time"], data["status"], data["ph_ecog"].astype(int))
    for row in expected.itertuples():
        assert result["observed"][row.group] == row.observed
        assert result["expected"][row.group] == pytest.approx(row.expected, rel=1e-9)


def test_relabelling_groups_does_not_change_logrank():
    # Oracle: invariance. The statistic does not depend on the names or the order
    # of the groups (R drops the first group before solving; any group gives the same).
    data = dataset("lung").dropna(subset=["ph_ecog"])
    base = sv.logrank_test(data["time"], data["status"], data["ph_ecog"])
    relabelled = data["ph_ecog"].map({0: "z", 1: "b", 2: "a", 3: "m"})
    other = sv.logrank_test(data["time"], data["status"], relabelled)
    assert other["chi2"] == pytest.approx(base["chi2"], rel=1e-10)
    assert other["df"] == base["df"] and other["p"] == pytest.approx(base["p"], rel=1e-9)
    aml = dataset("aml")
    flipped = aml["x"].map({"Maintained": "B", "Nonmaintained": "A"})
    assert sv.logrank_test(aml["time"], aml["status"], flipped)["chi2"] == pytest.approx(
        sv.logrank_test(aml["time"], aml["status"], aml["x"])["chi2"], rel=1e-12
    )


def test_logrank_row_order_and_one_group():
    # Oracle: invariance to row order; one group is not a comparison.
    a = dataset("lung")
    b = a.sample(frac=1.0, random_state=7).reset_index(drop=True)
    assert sv.logrank_test(a["time"], a["status"], a["sex"])["chi2"] == pytest.approx(
        sv.logrank_test(b["time"], b["status"], b["sex"])["chi2"], rel=1e-12)
    with pytest.raises(ValueError, match="two groups"):
        sv.logrank_test(FIVE_T, FIVE_E, ["a"] * 5)