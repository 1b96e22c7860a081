"""The value checks of each required column of a cohort file.

Each check reads one column's text, reports every value that breaks the column's rule
(with a hint where a common mistake is recognisable: a decimal comma, ``rrms`` for
``RRMS``, EDSS 0.5), and returns the typed values with NaN where a value is invalid.
Nothing is converted silently. Each column is checked on its distinct values, then mapped
back to the rows: most columns hold few distinct values, so 100,000 rows cost little.
"""

from __future__ import annotations

import datetime
import difflib
import re

import numpy as np
import pandas as pd

from hsct_ms.inputs.cohort_problems import MAX_VALUES, ProblemReport, is_are, listing, show_values
from hsct_ms.inputs.cohort_schema import (
    AGE_MAX,
    AGE_MIN,
    DECIMAL_COMMA_PATTERN,
    FIRST_TRANSPLANT_YEAR,
    INTEGER_PATTERN,
    MISSING_TOKENS,
    NUMBER_PATTERN,
    SCHEMA_BY_NAME,
    SUBTYPES,
    max_followup_years,
)

__all__ = ["ColumnValues", "check_missing", "COLUMN_CHECKS", "COLUMN_DTYPES"]


_NUMBER_RE = re.compile(NUMBER_PATTERN)
_INTEGER_RE = re.compile(INTEGER_PATTERN)
_DECIMAL_COMMA_RE = re.compile(DECIMAL_COMMA_PATTERN)


class ColumnValues:
    """The text of one column, as distinct values and a code per row."""

    def __init__(self, column: str, s: pd.Series):
        self.column = column
        codes, uniques = pd.factorize(s.to_numpy(dtype=object), sort=False)
        self.codes = codes
        self.raw = [str(v) for v in uniques]  # in order of first appearance
        self.text = [v.strip() for v in self.raw]
        self.missing_u = self.flags(t.lower() in MISSING_TOKENS for t in self.text)
        self.missing = self.rows(self.missing_u)

    def flags(self, it) -> np.ndarray:
        return np.fromiter(it, dtype=bool, count=len(self.raw))

    def rows(self, per_value: np.ndarray) -> np.ndarray:
        """Expand a per-distinct-value array to one entry per row."""
        return per_value[self.codes]

    def shown(self, per_value: np.ndarray, raw: bool = False) -> list[str]:
        values = self.raw if raw else self.text
        return [v for v, m in zip(values, per_value) if m]


def _report_values(report, col, bad_u, text, quote=True, raw=False, hint=""):
    """One problem for the rows holding the flagged distinct values.

    ``text`` is formatted with ``{values}`` (the values shown) and ``{is_are}``.
    """
    if bad_u.any():
        values = col.shown(bad_u, raw=raw)
        message = text.format(values=show_values(values, quote=quote), is_are=is_are(values))
        report.add_rows(col.column, col.rows(bad_u), message + hint)


def check_missing(col: ColumnValues, report: ProblemReport) -> None:
    if col.missing_u.any():
        n = int(col.missing.sum())
        report.add_rows(col.column, col.missing,
                        f"missing value{'s' if n > 1 else ''} ({show_values(col.shown(col.missing_u, raw=True))}); "
                        f"every patient needs a value ({SCHEMA_BY_NAME[col.column].rule})")


def _numbers(col: ColumnValues, expected: str, report: ProblemReport) -> np.ndarray:
    """Parse each distinct value as a number; report the others; NaN where not a number."""
    ok = col.flags(bool(_NUMBER_RE.fullmatch(t)) for t in col.text)
    values = np.fromiter((float(t) if good else np.nan for t, good in zip(col.text, ok)),
                         dtype=float, count=len(col.text))
    bad = ~col.missing_u & ~np.isfinite(values)  # also catches '1e999'
    if bad.any():
        commas = [v for v in col.shown(bad) if _DECIMAL_COMMA_RE.fullmatch(v)]
        hint = ""
        if commas:
            hint = f" ({commas[0]!r} has a decimal comma: write {commas[0].replace(',', '.')} " \
                   "with a decimal point)"
        plural = "a number" if bad.sum() == 1 else "numbers"
        _report_values(report, col, bad, "{values} {is_are} not " + plural + hint,
                       hint=f"; expected {expected}")
    values[bad] = np.nan
    return values


def _range(col, values, bad, what, report) -> np.ndarray:
    _report_values(report, col, bad, "{values} {is_are} " + what, quote=False)
    values = values.copy()
    values[bad] = np.nan
    return values


def _check_patient_id(col, report):
    spaced = ~col.missing_u & col.flags(r != t for r, t in zip(col.raw, col.text))
    _report_values(report, col, spaced, "{values}: leading or trailing spaces in a patient id; "
                                        "remove them", raw=True)
    counts = np.bincount(col.codes, minlength=len(col.raw))
    dup_u = ~col.missing_u & (counts > 1)
    if dup_u.any():
        dup = col.rows(dup_u)
        groups = pd.Series(report.lines[dup]).groupby(col.codes[dup], sort=False)
        listed = [f"{col.raw[code]!r} (lines {listing(lines.tolist(), 5)})" for code, lines in groups]
        text = "; ".join(listed[:MAX_VALUES])
        if len(listed) > MAX_VALUES:
            text += f" and {len(listed) - MAX_VALUES} more"
        report.add_rows("patient_id", dup, f"duplicate patient ids: {text}; "
                                           "each patient must have exactly one row")
    return np.asarray(col.raw, dtype=object)


