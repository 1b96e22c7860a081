"""Tests of hsct_ms.inputs.cohort: the schema, and what a cohort file may and may not be.

Most files are written into tmp_path from a small valid base; the two in
tests/fixtures/cohorts/ are byte-exact exports (Excel "CSV UTF-8" with BOM and
CRLF; an Italian-locale Excel "CSV" with semicolons, decimal commas, Windows-1252).
"""

import codecs
import csv
import datetime
import hashlib
import io
import pickle
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hsct_ms.inputs import cohort
from hsct_ms import paths
from hsct_ms.inputs.cohort import (
    REQUIRED_COLUMNS,
    SCHEMA,
    CohortInfo,
    CohortValidationError,
    Problem,
    cohort_info,
    load_cohort,
    read_cohort,
    resolve_cohort_path,
    schema_table,
    validate_command,
)

FIXTURES = Path(__file__).parents[2] / "fixtures" / "cohorts"
HEADER = list(REQUIRED_COLUMNS)
# Patient P00k is on line k + 1 (the header is line 1).
BASE = [
    ["P001", "RRMS", "34", "3.5", "2005", "10.2", "4.1", "1", "0"],
    ["P002", "SPMS", "45", "6.0", "2010", "8.0", "8.0", "0", "0"],
    ["P003", "PPMS", "51", "6.5", "2012", "5.5", "2.0", "1", "1"],
    ["P004", "RRMS", "28", "2.0", "2015", "6.1", "6.1", "0", "0"],
    ["P005", "SPMS", "39", "0", "2018", "3.0", "1.5", "1", "0"],
    ["P006", "RRMS", "22", "1.0", "2019", "4.0", "3.9", "0", "0"],
]


def write_cohort(directory, changes=None, header=None, rows=None, name="cohort.csv",
                 newline="\n", trailing_newline=True):
    """Write the base cohort, with ``changes`` {(patient_id, column): text}, as CSV."""
    header = list(header or HEADER)
    rows = [list(r) for r in (rows if rows is not None else BASE)]
    for (pid, column), value in (changes or {}).items():
        row = next(r for r in rows if r[0] == pid)
        row[HEADER.index(column)] = value
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=newline).writerows([header] + rows)
    text = buffer.getvalue()
    if not trailing_newline:
        text = text[: -len(newline)]
    path = Path(directory) / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def write_text(directory, text, name="cohort.csv"):
    path = Path(directory) / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def base_text():
    return "\n".join(",".join(r) for r in [HEADER] + BASE) + "\n"


def problems_of(path):
    with pytest.raises(CohortValidationError) as caught:
        read_cohort(path)
    return caught.value.problems


def only_problem(path):
    problems = problems_of(path)
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


# ---------------------------------------------------------------------------
# Schema
# ---------------------------------------------------------------------------


def test_schema_lists_the_required_columns_in_order():
    assert [c.name for c in SCHEMA] == [
        "patient_id", "subtype", "age", "baseline_edss", "transplant_year",
        "followup_years", "dwfs_years", "worsening", "died"]
    assert all(c.type and c.rule and c.description for c in SCHEMA)


def test_schema_table_has_one_row_per_column():
    table = schema_table()
    assert list(table.columns) == ["column", "type", "unit", "allowed values / rule", "meaning"]
    assert table["column"].tolist() == list(REQUIRED_COLUMNS)
    assert "steps of 0.5" in table.set_index("column").loc["baseline_edss", "allowed values / rule"]


# ---------------------------------------------------------------------------
# Accepted files
# ---------------------------------------------------------------------------


def test_valid_file_is_read_with_types_and_nothing_dropped(tmp_path):
    df = read_cohort(write_cohort(tmp_path))
    assert len(df) == len(BASE)
    assert list(df.columns) == list(REQUIRED_COLUMNS)
    assert df["patient_id"].tolist() == [r[0] for r in BASE]
    assert df["subtype"].tolist() == [r[1] for r in BASE]
    for column in ("age", "baseline_edss", "followup_years", "dwfs_years"):
        assert df[column].dtype == np.float64
    for column in ("transplant_year", "worsening", "died"):
        assert df[column].dtype == np.int64
    assert all(isinstance(v, str) for v in df["patient_id"])
    assert df["baseline_edss"].tolist() == [3.5, 6.0, 6.5, 2.0, 0.0, 1.0]
    assert df["transplant_year"].tolist() == [2005, 2010, 2012, 2015, 2018, 2019]
    assert df["died"].sum() == 1


