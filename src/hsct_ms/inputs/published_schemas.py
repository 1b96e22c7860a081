"""Declared schemas (pandera) of the data files in ``data/published/``.

One schema per file, each listing the file's columns in one place, in file order, with
the rule of each: ``values.csv`` (every published number), ``studies.csv`` (the cited
studies), ``unknowns.csv`` (what no source publishes) and ``claims.csv`` (the claims the
ledger checks). The files are transcribed by hand, so every cell is read as text and the
schema checks the text as written (a number must parse, a code must be one of its set);
:mod:`hsct_ms.inputs.published` types the columns after validation.

To add or rename a column, edit the file and its schema's dictionary here; the column
tuples (:data:`VALUE_COLUMNS`, ...) follow from the schemas.

This module imports pandera (a quarter of a second); :mod:`hsct_ms.inputs.published`
imports it only when a file is read, so chapter start-up does not pay for it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

__all__ = [
    "KINDS", "RELATIONS", "CI_LEVELS", "ROLES", "CLAIM_SOURCES", "NO_CHECK",
    "values_schema", "STUDIES", "UNKNOWNS", "claims_schema",
    "VALUE_COLUMNS", "STUDY_COLUMNS", "UNKNOWN_COLUMNS", "CLAIM_COLUMNS",
    "read_text_table",
]

KINDS = frozenset({"estimate", "ci_lower", "ci_upper", "count", "percent", "mean", "sd",
                   "median", "min", "max", "hazard_ratio", "p_value", "year_min", "year_max"})
RELATIONS = frozenset({"=", "<", ">"})
CI_LEVELS = frozenset({0.90, 0.95})
ROLES = frozenset({"this_study", "peer", "comparator"})
CLAIM_SOURCES = ("press release", "abstract")
#: ``check`` of a claim that the ledger does not compare with a number.
NO_CHECK = "none"

_SNAKE_CASE = r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$"
_FIRST_DATA_LINE = 2  # line 1 of every CSV is the header


def _number(cell: str) -> float | None:
    """The number a cell holds, None when blank or not a plain number."""
    try:
        return float(cell) if cell.strip() else None
    except ValueError:
        return None


def _blank_or(rule):
    """A cell rule that also accepts a blank cell."""
    return lambda cell: cell == "" or rule(cell)


def _non_negative(cell: str) -> bool:
    number = _number(cell)
    return number is not None and number >= 0


def _whole_non_negative(cell: str) -> bool:
    return _non_negative(cell) and _number(cell) % 1 == 0


# Element-wise rules on one cell's text, each with the words an error message uses.
_NOT_BLANK = pa.Check(lambda cell: cell.strip() != "", element_wise=True, error="blank cell")
_SNAKE = pa.Check.str_matches(_SNAKE_CASE, error="blank or not snake_case")
_NUMBER = pa.Check(lambda cell: _number(cell) is not None, element_wise=True,
                   error="blank or not a plain number")
_BLANK_OR_YEARS = pa.Check(_blank_or(_non_negative), element_wise=True,
                           error="not blank and not a non-negative number of years")
_BLANK_OR_CI_LEVEL = pa.Check(_blank_or(lambda cell: _number(cell) in CI_LEVELS), element_wise=True,
                              error=f"ci_level not blank and not in {sorted(CI_LEVELS)}")
_BLANK_OR_COUNT = pa.Check(_blank_or(_whole_non_negative), element_wise=True,
                           error="not blank and not a whole number of patients")


def _text(*checks: pa.Check, unique: bool = False) -> pa.Column:
    return pa.Column(str, checks=list(checks), unique=unique)


def _one_of(allowed, what: str) -> pa.Check:
    return pa.Check.isin(sorted(allowed), error=f"{what} not in {sorted(allowed)}")


def values_schema(study_keys=()) -> pa.DataFrameSchema:
    """Schema of ``values.csv``; ``study`` must be one of ``study_keys`` (studies.csv)."""
    return pa.DataFrameSchema({
        "key": _text(_SNAKE, unique=True),
        "study": _text(pa.Check.isin(sorted(study_keys), error="study is not a key of studies.csv")),
        "quantity": _text(_SNAKE),
        "group": _text(_NOT_BLANK),
        "time_years": _text(_BLANK_OR_YEARS),
        "kind": _text(_one_of(KINDS, "kind")),
        "relation": _text(_one_of(RELATIONS, "relation")),
        "value": _text(_NUMBER),
        "unit": _text(_NOT_BLANK),
        "ci_level": _text(_BLANK_OR_CI_LEVEL),
        "source": _text(_NOT_BLANK),
        "locator": _text(_NOT_BLANK),
        "note": _text(),
    }, strict=True, name="values.csv", checks=[pa.Check(
        lambda frame: ~frame["kind"].isin(["ci_lower", "ci_upper"]) | (frame["ci_level"] != ""),
        error="ci_level: interval bound without ci_level")])


STUDIES = pa.DataFrameSchema({
    "key": _text(_SNAKE, unique=True),
    "label": _text(),
    "design": _text(),
    "population": _text(),
    "n": _text(_BLANK_OR_COUNT),
    "endpoint": _text(),
    "interval_type": _text(),
    "role": _text(_one_of(ROLES, "role")),
    "doi": _text(),
    "pmid": _text(),
    "regimen": _text(),
    "regimen_source": _text(),
    "design_group": _text(),
    "population_group": _text(),
    "overlap_with": _text(),
    "overlap_note": _text(),
}, strict=True, name="studies.csv")

UNKNOWNS = pa.DataFrameSchema({
    "item": _text(_NOT_BLANK, unique=True),
    "note": _text(),
}, strict=True, name="unknowns.csv")


def claims_schema(value_keys=()) -> pa.DataFrameSchema:
    """Schema of ``claims.csv``; each ``value_key`` (``;``-separated) must be in ``value_keys``.

    The check codes and wording kinds belong to the ledger (:mod:`hsct_ms.analysis.claims`),
    which checks them; this schema checks the file's shape.
    """
    keys = set(value_keys)
    return pa.DataFrameSchema({
        "claim_id": _text(_NOT_BLANK, unique=True),
        "source": _text(_one_of(CLAIM_SOURCES, "source")),
        "quote": _text(_NOT_BLANK),
        "quoted_from": _text(_NOT_BLANK),
        "value_key": _text(pa.Check(
            lambda cell: all(k.strip() in keys for k in cell.split(";") if k.strip()),
            element_wise=True, error="not a key of values.csv")),
        "check": _text(_NOT_BLANK),
        "stated": _text(),
        "wording": _text(_NOT_BLANK),
        "note": _text(),
    }, strict=True, name="claims.csv", checks=[pa.Check(
        lambda frame: (frame["check"] == NO_CHECK) | (frame["stated"] != ""),
        error="stated: a checked claim needs a stated value")])


VALUE_COLUMNS = tuple(values_schema().columns)
STUDY_COLUMNS = tuple(STUDIES.columns)
UNKNOWN_COLUMNS = tuple(UNKNOWNS.columns)
CLAIM_COLUMNS = tuple(claims_schema().columns)


def _message(path: Path, schema: pa.DataFrameSchema, errors: SchemaErrors) -> str:
    """One line per broken rule: file, column, CSV lines and the offending cells."""
    cases = errors.failure_cases
    header = cases["check"].isin(["column_in_dataframe", "column_in_schema"])
    if header.any():  # the other rules mean little until the header is right
        return "\n".join(
            f"{path}: column {name!r}: "
            + ("missing from the header" if check == "column_in_dataframe" else "not in the schema")
            + f"; expected the columns {list(schema.columns)}"
            for name, check in zip(cases.loc[header, "failure_case"], cases.loc[header, "check"]))
    # A rule across columns is reported once per column; its words name the column it is about.
    across = cases["schema_context"] == "DataFrameSchema"
    named = cases["check"].str.split(": ", n=1).str[0]
    cases = cases[~across | (cases["column"] == named)]
    lines = []
    for (column, check), rows in cases.groupby(["column", "check"], sort=False):
        where = sorted({int(i) + _FIRST_DATA_LINE for i in rows["index"].dropna()})
        check = check.split(": ", 1)[1] if check.startswith(f"{column}: ") else check
        check = f"duplicated {column}" if check == "field_uniqueness" else check
        lines.append(f"{path}: column {column!r}: {check} in line(s) {where}: "
                     f"{rows['failure_case'].tolist()!r}")
    return "\n".join(lines)


def read_text_table(path: Path, schema: pa.DataFrameSchema) -> pd.DataFrame:
    """Read a CSV with every cell as text and validate it against ``schema``.

    Returns
    -------
    pandas.DataFrame
        The schema's columns in schema order, as text (empty string where blank).

    Raises
    ------
    ValueError
        Listing every broken rule with the file, the column, the CSV lines (line 1 is
        the header) and the offending cells.
    """
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: cannot be read as CSV: {exc}") from exc
    try:
        schema.validate(frame, lazy=True)
    except SchemaErrors as exc:
        raise ValueError(_message(path, schema, exc)) from None
    return frame[list(schema.columns)]
