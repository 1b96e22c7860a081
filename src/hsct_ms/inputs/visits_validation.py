"""Validating an EDSS visits file and an optional relapses file against the cohort.

A visits file holds one row per EDSS assessment: ``patient_id``, the time of the
assessment as ``years_since_transplant`` (a number) or ``visit_date`` (``YYYY-MM-DD``,
then the cohort file needs a ``transplant_date`` column in the same format), and
``edss``. A relapses file holds one row per relapse: ``patient_id`` and
``years_since_transplant`` or ``onset_date``.

The checks are as strict as the cohort file's (same :class:`ProblemReport`, same
:class:`CohortValidationError`, same wording of file, column, lines and patients):
every problem is reported at once, nothing is dropped, filled or converted.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from hsct_ms.inputs.cohort_file import decode_text, parse_records, read_bytes
from hsct_ms.inputs.cohort_problems import ProblemReport, show_values
from hsct_ms.inputs.cohort_schema import EDSS_SCALE, MISSING_TOKENS, NUMBER_PATTERN

__all__ = ["DAYS_PER_YEAR", "VISIT_TIME_COLUMNS", "RELAPSE_TIME_COLUMNS", "read_visits_checked",
           "read_relapses_checked"]

#: Days per year used to turn dates into years since transplant (Julian year).
DAYS_PER_YEAR = 365.25
VISIT_TIME_COLUMNS = ("years_since_transplant", "visit_date")
RELAPSE_TIME_COLUMNS = ("years_since_transplant", "onset_date")
_NUMBER_RE = re.compile(NUMBER_PATTERN)
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_EDSS_SET = frozenset(EDSS_SCALE)


def _records(path: Path, shown: str | None, what: str) -> tuple[ProblemReport, list[str], list[list[str]], np.ndarray]:
    report = ProblemReport(path, shown)
    if not path.exists():
        report.add(None, f"file not found: {path}; check the path ({what})")
        report.fail()
    data = read_bytes(path, report)
    text = decode_text(data, report)
    records, starts, _ = parse_records(text, report)
    while records and all(not f.strip() for f in records[-1]) and len(records[-1]) <= 1:
        records.pop()
    if not records or all(not f.strip() for f in records[0]):
        report.add(None, "no header line; the first line must name the columns", rows=(1,))
        report.fail()
    header = records[0]
    rows = records[1:]
    lines = starts[1:len(records)]
    width = len(header)
    bad = [i for i, r in enumerate(rows) if len(r) != width]
    if bad:
        report.add(None, f"these lines do not have one value per column of the header ({width}); "
                         "blank lines and stray separators are not skipped silently",
                   rows=lines[bad])
    for name, count in Counter(header).items():
        if count > 1:
            report.add(name, f"the column name appears {count} times in the header", rows=(1,))
    report.lines = np.asarray([lines[i] for i, r in enumerate(rows) if len(r) == width], dtype=np.int64)
    rows = [r for r in rows if len(r) == width]
    return report, header, rows, report.lines


def _time_column(header, report, choices, required_other):
    present = [c for c in choices if c in header]
    missing = [c for c in required_other if c not in header]
    for c in missing:
        report.add(c, "required column is missing", rows=(1,))
    if not present:
        report.add(None, f"the time of each row is missing: give a column {choices[0]!r} (a number) "
                         f"or {choices[1]!r} (a date YYYY-MM-DD)", rows=(1,))
        return None
    if len(present) == 2:
        report.add(None, f"both {choices[0]!r} and {choices[1]!r} are given; give one of them, "
                         "so that the two cannot disagree", rows=(1,))
        return None
    return present[0]


def _ids(report: ProblemReport, text: np.ndarray, cohort_ids: set[str]) -> np.ndarray:
    missing = np.array([t.strip().lower() in MISSING_TOKENS for t in text], dtype=bool)
    if missing.any():
        report.add_rows("patient_id", missing, "missing patient_id; every row needs the patient's id")
    unknown = np.array([t not in cohort_ids for t in text], dtype=bool) & ~missing
    if unknown.any():
        report.add_rows("patient_id", unknown,
                        "patient not in the cohort file; every row must belong to a patient of the "
                        "cohort file (ids are matched exactly: case and spaces matter)")
    return ~missing & ~unknown


def _numbers(report, column, text, rule) -> np.ndarray:
    values = np.full(len(text), np.nan)
    ok = np.array([bool(_NUMBER_RE.fullmatch(t)) for t in text], dtype=bool)
    values[ok] = [float(t) for t, o in zip(text, ok) if o]
    if (~ok).any():
        report.add_rows(column, ~ok, f"not a number ({show_values([t for t, o in zip(text, ok) if not o])}); "
                                     f"expected {rule}, with a decimal point")
    return values


def _dates(report, column, text) -> np.ndarray:
    """Days since 1970-01-01, NaN where the text is not a real ``YYYY-MM-DD`` date."""
    days = np.full(len(text), np.nan)
    epoch = datetime.date(1970, 1, 1)
    for i, t in enumerate(text):
        if _DATE_RE.fullmatch(t):
            try:
                days[i] = (datetime.date.fromisoformat(t) - epoch).days
            except ValueError:
                pass
    bad = np.isnan(days)
    if bad.any():
        report.add_rows(column, bad, f"date cannot be read ({show_values([t for t, b in zip(text, bad) if b])}); "
                                     "expected a calendar date written YYYY-MM-DD (e.g. 2012-03-25)")
    return days


def _transplant_days(cohort: pd.DataFrame, report: ProblemReport, column: str) -> dict[str, float] | None:
    if "transplant_date" not in cohort.columns:
        report.add(column, f"{column!r} needs the transplant date of each patient: add a column "
                           "'transplant_date' (YYYY-MM-DD) to the cohort file, or give "
                           "'years_since_transplant' instead", rows=(1,))
        return None
    epoch = datetime.date(1970, 1, 1)
    out, bad = {}, []
    for pid, t in zip(cohort["patient_id"], cohort["transplant_date"].astype(str)):
        try:
            if not _DATE_RE.fullmatch(t.strip()):
                raise ValueError
            out[pid] = float((datetime.date.fromisoformat(t.strip()) - epoch).days)
        except ValueError:
            bad.append(pid)
    if bad:
        report.add(column, "the cohort file's 'transplant_date' cannot be read as YYYY-MM-DD for "
                           "these patients, so their dates cannot be placed after transplant",
                   ids=bad)
    return out


def _years(report, header, rows, time_column, ids, known, cohort) -> np.ndarray:
    text = np.array([r[header.index(time_column)].strip() for r in rows], dtype=object)
    if time_column == "years_since_transplant":
        return _numbers(report, time_column, text, "years from transplant, 0 or more")
    days = _dates(report, time_column, text)
    transplant = _transplant_days(cohort, report, time_column)
    if transplant is None:
        return np.full(len(rows), np.nan)
    base = np.array([transplant.get(i, np.nan) if k else np.nan for i, k in zip(ids, known)])
    return (days - base) / DAYS_PER_YEAR


def read_visits_checked(path: Path, cohort: pd.DataFrame, shown: str | None = None) -> pd.DataFrame:
    """Validated visits: ``patient_id``, ``years_since_transplant``, ``edss``, ``line``.

    Raises :class:`~hsct_ms.inputs.cohort_problems.CohortValidationError` listing every
    problem (file, column, lines, patients).
    """
    report, header, rows, lines = _records(path, shown, "the argument or VISITS_CSV")
    time_column = _time_column(header, report, VISIT_TIME_COLUMNS, ("patient_id", "edss"))
    if report.problems:
        report.fail()
    ids = np.array([r[header.index("patient_id")] for r in rows], dtype=object)
    report.ids = ids
    cohort_ids = set(cohort["patient_id"])
    known = _ids(report, ids, cohort_ids)
    years = _years(report, header, rows, time_column, ids, known, cohort)
    edss_text = np.array([r[header.index("edss")].strip() for r in rows], dtype=object)
    edss = _numbers(report, "edss", edss_text, "an EDSS score")
    off_scale = ~np.isnan(edss) & np.array([e not in _EDSS_SET for e in edss], dtype=bool)
    if off_scale.any():
        report.add_rows("edss", off_scale,
                        f"not a valid EDSS step ({show_values(list(edss_text[off_scale]))}); "
                        "expected 0, or 1.0 to 10 in steps of 0.5 (the scale has no 0.5)")
    before = known & (years < 0)
    if before.any():
        report.add_rows(time_column, before,
                        "visit before transplant; the visits file holds assessments from the "
                        "transplant (time 0) on")
    usable = known & ~np.isnan(years) & (years >= 0)
    frame = pd.DataFrame({"patient_id": ids, "years_since_transplant": years, "edss": edss,
                          "line": lines})
    if usable.any():
        sub = frame[usable]
        # Same patient, same time (for dates: the same day) is one assessment entered twice.
        key = sub["years_since_transplant"].round(6) if time_column == "years_since_transplant" \
            else np.round(sub["years_since_transplant"] * DAYS_PER_YEAR)
        dup = sub.assign(_k=key).duplicated(["patient_id", "_k"], keep=False)
        if dup.any():
            mask = np.zeros(len(frame), dtype=bool)
            mask[np.flatnonzero(usable)[dup.to_numpy()]] = True
            report.add_rows(time_column, mask,
                            "more than one visit of a patient on the same date; keep one "
                            "assessment per patient and date")
    after = set(frame.loc[usable & (frame["years_since_transplant"] > 0), "patient_id"])
    invalid_time = set(frame.loc[known & np.isnan(years), "patient_id"])
    without = [p for p in cohort["patient_id"] if p not in after and p not in invalid_time]
    if without:
        report.add(None, f"{len(without)} patient{'s' if len(without) != 1 else ''} of the cohort "
                         "file without any visit after transplant; every patient needs at least one "
                         "EDSS assessment after transplant", ids=without)
    # A visit at time 0 is the baseline assessment: it must agree with the cohort file.
    if usable.any() and "baseline_edss" in cohort.columns:
        baseline = dict(zip(cohort["patient_id"], cohort["baseline_edss"]))
        at_zero = usable & (frame["years_since_transplant"].to_numpy() == 0)
        differs = at_zero & np.array([not np.isnan(e) and baseline.get(p) != e
                                      for p, e in zip(ids, edss)], dtype=bool)
        if differs.any():
            report.add_rows("edss", differs,
                            "the visit at transplant (time 0) differs from the cohort file's "
                            "baseline_edss; they are the same assessment")
    if report.problems:
        report.fail()
    frame["edss"] = frame["edss"].astype(float)
    return frame.sort_values(["patient_id", "years_since_transplant"], kind="stable").reset_index(drop=True)


def read_relapses_checked(path: Path, cohort: pd.DataFrame, shown: str | None = None) -> pd.DataFrame:
    """Validated relapses: ``patient_id``, ``years_since_transplant`` (may be negative), ``line``."""
    report, header, rows, lines = _records(path, shown, "the argument or RELAPSES_CSV")
    time_column = _time_column(header, report, RELAPSE_TIME_COLUMNS, ("patient_id",))
    if report.problems:
        report.fail()
    ids = np.array([r[header.index("patient_id")] for r in rows], dtype=object)
    report.ids = ids
    known = _ids(report, ids, set(cohort["patient_id"]))
    years = _years(report, header, rows, time_column, ids, known, cohort)
    frame = pd.DataFrame({"patient_id": ids, "years_since_transplant": years, "line": lines})
    ok = known & ~np.isnan(years)
    dup = np.zeros(len(frame), dtype=bool)
    if ok.any():
        sub = frame[ok]
        d = sub.assign(_k=np.round(sub["years_since_transplant"] * DAYS_PER_YEAR)).duplicated(
            ["patient_id", "_k"], keep=False)
        dup[np.flatnonzero(ok)[d.to_numpy()]] = True
    if dup.any():
        report.add_rows(time_column, dup, "more than one relapse of a patient on the same date")
    if report.problems:
        report.fail()
    return frame.sort_values(["patient_id", "years_since_transplant"], kind="stable").reset_index(drop=True)
