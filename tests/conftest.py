"""Shared fixtures: the built sites (the shipped cohort's, from `make book`, and books built
here on a canary user cohort and on a small centre's cohort), each served on loopback, and
one Debian Chromium.

The whole-book builds cost the most, so each is made once per session and shared by every
test that reads it. They start in the background as soon as the tests are collected, one
after another and at low CPU priority (``nice``), so they run while the unit, R oracle and
notebook tests run; the tests that read them are moved to the end of the run and wait
for them.

Tests are marked by the folder they live in (see ``markers`` in pyproject.toml):
``tests/unit/`` mirrors ``src/hsct_ms/``; ``tests/r_oracle/`` runs R; ``tests/book/``
builds the book; ``tests/notebooks/`` and ``notebooks/*.ipynb`` check the committed
record; ``tests/browser/`` drives Chromium."""

import functools
import http.server
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pandas as pd
import pytest

from hsct_ms.reconstruction import synthetic, visits
from hsct_ms.build import pdf
from hsct_ms.paths import REPO_ROOT, SITE_DIR

# A user cohort whose ids and decimals appear nowhere else: any of them found in a
# built site is a leaked patient-level value.
CANARY_ID_PREFIX = "CANARY-q7Zx-"
#: The canary cohort's EDSS visits file, written beside it (read through VISITS_CSV).
CANARY_VISITS = "visits.csv"

CHROMIUM_ARGS = pdf.CHROMIUM_ARGS


TESTS_DIR = Path(__file__).parent
FOLDER_MARKERS = {"unit": "unit", "r_oracle": "r_oracle", "book": "book",
                  "notebooks": "notebooks", "browser": "browser", "pdf": "pdf"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        path = Path(str(item.fspath))
        if path.suffix == ".ipynb":
            item.add_marker("notebooks")
            continue
        try:
            folder = path.relative_to(TESTS_DIR).parts[0]
        except ValueError:
            continue
        if folder in FOLDER_MARKERS:
            item.add_marker(FOLDER_MARKERS[folder])


def small_centre_cohort() -> pd.DataFrame:
    """A small centre's export: 25 RRMS, 4 SPMS, 1 PPMS, no deaths, follow-up cut at 6 years,
    a single worsening among the progressive patients."""
    pool = synthetic.resampled_cohort(400, seed=5, id_prefix="SC")
    alive = pool[pool["died"] == 0]
    frame = pd.concat([alive[alive["subtype"] == "RRMS"].head(25), alive[alive["subtype"] == "SPMS"].head(4),
                       alive[alive["subtype"] == "PPMS"].head(1)], ignore_index=True)
    frame["followup_years"] = frame["followup_years"].clip(upper=6.0)
    frame["dwfs_years"] = frame[["dwfs_years", "followup_years"]].min(axis=1)
    progressive = frame["subtype"] != "RRMS"
    frame.loc[progressive, "worsening"] = 0
    first = frame.index[progressive][0]
    frame.loc[first, ["dwfs_years", "followup_years", "worsening"]] = [2.0, 4.0, 1]
    return frame


def write_canary_cohort(path: Path) -> Path:
    """A 200-patient user cohort: unique ids, times with 6 decimals, ages with 4; few deaths
    and PPMS patients, so small-count suppression has something to hide. Beside it, its
    EDSS visits (``visits.csv``, visit times with 6 decimals), which the build reads."""
    frame = synthetic.resampled_cohort(200, seed=7, id_prefix=CANARY_ID_PREFIX, time_decimals=6, age_decimals=4)
    synthetic.write_cohort(frame, path)
    visits.write_visits_for(frame, path.parent / CANARY_VISITS, time_decimals=6)
    return path


def write_small_centre_cohort(path: Path) -> Path:
    small_centre_cohort().to_csv(path, index=False)
    return path


# name -> (cohort file name, writer, fixtures whose tests read that build)
WHOLE_BOOK_BUILDS = {
    "canary": ("registry_export.csv", write_canary_cohort, {"canary_site", "site_dir"}),
    "small centre": ("small_centre.csv", write_small_centre_cohort, {"small_centre_site"}),
}
BUILDS_KEY = pytest.StashKey()
MODULE_JOBS_KEY = pytest.StashKey()


def build_env(cohort_file: Path) -> dict:
    """The environment of a whole-book build: one core; the visits file beside the cohort
    file (:data:`CANARY_VISITS`) when there is one, else none."""
    env = dict(os.environ, HSCT_MS_BUILD_PROCESSES="1")
    env.pop("VISITS_CSV", None)
    env.pop("RELAPSES_CSV", None)
    if (cohort_file.parent / CANARY_VISITS).exists():
        env["VISITS_CSV"] = str(cohort_file.parent / CANARY_VISITS)
    return env


class BackgroundBuilds:
    """Whole-book builds, each run once, one after another, in a background thread at low
    CPU priority; ``site(name)`` waits for one and fails the calling test if it failed.

    Each build is ``python -m hsct_ms book --cohort FILE --output-root DIR --quiet``, the
    strict build `COHORT_CSV=FILE make book` runs."""

    def __init__(self, names):
        self.folder = Path(tempfile.mkdtemp(prefix="hsct-test-builds-"))
        self.cohorts, self.results, self.done = {}, {}, {}
        self.process = None
        for name in names:
            file_name, writer, _ = WHOLE_BOOK_BUILDS[name]
            folder = self.folder / name.replace(" ", "_")
            folder.mkdir()
            self.cohorts[name] = writer(folder / file_name)
            self.done[name] = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(list(names),), name="book-builds", daemon=True)
        self.thread.start()

    def _run(self, names):
        for name in names:
            output_root = self.cohorts[name].parent / "out"
            command = [sys.executable, "-m", "hsct_ms", "book", "--cohort", str(self.cohorts[name]),
                       "--output-root", str(output_root), "--quiet"]
            try:
                self.process = subprocess.Popen(
                    command, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                    start_new_session=True, preexec_fn=lambda: os.nice(10),
                    # One core for these builds, the other for the tests running meanwhile.
                    env=build_env(self.cohorts[name]))
                log, _ = self.process.communicate()
                self.results[name] = (self.process.returncode, log, output_root / "_build" / "html")
            except Exception as error:  # reported by the test that reads this build
                self.results[name] = (-1, repr(error), None)
            self.done[name].set()

    def cohort(self, name) -> Path:
        return self.cohorts[name]

    def site(self, name) -> Path:
        self.done[name].wait()
        returncode, log, site = self.results[name]
        if returncode != 0:
            pytest.fail(f"the book built on the {name} cohort failed (exit {returncode}):\n{log[-6000:]}")
        return site

    def close(self):
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # our own build's process group
        self.thread.join(timeout=30)
        shutil.rmtree(self.folder, ignore_errors=True)


