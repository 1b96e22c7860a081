"""The built site works in a browser that cannot reach the internet: every page loads
without script errors, every chart draws, described for screen readers, from the
Vega bundle shipped with the site, also when the site is opened from disk (file://),
and the chart legend toggles the curves.

oracle: a real browser, Chromium, with the network limited to loopback. Playwright
drives Debian's Chromium; every request a page makes is recorded, and any request
that would leave 127.0.0.1 is recorded, aborted and reported. The pages are the ones
of _toc.yml (hsct_ms.build.book.toc_pages) plus the root index.html, for each built site
(the `site_dir` fixture of tests/conftest.py: _build/html from `make book`, and the
book built on a canary user cohort), served on loopback by the `site_url` fixture.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from hsct_ms.build.book import toc_pages

TOC_PAGES = toc_pages()
ROOT_PAGE = TOC_PAGES[0]
# "index" is the site's root index.html, a redirect to the first page of the toc.
PAGES = ["index", *TOC_PAGES]
# Pages that must draw at least one chart, so the chart checks cannot pass vacuously.
PAGES_WITH_CHARTS = ["chapters/data", "chapters/cohort", "chapters/outcomes", "chapters/limitations",
                     "chapters/comparison"]

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
BUNDLE = "_static/vega-bundle.js"
CHART_TIMEOUT_MS = 15_000
# Script sources that would mean the site depends on a CDN.
CDN_MARKERS = ("cdn.jsdelivr", "unpkg.com", "https://cdn")


def leaves_loopback(url: str, allow_file: bool = False) -> bool:
    """True when fetching ``url`` would leave this machine's loopback interface."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob"):
        return False
    if parts.scheme == "file":
        return not allow_file
    if parts.scheme in ("http", "https", "ws", "wss"):
        return parts.hostname not in LOOPBACK_HOSTS
    return True


def is_theme_mode_notice(message) -> bool:
    """pydata-sphinx-theme (under sphinx-book-theme) logs, with console.error,
    "Got invalid theme mode: . Resetting to auto." on a fresh profile, when no mode is
    stored in localStorage yet; it then picks the light/dark mode itself. It is the
    only console error tolerated, matched on its text and on the script that logs it."""
    return (
        "invalid theme mode" in message.text
        and "pydata-sphinx-theme" in (message.location or {}).get("url", "")
    )


@dataclass
class Record:
    requests: list = field(default_factory=list)
    blocked: list = field(default_factory=list)
    console_errors: list = field(default_factory=list)
    page_errors: list = field(default_factory=list)

    def errors_text(self) -> str:
        lines = [f"  console.error: {text}" for text in self.console_errors]
        lines += [f"  page error: {text}" for text in self.page_errors]
        return "\n".join(lines) or "  (no console or page errors)"


def open_watched_page(context, allow_file: bool = False):
    """A new page whose requests, console errors and uncaught errors are recorded;
    requests that would leave loopback are aborted (and still recorded)."""
    record = Record()

    def route(route):
        if leaves_loopback(route.request.url, allow_file):
            record.blocked.append(route.request.url)
            route.abort("blockedbyclient")
        else:
            route.continue_()

    context.route("**/*", route)
    page = context.new_page()
    page.on("request", lambda request: record.requests.append(request.url))
    page.on(
        "console",
        lambda message: record.console_errors.append(
            f"{message.text} (at {(message.location or {}).get('url', '?')})"
        )
        if message.type == "error" and not is_theme_mode_notice(message)
        else None,
    )
    # Vega warns when the bundled runtime is not the one the specs were compiled for.
    page.on(
        "console",
        lambda message: record.console_errors.append(f"version mismatch: {message.text}")
        if message.type == "warning" and "compiled spec uses Vega" in message.text
        else None,
    )
    page.on("pageerror", lambda error: record.page_errors.append(str(error)))
    return page, record


# True once every div.vega-chart holds an <svg> with a size and at least one drawn mark
# (a non-empty path, or a line/rect/circle, inside a data-mark group, g.role-mark).
CHARTS_DRAWN_JS = """() => Array.from(document.querySelectorAll("div.vega-chart")).every(div => {
    const svg = div.querySelector("svg");
    if (!svg) return false;
    const box = svg.getBoundingClientRect();
    const marks = Array.from(svg.querySelectorAll(
        "g.role-mark path, g.role-mark line, g.role-mark rect, g.role-mark circle"
    )).filter(el => el.tagName !== "path" || (el.getAttribute("d") || "").length > 0);
    return box.width > 0 && box.height > 0 && marks.length > 0;
})"""

CHARTS_STATE_JS = """() => Array.from(document.querySelectorAll("div.vega-chart")).map(div => {
    const svg = div.querySelector("svg");
    const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
    const marks = svg ? Array.from(svg.querySelectorAll(
        "g.role-mark path, g.role-mark line, g.role-mark rect, g.role-mark circle"
    )).filter(el => el.tagName !== "path" || (el.getAttribute("d") || "").length > 0).length : 0;
    return {
        id: div.id,
        label: (div.getAttribute("aria-label") || "").trim(),
        svg: !!svg,
        width: box.width,
        height: box.height,
        marks: marks,
        html: div.innerHTML.slice(0, 200),
    };
})"""


