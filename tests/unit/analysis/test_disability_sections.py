"""Tests of hsct_ms.display.disability_sections: the agreement section when the cohort file
gives its endpoint and when it gives none (derived from the visits).

Oracle: a four-patient cohort and visits written here, whose derived worsenings under
the default rule are worked out by hand (A: +1.0 from 3.0 at 1 y, held; C: +0.5 above
5.5 at 1 y, held; B and D unchanged).
"""

import pytest

from hsct_ms import chapter
from hsct_ms.display import disability_sections as sections
from hsct_ms.inputs.visits import load_visits
from hsct_ms.stats import disability
from hsct_ms.stats.disability import DEFAULT_RULE

HEADER = "patient_id,subtype,age,baseline_edss,transplant_year,followup_years,died"
ROWS = ["A,RRMS,30,3.0,2010,3.0,0", "B,RRMS,40,2.0,2011,2.0,0",
        "C,SPMS,50,6.0,2012,3.0,0", "D,PPMS,45,4.0,2013,2.0,0"]
ENDPOINT = {"A": "1.0,1", "B": "2.0,0", "C": "1.0,1", "D": "2.0,0"}
VISITS = """patient_id,years_since_transplant,edss
A,1.0,4.0
A,2.0,4.0
A,3.0,4.0
B,1.0,2.0
B,2.0,2.0
C,1.0,6.5
C,2.0,6.5
C,3.0,6.5
D,1.0,4.0
D,2.0,4.0
"""


@pytest.fixture(autouse=True)
def files(tmp_path, monkeypatch):
    monkeypatch.setenv(disability.CACHE_VARIABLE, str(tmp_path / "cache"))
    monkeypatch.delenv("RELAPSES_CSV", raising=False)
    visits = tmp_path / "visits.csv"
    visits.write_text(VISITS)
    monkeypatch.setenv("VISITS_CSV", str(visits))
    return tmp_path


def write(folder, with_endpoint):
    path = folder / ("with.csv" if with_endpoint else "without.csv")
    if with_endpoint:
        lines = [HEADER.replace(",died", ",dwfs_years,worsening,died")]
        lines += [r.rsplit(",", 1)[0] + f",{ENDPOINT[r[0]]}," + r.rsplit(",", 1)[1] for r in ROWS]
    else:
        lines = [HEADER] + ROWS
    path.write_text("\n".join(lines) + "\n")
    return path


def test_without_an_endpoint_the_section_says_it_was_derived(files):
    ctx = chapter.context(write(files, with_endpoint=False))
    assert ctx.cohort.endpoint_derived
    derived, values, table = sections.agreement(ctx, load_visits(ctx.patients))
    assert dict(zip(derived["patient_id"], derived["worsening"])) == {"A": 1, "B": 0, "C": 1, "D": 0}
    assert "gives no endpoint" in values["disability_agreement_sentence"]
    assert DEFAULT_RULE.label in values["disability_agreement_summary"]
    assert "visits.csv" in values["disability_agreement_summary"]
    assert values["disability_worsening_derived"] == ctx.count(2)
    assert list(table.frame.columns) == ["Group", "Patients", "Worsenings derived from visits"]
    assert "gives no endpoint" in table.caption


def test_with_an_endpoint_the_section_compares(files):
    ctx = chapter.context(write(files, with_endpoint=True))
    assert not ctx.cohort.endpoint_derived
    _, values, table = sections.agreement(ctx, load_visits(ctx.patients))
    # The file's endpoint is the hand-worked one: every patient agrees.
    assert values["disability_same"] == ctx.count(4)
    assert values["disability_agreement_sentence"] == (
        f"The endpoint derived from the visits {values['disability_visits_verb']} the cohort file's: "
        f"{ctx.count(4)} of {ctx.count(4)} patients have the same status and time, with "
        f"{ctx.count(2)} worsenings derived")
    assert "Worsenings in the cohort file" in table.frame.columns


def test_without_visits_nothing_is_compared(files):
    ctx = chapter.context(write(files, with_endpoint=True))
    _, values, _ = sections.agreement(ctx, None)
    assert "no visits file" in values["disability_agreement_sentence"]
