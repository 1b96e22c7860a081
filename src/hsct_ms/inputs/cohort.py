"""The cohort file: its schema, validation and loading.

Every chapter reads the cohort through :func:`load_cohort`, so the shipped
reconstruction and a registry's own export (``COHORT_CSV=/path/export.csv``) go
through the same checks. Validation is strict on purpose: a result computed on a
silently "repaired" file cannot be trusted, so :func:`read_cohort` never drops,
fills or converts a value. It reports every problem it finds at once, each with
the file, the column, the line numbers and the patient ids, and says what was
expected.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import difflib
import hashlib
import io
import os
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from hsct_ms import paths

__all__ = [
    "SCHEMA",
    "REQUIRED_COLUMNS",
    "SUBTYPES",
    "EDSS_SCALE",
    "Column",
    "Problem",
    "CohortValidationError",
    "CohortInfo",
    "schema_table",
    "read_cohort",
    "resolve_cohort_path",
    "load_cohort",
    "cohort_info",
    "validate_command",
]

# ---------------------------------------------------------------------------
# Schema
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One required column of the cohort file.

    Attributes
    ----------
    name : str
        Exact header name (case and spaces matter).
    type : str
        Kind of value, in words.
    unit : str
        Unit of measure, empty when there is none.
    rule : str
        Allowed values, in words.
    description : str
        What the column means.
    """

    name: str
    type: str
    unit: str
    rule: str
    description: str


SUBTYPES = ("RRMS", "SPMS", "PPMS")
#: Valid EDSS scores: 0, then 1.0 to 10 in steps of 0.5 (the scale has no 0.5).
EDSS_SCALE = (0.0,) + tuple(k / 2 for k in range(2, 21))
AGE_MIN, AGE_MAX = 10, 80
FIRST_TRANSPLANT_YEAR = 1990

SCHEMA: tuple[Column, ...] = (
    Column("patient_id", "text", "", "unique, not empty",
           "Pseudonymous patient code (never a name or a hospital number)"),
    Column("subtype", "text", "", "exactly RRMS, SPMS or PPMS",
           "MS course at transplant: relapsing-remitting, secondary or primary progressive"),
    Column("age", "number", "years", f"{AGE_MIN} to {AGE_MAX}", "Age at transplant"),
    Column("baseline_edss", "number", "EDSS points", "0, or 1.0 to 10 in steps of 0.5",
           "EDSS score before transplant"),
    Column("transplant_year", "whole number", "calendar year",
           f"{FIRST_TRANSPLANT_YEAR} to the current year", "Year of the transplant"),
    Column("followup_years", "number", "years", "greater than 0",
           "Time from transplant to the last assessment, or to death"),
    Column("dwfs_years", "number", "years", "greater than 0, at most followup_years",
           "Time from transplant to confirmed EDSS worsening, or to censoring"),
    Column("worsening", "0 or 1", "", "0 or 1",
           "1 = confirmed EDSS worsening at dwfs_years; 0 = censored there"),
    Column("died", "0 or 1", "", "0 or 1",
           "1 = died during follow-up (followup_years is then the time of death); 0 = alive"),
)
REQUIRED_COLUMNS = tuple(c.name for c in SCHEMA)
_SCHEMA_BY_NAME = {c.name: c for c in SCHEMA}


def schema_table() -> pd.DataFrame:
    """The schema as a table, for the book's "run on your own cohort" section.

    Returns
    -------
    pandas.DataFrame
        One row per required column; columns ``column``, ``type``, ``unit``,
        ``allowed values / rule`` and ``meaning``.
    """
    return pd.DataFrame(
        [(c.name, c.type, c.unit, c.rule, c.description) for c in SCHEMA],
        columns=["column", "type", "unit", "allowed values / rule", "meaning"],
    )


