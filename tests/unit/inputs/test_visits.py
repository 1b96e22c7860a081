"""Tests of hsct_ms.inputs.visits and visits_validation: one test per rule.

Oracle: small visits files written by hand into tmp_path for a three-patient cohort,
whose problems, columns, lines (header = line 1) and patients are known.
"""

import pandas as pd
import pytest

from hsct_ms.inputs.cohort_problems import CohortValidationError
from hsct_ms.inputs.visits import load_visits, read_relapses, read_visits

COHORT = pd.DataFrame({
    "patient_id": ["P1", "P2", "P3"],
    "baseline_edss": [3.5, 6.0, 2.0],
    "transplant_date": ["2010-03-01", "2012-06-15", "2015-01-10"],
})

GOOD = """patient_id,years_since_transplant,edss
P1,0,3.5
P1,0.5,3.0
P1,1.0,3.0
P2,0.5,6.0
P2,2,6.5
P3,1,2.0
"""


def write(tmp_path, text, name="visits.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def problems(path, reader=read_visits):
    with pytest.raises(CohortValidationError) as caught:
        reader(path, COHORT)
    return caught.value.problems


def only(path, reader=read_visits):
    found = problems(path, reader)
    assert len(found) == 1, "\n".join(map(str, found))
    return found[0]


def test_valid_file_is_read_sorted_and_typed(tmp_path):
    visits = read_visits(write(tmp_path, GOOD), COHORT)
    assert len(visits) == 6
    assert visits["patient_id"].tolist() == ["P1", "P1", "P1", "P2", "P2", "P3"]
    assert visits["years_since_transplant"].tolist() == [0, 0.5, 1.0, 0.5, 2.0, 1.0]
    assert visits["edss"].tolist() == [3.5, 3.0, 3.0, 6.0, 6.5, 2.0]
    assert visits["line"].tolist() == [2, 3, 4, 5, 6, 7]


def test_dates_are_turned_into_years_from_the_cohort_transplant_date(tmp_path):
    text = "patient_id,visit_date,edss\nP1,2010-03-01,3.5\nP1,2011-03-01,4.0\nP2,2012-12-15,6.0\nP3,2016-01-10,2.0\n"
    visits = read_visits(write(tmp_path, text), COHORT)
    p1 = visits[visits.patient_id == "P1"]["years_since_transplant"].tolist()
    assert p1 == [0.0, 365 / 365.25]


def test_unknown_patient_is_named_with_its_line(tmp_path):
    p = only(write(tmp_path, GOOD + "P9,1,3.0\n"))
    assert p.column == "patient_id" and p.rows == (8,) and p.patient_ids == ("P9",)
    assert "not in the cohort file" in p.message


def test_visit_before_transplant(tmp_path):
    p = only(write(tmp_path, GOOD + "P2,-0.2,6.0\n"))
    assert p.column == "years_since_transplant" and p.rows == (8,) and p.patient_ids == ("P2",)
    assert "before transplant" in p.message


def test_visit_date_before_transplant_date(tmp_path):
    text = "patient_id,visit_date,edss\nP1,2010-02-01,3.5\nP1,2011-03-01,4.0\nP2,2012-12-15,6.0\nP3,2016-01-10,2.0\n"
    p = only(write(tmp_path, text))
    assert p.column == "visit_date" and p.rows == (2,) and "before transplant" in p.message


@pytest.mark.parametrize("value", ["0.5", "3.25", "11", "-1"])
def test_invalid_edss_step(tmp_path, value):
    p = only(write(tmp_path, GOOD + f"P3,2,{value}\n"))
    assert p.column == "edss" and p.rows == (8,) and p.patient_ids == ("P3",)
    assert "not a valid EDSS step" in p.message and repr(value) in p.message


def test_edss_that_is_not_a_number_is_not_coerced(tmp_path):
    p = only(write(tmp_path, GOOD + "P3,2,3,5\n".replace("3,5", '"3,5"')))
    assert p.column == "edss" and p.rows == (8,) and "not a number" in p.message


def test_duplicate_visits_on_one_date(tmp_path):
    p = only(write(tmp_path, GOOD + "P2,2.0,7.0\n"))
    assert p.column == "years_since_transplant" and p.rows == (6, 8) and p.patient_ids == ("P2", "P2")
    assert "same date" in p.message


def test_duplicate_dates(tmp_path):
    text = ("patient_id,visit_date,edss\nP1,2011-03-01,3.5\nP1,2011-03-01,4.0\n"
            "P2,2012-12-15,6.0\nP3,2016-01-10,2.0\n")
    p = only(write(tmp_path, text))
    assert p.column == "visit_date" and p.rows == (2, 3)


def test_patient_without_a_visit_after_transplant(tmp_path):
    text = GOOD.replace("P3,1,2.0\n", "P3,0,2.0\n")
    p = only(write(tmp_path, text))
    assert p.column is None and p.patient_ids == ("P3",) and "without any visit after transplant" in p.message


@pytest.mark.parametrize("value", ["01/03/2011", "2011-02-30", "2011-3-1", "yesterday"])
def test_unreadable_dates(tmp_path, value):
    text = f"patient_id,visit_date,edss\nP1,{value},3.5\nP1,2011-03-02,4.0\nP2,2012-12-15,6.0\nP3,2016-01-10,2.0\n"
    p = only(write(tmp_path, text))
    assert p.column == "visit_date" and p.rows == (2,) and "cannot be read" in p.message
    assert repr(value) in p.message


def test_dates_need_a_transplant_date_in_the_cohort(tmp_path):
    text = "patient_id,visit_date,edss\nP1,2011-03-01,3.5\nP2,2012-12-15,6.0\nP3,2016-01-10,2.0\n"
    with pytest.raises(CohortValidationError) as caught:
        read_visits(write(tmp_path, text), COHORT.drop(columns="transplant_date"))
    assert any("transplant_date" in p.message for p in caught.value.problems)


def test_missing_and_doubled_time_columns(tmp_path):
    p = only(write(tmp_path, "patient_id,edss\nP1,3.5\n"))
    assert "years_since_transplant" in p.message and p.rows == (1,)
    p = only(write(tmp_path, "patient_id,years_since_transplant,visit_date,edss\nP1,1,2011-03-01,3.5\n"))
    assert "both" in p.message


def test_baseline_visit_must_agree_with_cohort(tmp_path):
    p = only(write(tmp_path, GOOD.replace("P1,0,3.5", "P1,0,4.0")))
    assert p.column == "edss" and p.rows == (2,) and "baseline_edss" in p.message


def test_every_problem_is_reported_at_once_and_message_names_the_file(tmp_path):
    path = write(tmp_path, GOOD + "P9,1,3.0\nP2,-1,6.0\nP3,3,0.5\n")
    with pytest.raises(CohortValidationError) as caught:
        read_visits(path, COHORT)
    assert len(caught.value.problems) == 3
    assert str(caught.value).startswith(str(path))
    assert "visits.csv, column 'patient_id', line 8 (patient P9)" in str(caught.value)


def test_relapses_unknown_unreadable_and_duplicate(tmp_path):
    text = ("patient_id,onset_date\nP1,2009-05-01\nP9,2011-01-01\nP2,2013-13-01\n"
            "P3,2016-02-02\nP3,2016-02-02\n")
    found = problems(write(tmp_path, text, "relapses.csv"), read_relapses)
    assert [(p.column, p.rows) for p in found] == [("patient_id", (3,)), ("onset_date", (4,)),
                                                  ("onset_date", (5, 6))]


def test_relapse_before_transplant_is_kept(tmp_path):
    relapses = read_relapses(write(tmp_path, "patient_id,years_since_transplant\nP1,-0.5\n", "r.csv"), COHORT)
    assert relapses["years_since_transplant"].tolist() == [-0.5]


def test_no_visits_for_a_user_cohort_without_a_visits_file(monkeypatch):
    monkeypatch.delenv("VISITS_CSV", raising=False)
    assert load_visits(COHORT) is None


def test_visits_csv_env_is_read_and_hashed(tmp_path, monkeypatch):
    path = write(tmp_path, GOOD)
    monkeypatch.setenv("VISITS_CSV", str(path))
    monkeypatch.delenv("RELAPSES_CSV", raising=False)
    data = load_visits(COHORT)
    assert data.path == path and len(data.visits) == 6 and not data.is_shipped
    path.write_text(GOOD + "P3,2,2.0\n")
    assert load_visits(COHORT).sha256 != data.sha256


def test_missing_file_is_named(tmp_path):
    p = only(tmp_path / "nope.csv")
    assert "file not found" in p.message and "VISITS_CSV" in p.message


def test_visits_files_are_in_the_build_fingerprint(tmp_path, monkeypatch):
    from hsct_ms import paths
    from hsct_ms.build.book import inputs_fingerprint

    monkeypatch.delenv("VISITS_CSV", raising=False)
    monkeypatch.delenv("RELAPSES_CSV", raising=False)
    without = inputs_fingerprint(paths.SHIPPED_COHORT)
    path = write(tmp_path, GOOD)
    monkeypatch.setenv("VISITS_CSV", str(path))
    first = inputs_fingerprint(paths.SHIPPED_COHORT)
    path.write_text(GOOD + "P3,2,2.0\n")
    assert len({without, first, inputs_fingerprint(paths.SHIPPED_COHORT)}) == 3


def test_validate_visits_command(tmp_path, capsys):
    from hsct_ms.inputs.visits import validate_visits_command

    cohort = tmp_path / "cohort.csv"
    cohort.write_text("patient_id,subtype,age,baseline_edss,transplant_year,followup_years,dwfs_years,worsening,died\n"
                      "P1,RRMS,30,3.5,2010,2.0,1.0,1,0\nP2,SPMS,40,6.0,2012,2.0,2.0,0,0\n"
                      "P3,SPMS,45,6.5,2013,3.0,1.0,1,0\n")
    good = write(tmp_path, "patient_id,years_since_transplant,edss\nP1,1,4.5\nP2,2,6.0\nP3,1,7.0\n")
    assert validate_visits_command(str(good), str(cohort)) == 0
    assert "OK:" in capsys.readouterr().out
    bad = write(tmp_path, "patient_id,years_since_transplant,edss\nP1,1,4.5\nP2,2,6.25\nP3,1,7.0\n", "bad.csv")
    assert validate_visits_command(str(bad), str(cohort)) == 1
    err = capsys.readouterr().err
    assert "bad.csv, column 'edss', line 3 (patient P2)" in err


def test_schema_table_names_every_column_the_validator_reads():
    from hsct_ms.inputs.visits import VISITS_SCHEMA
    from hsct_ms.inputs.visits_validation import RELAPSE_TIME_COLUMNS, VISIT_TIME_COLUMNS

    by_file = VISITS_SCHEMA.groupby("file")["column"].apply(set).to_dict()
    assert by_file["visits"] == {"patient_id", "edss", *VISIT_TIME_COLUMNS}
    assert by_file["relapses (optional)"] == {"patient_id", *RELAPSE_TIME_COLUMNS}
