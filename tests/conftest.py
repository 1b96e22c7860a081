"""Shared fixtures: the built sites (the shipped cohort's, from `make book`, and one built
here on a canary user cohort), each served on loopback, and one Debian Chromium.

Tests are marked by the folder they live in (see ``markers`` in pyproject.toml):
``tests/unit/`` mirrors ``src/hsct_ms/``; ``tests/r_oracle/`` runs R; ``tests/book/``
builds the book; ``tests/notebooks/`` and ``notebooks/*.ipynb`` check the committed
record; ``tests/browser/`` drives Chromium."""

import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest

from hsct_ms.build import book
from hsct_ms.reconstruction import synthetic
from hsct_ms.paths import SITE_DIR

# A user cohort whose ids and decimals appear nowhere else: any of them found in a
# built site is a leaked patient-level value.
CANARY_ID_PREFIX = "CANARY-q7Zx-"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


TESTS_DIR = Path(__file__).parent
FOLDER_MARKERS = {"unit": "unit", "r_oracle": "r_oracle", "book": "book",
                  "notebooks": "notebooks", "browser": "browser"}


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


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # keep pytest's output clean
        pass


@pytest.fixture(scope="session")
def canary_cohort(tmp_path_factory) -> Path:
    """A 200-patient user cohort: unique ids, times with 6 decimals, ages with 4; few deaths
    and PPMS patients, so small-count suppression has something to hide."""
    path = tmp_path_factory.mktemp("canary") / "registry_export.csv"
    frame = synthetic.resampled_cohort(200, seed=7, id_prefix=CANARY_ID_PREFIX, time_decimals=6, age_decimals=4)
    synthetic.write_cohort(frame, path)
    return path


@pytest.fixture(scope="session")
def canary_site(tmp_path_factory, canary_cohort) -> Path:
    """The whole book built on the canary cohort, as `COHORT_CSV=... make book` would."""
    output_root = tmp_path_factory.mktemp("canary_build")
    assert book.build_book(cohort_path=canary_cohort, output_root=output_root) == 0
    return output_root / "_build" / "html"


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
