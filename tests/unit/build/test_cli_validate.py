"""``python -m hsct_ms validate PATH [--visits VISITS [--relapses RELAPSES]]``.

Oracles: the shipped files, which the book builds on (valid); hand-made visits and
relapses files with one known fault each, whose file, column, line and patient are
known by construction; the exit codes the command documents (0 valid, 1 problems,
2 usage).
"""

import os
import subprocess
import sys

import pytest

from hsct_ms.build import cli
from hsct_ms.inputs.visits import SHIPPED_VISITS
from hsct_ms.paths import SHIPPED_COHORT

COHORT = ("patient_id,subtype,age,baseline_edss,transplant_year,followup_years,dwfs_years,worsening,died\n"
          "P1,RRMS,30,3.5,2010,2.0,1.0,1,0\nP2,SPMS,40,6.0,2012,2.0,2.0,0,0\n"
          "P3,SPMS,45,6.5,2013,3.0,1.0,1,0\n")
VISITS = "patient_id,years_since_transplant,edss\nP1,1,4.5\nP2,2,6.0\nP3,1,7.0\n"


@pytest.fixture
def files(tmp_path):
    (tmp_path / "cohort.csv").write_text(COHORT)
    (tmp_path / "visits.csv").write_text(VISITS)
    return tmp_path


@pytest.fixture(autouse=True)
def no_inputs_in_environment(monkeypatch):
    for variable in ("COHORT_CSV", "VISITS_CSV", "RELAPSES_CSV"):
        monkeypatch.delenv(variable, raising=False)


def test_shipped_cohort_and_visits_are_valid():
    # In a process of its own, as a user runs it.
    result = subprocess.run([sys.executable, "-m", "hsct_ms", "validate", str(SHIPPED_COHORT),
                             "--visits", str(SHIPPED_VISITS)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"OK: {SHIPPED_COHORT}: 210 patients, sha256 ")
    assert lines[1].startswith(f"OK: {SHIPPED_VISITS}: ") and " of 210 patients" in lines[1]
    assert result.stderr == ""


def test_bad_visits_file_names_file_column_line_and_patient(files, capsys):
    bad = files / "bad_visits.csv"
    bad.write_text(VISITS.replace("P2,2,6.0", "P2,2,6.25").replace("P3,1,7.0", "P9,1,7.0"))
    assert cli.main(["validate", str(files / "cohort.csv"), "--visits", str(bad)]) == 1
    out, err = capsys.readouterr()
    assert out.startswith(f"OK: {files / 'cohort.csv'}: 3 patients")  # the cohort itself is fine
    assert "bad_visits.csv, column 'edss', line 3 (patient P2)" in err
    assert "bad_visits.csv, column 'patient_id', line 4 (patient P9)" in err
    assert "Traceback" not in err


def test_bad_relapses_file_is_refused_and_good_one_counted(files, capsys):
    relapses = files / "relapses.csv"
    relapses.write_text("patient_id,years_since_transplant\nP1,0.5\nP1,0.5\n")
    assert cli.main(["validate", str(files / "cohort.csv"), "--visits", str(files / "visits.csv"),
                     "--relapses", str(relapses)]) == 1
    assert "relapses.csv, column 'years_since_transplant', lines 2, 3" in capsys.readouterr().err
    relapses.write_text("patient_id,years_since_transplant\nP1,0.5\nP3,-1\n")
    assert cli.main(["validate", str(files / "cohort.csv"), "--visits", str(files / "visits.csv"),
                     "--relapses", str(relapses)]) == 0
    assert "3 visits of 3 patients, 2 relapses" in capsys.readouterr().out


def test_relapses_only_from_the_command_line(files, capsys, monkeypatch):
    # A RELAPSES_CSV left in the environment is not what the command was asked to check.
    broken = files / "broken.csv"
    broken.write_text("no,header,of,relapses\n")
    monkeypatch.setenv("RELAPSES_CSV", str(broken))
    assert cli.main(["validate", str(files / "cohort.csv"), "--visits", str(files / "visits.csv")]) == 0
    assert "3 visits of 3 patients, sha256" in capsys.readouterr().out  # no ", N relapses"

    assert os.environ["RELAPSES_CSV"] == str(broken)  # and the environment is left as it was


def test_invalid_cohort_leaves_the_visits_unchecked(files, capsys):
    (files / "cohort.csv").write_text(COHORT.replace("P2,SPMS", "P2,XPMS"))
    assert cli.main(["validate", str(files / "cohort.csv"), "--visits", str(files / "visits.csv")]) == 1
    err = capsys.readouterr().err
    assert "column 'subtype'" in err
    assert f"{files / 'visits.csv'}: not fully checked" in err


@pytest.mark.parametrize("argv", [[], ["a", "b"], ["a", "--relapses", "r.csv"], ["a", "--visits"]])
def test_usage_errors_exit_2(argv, capsys):
    assert cli.main(["validate", *argv]) == 2
    assert "usage: python -m hsct_ms validate PATH" in capsys.readouterr().err


NO_ENDPOINT = ("patient_id,subtype,age,baseline_edss,transplant_year,followup_years,died\n"
               "P1,RRMS,30,3.5,2010,2.0,0\nP2,SPMS,40,6.0,2012,2.0,0\nP3,SPMS,45,6.5,2013,3.0,0\n")
# P1 and P3 worsen at 1 year, confirmed at 1.6 and after; P2 stays at baseline.
CONFIRMED = ("patient_id,years_since_transplant,edss\nP1,1,4.5\nP1,1.6,4.5\nP1,2,4.5\nP2,2,6.0\n"
             "P3,1,7.0\nP3,1.6,7.0\nP3,3,7.0\n")


def test_cohort_without_endpoint_is_checked_with_its_visits(files, capsys, monkeypatch):
    # As the book reads it: dwfs_years/worsening derived from the visits named on the command line.
    monkeypatch.setenv("HSCT_MS_DISABILITY_CACHE", str(files / "cache"))
    (files / "cohort.csv").write_text(NO_ENDPOINT)
    (files / "visits.csv").write_text(CONFIRMED)
    assert cli.main(["validate", str(files / "cohort.csv"), "--visits", str(files / "visits.csv")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"OK: {files / 'cohort.csv'}: 3 patients")
    assert out[1].startswith(f"OK: {files / 'visits.csv'}: 7 visits of 3 patients")
    # Without --visits the endpoint is missing, and a VISITS_CSV in the shell is not read.
    monkeypatch.setenv("VISITS_CSV", str(files / "visits.csv"))
    assert cli.main(["validate", str(files / "cohort.csv")]) == 1
    assert "dwfs_years" in capsys.readouterr().err
    assert os.environ["VISITS_CSV"] == str(files / "visits.csv")


def test_cohort_without_endpoint_and_bad_visits(files, capsys, monkeypatch):
    monkeypatch.setenv("HSCT_MS_DISABILITY_CACHE", str(files / "cache"))
    (files / "cohort.csv").write_text(NO_ENDPOINT)
    (files / "visits.csv").write_text(CONFIRMED.replace("P2,2,6.0", "P2,2,6.25"))
    assert cli.main(["validate", str(files / "cohort.csv"), "--visits", str(files / "visits.csv")]) == 1
    err = capsys.readouterr().err
    assert "visits.csv, column 'edss', line 5 (patient P2)" in err
    assert f"{files / 'visits.csv'}: not fully checked" in err