def test_excel_utf8_export_with_bom_and_crlf_is_accepted():
    path = FIXTURES / "valid_excel_utf8_bom_crlf.csv"
    raw = path.read_bytes()
    assert raw.startswith(codecs.BOM_UTF8) and b"\r\n" in raw  # the fixture is what it claims
    df = read_cohort(path)
    assert len(df) == raw.count(b"\r\n") - 1  # every line but the header is a patient
    assert df.columns[0] == "patient_id"  # the BOM is not part of the first name
    assert df["centre"].tolist()[0] == "Forlì"
    assert df["notes"].tolist()[1] == "relapse, then stable"
    assert df["baseline_edss"].tolist() == [3.5, 6.0, 6.5, 2.0, 0.0, 1.0]


def test_columns_in_another_order_and_extra_columns_are_kept(tmp_path):
    order = [5, 0, 8, 2, 1, 7, 3, 6, 4]
    header = [HEADER[i] for i in order] + ["centre", "treatment_protocol"]
    rows = [[r[i] for i in order] + ["Genova", "BEAM/ATG"] for r in BASE]
    df = read_cohort(write_cohort(tmp_path, header=header, rows=rows))
    assert list(df.columns) == list(REQUIRED_COLUMNS) + ["centre", "treatment_protocol"]
    assert df["patient_id"].tolist() == [r[0] for r in BASE]
    assert df["age"].tolist() == [float(r[2]) for r in BASE]
    assert df["treatment_protocol"].tolist() == ["BEAM/ATG"] * len(BASE)
    assert df["centre"].dtype == object


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("trailing_newline", [True, False])
def test_line_endings_and_final_newline_do_not_matter(tmp_path, newline, trailing_newline):
    path = write_cohort(tmp_path, newline=newline, trailing_newline=trailing_newline)
    assert len(read_cohort(path)) == len(BASE)


def test_quoted_line_break_in_an_extra_column_keeps_line_numbers_right(tmp_path):
    header = HEADER + ["notes"]
    rows = [r + [""] for r in BASE]
    rows[0][-1] = "first line\nsecond line"  # P001 spans lines 2-3
    rows[3][HEADER.index("baseline_edss")] = "5.25"  # P004 is on line 6 now
    path = write_cohort(tmp_path, header=header, rows=rows)
    problem = only_problem(path)
    assert (problem.column, problem.rows, problem.patient_ids) == ("baseline_edss", (6,), ("P004",))
    rows[3][HEADER.index("baseline_edss")] = "5.5"
    df = read_cohort(write_cohort(tmp_path, header=header, rows=rows))
    assert len(df) == len(BASE)
    assert df["notes"].iloc[0] == "first line\nsecond line"


def test_valid_values_at_the_edges_of_each_rule(tmp_path):
    this_year = str(datetime.date.today().year)
    path = write_cohort(tmp_path, {
        ("P001", "age"): "10", ("P002", "age"): "80", ("P003", "age"): "45.5",
        ("P001", "baseline_edss"): "10", ("P002", "baseline_edss"): "9.5",
        ("P003", "baseline_edss"): "1", ("P001", "transplant_year"): "1990",
        ("P002", "transplant_year"): this_year, ("P003", "dwfs_years"): "5.5",
    })
    df = read_cohort(path)
    assert df["age"].tolist()[:3] == [10.0, 80.0, 45.5]
    assert df["transplant_year"].tolist()[:2] == [1990, int(this_year)]


# ---------------------------------------------------------------------------
# Files that are not CSV text at all
# ---------------------------------------------------------------------------


def test_missing_file(tmp_path):
    path = tmp_path / "nowhere.csv"
    with pytest.raises(CohortValidationError) as caught:
        read_cohort(path)
    assert str(path) in str(caught.value)
    [problem] = caught.value.problems
    assert problem.file == "nowhere.csv" and "not found" in problem.message


def test_directory(tmp_path):
    problem = only_problem(tmp_path)
    assert "directory" in problem.message


def test_zero_byte_file(tmp_path):
    problem = only_problem(write_text(tmp_path, ""))
    assert "empty (0 bytes)" in problem.message


