"""Tests of hsct_ms.inputs.cohort_loading: COHORT_CSV, CohortInfo and the validate command."""

import hashlib

import pytest

from cohort_writers import BASE, FIXTURES, write_cohort, write_text

from hsct_ms import paths
from hsct_ms.inputs import cohort_loading
from hsct_ms.inputs.cohort_loading import CohortInfo, analysis_problems, cohort_info, load_cohort
from hsct_ms.inputs.cohort_problems import CohortValidationError
from hsct_ms.inputs.cohort_validation import read_cohort


def test_cohort_csv_environment_variable(tmp_path, monkeypatch):
    path = write_cohort(tmp_path)
    monkeypatch.setenv("COHORT_CSV", str(path))
    assert cohort_loading.resolve_cohort_path() == path
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
    assert cohort_loading.resolve_cohort_path() == paths.SHIPPED_COHORT


def test_relative_cohort_csv_found_from_the_repository_root(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "REPO_ROOT", tmp_path)
    (tmp_path / "exports").mkdir()
    path = write_cohort(tmp_path / "exports")
    elsewhere = tmp_path / "chapters"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.setenv("COHORT_CSV", "exports/cohort.csv")
    assert cohort_loading.resolve_cohort_path() == path


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


def test_analysis_problems_need_both_compared_groups_with_a_worsening(tmp_path):
    """Oracle: the base cohort by hand (RRMS P001 worsens; progressive P003 and P005 worsen)."""
    frame = read_cohort(write_cohort(tmp_path))
    assert analysis_problems(frame, "c.csv") == []
    no_progressive = frame[frame["subtype"] == "RRMS"]
    (problem,) = analysis_problems(no_progressive, "c.csv")
    assert problem.column == "subtype" and "no progressive (SPMS or PPMS) patients" in problem.message
    no_progressive_worsening = frame.assign(worsening=frame["worsening"].where(frame["subtype"] == "RRMS", 0))
    (problem,) = analysis_problems(no_progressive_worsening, "c.csv")
    assert problem.column == "worsening" and "among the progressive (SPMS or PPMS)" in problem.message
    with pytest.raises(CohortValidationError, match="no progressive"):
        load_cohort(write_cohort(tmp_path, rows=[r for r in BASE if r[1] == "RRMS"], name="rrms.csv"))


# ---------------------------------------------------------------------------
# validate_command
# ---------------------------------------------------------------------------


def test_validate_command_ok(tmp_path, capsys):
    path = write_cohort(tmp_path)
    assert cohort_loading.validate_command(str(path)) == 0
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
    assert cohort_loading.validate_command(path) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"{path}: ") and "problem" in err.splitlines()[0]
    assert "Traceback" not in out + err