_SUBTYPE_WORDS = {
    "RRMS": ("rr", "rrms", "relapsingremitting", "relapsingremittingms", "relapsing"),
    "SPMS": ("sp", "spms", "secondaryprogressive", "secondaryprogressivems", "secondary"),
    "PPMS": ("pp", "ppms", "primaryprogressive", "primaryprogressivems", "primary"),
}


def _subtype_hint(value: str) -> str | None:
    key = re.sub(r"[^a-z]", "", value.lower())
    for label, words in _SUBTYPE_WORDS.items():
        if key in words:
            return label
    close = difflib.get_close_matches(value.strip().upper(), SUBTYPES, n=1, cutoff=0.5)
    return close[0] if close else None


def _check_subtype(col, report):
    # Exact labels only: 'rrms' or ' RRMS' get a hint, never a silent fix.
    bad = ~col.missing_u & col.flags(r not in SUBTYPES for r in col.raw)
    if bad.any():
        values = col.shown(bad, raw=True)
        shown = []
        for v in values[:MAX_VALUES]:
            hint = _subtype_hint(v)
            shown.append(f"{v!r}" + (f" (did you mean {hint}?)" if hint else ""))
        text = ", ".join(shown)
        if len(values) > MAX_VALUES:
            text += f" and {len(values) - MAX_VALUES} other values"
        label = "a subtype label" if len(values) == 1 else "subtype labels"
        report.add_rows("subtype", col.rows(bad), f"{text} {is_are(values)} not {label}; expected "
                                                  "exactly RRMS, SPMS or PPMS (labels are not "
                                                  "converted automatically)")
    return np.asarray(col.raw, dtype=object)


def _check_age(col, report):
    v = _numbers(col, "the age at transplant in years, e.g. 34 or 34.5", report)
    with np.errstate(invalid="ignore"):
        bad = (v < AGE_MIN) | (v > AGE_MAX)
    return _range(col, v, bad, f"outside the plausible range of age at transplant, "
                               f"{AGE_MIN} to {AGE_MAX} years", report)


def _check_edss(col, report):
    v = _numbers(col, "an EDSS score such as 3.5", report)
    with np.errstate(invalid="ignore"):
        on_scale = (v == 0) | ((v >= 1) & (v <= 10) & (v * 2 == np.round(v * 2)))
    bad = ~np.isnan(v) & ~on_scale
    what = "not EDSS scores" if bad.sum() > 1 else "not an EDSS score"
    what += "; expected 0 or 1.0 to 10 in steps of 0.5"
    if (v[bad] == 0.5).any():
        what += " (0.5 is not on the EDSS scale, which goes from 0 to 1.0)"
    return _range(col, v, bad, what, report)


def _check_year(col, report):
    whole = col.flags(bool(_INTEGER_RE.fullmatch(t)) for t in col.text)
    numeric = col.flags(bool(_NUMBER_RE.fullmatch(t)) for t in col.text)
    fractional = ~col.missing_u & numeric & ~whole
    _report_values(report, col, fractional,
                   "{values} {is_are} not " + ("a whole year" if fractional.sum() == 1 else "whole years")
                   + "; write the year as a whole number, e.g. 2005", quote=False)
    junk = ~col.missing_u & ~numeric
    _report_values(report, col, junk,
                   "{values} {is_are} not " + ("a year" if junk.sum() == 1 else "years")
                   + "; expected the calendar year of the transplant, e.g. 2005")
    v = np.fromiter((float(t) if w else np.nan for t, w in zip(col.text, whole)),
                    dtype=float, count=len(col.text))
    this_year = datetime.date.today().year
    with np.errstate(invalid="ignore"):
        bad = (v < FIRST_TRANSPLANT_YEAR) | (v > this_year)
    return _range(col, v, bad, f"outside the plausible range of transplant years, "
                               f"{FIRST_TRANSPLANT_YEAR} to {this_year}", report)


def _check_time(what):
    def check(col, report):
        v = _numbers(col, f"the {what} in years, e.g. 4.25", report)
        with np.errstate(invalid="ignore"):
            bad = v <= 0
        v = _range(col, v, bad, f"not greater than 0; the {what} must be a positive "
                                "number of years", report)
        # No transplant before FIRST_TRANSPLANT_YEAR and no assessment after this year:
        # a longer time is a unit error (months or days), and the charts' time grid ends here.
        longest = max_followup_years()
        with np.errstate(invalid="ignore"):
            too_long = v > longest
        return _range(col, v, too_long, f"longer than {longest} years, the time from the start of "
                                        f"{FIRST_TRANSPLANT_YEAR} (the first accepted transplant year) to "
                                        "the end of this year; is it in months or days instead of years?",
                      report)
    return check


def _check_flag(col, report):
    ok = col.flags(t in ("0", "1") for t in col.text)
    bad = ~col.missing_u & ~ok
    _report_values(report, col, bad, "{values} {is_are} not 0 or 1; expected 0 or 1 "
                                     f"({SCHEMA_BY_NAME[col.column].description})")
    return np.fromiter((float(t) if good else np.nan for t, good in zip(col.text, ok)),
                       dtype=float, count=len(col.text))


COLUMN_CHECKS = {
    "patient_id": _check_patient_id,
    "subtype": _check_subtype,
    "age": _check_age,
    "baseline_edss": _check_edss,
    "transplant_year": _check_year,
    "followup_years": _check_time("time from transplant to the last assessment"),
    "dwfs_years": _check_time("time from transplant to worsening or censoring"),
    "worsening": _check_flag,
    "died": _check_flag,
}
COLUMN_DTYPES = {"patient_id": object, "subtype": object, "age": float, "baseline_edss": float,
           "transplant_year": np.int64, "followup_years": float, "dwfs_years": float,
           "worsening": np.int64, "died": np.int64}

