"""Tests of the claim ledger (hsct_ms.analysis.claims and data/published/claims.csv).

Oracles: the English AAN press release of 20 January 2021 (its numbers transcribed
below from the two English copies named in claims.csv), the abstract rows of values.csv,
the published 95% intervals, and perturbed copies of the shipped cohort.
"""

import re

import pytest

from hsct_ms import terms
from hsct_ms.analysis import claims
from hsct_ms.inputs import cohort
from hsct_ms.inputs.published import load_values

# Every number of the English press release, as the copies print it, in order.
PRESS_RELEASE_NUMBERS = [
    "71%", "10 years", "January 20, 2021", "over 10 years", "more than half", "10 years after a transplant",
    "more than half", "10-year period", "210", "1997", "2019", "35", "122", "86", "two",
    "six months", "five years", "10 years", "80 percent", "10-year mark", "66 percent",
    "86 percent", "five years", "71 percent", "71 percent", "57 percent",
]


@pytest.fixture(scope="module")
def patients():
    return cohort.load_cohort()


@pytest.fixture(scope="module")
def ledger(patients):
    return claims.claim_ledger(patients, is_shipped=True).set_index("claim_id")


def test_claims_file_is_valid():
    table = claims.load_claims()
    assert list(table.columns) == list(claims.CLAIM_COLUMNS)
    assert set(table["source"]) == {"press release", "abstract"}


def test_every_press_release_number_is_in_some_quote():
    """Oracle: the numbers of the English press release, transcribed above."""
    quotes = " ".join(claims.load_claims().query("source == 'press release'")["quote"]).lower()
    for phrase in PRESS_RELEASE_NUMBERS:
        assert phrase.lower() in quotes, phrase


def test_press_release_is_quoted_from_english_copies_not_the_translation():
    table = claims.load_claims().query("source == 'press release'")
    assert table["quoted_from"].str.startswith("https://").all()
    quotes = " ".join(table["quote"]).lower()
    for garbled in ("gas", "referral", "did not worsen", "increased"):
        assert garbled not in quotes, garbled


def test_every_abstract_value_has_a_claim():
    """Oracle: values.csv rows with source 'abstract'."""
    values = load_values()
    abstract_keys = set(values.loc[values["source"] == "abstract", "key"])
    table = claims.load_claims()
    claimed = {k for cell in table.loc[table["source"] == "abstract", "value_key"] for k in cell.split(";") if k}
    assert abstract_keys <= claimed


def test_number_verdicts(ledger):
    """Oracle: the abstract (71.3, 85.5, 57.2) against the release's rounded numbers."""
    press = ledger[ledger["source"] == "press release"]
    assert claims.DIFFERS not in set(press["number"])
    assert ledger.loc["pr16", ["stated", "paper", "number"]].tolist() == ["86", "85.5", claims.AGREES]
    assert ledger.loc["pr20", ["stated", "paper", "number"]].tolist() == ["57", "57.2", claims.AGREES]
    assert ledger.loc["pr14", "number"] == claims.PRESS_ONLY  # whole cohort 80%: not in the abstract
    assert ledger.loc["abs09", "number"] == claims.PAPER_VALUE
    assert ledger.loc["pr04", "number"] == claims.NO_NUMBER


def test_inference_verdicts(ledger):
    """Oracle: progressive MS at 10 years, 57.2% (95% CI 41.8-72.7): "more than half" is not established."""
    assert ledger.loc["pr05", "inference"] == claims.NOT_ESTABLISHED
    assert "41.8" in ledger.loc["pr05", "reason"]
    for causal in ("pr01", "pr02", "pr18", "abs32", "abs35"):
        assert ledger.loc[causal, "inference"] == claims.NOT_SUPPORTED, causal
    assert ledger.loc["pr04", "inference"] == claims.CANNOT_CHECK  # improvement: EDSS trajectories
    assert ledger.loc["pr06", "inference"] == claims.NOT_A_FINDING  # another study
    assert ledger.loc["pr16", "inference"] == claims.SUPPORTED


def test_a_bound_that_the_interval_clears_is_supported():
    """Oracle: RRMS at 10 years, 71.3% (95% CI 57.8-84.8) clears one half."""
    table = claims.load_claims()
    row = table[table["claim_id"] == "pr05"].assign(value_key="boffa2021_dwfs_rrms_10y_estimate")
    verdict, reason = claims.inference_verdict(next(row.itertuples(index=False)), claims.values_text())
    assert verdict == claims.SUPPORTED and "57.8" in reason


def test_cohort_check_on_the_shipped_cohort(ledger):
    checked = ledger[ledger["cohort_check"] != claims.NOT_COMPUTABLE]
    assert set(checked["cohort_check"]) == {terms.comparison_verb(True)}
    # tolerance: 0.5 for the digits of "86" plus the DWFS estimate tolerance of terms
    assert ledger.loc["pr16", "tolerance"] == f"± {0.5 + terms.tolerance('dwfs', 'estimate'):g}"


def test_a_perturbed_cohort_flips_the_cohort_check(patients):
    fewer = claims.claim_ledger(patients.iloc[1:].copy(), is_shipped=True).set_index("claim_id")
    assert fewer.loc["pr07", ["book", "cohort_check"]].tolist() == ["209", claims.DIFFERS]
    older = claims.claim_ledger(patients.assign(age=patients["age"] + 2), is_shipped=True)
    assert older.set_index("claim_id").loc["pr09", "cohort_check"] == claims.DIFFERS
    # the published verdicts do not depend on the cohort
    assert (fewer["number"] == claims.claim_ledger(patients, True).set_index("claim_id")["number"]).all()


def test_users_cohort_says_compares_with(patients):
    ledger = claims.claim_ledger(patients, is_shipped=False).set_index("claim_id")
    assert ledger.loc["pr07", "cohort_check"] == terms.comparison_verb(False)


def test_users_small_counts_are_withheld(patients):
    ledger = claims.claim_ledger(patients, is_shipped=False, min_count=5).set_index("claim_id")
    assert ledger.loc["pr12", "cohort_check"] == claims.WITHHELD  # 2 PPMS patients
    assert ledger.loc["pr08", "book"] == "not shown"  # first and last year: single patients


def test_verdict_counts_add_up(ledger):
    counts = claims.verdict_counts(ledger.reset_index(), "inference")
    assert counts["total"].sum() == len(ledger)


def test_bad_claims_file_names_file_column_and_line(tmp_path):
    table = claims.load_claims()
    table.loc[0, "check"] = "dwfs_rrms_7y"
    table.loc[1, "value_key"] = "boffa2021_nonsense"
    table.loc[2, "wording"] = "hopeful"
    path = tmp_path / "claims.csv"
    table.to_csv(path, index=False)
    with pytest.raises(ValueError) as error:
        claims.load_claims(path)
    message = str(error.value)
    assert "claims.csv" in message
    assert re.search(r"column check, lines \[2\]", message)
    assert re.search(r"column value_key, lines \[3\]", message)
    assert re.search(r"column wording, lines \[4\]", message)