@pytest.mark.parametrize("text", ["\n", "\n\n  \n", "\ufeff"])
def test_file_with_no_text(tmp_path, text):
    problem = only_problem(write_text(tmp_path, text))
    assert "no text" in problem.message or "empty" in problem.message


@pytest.mark.parametrize("text", [",".join(HEADER), ",".join(HEADER) + "\r\n"])
def test_header_only_has_no_patient_rows(tmp_path, text):
    problem = only_problem(write_text(tmp_path, text))
    assert "no patient rows" in problem.message


def test_excel_workbook_is_recognised(tmp_path):
    path = tmp_path / "cohort.xlsx"
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("[Content_Types].xml", "<Types/>")
        book.writestr("xl/workbook.xml", "<workbook/>")
    problem = only_problem(path)
    assert "looks like an Excel workbook" in problem.message
    assert "export as CSV UTF-8" in problem.message


def test_binary_file_with_nul_bytes(tmp_path):
    path = tmp_path / "cohort.csv"
    path.write_bytes(b"patient_id,subtype\x00\x01\x02binary")
    problem = only_problem(path)
    assert "not a text file" in problem.message and "byte offset 18" in problem.message


def test_utf16_text_is_recognised(tmp_path):
    path = tmp_path / "cohort.csv"
    path.write_bytes(base_text().encode("utf-16"))
    problem = only_problem(path)
    assert "UTF-16" in problem.message and "CSV UTF-8" in problem.message


def test_not_utf8_names_line_and_byte_offset(tmp_path):
    rows = [list(r) for r in BASE]
    header = HEADER + ["centre"]
    rows = [r + ["Genova"] for r in rows]
    rows[2][-1] = "Forlì"  # P003, line 4
    text = "\n".join(",".join(r) for r in [header] + rows) + "\n"
    data = text.encode("cp1252")
    path = tmp_path / "cohort.csv"
    path.write_bytes(data)
    problem = only_problem(path)
    assert problem.column is None and problem.rows == (4,)
    offset = data.index("ì".encode("cp1252"))
    assert f"byte offset {offset}" in problem.message
    assert "0xEC" in problem.message and "save as CSV UTF-8" in problem.message


def test_semicolon_decimal_comma_export_is_explained_not_parsed():
    path = FIXTURES / "semicolon_decimal_comma_cp1252.csv"
    with pytest.raises(CohortValidationError) as caught:
        read_cohort(path)
    messages = [p.message for p in caught.value.problems]
    # Windows-1252 'ì' (line 2) and the separator: both reported, nothing else.
    assert len(messages) == 2, str(caught.value)
    assert "not UTF-8" in messages[0] and caught.value.problems[0].rows == (2, 5)
    assert "semicolon-separated" in messages[1] and "decimal comma" in messages[1]
    assert "'3,5' on line 2" in messages[1]
    assert "comma-separated with a decimal point" in messages[1]
    assert caught.value.problems[1].rows == (1,)


def test_semicolon_export_in_utf8_gives_one_problem(tmp_path):
    text = base_text().replace(",", ";").replace("3.5", "3,5")
    problem = only_problem(write_text(tmp_path, text))
    assert "semicolon-separated" in problem.message and "'3,5' on line 2" in problem.message


def test_tab_separated_file(tmp_path):
    problem = only_problem(write_text(tmp_path, base_text().replace(",", "\t")))
    assert "tab-separated" in problem.message


# ---------------------------------------------------------------------------
# Header
# ---------------------------------------------------------------------------


def test_missing_columns_are_listed_with_suggestions(tmp_path):
    header = ["patient_id", "Subtype", "age", "edss", "transplant_year", "followup_years",
              "dwfs_years", "worsening", "died"]
    problems = problems_of(write_cohort(tmp_path, header=header))
    assert [(p.column, p.rows) for p in problems] == [("subtype", (1,)), ("baseline_edss", (1,))]
    assert "'Subtype'" in problems[0].message and "differs only in case" in problems[0].message
    assert "'edss'" in problems[1].message and "rename it to 'baseline_edss'" in problems[1].message


def test_header_names_with_spaces_are_not_fixed_silently(tmp_path):
    header = [" patient_id"] + HEADER[1:]
    problem = only_problem(write_cohort(tmp_path, header=header))
    assert problem.column == "patient_id"
    assert "' patient_id'" in problem.message and "differs only in case or spaces" in problem.message


