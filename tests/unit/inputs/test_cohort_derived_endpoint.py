"""A cohort file without dwfs_years/worsening, given a visits file: the endpoint is derived.

Oracle: a six-patient cohort (cohort_writers.BASE without the two endpoint columns) and
visits written by hand, whose first confirmed worsening under the default rule (+1.0 up
to EDSS 5.5, +0.5 above, confirmed 6 months later at every visit) is worked out here
from the rule; and ``derive_endpoints`` called directly on the same visits.
"""

import numpy as np
import pandas as pd
import pytest

from cohort_writers import BASE, HEADER, write_cohort

from hsct_ms.inputs import cohort_loading
from hsct_ms.inputs.cohort_loading import cohort_info, endpoint_statement, load_cohort, validate_command
from hsct_ms.inputs.cohort_problems import CohortValidationError
from hsct_ms.inputs.cohort_schema import DERIVABLE_COLUMNS, REQUIRED_COLUMNS, schema_table
from hsct_ms.inputs.visits import load_visits
from hsct_ms.stats import disability
from hsct_ms.stats.disability import DEFAULT_RULE, derive_endpoints

KEEP = [HEADER.index(c) for c in HEADER if c not in DERIVABLE_COLUMNS]
NO_ENDPOINT = [HEADER[i] for i in KEEP]

# Baselines (BASE): P001 3.5, P002 6.0, P003 6.5, P004 2.0, P005 0, P006 1.0.
# Follow-up (BASE): 10.2, 8.0, 5.5, 6.1, 3.0, 4.0.
VISITS = """patient_id,years_since_transplant,edss
P001,1.0,4.5
P001,2.0,4.5
P001,3.0,4.5
P001,10.2,4.5
P002,1.0,6.5
P002,2.0,6.5
P002,8.0,6.5
P003,2.0,6.5
P003,5.5,6.5
P004,1.0,2.0
P004,6.1,2.0
P005,1.0,0
P005,3.0,0
P006,2.0,1.0
P006,4.0,1.0
"""
# P001 +1.0 at 1 y, held: worsening at 1 y (RRMS). P002 +0.5 above 5.5 at 1 y, held:
# worsening at 1 y (SPMS). The others never change: censored at their last visit, which
# is their follow-up.
EXPECTED = {"P001": (1.0, 1), "P002": (1.0, 1), "P003": (5.5, 0), "P004": (6.1, 0),
            "P005": (3.0, 0), "P006": (4.0, 0)}


@pytest.fixture(autouse=True)
def cache_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv(disability.CACHE_VARIABLE, str(tmp_path / "cache"))
    for variable in ("COHORT_CSV", "VISITS_CSV", "RELAPSES_CSV"):
        monkeypatch.delenv(variable, raising=False)


def without(columns, tmp_path, changes=None, name="cohort.csv"):
    """BASE without ``columns`` (written after ``changes`` {(id, column): text})."""
    rows = [list(r) for r in BASE]
    for (pid, column), value in (changes or {}).items():
        next(r for r in rows if r[0] == pid)[HEADER.index(column)] = value
    keep = [i for i, c in enumerate(HEADER) if c not in columns]
    return write_cohort(tmp_path, header=[HEADER[i] for i in keep],
                        rows=[[r[i] for i in keep] for r in rows], name=name)


