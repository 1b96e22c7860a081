"""Whole-book builds on the extreme shapes of issue 13: every valid cohort builds.

Oracle: the strict build itself (any failing cell, warning or output on stderr fails
it) on three valid files the validator accepts:

- a registry export of 100,000 patients transplanted over 23 years (1997-2019) with
  worsening in every month of follow-up, whose Kaplan-Meier step data grew with its
  distinct event times before chart data were bounded by their grid;
- a small centre's 12 patients (6 RRMS, 6 SPMS, one worsening in each group);
- 30 patients.

The builds start in the background when the tests are collected (tests/conftest.py
calls :func:`start_background_builds`), one after another at low CPU priority, the way
`COHORT_CSV=FILE make book` builds.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd

from hsct_ms.build import book
from hsct_ms.paths import REPO_ROOT

sys.path.insert(0, str(Path(__file__).parents[1] / "unit" / "properties"))
import cohort_shapes  # noqa: E402  (shared with the generated-cohort tests)

EXTREME_COHORTS = {
    "registry": ("registry_100000.csv", lambda: cohort_shapes.registry_cohort(100_000)),
    "centre": ("centre_12.csv", cohort_shapes.centre_cohort),
    "small": ("small_30.csv", cohort_shapes.small_cohort),
}

#: The environment when the tests were collected, before any test could set a variable in
#: it (the builds run in a background thread while other tests monkeypatch os.environ),
#: without the book's own inputs: each build names its cohort, and has no visits file.
ENV_AT_COLLECTION = {key: value for key, value in os.environ.items()
                     if key not in ("COHORT_CSV", "VISITS_CSV", "RELAPSES_CSV", "HSCT_MS_MIN_COUNT")}


def build(folder: Path, name: str) -> tuple[subprocess.CompletedProcess, Path, pd.DataFrame]:
    """Write the cohort ``name`` and build the book on it (strict, quiet); the site's folder."""
    os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
    file_name, make = EXTREME_COHORTS[name]
    (folder / name).mkdir(parents=True)
    frame = make()
    path = folder / name / file_name
    frame.to_csv(path, index=False)
    output_root = folder / name / "out"
    result = subprocess.run(
        [sys.executable, "-m", "hsct_ms", "book", "--cohort", str(path), "--output-root", str(output_root),
         "--quiet"], cwd=REPO_ROOT, capture_output=True, text=True,
        env=dict(ENV_AT_COLLECTION, HSCT_MS_BUILD_PROCESSES="1"))
    return result, output_root / "_build" / "html", frame


def start_background_builds(folder: Path) -> dict:
    """Start the builds of EXTREME_COHORTS, one at a time; name -> Future of :func:`build`."""
    pool = ThreadPoolExecutor(1, thread_name_prefix="extreme-book")
    futures = {name: pool.submit(build, folder, name) for name in EXTREME_COHORTS}
    pool.shutdown(wait=False)
    return futures


def built_site(background_jobs, name) -> Path:
    result, site, _ = background_jobs[name].result()
    log = result.stdout + result.stderr
    assert result.returncode == 0, f"the book on the {name} cohort failed:\n{log[-6000:]}"
    assert "Traceback" not in log
    for page in book.toc_pages():
        assert (site / f"{page}.html").is_file(), page
    return site


def test_the_registry_shape_has_events_in_every_month_and_builds(background_jobs):
    _, _, frame = background_jobs["registry"].result()
    events = frame[frame["worsening"] == 1]
    months = set((events["dwfs_years"] * 12).apply(int))
    assert len(frame) == 100_000 and months >= set(range(23 * 12))
    assert frame["transplant_year"].min() == 1997 and frame["transplant_year"].max() == 2019
    site = built_site(background_jobs, "registry")
    assert "vega" in (site / "chapters" / "outcomes.html").read_text().lower()


def test_a_twelve_patient_centre_builds(background_jobs):
    _, _, frame = background_jobs["centre"].result()
    assert frame.groupby("subtype")["worsening"].agg(["size", "sum"]).values.tolist() == [[6, 1], [6, 1]]
    built_site(background_jobs, "centre")


def test_thirty_patients_build(background_jobs):
    built_site(background_jobs, "small")