def test_missing_column_without_a_close_match(tmp_path):
    rows = [r[:-1] for r in BASE]
    problem = only_problem(write_cohort(tmp_path, header=HEADER[:-1], rows=rows))
    assert problem.column == "died" and "required column is missing" in problem.message


def test_file_without_a_header_line(tmp_path):
    text = "\n".join(",".join(r) for r in BASE) + "\n"
    problem = only_problem(write_text(tmp_path, text))
    assert "none of the required columns" in problem.message and problem.rows == (1,)


def test_duplicate_column_names(tmp_path):
    header = HEADER + ["age"]
    rows = [r + [r[2]] for r in BASE]
    problem = only_problem(write_cohort(tmp_path, header=header, rows=rows))
    assert problem.column == "age" and "appears 2 times" in problem.message
    assert "columns 3 and 10" in problem.message


def test_column_without_a_name(tmp_path):
    # What R's write.csv() writes by default: a nameless first column of row names.
    header = [""] + HEADER
    rows = [[str(i)] + r for i, r in enumerate(BASE, start=1)]
    problem = only_problem(write_cohort(tmp_path, header=header, rows=rows))
    assert "column 1 of the header has no name" in problem.message
    assert "row.names = FALSE" in problem.message


@pytest.mark.parametrize("name", [
    "name", "First Name", "surname", "last_name", "nome", "Cognome",
    "DOB", "birth_date", "Date of birth", "data_nascita",
    "address", "street", "postcode", "ZIP", "indirizzo",
    "ssn", "NHS number", "national_id", "codice_fiscale", "fiscal_code", "MRN",
    "hospital_number", "medical_record_number", "tax_code", "insurance_number",
    "phone", "e-mail", "email",
])
def test_identifying_columns_are_rejected(tmp_path, name):
    header = HEADER + [name]
    rows = [r + ["x"] for r in BASE]
    problem = only_problem(write_cohort(tmp_path, header=header, rows=rows))
    assert problem.column == name and problem.rows == (1,)
    assert "direct identifier" in problem.message and "remove" in problem.message


def test_innocent_extra_columns_are_not_identifiers(tmp_path):
    header = HEADER + ["centre", "conditioning", "age_at_onset", "birth_year_bucket"]
    rows = [r + ["a", "b", "30", "c"] for r in BASE]
    assert len(read_cohort(write_cohort(tmp_path, header=header, rows=rows))) == len(BASE)


# ---------------------------------------------------------------------------
# Lines
# ---------------------------------------------------------------------------


def test_blank_line_in_the_middle_is_reported(tmp_path):
    lines = base_text().split("\n")
    lines.insert(3, "")  # becomes line 4, between P002 and P003
    problem = only_problem(write_text(tmp_path, "\n".join(lines)))
    assert problem.rows == (4,) and "blank line" in problem.message


def test_row_of_empty_fields_is_reported(tmp_path):
    lines = base_text().split("\n")
    lines.insert(3, "," * (len(HEADER) - 1))
    problem = only_problem(write_text(tmp_path, "\n".join(lines)))
    assert problem.rows == (4,) and "every field is empty" in problem.message


def test_ragged_rows_name_their_lines(tmp_path):
    lines = base_text().split("\n")
    lines[2] += ",extra"  # P002, line 3
    lines[5] = lines[5].rsplit(",", 2)[0]  # P005, line 6
    problems = problems_of(write_text(tmp_path, "\n".join(lines)))
    assert [(p.rows, p.patient_ids) for p in problems] == [((3,), ("P002",)), ((6,), ("P005",))]
    assert "more fields than the header's 9" in problems[0].message
    assert "fewer fields than the header's 9" in problems[1].message


def test_quote_left_open_to_the_end_of_the_file(tmp_path):
    lines = base_text().split("\n")
    lines[0] += ",notes"
    lines[1:7] = [line + ",ok" for line in lines[1:7]]
    lines[2] = lines[2][:-2] + '"never closed'  # P002, line 3: would swallow P003-P006
    problem = only_problem(write_text(tmp_path, "\n".join(lines)))
    assert problem.rows == (3,) and "never closed" in problem.message