def visits_file(tmp_path, text=VISITS, name="visits.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_endpoint_is_derived_by_the_default_rule(tmp_path):
    path = without(DERIVABLE_COLUMNS, tmp_path)
    frame = load_cohort(path, visits=visits_file(tmp_path))
    assert list(frame.columns) == list(REQUIRED_COLUMNS)
    got = {p: (t, w) for p, t, w in zip(frame["patient_id"], frame["dwfs_years"], frame["worsening"])}
    assert got.keys() == EXPECTED.keys()
    for pid, (time, event) in EXPECTED.items():
        assert got[pid][0] == pytest.approx(time, abs=1e-9) and got[pid][1] == event, pid
    assert frame["worsening"].dtype == np.int64 and frame["dwfs_years"].dtype == float
    assert (frame["dwfs_years"] <= frame["followup_years"]).all()
    info = frame.attrs["cohort"]
    assert info.endpoint_derived and info.derived_rule == DEFAULT_RULE.label
    assert info.visits_file == "visits.csv" and not info.is_shipped


def test_the_derived_endpoint_equals_derive_endpoints_called_directly(tmp_path):
    path = without(DERIVABLE_COLUMNS, tmp_path)
    vpath = visits_file(tmp_path)
    frame = load_cohort(path, visits=vpath)
    data = load_visits(frame, vpath)
    direct = derive_endpoints(data.visits, frame, DEFAULT_RULE, use_cache=False, processes=1)
    merged = frame.merge(direct, on="patient_id", suffixes=("", "_direct"))
    assert len(merged) == len(BASE)
    assert (merged["worsening"] == merged["worsening_direct"]).all()
    np.testing.assert_allclose(merged["dwfs_years"], merged["dwfs_years_direct"], atol=1e-9)


def test_visits_csv_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("VISITS_CSV", str(visits_file(tmp_path)))
    info = cohort_info(without(DERIVABLE_COLUMNS, tmp_path))
    assert info.derived_rule == DEFAULT_RULE.label


def test_without_a_visits_file_both_columns_are_still_required(tmp_path):
    path = without(DERIVABLE_COLUMNS, tmp_path)
    with pytest.raises(CohortValidationError) as caught:
        load_cohort(path)
    found = {(p.column, p.rows) for p in caught.value.problems}
    assert found == {("dwfs_years", (1,)), ("worsening", (1,))}
    assert all("required column is missing" in p.message and "visits" not in p.message
               for p in caught.value.problems)


@pytest.mark.parametrize("left_out", DERIVABLE_COLUMNS)
def test_one_of_the_two_alone_is_an_error_naming_file_and_column(tmp_path, left_out):
    path = without((left_out,), tmp_path)
    with pytest.raises(CohortValidationError) as caught:
        load_cohort(path, visits=visits_file(tmp_path))
    [problem] = caught.value.problems
    assert problem.file == "cohort.csv" and problem.column == left_out and problem.rows == (1,)
    assert "together" in problem.message and "required column is missing" in problem.message


def test_both_given_with_visits_keeps_the_file_endpoint(tmp_path):
    path = write_cohort(tmp_path)
    frame = load_cohort(path, visits=visits_file(tmp_path))
    assert frame["dwfs_years"].tolist() == [float(r[HEADER.index("dwfs_years")]) for r in BASE]
    assert not frame.attrs["cohort"].endpoint_derived
    assert endpoint_statement(frame.attrs["cohort"]) == (
        "In this build the endpoint (dwfs_years and worsening: the time to confirmed EDSS "
        "worsening or censoring) is the cohort file's own.")


def test_a_visit_after_followup_is_refused_naming_the_patients(tmp_path):
    # P004 is followed 6.1 years in the cohort file, but the visits go on to 6.1 and P003's
    # to 5.5: shorten both follow-ups.
    path = without(DERIVABLE_COLUMNS, tmp_path, {("P004", "followup_years"): "6.0",
                                                 ("P003", "followup_years"): "5.4"})
    with pytest.raises(CohortValidationError) as caught:
        load_cohort(path, visits=visits_file(tmp_path))
    [problem] = caught.value.problems
    assert problem.column == "followup_years"
    assert problem.rows == (4, 5) and problem.patient_ids == ("P003", "P004")
    assert "visits.csv" in problem.message and "after followup_years" in problem.message
    assert "5.5000 > 5.4" in problem.message and "6.1000 > 6" in problem.message
    assert "cohort.csv, column 'followup_years', lines 4, 5 (patients P003, P004)" in str(caught.value)


def test_a_followup_written_with_fewer_decimals_is_the_same_day(tmp_path):
    # The last visit at 1234 days is 3.378507... years; a follow-up written 3.3785 is the same day.
    text = VISITS.replace("P005,3.0,0", f"P005,{1234 / 365.25!r},0")
    path = without(DERIVABLE_COLUMNS, tmp_path, {("P005", "followup_years"): "3.3785"})
    frame = load_cohort(path, visits=visits_file(tmp_path, text)).set_index("patient_id")
    assert frame.loc["P005", "dwfs_years"] == 3.3785 == frame.loc["P005", "followup_years"]
    # A day later is not.
    path = without(DERIVABLE_COLUMNS, tmp_path, {("P005", "followup_years"): "3.376"})
    with pytest.raises(CohortValidationError, match="after followup_years"):
        load_cohort(path, visits=visits_file(tmp_path, text))


def test_a_bad_visits_file_is_reported_as_such(tmp_path):
    path = without(DERIVABLE_COLUMNS, tmp_path)
    bad = visits_file(tmp_path, VISITS.replace("P006,4.0,1.0", "P006,4.0,1.25"), "bad_visits.csv")
    with pytest.raises(CohortValidationError) as caught:
        load_cohort(path, visits=bad)
    assert caught.value.path.endswith("bad_visits.csv")
    assert [(p.column, p.patient_ids) for p in caught.value.problems] == [("edss", ("P006",))]


def test_a_derived_endpoint_still_needs_a_worsening_in_each_group(tmp_path):
    # Without P002's worsening no progressive patient worsens: the book cannot compare.
    text = VISITS.replace("P002,1.0,6.5\nP002,2.0,6.5\nP002,8.0,6.5", "P002,1.0,6.0\nP002,8.0,6.0")
    with pytest.raises(CohortValidationError) as caught:
        load_cohort(without(DERIVABLE_COLUMNS, tmp_path), visits=visits_file(tmp_path, text))
    [problem] = caught.value.problems
    assert problem.column == "worsening" and "progressive" in problem.message


def test_the_derivation_is_cached_under_the_cache_variable(tmp_path, monkeypatch):
    path = without(DERIVABLE_COLUMNS, tmp_path)
    load_cohort(path, visits=visits_file(tmp_path))
    assert len(list((tmp_path / "cache").glob("*.csv"))) == 1
    monkeypatch.setattr(disability, "_derive_chunk", lambda task: pytest.fail("derived again"))
    assert load_cohort(path, visits=visits_file(tmp_path)).attrs["cohort"].endpoint_derived


def test_validate_command_says_the_endpoint_was_derived(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("VISITS_CSV", str(visits_file(tmp_path)))
    assert validate_command(str(without(DERIVABLE_COLUMNS, tmp_path))) == 0
    out = capsys.readouterr().out
    assert "OK:" in out and f"endpoint derived from visits.csv ({DEFAULT_RULE.label})" in out


def test_endpoint_statement_names_the_rule_and_the_visits_file(tmp_path):
    info = cohort_info(without(DERIVABLE_COLUMNS, tmp_path), visits=visits_file(tmp_path))
    text = endpoint_statement(info)
    assert "gives no endpoint" in text and DEFAULT_RULE.label in text and "visits.csv" in text


def test_schema_table_says_the_endpoint_is_optional_with_visits():
    table = schema_table().set_index("column")["allowed values / rule"]
    for column in DERIVABLE_COLUMNS:
        assert "optional with a visits file" in table[column]
    assert not any("optional" in table[c] for c in REQUIRED_COLUMNS if c not in DERIVABLE_COLUMNS)


def test_tolerance_is_half_a_day():
    assert cohort_loading.DERIVED_TOLERANCE_YEARS * 365.25 == pytest.approx(0.5)


def test_validating_visits_against_a_cohort_without_an_endpoint(tmp_path, capsys):
    from hsct_ms.inputs.visits import validate_visits_command

    assert validate_visits_command(str(visits_file(tmp_path)), str(without(DERIVABLE_COLUMNS, tmp_path))) == 0
    assert "OK:" in capsys.readouterr().out