def needed_builds(items) -> list[str]:
    return [name for name, (_, _, fixtures) in WHOLE_BOOK_BUILDS.items()
            if any(fixtures & set(getattr(item, "fixturenames", ())) for item in items)]


class BuildScheduler:
    """A plugin whose collection hook runs last, after deselection (``-m``, ``-k``): it
    starts the whole-book builds the selected tests need, and runs those tests last."""

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, config, items):
        names = needed_builds(items)
        if names and BUILDS_KEY not in config.stash:
            config.stash[BUILDS_KEY] = BackgroundBuilds(names)
        # A test module may start its own builds: start_background_builds(folder) returns
        # name -> Future; its tests read them through the background_jobs fixture.
        jobs = config.stash.setdefault(MODULE_JOBS_KEY, {})
        for item in items:
            module = getattr(item, "module", None)
            start = getattr(module, "start_background_builds", None)
            if start is not None and "background_jobs" in item.fixturenames and module.__name__ not in jobs:
                folder = Path(tempfile.mkdtemp(prefix="hsct-test-jobs-"))
                jobs[module.__name__] = (folder, start(folder))

        def waits(item):
            return bool(needed_builds([item])) or "background_jobs" in getattr(item, "fixturenames", ())

        items[:] = [item for item in items if not waits(item)] + [item for item in items if waits(item)]


def pytest_configure(config):
    config.pluginmanager.register(BuildScheduler(), "hsct-ms-book-builds")


def pytest_unconfigure(config):
    builds = config.stash.get(BUILDS_KEY, None)
    if builds is not None:
        builds.close()
    for folder, futures in config.stash.get(MODULE_JOBS_KEY, {}).values():
        for future in futures.values():
            future.exception()  # wait: the folder is in use until the build ends
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def background_jobs(request) -> dict:
    """The builds this test module started at collection (its start_background_builds)."""
    jobs = request.config.stash.get(MODULE_JOBS_KEY, {})
    if request.module.__name__ not in jobs:  # not seen at collection: start them now
        folder = Path(tempfile.mkdtemp(prefix="hsct-test-jobs-"))
        jobs[request.module.__name__] = (folder, request.module.start_background_builds(folder))
        request.config.stash[MODULE_JOBS_KEY] = jobs
    return jobs[request.module.__name__][1]


@pytest.fixture(scope="session")
def book_builds(request) -> BackgroundBuilds:
    builds = request.config.stash.get(BUILDS_KEY, None)
    if builds is None:  # a selection the collection hook did not see: build now
        builds = request.config.stash[BUILDS_KEY] = BackgroundBuilds(list(WHOLE_BOOK_BUILDS))
    return builds


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # keep pytest's output clean
        pass


@pytest.fixture(scope="session")
def canary_cohort(book_builds) -> Path:
    """The canary user cohort (:func:`write_canary_cohort`)."""
    return book_builds.cohort("canary")


@pytest.fixture(scope="session")
def canary_env(canary_cohort) -> dict:
    """The environment the canary site was built with (:func:`build_env`: its visits file):
    a later step on that site (the PDF) must see the same inputs, or it rebuilds the site."""
    return build_env(canary_cohort)


@pytest.fixture(scope="session")
def canary_site(book_builds) -> Path:
    """The whole book built on the canary cohort, as `COHORT_CSV=... make book` would."""
    return book_builds.site("canary")


@pytest.fixture(scope="session")
def small_centre_site(book_builds) -> Path:
    """The whole book built on the small centre's cohort (:func:`small_centre_cohort`)."""
    return book_builds.site("small centre")


@pytest.fixture(scope="session", params=["shipped cohort", "user cohort"])
def site_dir(request) -> Path:
    """Each built site in turn: _build/html (make book) and the canary user-cohort build."""
    if request.param == "shipped cohort":
        if not (SITE_DIR / "index.html").is_file():
            pytest.fail(f"{SITE_DIR / 'index.html'} does not exist: run `make book` first")
        return SITE_DIR
    return request.getfixturevalue("canary_site")


@pytest.fixture(scope="session")
def site_url(site_dir):
    """Base URL (ending in '/') of the site served on 127.0.0.1, on a free port."""
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def chromium():
    """Headless Debian Chromium driven by Playwright (its own browser download is not used)."""
    executable = shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )
    if executable is None:
        pytest.fail("Chromium not found: install Debian's chromium (see .ci/run)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_context(chromium):
    """A fresh profile (no storage, no cache) for each test."""
    context = chromium.new_context()
    context.set_default_timeout(15_000)
    try:
        yield context
    finally:
        context.close()