# Header names (normalised by _norm) that identify a person directly, with the
# kind of identifier named in the message.
_IDENTIFIERS = {
    **dict.fromkeys(
        ["name", "first_name", "firstname", "given_name", "surname", "last_name",
         "lastname", "family_name", "full_name", "fullname", "patient_name",
         "nome", "cognome"], "a person's name"),
    **dict.fromkeys(
        ["dob", "birth_date", "birthdate", "date_of_birth", "data_nascita",
         "data_di_nascita"], "a date of birth"),
    **dict.fromkeys(
        ["address", "street", "postcode", "post_code", "postal_code", "zip",
         "zip_code", "zipcode", "indirizzo"], "an address"),
    **dict.fromkeys(
        ["ssn", "nhs_number", "nhs_no", "national_id", "codice_fiscale", "fiscal_code",
         "tax_code", "insurance_number", "mrn", "hospital_number",
         "medical_record_number"], "a national or hospital number"),
    **dict.fromkeys(
        ["phone", "phone_number", "telephone", "telefono", "mobile", "email",
         "e_mail"], "contact details"),
}

# Common alternative names of the required columns, for "did you mean" hints.
_ALIASES = {
    "id": "patient_id", "patient": "patient_id", "subject_id": "patient_id",
    "ms_type": "subtype", "course": "subtype", "disease_course": "subtype",
    "phenotype": "subtype", "ms_subtype": "subtype",
    "edss": "baseline_edss", "edss_baseline": "baseline_edss",
    "year": "transplant_year", "hsct_year": "transplant_year",
    "follow_up": "followup_years", "followup": "followup_years",
    "dwfs": "dwfs_years", "time_to_worsening": "dwfs_years",
    "event": "worsening", "progression": "worsening",
    "death": "died", "dead": "died", "deceased": "died",
}

# Spellings of "no value" that exports produce; in a required column each is a
# missing value, never a patient's data.
_MISSING_TOKENS = frozenset({"", "na", "n/a", "#n/a", "nan", "null", "none", "."})
_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_INTEGER = r"[+-]?\d+"
_DECIMAL_COMMA = r"[+-]?\d+,\d+"
_MAX_LISTED = 10
_MAX_VALUES = 5


def _norm(name: str) -> str:
    """Header name in lower case with every run of non-alphanumerics as ``_``."""
    return re.sub(r"[^0-9a-z]+", "_", name.strip().lower()).strip("_")


# ---------------------------------------------------------------------------
# Problems
# ---------------------------------------------------------------------------


