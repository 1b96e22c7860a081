"""Every page reads on a laptop and on a phone, in the theme's light and dark modes.

oracle: Chromium's own layout, measured on the built site (the `site_url` / `site_dir`
fixtures of tests/conftest.py: the shipped cohort's book and the canary user cohort's),
at 1280 px and 390 px wide, with prefers-color-scheme light and dark:

- the page never scrolls sideways;
- tables: at 1280 px every table fits its column at the normal type size, as designed:
  one that needed any tightening step of hsct-ms.js (smaller type, broken words) is a
  problem, named with its natural width; at any width a table's caption sits outside the
  box the table scrolls in, fully on screen, its notes (hsct_ms.display.tables) under
  that box and within the screen, and a box that scrolls says so (a visible hint) and
  can be reached by keyboard;
- charts: every text of every chart is at least 12 px on screen at 1280 px and 11 px at
  390 px (rendered sizes: font size times the SVG's screen transform); a chart spans its
  column, or scrolls in its box with a visible hint when it cannot fit at those sizes;
- math: every formula is rendered by the MathJax shipped with the site (an SVG, no
  MathJax error), from a web root and from file://;
- no console error, no failed request (favicon included), no serious or critical
  axe-core violation (axe-core vendored in tests/browser/vendor, not part of the site);
- figures, tables and equations are numbered per chapter (Table 3.2 on chapter 3).
"""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.request import urlopen

import pytest

from hsct_ms.build.book import toc_pages
from hsct_ms.paths import REPO_ROOT
from test_site_in_browser import CHARTS_DRAWN_JS, is_theme_mode_notice

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
PAGES = toc_pages()
SCREENS = {"laptop": 1280, "phone": 390}
MIN_CHART_FONT = {"laptop": 12.0, "phone": 11.0}
# The classes hsct-ms.js's fit() adds to a table too wide for its column on a laptop: a
# safety net for a user's cohort with wider labels, never needed by a table as designed.
TIGHTENING = ("hsct-tight", "hsct-break-long", "hsct-break-all")
# Font sizes are measured as rendered; allow for rounding in the SVG transform.
FONT_TOLERANCE = 0.05
WAIT_MS = 20_000

# True once charts are drawn at their column's width (hsct-ms-charts.js sets data-hsct-width),
# tables are set up (hsct-ms.js), and every formula holds a rendered MathJax SVG.
READY_JS = """() => {
  const charts = Array.from(document.querySelectorAll("div.vega-chart"));
  const drawn = charts.every(div => div.dataset.hsctWidth && div.querySelector("svg"));
  const tables = Array.from(document.querySelectorAll(".bd-article table"));
  const setUp = tables.every(t => t.closest(".hsct-table"));
  const maths = Array.from(document.querySelectorAll(".bd-article .math"));
  const rendered = maths.every(m => m.querySelector("mjx-container svg"));
  return drawn && setUp && rendered;
}"""

MEASURE_JS = """(tightening) => {
  const root = document.documentElement;
  const round = x => Math.round(x * 10) / 10;
  const tables = Array.from(document.querySelectorAll(".bd-article table")).map(table => {
    const box = table.closest(".pst-scrollable-table-container") || table.parentElement;
    const wrap = table.closest(".hsct-table");
    const caption = wrap ? wrap.querySelector(":scope > .hsct-table-caption") : null;
    const hint = wrap ? wrap.querySelector(":scope > .hsct-table-hint") : null;
    const capBox = caption ? caption.getBoundingClientRect() : null;
    // Tightening steps applied, and the width the table asks for without them.
    const tightened = tightening.filter(c => table.classList.contains(c));
    tightened.forEach(c => table.classList.remove(c));
    const natural = box.scrollWidth;
    tightened.forEach(c => table.classList.add(c));
    const own = wrap ? wrap.querySelector(":scope > .hsct-table-notes") : null;
    const notesBox = own ? own.getBoundingClientRect() : null;
    return {
      id: table.id || "(no id)",
      tightened, natural,
      notes: own ? {insideBox: box.contains(own), left: round(notesBox.left), right: round(notesBox.right),
                    clipped: own.scrollWidth > own.clientWidth + 1} : null,
      width: round(table.getBoundingClientRect().width),
      boxWidth: box.clientWidth,
      scrolls: box.scrollWidth > box.clientWidth + 1,
      captionInsideTable: !!table.querySelector("caption"),
      captionInsideBox: caption ? box.contains(caption) : null,
      caption: capBox ? {left: round(capBox.left), right: round(capBox.right), text: caption.textContent.trim().slice(0, 60),
                         clipped: caption.scrollWidth > caption.clientWidth + 1} : null,
      hintShown: hint ? hint.offsetParent !== null && hint.getBoundingClientRect().height > 0 : false,
      focusable: box.getAttribute("tabindex") === "0",
    };
  });
  const charts = Array.from(document.querySelectorAll("div.vega-chart")).map(div => {
    const svg = div.querySelector("svg");
    const style = getComputedStyle(div);
    const content = div.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const texts = Array.from(svg.querySelectorAll("text")).filter(t => t.textContent.trim());
    const sizes = texts.map(t => {
      const m = t.getScreenCTM();
      return {size: parseFloat(getComputedStyle(t).fontSize) * (m ? Math.hypot(m.a, m.b) : 1),
              text: t.textContent.trim().slice(0, 30)};
    });
    const smallest = sizes.reduce((a, b) => (a && a.size <= b.size ? a : b), null);
    const hint = div.previousElementSibling;
    return {
      id: div.id, label: div.getAttribute("aria-label") || "",
      svgWidth: round(svg.getBoundingClientRect().width), column: round(content),
      wide: div.classList.contains("hsct-chart-wide"),
      hintShown: !!(hint && hint.classList.contains("hsct-chart-hint") && !hint.hidden && hint.offsetParent !== null),
      smallest: smallest ? {size: round(smallest.size), text: smallest.text} : null,
      background: style.backgroundColor,
    };
  });
  const maths = Array.from(document.querySelectorAll(".bd-article .math")).map(m => ({
    rendered: !!m.querySelector("mjx-container svg"), error: !!m.querySelector("mjx-merror, [data-mjx-error]"),
    source: m.textContent.slice(0, 60)}));
  // Notes not moved under their table (hsct-ms.js) would sit apart from it.
  const strayNotes = Array.from(document.querySelectorAll(".bd-article .hsct-table-notes"))
    .filter(n => !n.parentElement.classList.contains("hsct-table")).length;
  return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, tables, charts, maths, strayNotes,
          favicon: !!document.querySelector('link[rel~="icon"]')};
}"""