def test_quote_closed_lines_later_does_not_swallow_rows_silently(tmp_path):
    lines = base_text().split("\n")
    lines[0] += ",notes"
    lines[1:7] = [line + ",ok" for line in lines[1:7]]
    lines[2] = lines[2][:-2] + '"opened'  # P002, line 3
    lines[4] = lines[4][:-2] + 'closed"'  # P004, line 5: lines 3-5 become one row
    problem = only_problem(write_text(tmp_path, "\n".join(lines)))
    assert problem.rows == (3, 4, 5) and "read as one row" in problem.message


# ---------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------


def test_wrong_types(tmp_path):
    path = write_cohort(tmp_path, {("P002", "age"): "abc", ("P005", "baseline_edss"): "6,5"})
    problems = problems_of(path)
    assert [(p.column, p.rows, p.patient_ids) for p in problems] == [
        ("age", (3,), ("P002",)), ("baseline_edss", (6,), ("P005",))]
    assert "'abc' is not a number" in problems[0].message
    assert "decimal comma" in problems[1].message and "6.5" in problems[1].message


@pytest.mark.parametrize("token", ["", "NA", "NaN", "null", "   ", "n/a", "None"])
def test_missing_values_in_required_columns(tmp_path, token):
    path = write_cohort(tmp_path, {("P003", "followup_years"): token})
    problem = only_problem(path)
    assert (problem.column, problem.rows, problem.patient_ids) == ("followup_years", (4,), ("P003",))
    assert "missing value" in problem.message


def test_missing_patient_id(tmp_path):
    problem = only_problem(write_cohort(tmp_path, {("P004", "patient_id"): ""}))
    assert (problem.column, problem.rows, problem.patient_ids) == ("patient_id", (5,), ())


def test_duplicate_patient_ids(tmp_path):
    path = write_cohort(tmp_path, {("P005", "patient_id"): "P002"})
    problem = only_problem(path)
    assert (problem.column, problem.rows, problem.patient_ids) == ("patient_id", (3, 6), ("P002", "P002"))
    assert "duplicate patient ids: 'P002' (lines 3, 6)" in problem.message


@pytest.mark.parametrize("label, hint", [
    ("rrms", "RRMS"), ("SP", "SPMS"), ("Relapsing-remitting", "RRMS"), ("PP-MS", "PPMS"),
    (" RRMS", "RRMS"), ("secondary progressive", "SPMS"),
])
def test_unknown_subtype_labels_get_a_hint_but_are_rejected(tmp_path, label, hint):
    problem = only_problem(write_cohort(tmp_path, {("P006", "subtype"): label}))
    assert (problem.column, problem.rows, problem.patient_ids) == ("subtype", (7,), ("P006",))
    assert f"{label!r} (did you mean {hint}?)" in problem.message
    assert "RRMS, SPMS or PPMS" in problem.message


def test_edss_off_the_scale(tmp_path):
    path = write_cohort(tmp_path, {("P004", "baseline_edss"): "5.25", ("P006", "baseline_edss"): "11"})
    problem = only_problem(path)
    assert (problem.column, problem.rows, problem.patient_ids) == ("baseline_edss", (5, 7), ("P004", "P006"))
    assert str(problem) == (
        "cohort.csv, column 'baseline_edss', lines 5, 7 (patients P004, P006): 5.25 and 11 are "
        "not EDSS scores; expected 0 or 1.0 to 10 in steps of 0.5")


@pytest.mark.parametrize("value", ["-1", "-0.5", "0.5", "10.5", "11", "3.25", "0.25"])
def test_each_off_scale_edss_value_is_rejected(tmp_path, value):
    problem = only_problem(write_cohort(tmp_path, {("P001", "baseline_edss"): value}))
    assert problem.column == "baseline_edss" and problem.rows == (2,)
    if value == "0.5":
        assert "0.5 is not on the EDSS scale" in problem.message


@pytest.mark.parametrize("column", ["followup_years", "dwfs_years"])
@pytest.mark.parametrize("value", ["0", "-1.5", "0.0"])
def test_times_must_be_positive(tmp_path, column, value):
    problem = only_problem(write_cohort(tmp_path, {("P003", column): value}))
    assert (problem.column, problem.rows, problem.patient_ids) == (column, (4,), ("P003",))
    assert "not greater than 0" in problem.message


