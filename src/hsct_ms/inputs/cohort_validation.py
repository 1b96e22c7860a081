"""Validating a cohort file: its header, its rows, then every column's values.

:func:`read_cohort` runs the whole chain (bytes, text and records from
:mod:`~hsct_ms.inputs.cohort_file`; the header and row shape here; each column's values
in :mod:`~hsct_ms.inputs.cohort_values`) and reports every problem at once. It is strict
on purpose: a result computed on a silently "repaired" file cannot be trusted, so it never
drops, fills or converts a value.
"""

from __future__ import annotations

import difflib
import os
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from hsct_ms.inputs.cohort_file import (
    check_separator,
    check_swallowed_lines,
    decode_text,
    parse_records,
    read_bytes,
)
from hsct_ms.inputs.cohort_problems import ProblemReport, show_values
from hsct_ms.inputs.cohort_schema import (
    ALIASES,
    DERIVABLE_COLUMNS,
    IDENTIFIERS,
    MISSING_TOKENS,
    REQUIRED_COLUMNS,
    SCHEMA_BY_NAME,
    normalised_name,
)
from hsct_ms.inputs.cohort_values import COLUMN_CHECKS, COLUMN_DTYPES, ColumnValues, check_missing

__all__ = ["read_cohort", "read_checked", "read_lines"]


def _suggest(missing: str, candidates: list[str]) -> tuple[str, bool] | None:
    """A header name that probably means ``missing``, and whether it differs only in case/spaces."""
    for c in candidates:
        if normalised_name(c) == missing:
            return c, True
    by_norm = {normalised_name(c): c for c in candidates if normalised_name(c)}
    for n, c in by_norm.items():
        if ALIASES.get(n) == missing:
            return c, False
    close = difflib.get_close_matches(missing, list(by_norm), n=1, cutoff=0.75)
    if close:
        return by_norm[close[0]], False
    for n, c in by_norm.items():
        if 3 <= len(n) <= 20 and (n in missing or missing in n):
            return c, False
    return None


def _check_header(header: list[str], report: ProblemReport, derivable: bool = False) -> None:
    for position, name in enumerate(header, start=1):
        if not name.strip():
            hint = (" (an R row-names column? write the file with write.csv(..., row.names = FALSE))"
                    if position == 1 else " (a stray separator at the end of the header?)")
            report.add(None, f"column {position} of the header has no name{hint}; "
                             "every column needs a name", rows=(1,))
    for name, count in Counter(header).items():
        if count > 1 and name.strip():
            where = [str(i) for i, h in enumerate(header, start=1) if h == name]
            report.add(name, f"the column name appears {count} times in the header (columns "
                             f"{show_values(where, quote=False)}); each column must appear once", rows=(1,))
    for name in header:
        kind = IDENTIFIERS.get(normalised_name(name))
        if kind:
            report.add(name, f"looks like a direct identifier ({kind}); remove this column "
                             "before using the file: the book publishes only aggregates, but an "
                             "identifier has no place in its input", rows=(1,))
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    # With a visits file the endpoint may be left out, both columns together (it is then
    # derived); one of them alone is still missing.
    derived = derivable and all(c in missing for c in DERIVABLE_COLUMNS)
    if derived:
        missing = [c for c in missing if c not in DERIVABLE_COLUMNS]
    candidates = [h for h in header if h not in REQUIRED_COLUMNS]
    suggestions = {c: _suggest(c, candidates) for c in missing}
    if len(missing) == len(REQUIRED_COLUMNS) - len(DERIVABLE_COLUMNS) * derived \
            and not any(suggestions.values()):
        first = ",".join(header)
        first = first if len(first) <= 60 else first[:57] + "..."
        report.add(None, f"none of the required columns is in the header (line 1 reads {first!r}); "
                         f"the first line must name the columns: {', '.join(REQUIRED_COLUMNS)}",
                   rows=(1,))
        return
    for column in missing:
        message = f"required column is missing ({SCHEMA_BY_NAME[column].description})"
        hint = suggestions[column]
        if hint and hint[1]:
            message += (f"; found {hint[0]!r}, which differs only in case or spaces: rename it "
                        f"to exactly {column!r} (names are not matched loosely)")
        elif hint:
            message += f"; found {hint[0]!r}: if it holds this, rename it to {column!r}"
        if derivable and column in DERIVABLE_COLUMNS:
            other = " and ".join(c for c in DERIVABLE_COLUMNS if c != column)
            message += (f"; with a visits file the endpoint may be left out, but {column} and {other} "
                        f"together: this file gives {other} without {column}")
        report.add(column, message, rows=(1,))


def read_checked(path: Path, shown: str | None = None, derivable: bool = False) -> tuple[pd.DataFrame, bytes]:
    """:func:`read_cohort`, also returning the file's bytes; messages name ``shown`` if given.

    With ``derivable`` (a visits file is given), a file without both
    :data:`~hsct_ms.inputs.cohort_schema.DERIVABLE_COLUMNS` is valid and the frame lacks them.
    """
    frame, data, _ = read_lines(path, shown, derivable)
    return frame, data