AXE_JS = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.filter(v => v.impact === "serious" || v.impact === "critical").map(v =>
    `${v.impact} ${v.id}: ${v.help} (${v.nodes.length}x, e.g. ${v.nodes[0].target.join(" ")})`);
}"""


def open_page(chromium, url, screen, scheme):
    context = chromium.new_context(viewport={"width": SCREENS[screen], "height": 900}, color_scheme=scheme)
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(f"console.error: {m.text}")
            if m.type == "error" and not is_theme_mode_notice(m) else None)
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url}"))
    page.on("response", lambda r: errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    page.goto(url, wait_until="load")
    page.wait_for_function(READY_JS, timeout=WAIT_MS)
    page.wait_for_load_state("networkidle")
    return context, page, errors


def layout_problems(state, screen, scheme) -> list[str]:
    problems = []
    if state["scrollWidth"] > state["clientWidth"] + 1:
        problems.append(f"the page scrolls sideways ({state['scrollWidth']} px in a {state['clientWidth']} px window)")
    if not state["favicon"]:
        problems.append("no <link rel=icon>")
    for table in state["tables"]:
        name = f"table {table['id']}"
        if screen == "laptop" and table["scrolls"]:
            problems.append(f"{name} is {table['width']} px wide in its {table['boxWidth']} px column")
        if screen == "laptop" and table["tightened"]:
            problems.append(f"{name} needs tightening to fit its {table['boxWidth']} px column "
                            f"({', '.join(table['tightened'])}; natural width {table['natural']} px): "
                            "redesign it (fewer columns, notes under the table)")
        notes = table["notes"]
        if notes and (notes["insideBox"] or notes["left"] < 0 or notes["right"] > SCREENS[screen] + 0.5
                      or notes["clipped"]):
            problems.append(f"{name}: its notes are not under its box, fully on screen ({notes})")
        if table["captionInsideTable"] or table["caption"] is None:
            problems.append(f"{name}: its caption was not moved above its box")
        elif table["captionInsideBox"]:
            problems.append(f"{name}: its caption is inside the box that scrolls")
        elif (table["caption"]["left"] < 0 or table["caption"]["right"] > SCREENS[screen] + 0.5
              or table["caption"]["clipped"]):
            problems.append(f"{name}: caption not fully on screen ({table['caption']})")
        if table["scrolls"] and not (table["hintShown"] and table["focusable"]):
            problems.append(f"{name} scrolls sideways without a visible hint or keyboard focus "
                            f"(hint shown: {table['hintShown']}, focusable: {table['focusable']})")
    if state["strayNotes"]:
        problems.append(f"{state['strayNotes']} block(s) of table notes not under their table")
    least = MIN_CHART_FONT[screen] - FONT_TOLERANCE
    for chart in state["charts"]:
        name = f"chart #{chart['id']}"
        if not chart["label"]:
            problems.append(f"{name} has no alt text (aria-label)")
        if chart["smallest"] is None:
            problems.append(f"{name} has no text")
        elif chart["smallest"]["size"] < least:
            problems.append(f"{name}: text {chart['smallest']['text']!r} is {chart['smallest']['size']} px "
                            f"on screen (at least {MIN_CHART_FONT[screen]} px)")
        if chart["wide"]:
            if not chart["hintShown"]:
                problems.append(f"{name} scrolls sideways without a visible hint")
        elif chart["svgWidth"] < 0.9 * chart["column"] or chart["svgWidth"] > chart["column"] + 1:
            problems.append(f"{name} is {chart['svgWidth']} px wide in a {chart['column']} px column")
        if scheme == "dark" and chart["background"] not in ("rgb(255, 255, 255)", "rgba(255, 255, 255, 1)"):
            problems.append(f"{name}: in dark mode its light palette needs a light card, "
                            f"background is {chart['background']}")
    for formula in state["maths"]:
        if not formula["rendered"] or formula["error"]:
            problems.append(f"formula not rendered by MathJax: {formula['source']!r}")
    return problems


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.parametrize("name", PAGES)
def test_page_reads_on_this_screen(name, screen, scheme, site_url, chromium):
    context, page, errors = open_page(chromium, f"{site_url}{name}.html", screen, scheme)
    try:
        state = page.evaluate(MEASURE_JS, list(TIGHTENING))
        problems = layout_problems(state, screen, scheme) + errors
        page.add_script_tag(path=str(AXE))
        problems += [f"axe: {v}" for v in page.evaluate(AXE_JS)]
    finally:
        context.close()
    assert not problems, f"{name}.html at {SCREENS[screen]} px, {scheme}:\n" + "\n".join(problems)


def test_a_chapter_with_equations_exists():
    """The math checks above must not pass for want of formulas."""
    sources = [REPO_ROOT / f"{name}.md" for name in PAGES]
    labelled = [p for p in sources if p.exists() and re.search(r":label: eq-", p.read_text())]
    assert labelled, "no chapter holds a labelled equation"


def test_math_renders_from_disk(site_dir, chromium):
    """file://: MathJax loads from _static/mathjax beside the pages, nothing else."""
    pages = [site_dir / f"{name}.html" for name in PAGES]
    with_math = [p for p in pages if 'class="math' in p.read_text(encoding="utf-8")]
    assert with_math, "no page of the site holds a formula"
    context = chromium.new_context()
    try:
        page = context.new_page()
        requests = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(with_math[0].as_uri(), wait_until="load")
        page.wait_for_function(READY_JS, timeout=WAIT_MS)
        state = page.evaluate(MEASURE_JS, list(TIGHTENING))
    finally:
        context.close()
    assert state["maths"] and all(m["rendered"] and not m["error"] for m in state["maths"]), state["maths"]
    mathjax = [url for url in requests if "mathjax" in url]
    assert mathjax and all(url.startswith("file://") for url in mathjax), mathjax


