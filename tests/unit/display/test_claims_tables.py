"""Tests of the claim-ledger tables (hsct_ms.display.claims_tables).

Oracle: a hand-made three-claim ledger whose counts are known.
"""

import pandas as pd

from hsct_ms.analysis import claims
from hsct_ms.display import claims_tables


def _ledger():
    base = {"quote": "q", "stated": "", "paper": "", "reason": "r", "computed": "", "book": "", "tolerance": ""}
    return pd.DataFrame([
        {**base, "claim_id": "pr01", "source": "press release", "number": claims.AGREES,
         "inference": claims.NOT_SUPPORTED, "cohort_check": "matches by construction"},
        {**base, "claim_id": "pr02", "source": "press release", "number": claims.NO_NUMBER,
         "inference": claims.CANNOT_CHECK, "cohort_check": claims.NOT_COMPUTABLE},
        {**base, "claim_id": "abs01", "source": "abstract", "number": claims.PAPER_VALUE,
         "inference": claims.SUPPORTED, "cohort_check": "matches by construction"},
    ])


def test_verdict_table_keeps_one_source_with_reader_names():
    table = claims_tables.verdict_table(_ledger(), "press release")
    assert table["claim"].tolist() == ["pr01", "pr02"]
    assert list(table.columns) == list(claims_tables.VERDICT_COLUMNS.values())


def test_cohort_check_table_drops_claims_it_cannot_compute():
    assert claims_tables.cohort_check_table(_ledger())["claim"].tolist() == ["pr01", "abs01"]


def test_verdict_summary_counts_every_claim_once_per_verdict():
    summary = claims_tables.verdict_summary(_ledger())
    assert summary.groupby("verdict on")["claims"].sum().tolist() == [3, 3]
    assert claims_tables.count_of(_ledger(), "number", claims.AGREES, "press release") == 1
    assert claims_tables.count_of(_ledger(), "inference", claims.SUPPORTED) == 1