def read_lines(path: Path, shown: str | None = None,
               derivable: bool = False) -> tuple[pd.DataFrame, bytes, np.ndarray]:
    """:func:`read_checked`, also returning each row's first line in the file."""
    report = ProblemReport(path, shown)
    data = read_bytes(path, report)
    text = decode_text(data, report)
    check_separator(text, report)
    records, starts, ends = parse_records(text, report)
    # Blank lines after the last row hold nothing; drop those, and only those.
    while records and all(not f.strip() for f in records[-1]) and len(records[-1]) <= 1:
        records.pop()
    if not records:
        report.add(None, "the file has no text (only blank lines); expected a header line and "
                         "one line per patient")
        report.fail()
    header = records[0]
    if all(not f.strip() for f in header):
        report.add(None, "line 1 is blank; the first line must be the header naming the columns",
                   rows=(1,))
        report.fail()
    _check_header(header, report, derivable)

    rows = records[1:]
    lines, last_lines = starts[1:len(records)], ends[1:len(records)]
    if not rows:
        report.add(None, "no patient rows: the file has a header but no data lines")
        report.fail()
    width = len(header)
    lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    blank = np.fromiter((not "".join(r).strip() for r in rows), dtype=bool, count=len(rows))
    # A line with no text, and a line of separators only (",,,,"): reported apart
    # because the second usually means a patient whose values were deleted.
    for mask, message in (
        (blank & (lengths <= 1), "blank line (no values); remove it: blank lines are not "
                                 "skipped silently"),
        (blank & (lengths > 1), "empty row (every field is empty); remove it or fill in the patient"),
    ):
        if mask.any():
            report.add(None, message, rows=lines[mask])
    if (last_lines > lines).any():  # rare: only files with line breaks inside quotes
        multi = last_lines > lines
        check_swallowed_lines([r for r, m in zip(rows, multi) if m], lines[multi],
                               last_lines[multi], width, report)
    for bad, what in ((~blank & (lengths > width), "more"), (~blank & (lengths < width), "fewer")):
        if bad.any():
            counts = sorted(set(lengths[bad].tolist()))
            message = (f"{what} fields than the header's {width} ({'/'.join(map(str, counts))}); "
                       "each line must have one value per column")
            if what == "more":
                message += " (a value with an unquoted comma, or a decimal comma?)"
            if (last_lines[bad] > lines[bad]).any():
                message += (' (a line break inside quotes: is a quote mark (") left open on '
                            f"line {int(lines[bad & (last_lines > lines)][0])}?)")
            # The id is trustworthy only in the first field: nothing before it can shift it.
            ids = [rows[i][0] for i in np.flatnonzero(bad)] if header[0] == "patient_id" else []
            report.add(None, message, rows=lines[bad],
                       ids=[i for i in ids if i.strip().lower() not in MISSING_TOKENS])
    good = ~blank & (lengths == width)
    frame = pd.DataFrame([r for r, g in zip(rows, good) if g] if not good.all() else rows,
                         columns=range(width), dtype=object)
    report.lines = lines[good]

    # Only columns named once are checked: a duplicated name is already reported.
    counts = Counter(header)
    positions = {name: i for i, name in enumerate(header) if counts[name] == 1}
    if "patient_id" in positions:
        report.ids = frame[positions["patient_id"]].to_numpy()
    typed: dict[str, np.ndarray] = {}  # one value per row, NaN where invalid
    for name in REQUIRED_COLUMNS:
        if name not in positions:
            continue  # missing or duplicated: already reported
        col = ColumnValues(name, frame[positions[name]])
        check_missing(col, report)
        typed[name] = col.rows(COLUMN_CHECKS[name](col, report))
    if "dwfs_years" in typed and "followup_years" in typed:
        with np.errstate(invalid="ignore"):
            after = typed["dwfs_years"] > typed["followup_years"]
        if after.any():
            pairs = [f"{frame.iat[i, positions['dwfs_years']].strip()} > "
                     f"{frame.iat[i, positions['followup_years']].strip()}"
                     for i in np.flatnonzero(after)[:3]]
            if after.sum() > 3:
                pairs.append(f"{after.sum() - 3} more")
            report.add_rows("dwfs_years", after, f"dwfs_years is greater than followup_years "
                                                 f"({', '.join(pairs)}); worsening or censoring "
                                                 "cannot come after the last assessment")
    if report.problems:
        report.fail()

    # Every required column is typed here, except the endpoint a visits file will give.
    out = {name: pd.Series(typed[name]).astype(COLUMN_DTYPES[name]) for name in REQUIRED_COLUMNS
           if name in typed}
    for i, name in enumerate(header):
        if name not in out:
            out[name] = frame[i]
    return pd.DataFrame(out), data, report.lines


def read_cohort(path: str | os.PathLike) -> pd.DataFrame:
    """Read and validate a cohort CSV file.

    Parameters
    ----------
    path : str or path-like
        The CSV file: UTF-8 (a BOM is fine), comma-separated, one row per patient.

    Returns
    -------
    pandas.DataFrame
        One row per line of the file, in file order: the required columns in
        :data:`SCHEMA` order, typed, then any extra columns as text.

    Raises
    ------
    CohortValidationError
        Listing every problem found; no value is ever dropped, filled or converted.
    """
    return read_checked(Path(path))[0]