def chart_problems(page, record, where: str) -> tuple[list[str], list[dict]]:
    """Wait until every chart of ``page`` is drawn; return (problems, chart states)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    problems = []
    try:
        page.wait_for_function(CHARTS_DRAWN_JS, timeout=CHART_TIMEOUT_MS)
    except PlaywrightTimeoutError:
        problems.append(
            f"{where}: not every chart drew within {CHART_TIMEOUT_MS / 1000:.0f} s; "
            f"errors seen:\n{record.errors_text()}"
        )
    charts = page.evaluate(CHARTS_STATE_JS)
    for chart in charts:
        name = f"{where}: chart #{chart['id']}"
        if not chart["svg"]:
            problems.append(f"{name} has no <svg> (content: {chart['html']!r})")
        elif chart["width"] <= 0 or chart["height"] <= 0:
            problems.append(f"{name} has an empty svg ({chart['width']}x{chart['height']})")
        elif chart["marks"] == 0:
            problems.append(f"{name} has an svg without any drawn mark (g.role-mark path)")
        if not chart["label"]:
            problems.append(f"{name} has no aria-label describing it")
    return problems, charts


def page_url(site_url: str, name: str) -> str:
    return f"{site_url}{name}.html"


def test_the_toc_names_the_pages_that_must_have_charts():
    missing = [name for name in PAGES_WITH_CHARTS if name not in TOC_PAGES]
    assert not missing, f"pages expected to hold charts are not in _toc.yml: {missing}"


@pytest.mark.parametrize("name", PAGES, ids=[f"{name}.html" for name in PAGES])
def test_page_loads_offline_without_errors_and_draws_its_charts(name, site_url, browser_context):
    page, record = open_watched_page(browser_context)
    page.goto(page_url(site_url, name), wait_until="load")
    where = f"{name}.html"
    if name == "index":
        # The root index.html is a redirect to the first page of the table of contents.
        target = page_url(site_url, ROOT_PAGE)
        page.wait_for_url(target, timeout=CHART_TIMEOUT_MS)
        page.wait_for_load_state("load")
        where = f"index.html (redirected to {ROOT_PAGE}.html)"

    problems, charts = chart_problems(page, record, where)
    page.wait_for_load_state("networkidle")

    off_loopback = [url for url in record.requests if leaves_loopback(url)]
    problems += [f"{where}: request leaves loopback: {url}" for url in off_loopback]
    problems += [
        f"{where}: request leaves loopback (aborted): {url}"
        for url in record.blocked
        if url not in off_loopback
    ]
    problems += [f"{where}: console.error: {text}" for text in record.console_errors]
    problems += [f"{where}: uncaught page error: {text}" for text in record.page_errors]

    if name in PAGES_WITH_CHARTS and not charts:
        problems.append(f"{where}: expected at least one div.vega-chart, found none")

    if charts:
        bundle_requests = [
            url for url in record.requests
            if urlsplit(url).path.endswith("/" + BUNDLE) and not leaves_loopback(url)
        ]
        if not bundle_requests:
            problems.append(
                f"{where}: has {len(charts)} chart(s) but never fetched {BUNDLE} from the site "
                f"(requests: {record.requests})"
            )
        bundle_scripts = page.evaluate(
            """(bundle) => Array.from(document.scripts)
                .filter(s => (s.getAttribute("src") || "").endsWith(bundle)).length""",
            "vega-bundle.js",
        )
        if bundle_scripts != 1:
            problems.append(f"{where}: vega-bundle.js is loaded by {bundle_scripts} scripts, expected 1")

    external_scripts = page.evaluate(
        """() => Array.from(document.scripts).map(s => s.src)
            .filter(src => src && !src.startsWith(location.origin + "/"))"""
    )
    problems += [f"{where}: script loaded from outside the site: {src}" for src in external_scripts]

    assert not problems, f"{where} ({len(charts)} charts):\n" + "\n".join(problems)


class _ScriptSources(HTMLParser):
    def __init__(self):
        super().__init__()
        self.sources = []

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.sources += [value or "" for key, value in attrs if key == "src"]


def test_no_page_loads_a_script_from_a_cdn(site_dir):
    pages = sorted(
        path for path in site_dir.rglob("*.html")
        if path.relative_to(site_dir).parts[0] not in ("_static", "_sources")
    )
    problems = []
    for path in pages:
        parser = _ScriptSources()
        parser.feed(path.read_text(encoding="utf-8"))
        for src in parser.sources:
            parts = urlsplit(src)
            if any(marker in src for marker in CDN_MARKERS) or parts.scheme or parts.netloc:
                problems.append(f"{path.relative_to(site_dir)}: <script src={src!r}>")
    assert not problems, "scripts loaded from outside the site:\n" + "\n".join(problems)


@pytest.mark.parametrize("name", PAGES_WITH_CHARTS)
def test_charts_draw_when_the_site_is_opened_from_disk(name, site_dir, browser_context):
    """Readers open a downloaded site by double-clicking: file://, no server at all."""
    path = site_dir / f"{name}.html"
    if not path.is_file():
        pytest.fail(f"{path} does not exist: run `make book` first")
    page, record = open_watched_page(browser_context, allow_file=True)
    page.goto(path.as_uri(), wait_until="load")
    where = f"{path.as_uri()}"
    problems, charts = chart_problems(page, record, where)
    if not charts:
        problems.append(f"{where}: expected at least one div.vega-chart, found none")
    problems += [f"{where}: request outside the site's files: {url}"
                 for url in record.requests if leaves_loopback(url, allow_file=True)]
    bundle = (site_dir / BUNDLE).as_uri()
    if bundle not in record.requests:
        problems.append(f"{where}: never loaded {bundle} (requests: {record.requests})")
    assert not problems, "\n".join(problems)


