"""Tests of the claim ledger (hsct_ms.analysis.claims and data/published/claims.csv).

Oracles: the AAN press release of 20 January 2021 (its numbers transcribed below, so
the test does not need the press-release file), the abstract rows of values.csv, and
perturbed copies of the shipped cohort.
"""

import dataclasses
import re

import pytest

from hsct_ms.analysis import claims
from hsct_ms.inputs import cohort
from hsct_ms.inputs.published import load_values

# Every number token of the AAN press release "Hematopoietic Stem Cell Transplants May
# Provide Long-Term Benefit for People with MS" (20 January 2021; machine-translated copy
# in the project's seed), in digits or in words, in order of appearance. Counted once
# each; "more than half" appears as "half".
PRESS_RELEASE_NUMBERS = [
    "71%", "10 years", "January 20, 2021", "over 10 years", "more than half", "10 years after referral",
    "10-year period", "210", "1997", "2019", "35", "86", "two", "six months", "five years",
    "Five years", "80%", "10-year mark", "66%", "86%", "Ten years", "71%", "36,000",
]
PRESS_RELEASE_TOKENS = {"71", "10", "20", "2021", "half", "210", "1997", "2019", "35", "86", "two",
                        "six", "five", "Ten", "80", "66", "36,000"}


@pytest.fixture(scope="module")
def patients():
    return cohort.load_cohort()


@pytest.fixture(scope="module")
def ledger(patients):
    return claims.claim_ledger(patients)


def test_claims_file_is_valid():
    table = claims.load_claims()
    assert list(table.columns) == list(claims.CLAIM_COLUMNS)
    assert set(table["source"]) == {"press release", "abstract"}


def test_every_press_release_number_is_in_some_quote():
    """Oracle: the press release's numbers, transcribed above."""
    quotes = " ".join(claims.load_claims().query("source == 'press release'")["quote"])
    assert {t for t in PRESS_RELEASE_TOKENS for phrase in PRESS_RELEASE_NUMBERS if t in phrase} == PRESS_RELEASE_TOKENS
    for phrase in PRESS_RELEASE_NUMBERS:
        assert phrase.lower() in quotes.lower(), phrase
    words = set(re.findall(r"\d+(?:,\d{3})*|[A-Za-z]+", quotes))
    assert PRESS_RELEASE_TOKENS <= words


def test_every_abstract_value_has_a_claim():
    """Oracle: values.csv rows with source 'abstract'."""
    values = load_values()
    abstract_keys = set(values.loc[values["source"] == "abstract", "key"])
    table = claims.load_claims()
    claimed = {k for cell in table.loc[table["source"] == "abstract", "value_key"] for k in cell.split(";")}
    assert claimed == abstract_keys


def test_statuses_on_the_shipped_cohort(ledger):
    status = ledger.set_index("claim_id")["status"]
    assert set(status) <= set(claims.STATUSES)
    # reproduced from the cohort file: counts, years, age, DWFS
    for claim_id in ("pr06", "pr07", "pr08", "pr09", "pr10", "pr11", "pr13", "pr14", "pr15", "pr16", "pr17"):
        assert status[claim_id] == "reproduced", claim_id
    # not checkable with public data
    for claim_id in ("pr02", "pr05", "pr12", "pr19"):
        assert status[claim_id] == "reported only", claim_id
    # "Ten years later, their disability did not worsen" (advanced MS): the abstract says 57.2%
    assert status["pr18"] == "differs"
    abstract = ledger[ledger["source"] == "abstract"]
    edss_neda = abstract["paper"].isin(["-0.09", "-0.15", "-0.04", "0.001", "0.27", "0.14", "0.50", "< 0.001"])
    assert (abstract.loc[edss_neda, "status"] == "reported only").all()
    assert (abstract.loc[~edss_neda, "status"] == "reproduced").all()


def test_rounded_press_release_numbers_are_within_rounding(ledger):
    """Oracle: abstract 85.5% for RRMS at 5 years, printed as 86% in the press release."""
    row = ledger.set_index("claim_id").loc["pr15"]
    assert (row["stated"], row["paper"]) == ("86", "85.5")
    assert row["tolerance"] == "± 1"  # 0.5 rounding + 0.5 reproduction tolerance


def test_a_perturbed_cohort_flips_a_status(patients):
    fewer = patients.iloc[1:].copy()
    ledger = claims.claim_ledger(fewer, is_shipped=True).set_index("claim_id")
    assert ledger.loc["pr06", "status"] == "differs"
    assert ledger.loc["pr06", "book"] == "209"
    older = patients.assign(age=patients["age"] + 2)
    assert claims.claim_ledger(older, is_shipped=True).set_index("claim_id").loc["pr08", "status"] == "differs"
    no_worsening = patients.assign(worsening=0)
    flipped = claims.claim_ledger(no_worsening, is_shipped=True).set_index("claim_id")
    assert flipped.loc["pr15", "status"] == "differs"
    assert flipped.loc["pr18", "status"] == "reproduced"  # nobody worsens: "did not worsen" now holds


def test_users_cohort_says_compares_with(patients):
    users = patients.copy()
    users.attrs["cohort"] = dataclasses.replace(patients.attrs["cohort"], is_shipped=False)
    status = claims.claim_ledger(users).set_index("claim_id")["status"]
    assert "reproduced" not in set(status)
    assert status["pr06"] == "compares with"
    assert status["pr18"] == "differs"
    assert claims.status_word(False) == "compares with"


def test_status_counts_add_up(ledger):
    counts = claims.status_counts(ledger)
    assert counts["total"].sum() == len(ledger)
    assert counts.loc["press release", "total"] == 19


def test_bad_claims_file_names_file_column_and_line(tmp_path):
    table = claims.load_claims()
    table.loc[0, "check"] = "dwfs_rrms_7y"
    table.loc[1, "value_key"] = "boffa2021_nonsense"
    path = tmp_path / "claims.csv"
    table.to_csv(path, index=False)
    with pytest.raises(ValueError) as error:
        claims.load_claims(path)
    message = str(error.value)
    assert "claims.csv" in message and "'check'" in message and "[2]" in message
    assert "'value_key'" in message and "[3]" in message
