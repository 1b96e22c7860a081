"""Tests of hsct_ms.inputs.cohort_values: each column's rule, at and beyond its edges.

Oracle: the schema's rules (hsct_ms.inputs.cohort_schema) applied by hand to values
written into tmp_path.
"""

import datetime

import pytest

from cohort_writers import only_problem, problems_of, write_cohort

from hsct_ms.inputs.cohort_schema import max_followup_years
from hsct_ms.inputs.cohort_validation import read_cohort


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


def test_followup_longer_than_the_accepted_transplant_years_is_refused(tmp_path):
    # Oracle: the years from the start of 1990 (first accepted transplant year) to the end
    # of this year, counted by hand; 37 in 2026. At that limit the file is valid.
    longest = datetime.date.today().year + 1 - 1990
    assert max_followup_years() == longest
    fine = write_cohort(tmp_path, {("P003", "followup_years"): str(longest), ("P003", "dwfs_years"): str(longest),
                                   ("P003", "transplant_year"): "1990"})
    assert read_cohort(fine)["followup_years"].max() == longest
    problems = problems_of(write_cohort(tmp_path, {("P003", "followup_years"): str(12 * longest),
                                                   ("P003", "dwfs_years"): str(longest + 0.01)}))
    assert [(p.column, p.rows, p.patient_ids) for p in problems] == [
        ("followup_years", (4,), ("P003",)), ("dwfs_years", (4,), ("P003",))]
    assert f"{12 * longest} is longer than {longest} years" in problems[0].message
    assert "months or days" in problems[0].message


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