def test_dwfs_after_followup(tmp_path):
    path = write_cohort(tmp_path, {("P002", "dwfs_years"): "8.5", ("P006", "dwfs_years"): "4.01"})
    problem = only_problem(path)
    assert (problem.column, problem.rows, problem.patient_ids) == ("dwfs_years", (3, 7), ("P002", "P006"))
    assert "8.5 > 8.0" in problem.message and "4.01 > 4.0" in problem.message


@pytest.mark.parametrize("column", ["worsening", "died"])
@pytest.mark.parametrize("value", ["1.0", "yes", "TRUE", "2", "-1", "0.0"])
def test_flags_must_be_0_or_1(tmp_path, column, value):
    problem = only_problem(write_cohort(tmp_path, {("P001", column): value}))
    assert (problem.column, problem.rows, problem.patient_ids) == (column, (2,), ("P001",))
    assert f"{value!r} is not 0 or 1; expected 0 or 1" in problem.message


@pytest.mark.parametrize("value, words", [
    ("1985", "outside the plausible range"),
    (str(datetime.date.today().year + 1), "outside the plausible range"),
    ("2005.5", "not a whole year"),
    ("2005.0", "not a whole year"),
    ("two thousand", "not a year"),
])
def test_transplant_year(tmp_path, value, words):
    problem = only_problem(write_cohort(tmp_path, {("P005", "transplant_year"): value}))
    assert (problem.column, problem.rows, problem.patient_ids) == ("transplant_year", (6,), ("P005",))
    assert words in problem.message


@pytest.mark.parametrize("value", ["9", "80.5", "-30", "120"])
def test_implausible_age(tmp_path, value):
    problem = only_problem(write_cohort(tmp_path, {("P002", "age"): value}))
    assert (problem.column, problem.rows) == ("age", (3,))
    assert "10 to 80" in problem.message


def test_every_problem_is_reported_at_once(tmp_path):
    path = write_cohort(tmp_path, {
        ("P001", "subtype"): "rrms",
        ("P003", "baseline_edss"): "12",
        ("P006", "died"): "yes",
    })
    problems = problems_of(path)
    assert [(p.column, p.rows) for p in problems] == [
        ("subtype", (2,)), ("baseline_edss", (4,)), ("died", (7,))]


def test_error_text_names_the_file_and_counts_problems(tmp_path):
    path = write_cohort(tmp_path, {("P001", "age"): "abc", ("P002", "age"): "xyz"})
    with pytest.raises(CohortValidationError) as caught:
        read_cohort(path)
    text = str(caught.value)
    assert text.splitlines()[0] == f"{path}: 1 problem found"
    assert "cohort.csv, column 'age', lines 2, 3 (patients P001, P002)" in text
    assert caught.value.path == str(path)
    assert isinstance(caught.value, ValueError)
    copy = pickle.loads(pickle.dumps(caught.value))
    assert copy.problems == caught.value.problems and str(copy) == text


def test_problem_lists_at_most_ten_lines():
    problem = Problem("c.csv", "age", tuple(range(2, 27)), tuple(f"P{i}" for i in range(25)), "bad")
    text = str(problem)
    assert "lines 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 and 15 more" in text
    assert "P9 and 15 more" in text
    assert str(Problem("c.csv", None, (), (), "gone")) == "c.csv: gone"


def test_many_bad_rows_are_all_counted(tmp_path):
    rows = [list(BASE[i % 6]) for i in range(40)]
    for i, row in enumerate(rows):
        row[0] = f"Q{i:03d}"
        row[HEADER.index("worsening")] = "yes"
    problem = only_problem(write_cohort(tmp_path, rows=rows))
    assert problem.rows == tuple(range(2, 42)) and len(problem.patient_ids) == 40
    assert "and 30 more" in str(problem)


# ---------------------------------------------------------------------------
# load_cohort, cohort_info, COHORT_CSV
# ---------------------------------------------------------------------------


def test_cohort_csv_environment_variable(tmp_path, monkeypatch):
    path = write_cohort(tmp_path)
    monkeypatch.setenv("COHORT_CSV", str(path))
    assert resolve_cohort_path() == path
    df = load_cohort()
    assert len(df) == len(BASE)
    info = df.attrs["cohort"]
    assert isinstance(info, CohortInfo)
    assert info.path == path and info.file_name == "cohort.csv"
    assert info.n_patients == len(BASE) and info.is_shipped is False