def _listing(items, limit: int = _MAX_LISTED) -> str:
    items = [str(i) for i in items]
    if len(items) <= limit:
        return ", ".join(items)
    return ", ".join(items[:limit]) + f" and {len(items) - limit} more"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a cohort file.

    Attributes
    ----------
    file : str
        File name.
    column : str or None
        Column concerned, ``None`` for problems of the file or of whole lines.
    rows : tuple of int
        1-based line numbers in the file (the header is line 1).
    patient_ids : tuple of str
        Patients on those lines, when known.
    message : str
        What is wrong and what was expected.
    """

    file: str
    column: str | None
    rows: tuple[int, ...]
    patient_ids: tuple[str, ...]
    message: str

    def __str__(self) -> str:
        parts = [self.file]
        if self.column is not None:
            parts.append(f"column {self.column!r}")
        if self.rows:
            where = ("line " if len(self.rows) == 1 else "lines ") + _listing(self.rows)
            if self.patient_ids:
                who = "patient " if len(self.patient_ids) == 1 else "patients "
                where += f" ({who}{_listing(self.patient_ids)})"
            parts.append(where)
        return ", ".join(parts) + ": " + self.message


class CohortValidationError(ValueError):
    """A cohort file failed validation.

    Attributes
    ----------
    path : str
        The file, as given.
    problems : list of Problem
        Every problem found.
    """

    def __init__(self, path, problems):
        self.path = str(path)
        self.problems = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        n = len(self.problems)
        head = f"{self.path}: {n} problem{'s' if n != 1 else ''} found"
        return "\n".join([head] + [f"  - {p}" for p in self.problems])

    def __reduce__(self):
        # The default would call cls(message) and fail: rebuild from the fields.
        return (type(self), (self.path, self.problems))


class _Report:
    """Collects the problems of one file, with the line and patient of each row."""

    def __init__(self, path: Path, shown: str | None = None):
        self.path = shown if shown is not None else str(path)
        self.file = path.name or str(path)
        self.problems: list[Problem] = []
        self.lines: np.ndarray = np.empty(0, dtype=np.int64)
        self.ids: np.ndarray | None = None

    def add(self, column, message, rows=(), ids=()):
        self.problems.append(Problem(self.file, column, tuple(int(r) for r in rows),
                                     tuple(str(i) for i in ids), message))

    def add_rows(self, column, mask, message):
        """Add a problem for the data rows selected by the boolean ``mask``."""
        mask = np.asarray(mask, dtype=bool)
        ids = ()
        if self.ids is not None:
            ids = [i for i in self.ids[mask] if i.strip().lower() not in _MISSING_TOKENS]
        self.add(column, message, self.lines[mask], ids)

    def fail(self):
        raise CohortValidationError(self.path, self.problems)


def _show(values, quote: bool = True) -> str:
    """Distinct values, in order of appearance, capped, for a message."""
    values = list(dict.fromkeys(values))
    shown = []
    for v in values[:_MAX_VALUES]:
        v = v if len(v) <= 30 else v[:27] + "..."
        shown.append(("empty" if not v else repr(v)) if quote else v)
    text = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
    if len(values) > _MAX_VALUES:
        text = ", ".join(shown) + f" and {len(values) - _MAX_VALUES} other values"
    return text


def _is_are(values) -> str:
    return "is" if len(set(values)) == 1 else "are"


# ---------------------------------------------------------------------------
# Reading: bytes -> text -> records
# ---------------------------------------------------------------------------

_EXCEL_HINT = "export it from Excel with File > Save As > 'CSV UTF-8 (Comma delimited) (*.csv)'"


def _read_bytes(path: Path, report: _Report) -> bytes:
    if not path.exists():
        report.add(None, f"file not found: {path}; check the path (the argument or COHORT_CSV)")
        report.fail()
    if path.is_dir():
        report.add(None, "is a directory, not a CSV file; give the path of the .csv file itself")
        report.fail()
    try:
        data = path.read_bytes()
    except OSError as exc:
        report.add(None, f"cannot be read: {exc.strerror or exc}")
        report.fail()
    if not data:
        report.add(None, "the file is empty (0 bytes); expected a header line and one line per patient")
        report.fail()
    # Recognise the binary formats people send by mistake before anything else,
    # since every later message would be noise.
    if data.startswith(b"PK\x03\x04"):
        report.add(None, f"looks like an Excel workbook (.xlsx, a ZIP archive), not a CSV file; "
                         f"export as CSV UTF-8: {_EXCEL_HINT}")
    elif data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        report.add(None, f"looks like an Excel workbook (.xls, Excel 97-2003), not a CSV file; "
                         f"export as CSV UTF-8: {_EXCEL_HINT}")
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        report.add(None, "is UTF-16 text (Excel's 'Unicode Text'); save as CSV UTF-8: " + _EXCEL_HINT)
    elif data.startswith(b"%PDF"):
        report.add(None, "is a PDF document, not a CSV file")
    elif b"\x00" in data:
        nul = data.index(b"\x00")
        report.add(None, f"is not a text file (NUL byte at byte offset {nul}); "
                         f"expected a CSV text file: {_EXCEL_HINT}")
    if report.problems:
        report.fail()
    return data


def _decode(data: bytes, report: _Report) -> str:
    offset = 0
    if data.startswith(codecs.BOM_UTF8):  # Excel's "CSV UTF-8" starts with a BOM: fine.
        offset = len(codecs.BOM_UTF8)
    body = data[offset:]
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        first = offset + exc.start
    # Find every line holding invalid bytes (only on this error path).
    bad_lines = []
    for number, line in enumerate(body.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            bad_lines.append(number)
    byte = data[first:first + 1]
    try:  # most non-UTF-8 exports are Windows-1252: name the character it stands for
        guess = f" (it is {byte.decode('cp1252')!r} in Windows-1252)"
    except UnicodeDecodeError:
        guess = ""
    report.add(None, (
        f"is not UTF-8 text: byte 0x{byte.hex().upper()} at byte offset {first} "
        f"(line {bad_lines[0]}) is not valid UTF-8{guess}; save as CSV UTF-8: {_EXCEL_HINT}"),
        rows=bad_lines)
    # Carry on with replacement characters so that the other problems are reported too.
    return body.decode("utf-8", errors="replace")


def _check_separator(text: str, report: _Report) -> None:
    """Stop on semicolon- or tab-separated files, which need re-exporting."""
    header_line = re.split(r"\r\n|\r|\n", text, maxsplit=1)[0]
    comma_fields = next(csv.reader([header_line]), [])
    on_comma = sum(h in REQUIRED_COLUMNS for h in comma_fields)
    for sep, name in ((";", "semicolon"), ("\t", "tab")):
        fields = [h.strip().strip('"') for h in header_line.split(sep)]
        on_sep = sum(h in REQUIRED_COLUMNS for h in fields)
        # More required names on this separator, or a header that is one long
        # field on commas but splits into several here (then names may differ too).
        if len(fields) > 1 and (on_sep > on_comma or (len(comma_fields) == 1 and len(fields) >= 3)):
            break
    else:
        return
    message = f"the file is {name}-separated, not comma-separated"
    if sep == ";":
        match = re.search(r"(?:^|;)\s*\"?" + _DECIMAL_COMMA + r"\"?\s*(?=;|\r|\n|$)", text, re.M)
        if match:
            line = text.count("\n", 0, match.start() + 1) + 1
            value = match.group().strip(' ;"\r\n')
            message += f", with decimal commas (e.g. {value!r} on line {line})"
        message += (" - the 'CSV' export of Excel in European locales; re-export it comma-separated "
                    "with a decimal point: set Excel's decimal separator to '.' (File > Options > "
                    "Advanced) and save as 'CSV UTF-8 (Comma delimited)', or in LibreOffice choose "
                    "field delimiter ',', or in R use write.csv() rather than write.csv2()")
    else:
        message += "; re-export it as comma-separated values (CSV UTF-8)"
    report.add(None, message, rows=(1,))
    report.fail()


def _parse(text: str, report: _Report) -> tuple[list[list[str]], np.ndarray, np.ndarray]:
    """CSV records with the first and last file line of each."""
    # strict: a quote left open at the end of the file is an error, not a value
    # that silently swallows the following lines.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        records = list(reader)
    except csv.Error:
        records = None
    if records is not None and reader.line_num == len(records):  # one record per line
        starts = np.arange(1, len(records) + 1, dtype=np.int64)
        return records, starts, starts
    # Some value spans lines, or the CSV is malformed: number each record.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records, starts, ends, previous = [], [], [], 0
    try:
        for record in reader:
            records.append(record)
            starts.append(previous + 1)
            previous = reader.line_num
            ends.append(previous)
    except csv.Error as exc:
        hint = (' (a quote mark (") opened there is never closed)' if "end of data" in str(exc)
                else ' (check the quote marks (") on that line)')
        report.add(None, f"cannot be read as CSV: {exc} in the row starting on line "
                         f"{previous + 1}{hint}", rows=(previous + 1,))
        report.fail()
    return records, np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64)


def _check_swallowed_lines(records, starts, ends, width, report) -> None:
    """Report a quoted value whose line breaks hide whole rows (a quote closed too late)."""
    for record, start, end in zip(records, starts, ends):
        if end == start:
            continue
        for value in record:
            inner = re.split(r"\r\n|\r|\n", value)
            if len(inner) > 1 and any(line.count(",") >= width - 1 for line in inner[1:]):
                report.add(None, f'lines {start} to {end} were read as one row: a quote mark (") '
                                 f"opened on line {start} is closed only on line {end}, so the "
                                 "lines between are inside one value; fix the quote marks",
                           rows=range(start, end + 1))
                break


# ---------------------------------------------------------------------------
# Header checks
# ---------------------------------------------------------------------------


def _suggest(missing: str, candidates: list[str]) -> tuple[str, bool] | None:
    """A header name that probably means ``missing``, and whether it differs only in case/spaces."""
    for c in candidates:
        if _norm(c) == missing:
            return c, True
    by_norm = {_norm(c): c for c in candidates if _norm(c)}
    for n, c in by_norm.items():
        if _ALIASES.get(n) == missing:
            return c, False
    close = difflib.get_close_matches(missing, list(by_norm), n=1, cutoff=0.75)
    if close:
        return by_norm[close[0]], False
    for n, c in by_norm.items():
        if 3 <= len(n) <= 20 and (n in missing or missing in n):
            return c, False
    return None


def _check_header(header: list[str], report: _Report) -> None:
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
                             f"{_show(where, quote=False)}); each column must appear once", rows=(1,))
    for name in header:
        kind = _IDENTIFIERS.get(_norm(name))
        if kind:
            report.add(name, f"looks like a direct identifier ({kind}); remove this column "
                             "before using the file: the book publishes only aggregates, but an "
                             "identifier has no place in its input", rows=(1,))
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    candidates = [h for h in header if h not in REQUIRED_COLUMNS]
    suggestions = {c: _suggest(c, candidates) for c in missing}
    if len(missing) == len(REQUIRED_COLUMNS) and not any(suggestions.values()):
        first = ",".join(header)
        first = first if len(first) <= 60 else first[:57] + "..."
        report.add(None, f"none of the required columns is in the header (line 1 reads {first!r}); "
                         f"the first line must name the columns: {', '.join(REQUIRED_COLUMNS)}",
                   rows=(1,))
        return
    for column in missing:
        message = f"required column is missing ({_SCHEMA_BY_NAME[column].description})"
        hint = suggestions[column]
        if hint and hint[1]:
            message += (f"; found {hint[0]!r}, which differs only in case or spaces: rename it "
                        f"to exactly {column!r} (names are not matched loosely)")
        elif hint:
            message += f"; found {hint[0]!r}: if it holds this, rename it to {column!r}"
        report.add(column, message, rows=(1,))


# ---------------------------------------------------------------------------
# Value checks
# ---------------------------------------------------------------------------
# Each column is checked on its distinct values, then mapped back to the rows:
# most columns hold few distinct values, so 100,000 rows cost little.

_NUMBER_RE = re.compile(_NUMBER)
_INTEGER_RE = re.compile(_INTEGER)
_DECIMAL_COMMA_RE = re.compile(_DECIMAL_COMMA)


class _Values:
    """The text of one column, as distinct values and a code per row."""

    def __init__(self, column: str, s: pd.Series):
        self.column = column
        codes, uniques = pd.factorize(s.to_numpy(dtype=object), sort=False)
        self.codes = codes
        self.raw = [str(v) for v in uniques]  # in order of first appearance
        self.text = [v.strip() for v in self.raw]
        self.missing_u = self.flags(t.lower() in _MISSING_TOKENS for t in self.text)
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
        message = text.format(values=_show(values, quote=quote), is_are=_is_are(values))
        report.add_rows(col.column, col.rows(bad_u), message + hint)


def _check_missing(col: _Values, report: _Report) -> None:
    if col.missing_u.any():
        n = int(col.missing.sum())
        report.add_rows(col.column, col.missing,
                        f"missing value{'s' if n > 1 else ''} ({_show(col.shown(col.missing_u, raw=True))}); "
                        f"every patient needs a value ({_SCHEMA_BY_NAME[col.column].rule})")


def _numbers(col: _Values, expected: str, report: _Report) -> np.ndarray:
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
        listed = [f"{col.raw[code]!r} (lines {_listing(lines.tolist(), 5)})" for code, lines in groups]
        text = "; ".join(listed[:_MAX_VALUES])
        if len(listed) > _MAX_VALUES:
            text += f" and {len(listed) - _MAX_VALUES} more"
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
        for v in values[:_MAX_VALUES]:
            hint = _subtype_hint(v)
            shown.append(f"{v!r}" + (f" (did you mean {hint}?)" if hint else ""))
        text = ", ".join(shown)
        if len(values) > _MAX_VALUES:
            text += f" and {len(values) - _MAX_VALUES} other values"
        label = "a subtype label" if len(values) == 1 else "subtype labels"
        report.add_rows("subtype", col.rows(bad), f"{text} {_is_are(values)} not {label}; expected "
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
        return _range(col, v, bad, f"not greater than 0; the {what} must be a positive "
                                   "number of years", report)
    return check


def _check_flag(col, report):
    ok = col.flags(t in ("0", "1") for t in col.text)
    bad = ~col.missing_u & ~ok
    _report_values(report, col, bad, "{values} {is_are} not 0 or 1; expected 0 or 1 "
                                     f"({_SCHEMA_BY_NAME[col.column].description})")
    return np.fromiter((float(t) if good else np.nan for t, good in zip(col.text, ok)),
                       dtype=float, count=len(col.text))


_CHECKS = {
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
_DTYPES = {"patient_id": object, "subtype": object, "age": float, "baseline_edss": float,
           "transplant_year": np.int64, "followup_years": float, "dwfs_years": float,
           "worsening": np.int64, "died": np.int64}


# ---------------------------------------------------------------------------
# read_cohort
# ---------------------------------------------------------------------------


def _read(path: Path, shown: str | None = None) -> tuple[pd.DataFrame, bytes]:
    report = _Report(path, shown)
    data = _read_bytes(path, report)
    text = _decode(data, report)
    _check_separator(text, report)
    records, starts, ends = _parse(text, report)
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
    _check_header(header, report)

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
        _check_swallowed_lines([r for r, m in zip(rows, multi) if m], lines[multi],
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
                       ids=[i for i in ids if i.strip().lower() not in _MISSING_TOKENS])
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
        col = _Values(name, frame[positions[name]])
        _check_missing(col, report)
        typed[name] = col.rows(_CHECKS[name](col, report))
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

    out = {name: pd.Series(typed[name]).astype(_DTYPES[name]) for name in REQUIRED_COLUMNS}
    for i, name in enumerate(header):
        if name not in out:
            out[name] = frame[i]
    return pd.DataFrame(out), data


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
    return _read(Path(path))[0]


# ---------------------------------------------------------------------------
# Loading for the book
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CohortInfo:
    """Where the analysed cohort came from.

    Attributes
    ----------
    path : pathlib.Path
        Absolute path of the file.
    file_name : str
        Its name.
    sha256 : str
        SHA-256 of the file's bytes, in hex.
    n_patients : int
        Number of patients (rows).
    is_shipped : bool
        True when it is the repository's reconstructed cohort, unchanged.
    """

    path: Path
    file_name: str
    sha256: str
    n_patients: int
    is_shipped: bool


def resolve_cohort_path(path: str | os.PathLike | None = None) -> Path:
    """The cohort file to use: ``path``, else ``$COHORT_CSV``, else the shipped cohort.

    A relative ``COHORT_CSV`` is taken from the working directory, or else from
    the repository root, because chapters run with their own folder as working
    directory while ``make book`` is typed at the root.
    """
    if path is not None:
        return Path(path).expanduser().absolute()
    env = os.environ.get("COHORT_CSV", "").strip()
    if not env:
        return paths.SHIPPED_COHORT
    candidate = Path(env).expanduser()
    if not candidate.is_absolute() and not candidate.exists() \
            and (paths.REPO_ROOT / candidate).exists():
        candidate = paths.REPO_ROOT / candidate
    return candidate.absolute()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def analysis_problems(frame: pd.DataFrame, file: str) -> list[Problem]:
    """What stops the book from analysing a valid file.

    The book compares relapsing-remitting with progressive MS (SPMS + PPMS): it needs
    patients in both groups, and at least one worsening in each for the log-rank
    test and the Cox model. A file can follow the schema and still fail this.
    """
    problems = []
    groups = {"relapsing-remitting (RRMS)": frame["subtype"] == "RRMS",
              "progressive (SPMS or PPMS)": frame["subtype"].isin(["SPMS", "PPMS"])}
    for label, members in groups.items():
        if not members.any():
            problems.append(Problem(file, "subtype", (), (),
                                    f"no {label} patients; the book compares RRMS with progressive MS "
                                    "and needs patients in both groups"))
        elif not (frame.loc[members, "worsening"] == 1).any():
            problems.append(Problem(file, "worsening", (), (),
                                    f"no worsening (worsening = 1) among the {label} patients; the "
                                    "log-rank test and the Cox model need at least one in each group"))
    return problems


def _load(path) -> tuple[pd.DataFrame, CohortInfo]:
    resolved = resolve_cohort_path(path)
    # Messages name the file as the user gave it.
    shown = str(path) if path is not None else str(resolved)
    frame, data = _read(resolved, shown=shown)
    problems = analysis_problems(frame, Path(shown).name)
    if problems:
        raise CohortValidationError(shown, problems)
    digest = _sha256(data)
    shipped = paths.SHIPPED_COHORT
    is_shipped = False
    if resolved.resolve() == shipped.resolve():
        # Same path; compare the bytes too, in case the file changed since it was read.
        try:
            is_shipped = _sha256(shipped.read_bytes()) == digest
        except OSError:
            is_shipped = False
    info = CohortInfo(resolved, resolved.name, digest, len(frame), is_shipped)
    frame.attrs["cohort"] = info
    return frame, info


def load_cohort(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Load the validated cohort the book analyses.

    Parameters
    ----------
    path : str or path-like, optional
        The file; default ``$COHORT_CSV`` when set and not empty, else the
        shipped reconstructed cohort (:data:`hsct_ms.paths.SHIPPED_COHORT`).

    Returns
    -------
    pandas.DataFrame
        As :func:`read_cohort`, with ``df.attrs["cohort"]`` a :class:`CohortInfo`.

    Raises
    ------
    CohortValidationError
        When the file is missing or invalid.
    """
    return _load(path)[0]