# Opacity of every drawn curve/band in the first chart: what a legend selection changes.
CURVE_OPACITIES_JS = """() => {
    const svg = document.querySelector("div.vega-chart svg");
    return Array.from(svg.querySelectorAll("g.role-mark path")).map(p => [
        p.getAttribute("opacity"), p.getAttribute("fill-opacity"),
        p.getAttribute("stroke-opacity"), getComputedStyle(p).opacity,
    ].join("|"));
}"""


def test_clicking_a_legend_entry_highlights_its_curve(site_url, browser_context):
    """A reader clicks the first legend entry's symbol: the chart must react (its
    legend-bound selection changes the opacity of the curves). The click is a real mouse
    click at the symbol's centre, as a reader's would be, not an event sent to the node."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    name = PAGES_WITH_CHARTS[0]
    page, record = open_watched_page(browser_context)
    page.goto(page_url(site_url, name), wait_until="load")
    problems, charts = chart_problems(page, record, f"{name}.html")
    assert charts and not problems, "\n".join(problems) or f"{name}.html has no chart"

    symbol = page.locator("div.vega-chart").first.locator(
        "g.mark-symbol.role-legend-symbol path"
    ).first
    assert symbol.count() == 1, f"{name}.html: the first chart has no legend symbol to click"
    symbol.scroll_into_view_if_needed()
    box = symbol.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    # What the pointer actually lands on (for the failure message).
    hit = page.evaluate(
        """([x, y]) => { const e = document.elementFromPoint(x, y);
            return e ? `<${e.tagName.toLowerCase()} class="${e.getAttribute("class") || ""}">` : "nothing"; }""",
        [x, y],
    )
    before = page.evaluate(CURVE_OPACITIES_JS)
    page.mouse.click(x, y)
    try:
        page.wait_for_function(
            f"(before) => ({CURVE_OPACITIES_JS})().join(';') !== before.join(';')",
            arg=before,
            timeout=3_000,
        )
    except PlaywrightTimeoutError:
        pass
    after = page.evaluate(CURVE_OPACITIES_JS)
    assert after != before, (
        f"{name}.html: clicking the first legend symbol changed no curve's opacity "
        f"(the click at its centre landed on {hit}; "
        f"opacity|fill-opacity|stroke-opacity|computed of each data path: {before}); "
        f"errors seen:\n{record.errors_text()}"
    )


# The text of every chart's SVG: what a reader sees change when a control moves.
CHART_TEXT_JS = """() => Array.from(document.querySelectorAll("div.vega-chart svg"))
    .map(svg => svg.textContent + "|" + Array.from(svg.querySelectorAll("g.role-mark path"))
        .map(p => p.getAttribute("d")).join(";"))"""


def test_the_tipping_point_slider_redraws_its_chart(site_url, browser_context):
    """The limitations chapter lets a reader move the share of unrecorded worsening
    events in the static page (a Vega-Lite parameter bound to a range input, no
    kernel): moving it must redraw the curves."""
    name = "chapters/limitations"
    page, record = open_watched_page(browser_context)
    page.goto(page_url(site_url, name), wait_until="load")
    problems, charts = chart_problems(page, record, f"{name}.html")
    assert charts and not problems, "\n".join(problems) or f"{name}.html has no chart"
    slider = page.locator('div.vega-chart input[type="range"][name="unrecorded_share"]')
    assert slider.count() == 1, f"{name}.html: no range input named unrecorded_share in a chart"
    before = page.evaluate(CHART_TEXT_JS)
    slider.evaluate("(input) => { input.value = '0.6'; input.dispatchEvent(new Event('input')); }")
    page.wait_for_function(f"(before) => ({CHART_TEXT_JS})().join('#') !== before.join('#')",
                           arg=before, timeout=5_000)
    assert not record.console_errors and not record.page_errors, record.errors_text()
