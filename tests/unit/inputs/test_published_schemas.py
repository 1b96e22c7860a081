"""Tests of the declared schemas of data/published/ (hsct_ms.inputs.published_schemas).

Oracle: each broken file is the shipped file with one cell (or the header) changed by
hand, so the expected file, column and CSV lines are known; line 1 is the header and data
row ``i`` (0-based) is CSV line ``i + 2``.
"""

import pandas as pd
import pytest

from hsct_ms.inputs.published import load_claims, load_studies, load_unknowns, load_values
from hsct_ms.inputs.published_schemas import (
    CLAIM_COLUMNS,
    KINDS,
    STUDY_COLUMNS,
    UNKNOWN_COLUMNS,
    VALUE_COLUMNS,
)
from hsct_ms.paths import PUBLISHED_DIR


def _shipped(name):
    return pd.read_csv(PUBLISHED_DIR / name, dtype=str, keep_default_na=False)


def _write(tmp_path, name, frame):
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


def _error(load, path):
    with pytest.raises(ValueError) as error:
        load(path)
    return str(error.value)


def _line_about(text, path, column):
    """The message's line about ``column`` of the file at ``path``."""
    lines = [line for line in text.splitlines() if line.startswith(f"{path}: column '{column}': ")]
    assert lines, text
    return lines[0]


@pytest.fixture
def good_values_text():
    return _shipped("values.csv")


def test_shipped_files_follow_their_schemas():
    assert list(load_values().columns) == list(VALUE_COLUMNS)
    assert list(load_studies().columns) == list(STUDY_COLUMNS)
    assert list(load_unknowns().columns) == list(UNKNOWN_COLUMNS)
    assert list(load_claims().columns) == list(CLAIM_COLUMNS)


@pytest.mark.parametrize(
    ("column", "bad", "message", "lines"),
    [
        # the first data row (CSV line 2) already holds this key
        ("key", "boffa2021_patients_all_count", "duplicated key", "[2, 5, 9]"),
        ("kind", "point_estimate", "kind not in", "[5, 9]"),
        ("relation", "<=", "relation not in", "[5, 9]"),
        ("value", "85,5", "not a plain number", "[5, 9]"),
        ("study", "boffa2012", "not a key of studies.csv", "[5, 9]"),
        ("ci_level", "95", "ci_level not blank and not in", "[5, 9]"),
        ("time_years", "-5", "not a non-negative number of years", "[5, 9]"),
        ("source", " ", "blank cell", "[5, 9]"),
    ],
)
def test_values_error_names_file_column_and_lines(tmp_path, good_values_text, column, bad, message, lines):
    frame = good_values_text.copy()
    frame.loc[[3, 7], column] = bad  # data rows 3 and 7 are CSV lines 5 and 9
    path = _write(tmp_path, "values.csv", frame)
    line = _line_about(_error(load_values, path), path, column)
    assert message in line and f"line(s) {lines}" in line


def test_values_interval_bound_needs_its_level(tmp_path, good_values_text):
    frame = good_values_text.copy()
    row = frame.index[frame["kind"] == "ci_lower"][0]
    frame.loc[row, "ci_level"] = ""
    path = _write(tmp_path, "values.csv", frame)
    text = _error(load_values, path)
    assert text == f"{path}: column 'ci_level': interval bound without ci_level in line(s) [{row + 2}]: ['']"


def test_values_error_on_missing_column(tmp_path, good_values_text):
    path = _write(tmp_path, "values.csv", good_values_text.drop(columns=["relation"]))
    assert f"{path}: column 'relation': missing from the header" in _error(load_values, path)


def test_values_error_on_unexpected_column(tmp_path, good_values_text):
    path = _write(tmp_path, "values.csv", good_values_text.assign(extra="x"))
    assert f"{path}: column 'extra': not in the schema" in _error(load_values, path)


def test_values_loader_reads_explicit_dtypes():
    values = load_values()
    assert values["value"].dtype == "float64"
    assert values["time_years"].dtype == "float64"
    assert values["ci_level"].dtype == "float64"
    assert values["kind"].dtype == "string"
    assert set(values["kind"]) <= KINDS


def test_studies_n_is_nullable_integer():
    assert load_studies()["n"].dtype == "Int64"


def test_unknowns_rejects_blank_and_repeated_item(tmp_path):
    path = tmp_path / "unknowns.csv"
    path.write_text("item,note\nsex split,x\n,y\nsex split,z\n", encoding="utf-8")
    text = _error(load_unknowns, path)
    assert f"{path}: column 'item': blank cell in line(s) [3]" in text
    assert f"{path}: column 'item': duplicated item in line(s) [2, 4]" in text


@pytest.mark.parametrize(
    ("load", "name", "column", "bad", "message"),
    [
        (load_studies, "studies.csv", "role", "competitor", "role not in"),
        (load_studies, "studies.csv", "n", "12.5", "not a whole number of patients"),
        (load_studies, "studies.csv", "n", "-3", "not a whole number of patients"),
        (load_studies, "studies.csv", "key", "Boffa 2021", "not snake_case"),
        (load_claims, "claims.csv", "source", "newspaper", "source not in"),
        (load_claims, "claims.csv", "value_key", "no_such_key", "not a key of values.csv"),
        (load_claims, "claims.csv", "quote", "", "blank cell"),
        (load_claims, "claims.csv", "claim_id", "pr01", "duplicated claim_id"),  # line 2 holds pr01
    ],
)
def test_studies_and_claims_errors_name_file_column_and_lines(tmp_path, load, name, column, bad, message):
    frame = _shipped(name)
    frame.loc[2, column] = bad  # data row 2 is CSV line 4
    path = _write(tmp_path, name, frame)
    line = _line_about(_error(load, path), path, column)
    assert message in line and "4]" in line


def test_claims_checked_claim_needs_a_stated_value(tmp_path):
    frame = _shipped("claims.csv")
    row = frame.index[frame["check"] != "none"][0]
    frame.loc[row, "stated"] = ""
    path = _write(tmp_path, "claims.csv", frame)
    assert (f"{path}: column 'stated': a checked claim needs a stated value in line(s) [{row + 2}]"
            in _error(load_claims, path))
