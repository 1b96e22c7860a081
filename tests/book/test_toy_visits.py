"""The whole book on pymsprog's own toy data: a cohort file with no endpoint, plus visits.

Oracle: ``pymsprog.MSprog`` called directly on the toy visits and relapses (days from each
patient's first visit, computed here from the toy's dates) with the book's recorded
settings (``DEFAULT_RULE.msprog_kwargs()``), against the endpoint the book derived and
cached while it built; and the strict build itself (any failing cell, warning or output on
stderr fails it) on a cohort of seven patients, where every chapter must show "not
estimable" or "withheld" rather than crash (issue 13: every valid file builds).

pymsprog's toy data have visits (dates, EDSS) and relapses (dates) of seven patients and
nothing else. The cohort file below makes up the rest, by these stated assumptions:

- transplant at the first visit: ``transplant_date`` is its date (the visits file gives
  ``visit_date``, so the book turns dates into years since transplant), ``transplant_year``
  its year, ``baseline_edss`` its EDSS;
- follow-up to the last visit: ``followup_years`` is the days to it over 365.25, written
  rounded up at the sixth decimal; nobody died;
- subtype by id: 1 to 4 RRMS, 5 and 6 SPMS, 7 PPMS (the toy data have none; this split
  puts a derived worsening, of patients 2, 5 and 7, in each group the book compares, which
  it needs for the log-rank test and the Cox model);
- age 25 + 5 x id years.

The cohort file has no ``dwfs_years`` and no ``worsening``: the book derives them.

The build starts in the background when the tests are collected (tests/conftest.py calls
:func:`start_background_builds`), the way
``COHORT_CSV=cohort.csv VISITS_CSV=visits.csv RELAPSES_CSV=relapses.csv make book`` builds.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pymsprog
import pytest

from hsct_ms.build import book
from hsct_ms.inputs.cohort_schema import DERIVABLE_COLUMNS
from hsct_ms.paths import REPO_ROOT
from hsct_ms.stats.disability import CACHE_VARIABLE, DEFAULT_RULE

#: The environment at collection, without the book's inputs (as test_extreme_cohorts.py).
ENV_AT_COLLECTION = {key: value for key, value in os.environ.items()
                     if key not in ("COHORT_CSV", "VISITS_CSV", "RELAPSES_CSV", "HSCT_MS_MIN_COUNT",
                                    CACHE_VARIABLE)}
SUBTYPES = {"1": "RRMS", "2": "RRMS", "3": "RRMS", "4": "RRMS", "5": "SPMS", "6": "SPMS", "7": "PPMS"}
def toy_data() -> tuple[pd.DataFrame, pd.DataFrame]:
    """pymsprog's toy visits and relapses, ids as text, with ``day`` from each patient's
    first visit computed from the dates."""
    visits, relapses = pymsprog.load_toy_data()
    visits, relapses = visits.assign(id=visits["id"].astype(str)), relapses.assign(id=relapses["id"].astype(str))
    first = pd.to_datetime(visits.groupby("id")["date"].min())
    for frame in (visits, relapses):
        frame["day"] = (pd.to_datetime(frame["date"]) - frame["id"].map(first)).dt.days.astype(float)
    return visits, relapses


def write_files(folder: Path) -> dict[str, Path]:
    """The toy patients as a cohort file without the endpoint, a visits and a relapses file."""
    visits, relapses = toy_data()
    by_patient = visits.sort_values("day").groupby("id")
    first, last = by_patient.first(), by_patient.last()
    ids = list(first.index)
    cohort = pd.DataFrame({
        "patient_id": ids,
        "subtype": [SUBTYPES[i] for i in ids],
        "age": [25 + 5 * int(i) for i in ids],
        "baseline_edss": first["EDSS"].to_numpy(),
        "transplant_year": pd.to_datetime(first["date"]).dt.year.to_numpy(),
        "followup_years": np.ceil(last["day"].to_numpy() / 365.25 * 1e6) / 1e6,
        "died": 0,
        "transplant_date": first["date"].to_numpy(),
    })
    files = {"cohort": folder / "cohort.csv", "visits": folder / "visits.csv",
             "relapses": folder / "relapses.csv"}
    cohort.to_csv(files["cohort"], index=False)
    pd.DataFrame({"patient_id": visits["id"], "visit_date": visits["date"],
                  "edss": visits["EDSS"]}).to_csv(files["visits"], index=False)
    pd.DataFrame({"patient_id": relapses["id"], "onset_date": relapses["date"]}).to_csv(
        files["relapses"], index=False)
    return files


def build(folder: Path) -> tuple[subprocess.CompletedProcess, dict, Path, float, float]:
    """Build the book on the toy files (strict, quiet): result, files, output root,
    seconds taken, and the time it started."""
    os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)  # as the other background builds
    files = write_files(folder)
    output_root = folder / "out"
    started_at, started = time.time(), time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "hsct_ms", "book", "--cohort", str(files["cohort"]),
         "--output-root", str(output_root), "--quiet"], cwd=REPO_ROOT, capture_output=True, text=True,
        env=dict(ENV_AT_COLLECTION, HSCT_MS_BUILD_PROCESSES="1", VISITS_CSV=str(files["visits"]),
                 RELAPSES_CSV=str(files["relapses"])))
    return result, files, output_root, time.perf_counter() - started, started_at


def start_background_builds(folder: Path) -> dict:
    pool = ThreadPoolExecutor(1, thread_name_prefix="toy-book")
    futures = {"toy": pool.submit(build, folder)}
    pool.shutdown(wait=False)
    return futures


@pytest.fixture
def toy_build(background_jobs):
    result, files, output_root, seconds, started_at = background_jobs["toy"].result()
    log = result.stdout + result.stderr
    assert result.returncode == 0, f"the book on pymsprog's toy data failed:\n{log[-6000:]}"
    assert "Traceback" not in log
    return files, output_root, seconds, started_at, log


def test_the_toy_cohort_file_has_no_endpoint():
    # What the build below is about: the cohort file gives no dwfs_years/worsening.
    visits, relapses = toy_data()
    assert (visits.groupby("id")["day"].min() == 0).all()
    assert (visits["day"] == visits["visit_day"]).all() and (relapses["day"] == relapses["visit_day"]).all()
    assert visits["id"].nunique() == 7 and len(relapses) > 0


def test_the_whole_book_builds_on_the_toy_data(toy_build):
    files, output_root, _, _, log = toy_build
    header = files["cohort"].read_text().splitlines()[0].split(",")
    assert not set(DERIVABLE_COLUMNS) & set(header)
    site = output_root / "_build" / "html"
    for page in book.toc_pages():
        assert (site / f"{page}.html").is_file(), page
    assert "EDSS events of 7 patients" in log


def test_the_derived_events_equal_msprog_called_directly(toy_build, monkeypatch):
    files, output_root, *_ = toy_build
    # The endpoint the book derived, read from the build's own cache: deriving again fails.
    monkeypatch.setenv(CACHE_VARIABLE, str(output_root / "_build" / ".disability_cache"))
    from hsct_ms.inputs.cohort import load_cohort
    from hsct_ms.stats import disability

    monkeypatch.setattr(disability, "_derive_chunk", lambda task: pytest.fail("not derived by the build"))
    ours = load_cohort(files["cohort"], visits=files["visits"], relapses=files["relapses"])
    assert ours.attrs["cohort"].derived_rule == DEFAULT_RULE.label
    ours = ours.set_index("patient_id")

    visits, relapses = toy_data()
    _, direct = pymsprog.MSprog(visits[["id", "day", "EDSS"]], "id", "EDSS", "day",
                                relapse=relapses[["id", "day"]], **DEFAULT_RULE.msprog_kwargs())
    direct = direct.assign(id=direct["id"].astype(str)).set_index("id")
    assert sorted(ours.index) == sorted(direct.index)
    events = (direct["event_type"] == "CDW").astype(int)
    assert ours["worsening"].to_dict() == events.to_dict()
    assert 0 < events.sum() < len(events), "both outcomes must occur, or the comparison is weak"
    np.testing.assert_allclose(ours["dwfs_years"].reindex(direct.index) * 365.25, direct["time2event"],
                               atol=0.5)


def test_the_derivation_is_cached_under_the_output_root_only(toy_build):
    _, output_root, _, started_at, log = toy_build
    cache = output_root / "_build" / ".disability_cache"
    written = {p.name for p in cache.glob("*.csv")}
    from hsct_ms.analysis.disability import PREDERIVED_RULES

    # The driver derived every rule the chapters use before they ran: the default rule
    # while validating the cohort file (which has no endpoint), the others after it ...
    assert f"{len(PREDERIVED_RULES) - 1} derived, 1 read from the cache" in log
    # ... and the chapters looked them up under the same keys: a kernel's lookup under
    # another key would have derived again and written one more file.
    assert len(written) == len(PREDERIVED_RULES)
    assert all(p.stat().st_mtime >= started_at for p in cache.glob("*.csv"))
    repo_cache = REPO_ROOT / "_build" / ".disability_cache"
    in_repo = {p.name for p in repo_cache.glob("*.csv")} if repo_cache.is_dir() else set()
    assert not written & in_repo, "the --output-root build wrote into the repository's cache"


def test_the_small_toy_cohort_is_shown_as_withheld_or_not_estimable(toy_build):
    _, output_root, *_ = toy_build
    site = output_root / "_build" / "html" / "chapters"
    pages = {name: (site / f"{name}.html").read_text() for name in ("cohort", "outcomes", "disability")}
    for name, html in pages.items():
        assert "withheld" in html or "not estimable" in html or "&lt;5" in html, name
    # The pages say where the endpoint of this build comes from.
    data_page = (site / "data.html").read_text()
    for html in (pages["disability"], data_page):
        assert "the cohort file gives no endpoint" in html
        assert DEFAULT_RULE.label in html