def test_argument_beats_environment_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("COHORT_CSV", str(tmp_path / "missing.csv"))
    other = write_cohort(tmp_path, name="other.csv")
    assert load_cohort(other).attrs["cohort"].file_name == "other.csv"
    with pytest.raises(CohortValidationError, match="not found"):
        load_cohort()


@pytest.mark.parametrize("value", [None, "", "   "])
def test_without_cohort_csv_the_shipped_file_is_used(monkeypatch, value):
    if value is None:
        monkeypatch.delenv("COHORT_CSV", raising=False)
    else:
        monkeypatch.setenv("COHORT_CSV", value)
    assert resolve_cohort_path() == paths.SHIPPED_COHORT


def test_relative_cohort_csv_found_from_the_repository_root(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "REPO_ROOT", tmp_path)
    (tmp_path / "exports").mkdir()
    path = write_cohort(tmp_path / "exports")
    elsewhere = tmp_path / "chapters"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.setenv("COHORT_CSV", "exports/cohort.csv")
    assert resolve_cohort_path() == path


def test_cohort_info_sha256_and_is_shipped(tmp_path, monkeypatch):
    path = write_cohort(tmp_path)
    info = cohort_info(path)
    assert info.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert info.n_patients == len(BASE) and not info.is_shipped
    monkeypatch.setattr(paths, "SHIPPED_COHORT", path)
    assert cohort_info().is_shipped
    assert cohort_info(tmp_path / ".." / tmp_path.name / "cohort.csv").is_shipped  # resolved paths
    copy = tmp_path / "copy.csv"
    copy.write_bytes(path.read_bytes())
    assert not cohort_info(copy).is_shipped  # same bytes, another file: a user's file


def test_shipped_cohort_is_valid_when_present():
    if not paths.SHIPPED_COHORT.exists():
        pytest.skip("data/cohort.csv not generated yet")
    info = cohort_info(paths.SHIPPED_COHORT)
    assert info.is_shipped and info.n_patients > 0


# ---------------------------------------------------------------------------
# validate_command
# ---------------------------------------------------------------------------


def test_validate_command_ok(tmp_path, capsys):
    path = write_cohort(tmp_path)
    assert validate_command(str(path)) == 0
    out, err = capsys.readouterr()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert out.strip() == f"OK: {path}: {len(BASE)} patients, sha256 {digest}"
    assert err == ""


@pytest.mark.parametrize("make", [
    lambda d: str(write_cohort(d, {("P001", "age"): "abc"})),
    lambda d: str(d / "missing.csv"),
    lambda d: str(d),
    lambda d: str(write_text(d, "")),
    lambda d: str(FIXTURES / "semicolon_decimal_comma_cp1252.csv"),
])
def test_validate_command_failures_have_no_traceback(tmp_path, capsys, make):
    path = make(tmp_path)
    assert validate_command(path) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"{path}: ") and "problem" in err.splitlines()[0]
    assert "Traceback" not in out + err


# ---------------------------------------------------------------------------
# Performance
# ---------------------------------------------------------------------------


def test_100000_rows_validate_in_under_two_seconds(tmp_path):
    n = 100_000
    rng = np.random.default_rng(1)
    followup = np.round(rng.uniform(1, 15, n), 2)
    frame = pd.DataFrame({
        "patient_id": [f"P{i:06d}" for i in range(n)],
        "subtype": rng.choice(["RRMS", "SPMS", "PPMS"], n),
        "age": rng.integers(18, 65, n),
        "baseline_edss": rng.choice([0.0] + [k / 2 for k in range(2, 19)], n),
        "transplant_year": rng.integers(1995, 2020, n),
        "followup_years": followup,
        "dwfs_years": np.round(followup * rng.uniform(0.1, 1, n), 2).clip(0.01, None),
        "worsening": rng.integers(0, 2, n),
        "died": rng.integers(0, 2, n),
    })
    frame["dwfs_years"] = np.minimum(frame["dwfs_years"], frame["followup_years"])
    path = tmp_path / "big.csv"
    frame.to_csv(path, index=False)
    start = time.perf_counter()
    df = read_cohort(path)
    elapsed = time.perf_counter() - start
    assert len(df) == n
    assert elapsed < 2.0, f"{elapsed:.2f} s"
