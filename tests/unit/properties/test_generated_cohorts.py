"""Generated cohorts: every chapter either gives its results or refuses with a clear message.

Oracle: the contract of issue 13. For any cohort file that follows the schema
(:mod:`strategies`), each chapter's code (run outside a kernel by :mod:`chapter_code`,
so exactly the analyses and display builders a build calls) either completes, with every
chart inside the row bound of its grid, or stops with the validator's
``CohortValidationError`` (before any analysis) or ``hsct_ms.errors.CannotCompute``,
whose message names the file or the result, the reason and a remedy. Any other
exception, or a warning (which fails the strict build), fails the test.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings

import chapter_code
import cohort_shapes
import strategies
from hsct_ms import terms
from hsct_ms.display import charts, cohort_charts, km_figure, limitations_charts
from hsct_ms.errors import CannotCompute
from hsct_ms.inputs.cohort_problems import CohortValidationError

# Each example runs every chapter (about 5 s on this machine): few examples, no deadline,
# a fixed seed (reproducible in CI), no example database in the repository, and no
# shrinking (each step would run every chapter again; the failing cohort is printed as is).
settings.register_profile("chapters", max_examples=3, deadline=None, derandomize=True, database=None,
                          phases=[Phase.explicit, Phase.generate],
                          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                 HealthCheck.too_slow, HealthCheck.data_too_large])
CHAPTERS = settings.get_profile("chapters")
SOURCES = chapter_code.chapter_sources()


def check_cohort(frame, tmp_path, monkeypatch):
    """Run every chapter on ``frame`` written as a file; return chapter -> ChapterRun."""
    path = tmp_path / "generated_export.csv"
    frame.to_csv(path, index=False)
    runs = {}
    for name, source in SOURCES.items():
        run = chapter_code.run_chapter(name, source, path, monkeypatch)
        runs[name] = run
        for figure in run.figures:
            assert figure.data_rows <= figure.row_bound, f"{name}: a chart above its grid bound"
        if isinstance(run.refusal, CohortValidationError):
            # The validator speaks before any analysis, naming the file and the column.
            assert "generated_export.csv" in str(run.refusal)
            assert all(p.column for p in run.refusal.problems)
        elif isinstance(run.refusal, CannotCompute):
            assert run.refusal.what and run.refusal.why and run.refusal.remedy
            assert "Traceback" not in str(run.refusal)
    # A file the validator refuses is refused by every chapter (they all load it first).
    refused = [isinstance(r.refusal, CohortValidationError) for r in runs.values()]
    assert all(refused) or not any(refused)
    errors = {name: run for name, run in runs.items() if run.error is not None}
    summary = "\n".join(f"{name}: {type(run.error).__name__} at {run.where()}: {str(run.error)[:300]}"
                        for name, run in errors.items())
    assert not errors, "neither a result nor a clear refusal:\n" + summary
    return runs


def test_chapters_are_found():
    assert {"cohort", "outcomes", "limitations", "comparison", "data"} <= set(SOURCES)
    assert all("chapter.context()" in source for source in SOURCES.values() if "ctx" in source)


@settings(CHAPTERS)
@given(frame=strategies.cohorts(min_n=4, max_n=60))
def test_small_generated_cohorts(frame, tmp_path_factory, monkeypatch):
    check_cohort(frame, tmp_path_factory.mktemp("small"), monkeypatch)


@settings(CHAPTERS, max_examples=1)
@given(frame=strategies.cohorts(min_n=300, max_n=2000, force_events=True))
def test_larger_generated_cohorts(frame, tmp_path_factory, monkeypatch):
    runs = check_cohort(frame, tmp_path_factory.mktemp("large"), monkeypatch)
    assert not any(isinstance(r.refusal, CohortValidationError) for r in runs.values())


@pytest.mark.parametrize("shape", strategies.SHAPES)
def test_each_time_shape_on_a_handful_of_patients(shape, tmp_path, monkeypatch):
    # The hard shapes on the smallest cohorts a centre could send, with deaths, a single
    # PPMS patient and ages and EDSS at their limits.
    frame = strategies.build_cohort(n=8, span=1, last_year=2015, shape=shape, deaths=True, single_ppms=True,
                                    edge_values=True, force_events=True, seed=13)
    runs = check_cohort(frame, tmp_path, monkeypatch)
    assert not any(isinstance(r.refusal, CohortValidationError) for r in runs.values())


def test_a_cohort_without_a_progressive_worsening_is_refused_by_the_validator(tmp_path, monkeypatch):
    frame = strategies.build_cohort(n=20, span=5, last_year=2015, shape="spread", deaths=False,
                                    single_ppms=False, edge_values=False, force_events=True, seed=3)
    frame.loc[frame["subtype"] != "RRMS", "worsening"] = 0
    runs = check_cohort(frame, tmp_path, monkeypatch)
    assert all(isinstance(r.refusal, CohortValidationError) for r in runs.values())
    assert "no worsening" in str(runs["outcomes"].refusal)


def test_a_registry_of_100000_patients_gives_charts_within_their_grid_bound():
    # Events in every month of 23 years: the Kaplan-Meier charts follow the month grid,
    # not the ~60,000 distinct event times (chart builders called directly: a whole-book
    # build on this shape is in tests/book/test_extreme_cohorts.py).
    frame = cohort_shapes.registry_cohort(100_000)
    assert frame.loc[frame["worsening"] == 1, "dwfs_years"].nunique() > 20_000
    figures = [
        charts.figure(km_figure.km_figure(terms.group_members(frame), min_count=5), "km"),
        charts.figure(limitations_charts.unrecorded_events_chart(
            terms.group_members(frame, terms.COMPARED_GROUPS), 0.5, "One half", min_count=5), "unrecorded"),
        charts.figure(cohort_charts.followup_chart(cohort_charts.followup_counts(frame, min_count=5)), "follow-up"),
    ]
    for figure in figures:
        assert figure.data_rows <= figure.row_bound
    assert figures[0].data_rows > 4 * 23 * 12  # every month of every group is there
    # On the month grid the tooltips and the at-risk table still give the same numbers.
    datasets = [pd.DataFrame(rows) for rows in figures[0].spec["datasets"].values() if rows]
    (curve,) = [d for d in datasets if "survival" in d]
    (table,) = [d for d in datasets if "survival" not in d and "at_risk_label" in d]
    merged = table.merge(curve[["group", "time", "at_risk_label"]], on=["group", "time"], suffixes=("", "_tip"))
    assert len(merged) == len(table) and (merged["at_risk_label"] == merged["at_risk_label_tip"]).all()
