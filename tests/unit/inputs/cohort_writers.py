"""Writers of small cohort files for the tests of hsct_ms.inputs.cohort_*.

Most test files are written into tmp_path from :data:`BASE`, a small valid cohort; the
two in tests/fixtures/cohorts/ are byte-exact exports (Excel "CSV UTF-8" with BOM and
CRLF; an Italian-locale Excel "CSV" with semicolons, decimal commas, Windows-1252).
"""

import csv
import io
from pathlib import Path

import pytest

from hsct_ms.inputs.cohort_problems import CohortValidationError
from hsct_ms.inputs.cohort_schema import REQUIRED_COLUMNS
from hsct_ms.inputs.cohort_validation import read_cohort

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