def test_the_site_root_serves_a_favicon(site_url):
    with urlopen(f"{site_url}favicon.ico") as response:
        assert response.status == 200
        assert response.read(4) == b"\x00\x00\x01\x00"


class _Numbers(HTMLParser):
    """Chapter number (h1's section number), caption numbers and equation numbers."""

    def __init__(self):
        super().__init__()
        self.chapter, self.captions, self.equations, self._into = None, [], [], None

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "h1" and self.chapter is None:
            self._into = "h1"
        elif "section-number" in classes and self._into == "h1":
            self._into = "chapter"
        elif "caption-number" in classes:
            self._into = "caption"
        elif "eqno" in classes:
            self._into = "equation"

    def handle_endtag(self, tag):
        if tag == "h1" and self._into == "h1":
            self._into = None  # a title without a number (the page header's copy, or no number)

    def handle_data(self, data):
        if self._into == "chapter":
            self.chapter = data.strip().rstrip(".")
        elif self._into == "caption":
            self.captions.append(data.strip())
        elif self._into == "equation":
            self.equations.append(data.strip())
        if self._into in ("chapter", "caption", "equation"):
            self._into = None


def test_figures_tables_and_equations_are_numbered_per_chapter(site_dir):
    numbered, problems = 0, []
    for name in PAGES:
        parser = _Numbers()
        parser.feed((site_dir / f"{name}.html").read_text(encoding="utf-8"))
        if not parser.chapter:
            continue  # the landing page and the back matter are not numbered chapters
        numbered += 1
        pattern = re.compile(rf"^(Fig\.|Table) {re.escape(parser.chapter)}\.\d+$")
        problems += [f"{name}: {c!r} on chapter {parser.chapter}" for c in parser.captions if not pattern.match(c)]
        eq = re.compile(rf"^\({re.escape(parser.chapter)}\.\d+\)$")
        problems += [f"{name}: equation {e!r} on chapter {parser.chapter}" for e in parser.equations if not eq.match(e)]
    assert numbered >= 5, f"only {numbered} numbered chapters found"
    assert not problems, "\n".join(problems)
