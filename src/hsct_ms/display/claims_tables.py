"""The tables of the claim-ledger chapter, built from :func:`hsct_ms.analysis.claims.claim_ledger`.

Each function returns a plain frame with reader-facing column names; the chapter
passes it to :func:`hsct_ms.display.tables.table` with a caption and a label.
"""

from __future__ import annotations

import pandas as pd

from hsct_ms.analysis import claims

__all__ = ["verdict_table", "cohort_check_table", "verdict_summary", "count_of"]

VERDICT_COLUMNS = {
    "claim_id": "claim", "quote": "as stated", "stated": "number stated", "paper": "the paper",
    "number": "number", "inference": "inference", "reason": "why",
}


def verdict_table(ledger: pd.DataFrame, source: str) -> pd.DataFrame:
    """The claims of one ``source`` with their two verdicts: number and inference.

    Examples
    --------
    >>> row = {"claim_id": "pr01", "source": "abstract", "quote": "q", "stated": "", "paper": "",
    ...        "number": "no number stated", "inference": "supported", "reason": "r"}
    >>> list(verdict_table(pd.DataFrame([row]), "abstract").columns)[:3]
    ['claim', 'as stated', 'number stated']
    """
    part = ledger[ledger["source"] == source]
    return part[list(VERDICT_COLUMNS)].rename(columns=VERDICT_COLUMNS).reset_index(drop=True)


def cohort_check_table(ledger: pd.DataFrame) -> pd.DataFrame:
    """The claims the book can recompute from the cohort file, with the value and the status."""
    checked = ledger[ledger["cohort_check"] != claims.NOT_COMPUTABLE]
    columns = {"claim_id": "claim", "computed": "computed from the cohort file as", "stated": "number stated",
               "book": "this build", "tolerance": "tolerance", "cohort_check": "status"}
    return checked[list(columns)].rename(columns=columns).reset_index(drop=True)


def verdict_summary(ledger: pd.DataFrame) -> pd.DataFrame:
    """Claims per source and verdict, for the number and the inference verdicts, in one frame."""
    parts = []
    for column, name in (("number", "number"), ("inference", "inference")):
        counts = claims.verdict_counts(ledger, column).drop(columns="total")
        long = counts.stack().rename("claims").reset_index()
        long = long[long["claims"] > 0].rename(columns={column: "verdict"})
        parts.append(long.assign(verdict_of=name))
    table = pd.concat(parts, ignore_index=True)
    return table[["verdict_of", "verdict", "source", "claims"]].rename(columns={"verdict_of": "verdict on"})


def count_of(ledger: pd.DataFrame, column: str, verdict: str, source: str | None = None) -> int:
    """How many claims (of ``source``, or all) have ``verdict`` in ``column``."""
    rows = ledger if source is None else ledger[ledger["source"] == source]
    return int((rows[column] == verdict).sum())
