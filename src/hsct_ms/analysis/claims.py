"""The claim ledger: every quantitative claim of the press release and the abstract, checked.

The claims are data (``data/published/claims.csv``, one row per claim, with the
quoted words, the number as stated, the values.csv key of what the paper publishes
and a short code naming the book's check). :func:`claim_ledger` computes each
check on a cohort file and gives every claim a status:

- ``reproduced``: the book computes the claimed value from the cohort file and it
  agrees within tolerance (on a user's cohort the word is ``compares with``: a
  user's data can agree with a claim but do not reproduce it);
- ``differs``: the book computes it and it does not agree;
- ``reported only``: no public data can check it (EDSS change, NEDA-3, the
  assessment schedule, external or boilerplate numbers).

A claim is compared with the number as stated (column ``stated``: ``86``,
``> 50``, ``1997 to 2019``) or, where the statement lost its number (a garbled
sentence), with the paper's value (``value_key``).

Tolerances
----------
Half a unit of the last digit stated (a claim of "86%" covers 85.5 to 86.5), plus
the reconstruction's tolerance for the quantity (:data:`SLACK`): 0.5 percentage
points for a Kaplan-Meier estimate and 1.5 for an interval bound, as in
:data:`hsct_ms.analysis.outcomes.TOLERANCE`; 0.1 years for the follow-up mean, 0.2 for its SD
and for the mean age, as in :func:`hsct_ms.reconstruction.target_table`. Counts,
EDSS scores and calendar years must match exactly.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import special

from hsct_ms.analysis import cohort as baseline
from hsct_ms.display import disclosure
from hsct_ms.inputs import published
from hsct_ms import stats
from hsct_ms.analysis.outcomes import TOLERANCE
from hsct_ms.paths import PUBLISHED_DIR
from hsct_ms.terms import progressive_mask

__all__ = [
    "CLAIMS_CSV",
    "CLAIM_COLUMNS",
    "STATUSES",
    "load_claims",
    "check_codes",
    "claim_ledger",
    "status_counts",
    "status_word",
]

CLAIMS_CSV = PUBLISHED_DIR / "claims.csv"
CLAIM_COLUMNS = ("claim_id", "source", "quote", "value_key", "check", "stated", "note")
SOURCES = frozenset({"press release", "abstract"})
NO_CHECK = "none"
REPORTED_ONLY = "reported only"
DIFFERS = "differs"
WITHHELD = "withheld"  # a user's cohort: agreement with a small published count would reveal it
STATUSES = ("reproduced", "compares with", DIFFERS, REPORTED_ONLY, WITHHELD)


def status_word(is_shipped: bool) -> str:
    """The status of an agreeing claim: "reproduced" on the shipped cohort, else "compares with"."""
    return "reproduced" if is_shipped else "compares with"


# --- the checks: code -> (function of the cohort, exact?, slack) ------------------


def _count(subtype: str | None) -> Callable[[pd.DataFrame], float]:
    if subtype is None:
        return lambda p: float(len(p))
    return lambda p: float((p["subtype"] == subtype).sum())


def _dwfs(group: str, year: float, kind: str) -> Callable[[pd.DataFrame], float]:
    def compute(patients: pd.DataFrame) -> float:
        members = {"rrms": patients["subtype"] == "RRMS", "progressive": progressive_mask(patients),
                   "all": pd.Series(True, index=patients.index)}[group]
        frame = patients[members]
        if frame.empty:
            return float("nan")
        surv, se = stats.km_at(frame["dwfs_years"].to_numpy(float), frame["worsening"].to_numpy(int),
                                  np.array([float(year)]))
        z = float(special.ndtri(0.975))
        shift = {"estimate": 0.0, "lower": -z, "upper": z}[kind]
        return 100 * float(surv[0] + shift * se[0])
    return compute


def _early(era: str) -> Callable[[pd.DataFrame], float]:
    return lambda p: float(baseline.early_deaths(p).loc[era, "deaths"])


def _check_table() -> dict[str, tuple[Callable[[pd.DataFrame], object], bool, float, str]]:
    """code -> (compute, exact, slack, what the book computes)."""
    checks = {
        "count_all": (_count(None), True, 0.0, "patients in the cohort file"),
        "count_rrms": (_count("RRMS"), True, 0.0, "RRMS patients"),
        "count_spms": (_count("SPMS"), True, 0.0, "SPMS patients"),
        "count_ppms": (_count("PPMS"), True, 0.0, "PPMS patients"),
        "percent_rrms": (lambda p: 100 * float((p["subtype"] == "RRMS").mean()), False, 0.0,
                         "percent of patients with RRMS"),
        "edss_median": (lambda p: float(p["baseline_edss"].median()), True, 0.0, "median baseline EDSS"),
        "edss_min": (lambda p: float(p["baseline_edss"].min()), True, 0.0, "lowest baseline EDSS"),
        "edss_max": (lambda p: float(p["baseline_edss"].max()), True, 0.0, "highest baseline EDSS"),
        "followup_mean": (lambda p: float(p["followup_years"].mean()), False, 0.1, "mean follow-up (years)"),
        "followup_sd": (lambda p: float(p["followup_years"].std(ddof=1)), False, 0.2, "SD of follow-up (years)"),
        "age_mean": (lambda p: float(p["age"].mean()), False, 0.2, "mean age at transplant (years)"),
        "transplant_years": (lambda p: (float(p["transplant_year"].min()), float(p["transplant_year"].max())),
                             True, 0.0, "first and last transplant year"),
        "early_deaths": (_early("All"), True, 0.0, "deaths within 100 days"),
        "early_deaths_percent": (lambda p: 100 * float(baseline.early_deaths(p).loc["All", "proportion"]),
                                 False, 0.0, "percent dying within 100 days"),
        "early_deaths_after_2007": (_early(f"Transplanted after {baseline.ERA_LAST_YEAR}"), True, 0.0,
                                    f"deaths within 100 days, transplanted after {baseline.ERA_LAST_YEAR}"),
    }
    for group, label in (("rrms", "RRMS"), ("progressive", "progressive MS"), ("all", "whole cohort")):
        for year in (5, 10):
            checks[f"dwfs_{group}_{year}y"] = (_dwfs(group, year, "estimate"), False, TOLERANCE["estimate"],
                                              f"Kaplan-Meier DWFS at {year} y, {label} (%)")
            for kind in ("lower", "upper"):
                checks[f"dwfs_{group}_{year}y_{kind}"] = (
                    _dwfs(group, year, kind), False, TOLERANCE[kind],
                    f"plain Greenwood 95% {kind} bound of DWFS at {year} y, {label} (%)")
    return checks


CHECKS = _check_table()


def check_codes() -> list[str]:
    """Every check code :func:`claim_ledger` knows, plus ``none``."""
    return [*CHECKS, NO_CHECK]


# --- the data file ------------------------------------------------------------


def load_claims(path: str | Path | None = None) -> pd.DataFrame:
    """Read ``claims.csv`` (all text) and check it against values.csv and the check codes.

    Raises
    ------
    ValueError
        If the header is wrong, an id repeats, a source is not ``press release`` or
        ``abstract``, a ``value_key`` is not a key of values.csv, or a ``check`` code
        is unknown; the message names the file, the column and the lines.
    """
    path = Path(path) if path is not None else CLAIMS_CSV
    frame = published._read_text_table(path, CLAIM_COLUMNS)
    keys = set(published.load_values()["key"])
    problems = []

    def check(column: str, mask: pd.Series, what: str) -> None:
        if mask.any():
            problems.append(published._problem(path, frame, column, mask, what))

    check("claim_id", frame["claim_id"].str.strip() == "", "blank claim_id")
    check("claim_id", frame["claim_id"].duplicated(keep=False), "duplicated claim_id")
    check("source", ~frame["source"].isin(SOURCES), f"source not in {sorted(SOURCES)}")
    check("quote", frame["quote"].str.strip() == "", "blank quote")
    bad_key = frame["value_key"].map(lambda v: any(k not in keys for k in _keys(v)))
    check("value_key", bad_key, "not a key of values.csv")
    check("check", ~frame["check"].isin(check_codes()), "unknown check code")
    needs_value = (frame["check"] != NO_CHECK) & (frame["stated"] == "") & (frame["value_key"] == "")
    check("stated", needs_value, "a checked claim needs a stated value or a value_key")
    published._raise_if(problems)
    return frame


def _keys(cell: str) -> list[str]:
    return [k.strip() for k in cell.split(";") if k.strip()]


# --- comparing --------------------------------------------------------------------

_NUMBER = r"-?\d+(?:\.\d+)?"


def _parse_stated(text: str):
    """``"86"`` -> ("=", 86.0, 0 decimals); ``"> 50"`` -> (">", 50.0); ``"1997 to 2019"`` -> ("range", (1997, 2019))."""
    text = text.replace(",", "").strip()
    if m := re.fullmatch(rf"([<>])\s*({_NUMBER})", text):
        return m.group(1), float(m.group(2)), None
    if m := re.fullmatch(rf"({_NUMBER})\s+to\s+({_NUMBER})", text):
        return "range", (float(m.group(1)), float(m.group(2))), None
    if re.fullmatch(_NUMBER, text):
        decimals = len(text.split(".")[1]) if "." in text else 0
        return "=", float(text), decimals
    raise ValueError(f"cannot read the stated value {text!r}")


def _agrees(book, stated: str, exact: bool, slack: float) -> tuple[bool, str]:
    """Whether the book's value agrees with ``stated``, and the tolerance in words."""
    relation, target, decimals = _parse_stated(stated)
    if relation == "range":
        return bool(tuple(book) == target), "exact"
    book = float(book)
    if np.isnan(book):
        return False, "n/a"
    if relation == ">":
        return book > target, f"above {target:g}"
    if relation == "<":
        return book < target, f"below {target:g}"
    if exact:
        return abs(book - target) < 1e-9, "exact"
    tolerance = 0.5 * 10.0 ** (-decimals) + slack
    return abs(book - target) <= tolerance + 1e-9, f"± {tolerance:g}"


