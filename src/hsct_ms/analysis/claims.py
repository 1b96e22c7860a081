"""The claim ledger: what the press release and the abstract say, checked three ways.

The claims are data (``data/published/claims.csv``): one row per claim, with the
words quoted from the English press release or the abstract, where they were read
(``quoted_from``), the ``values.csv`` key(s) of what the paper publishes, the number
as stated, a code naming the book's check on a cohort file, and the kind of
``wording`` (descriptive, a bound such as "more than half", causal, ...).

:func:`claim_ledger` gives every claim

- a **number** verdict (:func:`number_verdict`, published against published): does the
  number stated agree with what the paper publishes, to the digits stated?
- an **inference** verdict (:func:`inference_verdict`): does the design support what
  the words infer? Causal wording ("may prevent", "benefited", "induces") from an
  uncontrolled retrospective cohort is not supported; "more than half" is not
  established when the published 95% interval reaches below one half; improvement
  needs EDSS trajectories, which no public source gives, so it cannot be checked;
- a **cohort check** (computed from the cohort file of this build): the claimed value
  recomputed from the patients' rows. On the shipped reconstruction agreement is by
  construction (the reconstruction was fitted to these numbers); on a user's cohort it
  is a comparison.

Tolerances
----------
The number verdict allows half a unit of the last digit stated (a stated "86"
covers 85.5 to 86.5). The cohort check adds the tolerance of the published quantity,
:func:`hsct_ms.terms.tolerance`. Counts, EDSS scores and calendar years are exact.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import special

from hsct_ms import stats, terms
from hsct_ms.analysis import cohort as baseline
from hsct_ms.display import disclosure
from hsct_ms.paths import PUBLISHED_DIR

__all__ = [
    "CLAIMS_CSV", "CLAIM_COLUMNS", "WORDINGS", "NUMBER_VERDICTS", "INFERENCE_VERDICTS",
    "load_claims", "values_text", "check_codes", "number_verdict", "inference_verdict", "claim_ledger",
    "verdict_counts",
]

CLAIMS_CSV = PUBLISHED_DIR / "claims.csv"
VALUES_CSV = PUBLISHED_DIR / "values.csv"
CLAIM_COLUMNS = ("claim_id", "source", "quote", "quoted_from", "value_key", "check", "stated", "wording", "note")
SOURCES = ("press release", "abstract")
NO_CHECK = "none"

#: Kinds of wording, and why each is or is not supported by this study's design.
WORDINGS = {
    "descriptive": "states what was observed in this cohort",
    "bound": "states a bound ('more than half'), established only if the 95% interval clears it",
    "causal": "says what the transplant caused or prevented",
    "association": "states an association within the cohort",
    "improvement": "says disability improved",
    "external": "is about another study",
    "context": "states a date or a schedule, not a result",
    "limitation": "states a limitation of the study",
}

AGREES, DIFFERS, NO_NUMBER = "agrees", "differs", "no number stated"
PAPER_VALUE, PRESS_ONLY = "is the paper's value", "only in the press release"
NUMBER_VERDICTS = (AGREES, DIFFERS, PAPER_VALUE, PRESS_ONLY, NO_NUMBER)

SUPPORTED, NOT_SUPPORTED, NOT_ESTABLISHED = "supported", "not supported by the design", "not established"
CANNOT_CHECK, NOT_A_FINDING = "cannot be checked here", "not a finding of this study"
INFERENCE_VERDICTS = (SUPPORTED, NOT_ESTABLISHED, NOT_SUPPORTED, CANNOT_CHECK, NOT_A_FINDING)

NOT_COMPUTABLE, WITHHELD = "not computable from the cohort file", "withheld"
DESIGN = "an uncontrolled retrospective cohort (Class IV evidence)"


# --- the checks on a cohort file: code -> (compute, exact, (quantity, kind), what) --------


def _count(subtype: str | None) -> Callable[[pd.DataFrame], float]:
    if subtype is None:
        return lambda p: float(len(p))
    return lambda p: float((p["subtype"] == subtype).sum())


def _dwfs(group: str, year: float, kind: str) -> Callable[[pd.DataFrame], float]:
    def compute(patients: pd.DataFrame) -> float:
        frame = patients[terms.group_mask(patients, group)]
        if frame.empty:
            return float("nan")
        surv, se = stats.km_at(frame["dwfs_years"].to_numpy(float), frame["worsening"].to_numpy(int),
                               np.array([float(year)]))
        shift = {"estimate": 0.0, "ci_lower": -1.0, "ci_upper": 1.0}[kind] * float(special.ndtri(0.975))
        return 100 * float(surv[0] + shift * se[0])
    return compute


def _early(era: str) -> Callable[[pd.DataFrame], float]:
    return lambda p: float(baseline.early_deaths(p).loc[era, "deaths"])


def _check_table() -> dict:
    after = f"Transplanted after {baseline.ERA_LAST_YEAR}"
    checks = {
        "count_all": (_count(None), True, None, "patients in the cohort file"),
        "count_rrms": (_count("RRMS"), True, None, "RRMS patients"),
        "count_spms": (_count("SPMS"), True, None, "SPMS patients"),
        "count_ppms": (_count("PPMS"), True, None, "PPMS patients"),
        "percent_rrms": (lambda p: 100 * float((p["subtype"] == "RRMS").mean()), False, None,
                         "percent of patients with RRMS"),
        "edss_median": (lambda p: float(p["baseline_edss"].median()), True, None, "median baseline EDSS"),
        "edss_min": (lambda p: float(p["baseline_edss"].min()), True, None, "lowest baseline EDSS"),
        "edss_max": (lambda p: float(p["baseline_edss"].max()), True, None, "highest baseline EDSS"),
        "followup_mean": (lambda p: float(p["followup_years"].mean()), False, ("followup", "mean"),
                          "mean follow-up (years)"),
        "followup_sd": (lambda p: float(p["followup_years"].std(ddof=1)), False, ("followup", "sd"),
                        "SD of follow-up (years)"),
        "age_mean": (lambda p: float(p["age"].mean()), False, ("age", "mean"), "mean age at transplant (years)"),
        "transplant_years": (lambda p: (float(p["transplant_year"].min()), float(p["transplant_year"].max())),
                             True, None, "first and last transplant year"),
        "early_deaths": (_early(terms.ALL), True, None, "deaths within 100 days"),
        "early_deaths_percent": (lambda p: 100 * float(baseline.early_deaths(p).loc[terms.ALL, "proportion"]),
                                 False, None, "percent dying within 100 days"),
        "early_deaths_after_2007": (_early(after), True, None, f"deaths within 100 days, {after.lower()}"),
    }
    for code, group in (("rrms", terms.RRMS), ("progressive", terms.PROGRESSIVE), ("all", terms.ALL)):
        label = terms.GROUP_LABELS[group]
        for year in (5, 10):
            checks[f"dwfs_{code}_{year}y"] = (_dwfs(group, year, "estimate"), False, ("dwfs", "estimate"),
                                             f"Kaplan-Meier DWFS at {year} y, {label} (%)")
            for suffix, kind in (("lower", "ci_lower"), ("upper", "ci_upper")):
                checks[f"dwfs_{code}_{year}y_{suffix}"] = (
                    _dwfs(group, year, kind), False, ("dwfs", kind),
                    f"plain Greenwood 95% {suffix} bound of DWFS at {year} y, {label} (%)")
    return checks


CHECKS = _check_table()


def check_codes() -> list[str]:
    """Every check code :func:`claim_ledger` knows, plus ``none``."""
    return [*CHECKS, NO_CHECK]


# --- the data files -------------------------------------------------------------------


def _read_text(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def values_text() -> pd.DataFrame:
    """``values.csv`` as transcribed (all text, indexed by key): the digits as published."""
    return _read_text(VALUES_CSV).set_index("key")


def _keys(cell: str) -> list[str]:
    return [k.strip() for k in cell.split(";") if k.strip()]


def load_claims(path: str | Path | None = None) -> pd.DataFrame:
    """Read ``claims.csv`` (all text) and check it against values.csv and the check codes.

    Raises
    ------
    ValueError
        If the header is wrong, an id repeats, a source, check or wording code is
        unknown, or a ``value_key`` is not a key of values.csv; the message names the
        file, the column and the lines (line 1 is the header).
    """
    path = Path(path) if path is not None else CLAIMS_CSV
    frame = _read_text(path)
    if tuple(frame.columns) != CLAIM_COLUMNS:
        raise ValueError(f"{path}: columns {list(frame.columns)}, expected {list(CLAIM_COLUMNS)}")
    keys = set(_read_text(VALUES_CSV)["key"])
    bad = {
        ("claim_id", "blank or duplicated"): (frame["claim_id"] == "") | frame["claim_id"].duplicated(keep=False),
        ("source", f"not one of {list(SOURCES)}"): ~frame["source"].isin(SOURCES),
        ("quote", "blank"): frame["quote"].str.strip() == "",
        ("quoted_from", "blank"): frame["quoted_from"].str.strip() == "",
        ("value_key", "not a key of values.csv"): frame["value_key"].map(
            lambda cell: any(k not in keys for k in _keys(cell))),
        ("check", "unknown check code"): ~frame["check"].isin(check_codes()),
        ("wording", f"not one of {list(WORDINGS)}"): ~frame["wording"].isin(list(WORDINGS)),
        ("stated", "a checked claim needs a stated value"): (frame["check"] != NO_CHECK) & (frame["stated"] == ""),
    }
    problems = [f"{path}, column {column}, lines {[int(i) + 2 for i in frame.index[mask]]}: {what}"
                for (column, what), mask in bad.items() if mask.any()]
    if problems:
        raise ValueError("\n".join(problems))
    return frame


# --- verdicts ---------------------------------------------------------------------

_NUMBER = r"-?\d+(?:\.\d+)?"


def _parse_stated(text: str):
    """``"86"`` -> ("=", 86.0, 0 decimals); ``"> 50"`` -> (">", 50.0, None); ``"1997 to 2019"`` -> range."""
    text = text.replace(",", "").strip()
    if m := re.fullmatch(rf"([<>])\s*({_NUMBER})", text):
        return m.group(1), float(m.group(2)), None
    if m := re.fullmatch(rf"({_NUMBER})\s+to\s+({_NUMBER})", text):
        return "range", (float(m.group(1)), float(m.group(2))), None
    if re.fullmatch(_NUMBER, text):
        return "=", float(text), len(text.split(".")[1]) if "." in text else 0
    raise ValueError(f"cannot read the stated value {text!r}")


def _agrees(value, stated: str, slack: float = 0.0, exact: bool = False) -> tuple[bool, str]:
    """Whether ``value`` agrees with ``stated`` (rounding of the digits stated + ``slack``)."""
    relation, target, decimals = _parse_stated(stated)
    if relation == "range":
        return bool(tuple(value) == target), "exact"
    value = float(value)
    if np.isnan(value):
        return False, "n/a"
    if relation in "<>":
        return (value > target if relation == ">" else value < target), f"{relation} {target:g}"
    if exact:
        return abs(value - target) < 1e-9, "exact"
    tolerance = 0.5 * 10.0 ** (-decimals) + slack
    return abs(value - target) <= tolerance + 1e-9, f"± {tolerance:g}"


def number_verdict(claim, values: pd.DataFrame) -> str:
    """Does the number a claim states agree with what the paper publishes (``values``, text)?"""
    keys = _keys(claim.value_key)
    if not claim.stated:
        return NO_NUMBER
    rows = values.loc[keys]
    if claim.source == "abstract" and len(keys) == 1:
        relation, value = rows["relation"].iloc[0], rows["value"].iloc[0]
        if claim.stated == (value if relation == "=" else f"{relation} {value}"):
            return PAPER_VALUE
    if (rows["source"] == "press release").all():
        return PRESS_ONLY
    paper = [float(v) for v in rows["value"]]
    ok = [_agrees(p, claim.stated)[0] for p in paper] if "to" not in claim.stated else [
        _agrees(tuple(paper), claim.stated)[0]]
    return AGREES if all(ok) else DIFFERS


def inference_verdict(claim, values: pd.DataFrame) -> tuple[str, str]:
    """Is the inference of a claim's words supported by the design? (verdict, reason)."""
    wording = claim.wording
    reason = f"the claim {WORDINGS[wording]}"
    if wording == "causal":
        reason += f": {DESIGN} shows what happened after the transplant, not what the transplant caused"
    if wording in ("bound", "causal") and claim.stated.startswith(">"):
        bound = _parse_stated(claim.stated)[1]
        low = min(float(values.loc[f"{k.removesuffix('_estimate')}_ci_lower", "value"])
                  for k in _keys(claim.value_key))
        if low <= bound:
            established = f"'more than {bound:g}%' is not established: the published 95% interval reaches {low:g}%"
            if wording == "bound":
                return NOT_ESTABLISHED, established
            reason += f"; and {established}"
        elif wording == "bound":
            return SUPPORTED, f"the published 95% interval stays above {bound:g}% (lowest bound {low:g}%)"
    if wording == "causal":
        return NOT_SUPPORTED, reason
    if wording == "improvement":
        return CANNOT_CHECK, "improvement needs EDSS trajectories, which no public source and no cohort file here holds"
    if wording in ("external", "context"):
        return NOT_A_FINDING, reason
    if wording == "association":
        return SUPPORTED, f"{reason}, as a hazard ratio within {DESIGN}; not an effect of the protocol"
    return SUPPORTED, reason


