"""Fixtures of the browser test (tests/test_site_in_browser.py): the built site served
on loopback, and one Debian Chromium for the whole session."""

import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest

from hsct_ms.paths import SITE_DIR

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # keep pytest's output clean
        pass


@pytest.fixture(scope="session")
def site_url():
    """Base URL (ending in '/') of _build/html served on 127.0.0.1, on a free port."""
    if not (SITE_DIR / "index.html").is_file():
        pytest.fail(f"{SITE_DIR / 'index.html'} does not exist: run `make book` first")
    handler = functools.partial(_QuietHandler, directory=str(SITE_DIR))
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