def _show(value, exact: bool) -> str:
    if isinstance(value, tuple):
        return " to ".join(f"{v:.0f}" for v in value)
    if np.isnan(value):
        return "no patients"
    return f"{value:.0f}" if exact else f"{value:.2f}"


def _protect(check: str, value, exact: bool, book: str, status: str, patients: pd.DataFrame,
             min_count: int) -> tuple[str, str]:
    """Withhold what would show a small count of a user's cohort (value and agreement)."""
    if isinstance(value, tuple):
        return "not shown", status
    small_deaths = disclosure.is_small(float(baseline.early_deaths(patients).loc["All", "deaths"]), min_count)
    if exact and disclosure.is_small(float(value), min_count):
        return disclosure.show_count(float(value), min_count), WITHHELD
    if check == "early_deaths_percent" and small_deaths:
        return WITHHELD, WITHHELD
    return book, status


def claim_ledger(patients: pd.DataFrame, is_shipped: bool | None = None,
                 claims: pd.DataFrame | None = None, min_count: int = 0) -> pd.DataFrame:
    """Every claim of ``claims.csv`` beside what the paper says and what ``patients`` give.

    Parameters
    ----------
    patients : DataFrame
        A cohort file as read by :func:`hsct_ms.inputs.cohort.load_cohort`.
    is_shipped : bool, optional
        Whether it is the shipped reconstruction; read from
        ``patients.attrs["cohort"].is_shipped`` when not given (False if absent).
        It decides the word for agreement (:func:`status_word`).
    claims : DataFrame, optional
        The claims; :func:`load_claims` by default.
    min_count : int
        Small-count threshold for a user's cohort (:mod:`hsct_ms.display.disclosure`): a
        small count, or a percentage or agreement that would give one away, reads
        ``<N`` or "withheld", and ranges (single patients' values) are not shown.

    Returns
    -------
    pandas.DataFrame
        One row per claim, in file order: ``claim_id, source, quote, stated, paper``
        (the published value(s) of ``value_key``, as transcribed), ``book`` (computed
        from ``patients``; blank when not checkable), ``computed`` (what the book
        computes), ``tolerance``, ``status`` and ``note``.
    """
    if is_shipped is None:
        info = patients.attrs.get("cohort")
        is_shipped = bool(getattr(info, "is_shipped", False))
    claims = load_claims() if claims is None else claims
    text_values = published._load_values_text(None, None)[0].set_index("key")
    agree = status_word(is_shipped)
    rows = []
    for claim in claims.itertuples(index=False):
        keys = _keys(claim.value_key)
        paper = " to ".join(
            (text_values.loc[k, "value"] if text_values.loc[k, "relation"] == "="
             else f"{text_values.loc[k, 'relation']} {text_values.loc[k, 'value']}") for k in keys)
        book = computed = tolerance = ""
        if claim.check == NO_CHECK:
            status = REPORTED_ONLY
        else:
            compute, exact, slack, computed = CHECKS[claim.check]
            value = compute(patients)
            ok, tolerance = _agrees(value, claim.stated or paper, exact, slack)
            book = _show(value, exact)
            status = agree if ok else DIFFERS
            if min_count:
                book, status = _protect(claim.check, value, exact, book, status, patients, min_count)
        rows.append({
            "claim_id": claim.claim_id, "source": claim.source, "quote": claim.quote,
            "stated": claim.stated, "paper": paper, "book": book, "computed": computed,
            "tolerance": tolerance, "status": status, "note": claim.note,
        })
    return pd.DataFrame(rows)


def status_counts(ledger: pd.DataFrame) -> pd.DataFrame:
    """Claims per source and status (columns: the statuses that occur, plus ``total``)."""
    counts = pd.crosstab(ledger["source"], ledger["status"])
    counts = counts[[s for s in STATUSES if s in counts.columns]]
    counts["total"] = counts.sum(axis=1)
    return counts