def _cohort_check(claim, patients: pd.DataFrame, agree: str, min_count: int) -> tuple[str, str, str, str]:
    """(value from the cohort file, what it is, tolerance, status) for one claim."""
    if claim.check == NO_CHECK:
        return "", "", "", NOT_COMPUTABLE
    compute, exact, quantity, what = CHECKS[claim.check]
    value = compute(patients)
    slack = terms.tolerance(*quantity) if quantity else 0.0
    ok, tolerance = _agrees(value, claim.stated, slack, exact)
    shown = (" to ".join(f"{v:.0f}" for v in value) if isinstance(value, tuple)
             else "no patients" if np.isnan(value) else f"{value:.0f}" if exact else f"{value:.2f}")
    status = agree if ok else DIFFERS
    if min_count:
        deaths = float(baseline.early_deaths(patients).loc[terms.ALL, "deaths"])
        if isinstance(value, tuple):
            shown = "not shown"  # the first and last year are single patients' values
        elif exact and disclosure.is_small(float(value), min_count):
            shown, status = disclosure.show_count(float(value), min_count), WITHHELD
        elif claim.check == "early_deaths_percent" and disclosure.is_small(deaths, min_count):
            shown, status = WITHHELD, WITHHELD
    return shown, what, tolerance, status


def claim_ledger(patients: pd.DataFrame, is_shipped: bool, min_count: int = 0,
                 claims: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every claim of ``claims.csv`` with its number verdict, inference verdict and cohort check.

    Parameters
    ----------
    patients : DataFrame
        A cohort file as read by :func:`hsct_ms.inputs.cohort.load_cohort`.
    is_shipped : bool
        Whether it is the shipped reconstruction: decides the word for agreement of
        the cohort check (:func:`hsct_ms.terms.comparison_verb`).
    min_count : int
        Small-count threshold of a user's cohort (:mod:`hsct_ms.display.disclosure`).
    claims : DataFrame, optional
        The claims; :func:`load_claims` by default.

    Returns
    -------
    pandas.DataFrame
        One row per claim, in file order: ``claim_id, source, quote, quoted_from,
        wording, stated, paper`` (the published value(s), as transcribed),
        ``number, inference, reason, book, computed, tolerance, cohort_check, note``.
    """
    claims = load_claims() if claims is None else claims
    values = values_text()
    agree = terms.comparison_verb(is_shipped)
    rows = []
    for claim in claims.itertuples(index=False):
        keys = _keys(claim.value_key)
        joiner = " to " if claim.check == "transplant_years" else "; "
        paper = joiner.join(values.loc[k, "value"] if values.loc[k, "relation"] == "="
                            else f"{values.loc[k, 'relation']} {values.loc[k, 'value']}" for k in keys)
        inference, reason = inference_verdict(claim, values)
        book, computed, tolerance, check = _cohort_check(claim, patients, agree, min_count)
        rows.append({
            "claim_id": claim.claim_id, "source": claim.source, "quote": claim.quote,
            "quoted_from": claim.quoted_from, "wording": claim.wording, "stated": claim.stated,
            "paper": paper, "number": number_verdict(claim, values), "inference": inference,
            "reason": reason, "book": book, "computed": computed, "tolerance": tolerance,
            "cohort_check": check, "note": claim.note,
        })
    return pd.DataFrame(rows)


def verdict_counts(ledger: pd.DataFrame, column: str) -> pd.DataFrame:
    """Claims per source and verdict of ``column`` (``number``, ``inference`` or ``cohort_check``)."""
    counts = pd.crosstab(ledger["source"], ledger[column])
    order = {"number": NUMBER_VERDICTS, "inference": INFERENCE_VERDICTS}.get(column, tuple(counts.columns))
    counts = counts[[v for v in order if v in counts.columns]]
    counts["total"] = counts.sum(axis=1)
    return counts.reindex([s for s in SOURCES if s in counts.index])
