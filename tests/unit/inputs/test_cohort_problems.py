"""Tests of hsct_ms.inputs.cohort_problems: how problems and the error are worded."""

import pickle

import pytest

from cohort_writers import write_cohort

from hsct_ms.inputs.cohort_problems import CohortValidationError, Problem
from hsct_ms.inputs.cohort_validation import read_cohort


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
