"""Tests of hsct_ms.inputs.cohort_validation: the header, the rows, and the whole chain.

Oracle: files written by hand into tmp_path from a small valid base, whose problems,
columns and line numbers are known.
"""

import time

import numpy as np
import pandas as pd
import pytest

from cohort_writers import BASE, HEADER, base_text, only_problem, problems_of, write_cohort, write_text

from hsct_ms.inputs.cohort_schema import REQUIRED_COLUMNS
from hsct_ms.inputs.cohort_validation import read_cohort


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


def test_every_problem_is_reported_at_once(tmp_path):
    path = write_cohort(tmp_path, {
        ("P001", "subtype"): "rrms",
        ("P003", "baseline_edss"): "12",
        ("P006", "died"): "yes",
    })
    problems = problems_of(path)
    assert [(p.column, p.rows) for p in problems] == [
        ("subtype", (2,)), ("baseline_edss", (4,)), ("died", (7,))]


def test_many_bad_rows_are_all_counted(tmp_path):
    rows = [list(BASE[i % 6]) for i in range(40)]
    for i, row in enumerate(rows):
        row[0] = f"Q{i:03d}"
        row[HEADER.index("worsening")] = "yes"
    problem = only_problem(write_cohort(tmp_path, rows=rows))
    assert problem.rows == tuple(range(2, 42)) and len(problem.patient_ids) == 40
    assert "and 30 more" in str(problem)


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