def cohort_info(path: str | os.PathLike | None = None) -> CohortInfo:
    """Describe (and validate) the cohort file :func:`load_cohort` would use.

    Parameters
    ----------
    path : str or path-like, optional
        As in :func:`load_cohort`.

    Returns
    -------
    CohortInfo
    """
    return _load(path)[1]


def _emit(text: str, stream) -> None:
    # A console that cannot show a character must not turn a report into a traceback.
    try:
        print(text, file=stream)
    except UnicodeEncodeError:
        encoding = getattr(stream, "encoding", None) or "ascii"
        print(text.encode(encoding, "backslashreplace").decode(encoding), file=stream)


def validate_command(path: str) -> int:
    """``python -m hsct_ms validate PATH``: check a cohort file.

    Parameters
    ----------
    path : str
        The CSV file to check.

    Returns
    -------
    int
        0 when valid (a summary is printed), 1 otherwise (the problems go to stderr).
    """
    try:
        _, info = _load(path)
    except CohortValidationError as exc:
        _emit(str(exc), sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - the command promises no traceback, ever
        _emit(f"{path}: could not be validated ({type(exc).__name__}: {exc}); "
              "this is a bug in hsct_ms, please report it", sys.stderr)
        return 1
    n = info.n_patients
    _emit(f"OK: {path}: {n} patient{'s' if n != 1 else ''}, sha256 {info.sha256}", sys.stdout)
    return 0
