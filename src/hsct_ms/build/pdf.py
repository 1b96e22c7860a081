"""The PDF edition: the whole book as one PDF, printed by Chromium from a single-page build.

``make pdf`` (``python -m hsct_ms.build.pdf``) does four things:

1. Builds the website as ``make book`` does (:func:`hsct_ms.build.book.build_book`: the cohort
   file validated, every chapter executed into the jupyter-cache, nothing done when the site
   is current).
2. Renders the same executed chapters, from that cache, with Sphinx's ``singlehtml`` builder
   (the same strict ``jupyter-book build -W -n --keep-going``): one page holding the whole
   book, with the same figures, tables, numbers and withheld small counts as the site,
   because it is rendered from the same executed notebooks. Nothing is executed again.
3. Opens that page in headless Chromium (Playwright driving the Debian ``chromium`` the
   browser tests use), with every request off the machine refused; waits until every
   Vega-Lite chart has drawn its SVG and MathJax (when the page has math) has typeset; adds
   a title page with the build's provenance and a table of contents; applies the print
   stylesheet ``static/print.css``; checks that nothing is wider than the printed page; and
   prints A4 with page numbers and a PDF outline, twice: poppler's ``pdftotext`` finds in the
   first print the page of each heading, which the contents of the second print then give.
   Charts stay SVG (no shadow or filter that Chromium would rasterise), so they are vector
   graphics in the PDF; Chromium embeds (subsets of) every font it uses.

Why Chromium rather than Sphinx's LaTeX builder: the charts are Vega-Lite specs that
vega-embed draws in a browser, the tables are HTML, the math is MathJax; Chromium prints all
of them as the site shows them, and it is already installed for the browser tests. The LaTeX
route would need TeX Live (hundreds of MB of Debian packages) and a second rendering of every
chart (vl-convert to PDF) and table, whose look and privacy rules would then have to be kept
equal to the site's by hand.
4. Writes ``_build/pdf/hsct-ms-book.pdf`` and a copy at the root of the website
   (``_build/html/hsct-ms-book.pdf``), where the site's header links to it
   (:mod:`hsct_ms.build.pdf_link`).

Any failure (a strict-build warning, a chart that does not draw, a script error on the page,
an element wider than the page) stops with a message, and no PDF is written.
"""

from __future__ import annotations

import argparse
import json
import re
import datetime as dt
import html
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import yaml

from hsct_ms import terms
from hsct_ms.paths import REPO_ROOT

PDF_NAME = "hsct-ms-book.pdf"
# The theme's search script asks for it; Sphinx's singlehtml builder writes none.
SEARCH_INDEX = "searchindex.js"
PRINT_CSS = Path(__file__).parent / "static" / "print.css"
# A4 with 16 mm side margins: the text block is 178 mm wide, in CSS pixels (96 per inch).
PAGE_FORMAT = "A4"
MARGINS_MM = {"top": 16, "bottom": 18, "left": 16, "right": 16}
TEXT_WIDTH_PX = round((210 - MARGINS_MM["left"] - MARGINS_MM["right"]) / 25.4 * 96)
# How long the page may take to draw its charts and typeset its math.
RENDER_TIMEOUT_MS = 60_000
#: Chromium's flags for headless use on a machine without network, here and in the browser tests.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


class PdfError(RuntimeError):
    """The PDF could not be made; the message says why."""


DIGEST_ROW = "SHA-256 of the file"


@dataclass(frozen=True)
class Provenance:
    """What the title page says about the build."""

    cohort_file: str
    cohort_sha256: str
    n_patients: int
    is_shipped: bool
    built_at: str
    package_version: str

    def rows(self) -> list[tuple[str, str]]:
        return [
            ("Cohort file", self.cohort_file),
            (DIGEST_ROW, self.cohort_sha256),
            ("Patients in it", f"{self.n_patients}"),
            ("Cohort", terms.cohort_phrase(is_shipped=self.is_shipped)),
            ("Built", self.built_at),
            ("Package", f"hsct-ms {self.package_version}"),
        ]


def provenance(cohort_path: Path, now: dt.datetime | None = None) -> Provenance:
    """The provenance of a build on ``cohort_path`` (validated here, as the build does)."""
    from hsct_ms.inputs import cohort

    info = cohort.cohort_info(cohort_path)
    now = now or dt.datetime.now(dt.timezone.utc)
    try:
        version = metadata.version("hsct-ms")
    except metadata.PackageNotFoundError:
        version = "unknown (not installed)"
    return Provenance(
        cohort_file=info.file_name,
        cohort_sha256=info.sha256,
        n_patients=int(info.n_patients),
        is_shipped=bool(info.is_shipped),
        built_at=now.strftime("%Y-%m-%d %H:%M UTC"),
        package_version=version,
    )


def book_title(root: Path = REPO_ROOT) -> str:
    return str((yaml.safe_load((root / "_config.yml").read_text()) or {}).get("title", "")).strip()


def title_page_html(title: str, facts: Provenance) -> str:
    """The title page: the book's title, what it reads, and the build's provenance."""
    rows = "\n".join(
        f"<tr><th scope='row'>{html.escape(name)}</th>"
        f"<td{' class=pdf-digest' if name == DIGEST_ROW else ''}>{html.escape(value)}</td></tr>"
        for name, value in facts.rows()
    )
    return (
        '<section class="pdf-title-page" id="pdf-title-page">\n'
        f'<p class="pdf-title">{html.escape(title)}</p>\n'
        '<p class="pdf-subtitle">The PDF edition of the website, printed from the same executed '
        "chapters.</p>\n"
        '<table class="pdf-provenance"><caption>This edition was built from</caption>\n'
        f"<tbody>{rows}</tbody></table>\n"
        '<p class="pdf-edition-note">Charts, tables and numbers are those of the website built on '
        "the same file. Interactive parts of the website are printed in their default state, with "
        "a note where they stand. The code of each chapter is in the website and in its "
        "notebook.</p>\n"
        "</section>\n"
    )


# Runs in the page: the contents, after the title page. Chapters are the level-2 headings of
# the single page (the landing page's own title is level 1), with their sections. Each entry
# has a slot for its page number, as wide as any number will be, and its heading gets a marker
# (white 1 px text, out of the flow, so the layout does not move) that pdftotext finds in a
# first print; :data:`PAGE_NUMBERS_SCRIPT` then fills the slots and removes the markers.
CONTENTS_SCRIPT = r"""
() => {
  const article = document.querySelector("article.bd-article");
  const list = document.createElement("ol");
  let count = 0;
  const entry = (h) => {
    const clone = h.cloneNode(true);
    clone.querySelectorAll(".headerlink").forEach((a) => a.remove());
    const item = document.createElement("li");
    const line = document.createElement("span");
    line.className = "pdf-contents-line";
    const link = document.createElement("a");
    link.href = "#" + (h.closest("section") || h).id;
    link.textContent = clone.textContent.trim();
    const page = document.createElement("span");
    page.className = "pdf-contents-page";
    page.dataset.mark = String(count);
    page.textContent = "000";
    line.append(link, page);
    item.appendChild(line);
    const marker = document.createElement("span");
    marker.className = "pdf-page-marker";
    marker.textContent = " PDFMARK" + count + "KRAMFDP ";
    h.prepend(marker);
    count += 1;
    return item;
  };
  list.appendChild(entry(article.querySelector("h1")));
  for (const h2 of article.querySelectorAll("span[id^='document-'] + section > h2")) {
    const item = entry(h2);
    const sections = [...h2.parentElement.querySelectorAll(":scope > section > h3")]
      .filter((h3) => !h3.closest(".pdf-omitted"));
    if (sections.length) {
      const sub = document.createElement("ol");
      for (const h3 of sections) sub.appendChild(entry(h3));
      item.appendChild(sub);
    }
    list.appendChild(item);
  }
  const contents = document.createElement("nav");
  contents.className = "pdf-contents";
  contents.id = "pdf-contents";
  contents.innerHTML = '<p class="pdf-contents-title">Contents</p>';
  contents.appendChild(list);
  document.getElementById("pdf-title-page").after(contents);
  return count;
}
"""

# Runs in the page: the page numbers found in the first print go into the contents' slots;
# the markers go.
PAGE_NUMBERS_SCRIPT = r"""
(pages) => {
  for (const slot of document.querySelectorAll(".pdf-contents-page")) slot.textContent = String(pages[slot.dataset.mark]);
  document.querySelectorAll(".pdf-page-marker").forEach((marker) => marker.remove());
}
"""
MARKER = re.compile(r"PDFMARK(\d+)KRAMFDP")


def marker_pages(pdf_file: Path, count: int) -> dict[str, int]:
    """Page (1-based) of each heading marker in a first print, by pdftotext."""
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        raise PdfError("pdftotext not found: install Debian's poppler-utils (see .ci/run)")
    text = subprocess.run([pdftotext, str(pdf_file), "-"], capture_output=True, text=True, check=True).stdout
    pages = {}
    for number, page in enumerate(text.split("\f"), start=1):
        for mark in MARKER.findall(page):
            pages.setdefault(mark, number)
    missing = [str(k) for k in range(count) if str(k) not in pages]
    if missing:
        raise PdfError(f"the first print lost the page markers of {len(missing)} headings: {', '.join(missing[:5])}")
    return pages


# Runs in the page: a section whose only content under its heading is code the website hides
# (e.g. "Imports") has nothing to print; it is marked and left out (not from the website).
OMIT_EMPTY_SECTIONS_SCRIPT = r"""
() => {
  let omitted = 0;
  for (const section of document.querySelectorAll("article.bd-article section")) {
    const heading = section.querySelector(":scope > h1, :scope > h2, :scope > h3, :scope > h4");
    if (!heading) continue;
    const rest = [...section.children].filter((el) => el !== heading && !(el.tagName === "SPAN" && !el.textContent.trim()));
    const visible = rest.filter((el) => el.offsetParent !== null && el.getBoundingClientRect().height > 0);
    if (rest.length && !visible.length) { section.classList.add("pdf-omitted"); omitted += 1; }
  }
  return omitted;
}
"""

# Runs in the page: the interactive controls of a chart (Vega-Lite bindings such as the
# tipping-point slider) print in their default state; say so under them.
INTERACTIVE_NOTE_SCRIPT = r"""
() => {
  let notes = 0;
  for (const bindings of document.querySelectorAll(".vega-chart .vega-bindings")) {
    if (!bindings.children.length) continue;
    const note = document.createElement("p");
    note.className = "pdf-interactive-note";
    note.textContent = "Interactive in the website: printed here at the control's default setting.";
    // After the chart's box, not inside it: a chart that redraws replaces its content.
    bindings.closest(".vega-chart").after(note);
    notes += 1;
  }
  return notes;
}
"""

# Runs in the page (print media, viewport as wide as the printed text block): a table wider
# than the text block is set in smaller type (down to 7 pt), then its columns of numbers may
# wrap at spaces, then 6.5 pt, and if it still does not fit, its cells may break inside words.
# Returns how many tables were adjusted.
FIT_TABLES_SCRIPT = r"""
(limit) => {
  const root = document.querySelector("article.bd-article");
  const left = root.getBoundingClientRect().left;
  const tooWide = (table) => table.getBoundingClientRect().right - left > limit + 0.5;
  const steps = [
    (t) => { t.style.fontSize = "8pt"; }, (t) => { t.style.fontSize = "7.5pt"; },
    (t) => { t.style.fontSize = "7pt"; }, (t) => t.classList.add("pdf-wrap-numbers"),
    (t) => { t.style.fontSize = "6.5pt"; }, (t) => t.classList.add("pdf-break-words"),
  ];
  let adjusted = 0;
  for (const table of root.querySelectorAll("table")) {
    if (!tooWide(table)) continue;
    adjusted += 1;
    for (const step of steps) { if (!tooWide(table)) break; step(table); }
  }
  return adjusted;
}
"""

# Runs in the page (print media, viewport as wide as the printed text block): every element
# whose box runs past the text block, and every box that clips its content sideways.
OVERFLOW_SCRIPT = r"""
(limit) => {
  const problems = [];
  const describe = (el) => {
    let caption = el.closest("table")?.querySelector("caption")?.textContent
      || el.closest("figure")?.querySelector("figcaption")?.textContent
      || el.closest("section")?.querySelector("h1,h2,h3,h4")?.textContent || "";
    caption = caption.replace(/PDFMARK\d+KRAMFDP/g, "").replace(/#$/, "");
    return el.tagName.toLowerCase() + (el.className && typeof el.className === "string" ? "." + el.className.split(/\s+/).join(".") : "")
      + " near '" + caption.trim().slice(0, 80) + "'";
  };
  const root = document.querySelector("article.bd-article");
  const left = root.getBoundingClientRect().left;
  const reported = [];
  for (const el of root.querySelectorAll("*")) {
    if (el.offsetParent === null && getComputedStyle(el).position !== "fixed") continue;
    if (reported.some((outer) => outer.contains(el))) continue;  // one line per culprit
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if (box.right - left > limit + 1) {
      problems.push(describe(el) + ": right edge at " + Math.round(box.right - left) + " px of " + limit);
      reported.push(el);
      continue;
    }
    const style = getComputedStyle(el);
    if (style.overflowX !== "visible" && el.scrollWidth > el.clientWidth + 1) {
      problems.push(describe(el) + ": clips " + (el.scrollWidth - el.clientWidth) + " px of its content");
      reported.push(el);
    }
  }
  return problems;
}
"""

# Runs in the page: links into the single page itself become in-document links, which the
# PDF keeps as links to the page they point to.
LOCAL_LINKS_SCRIPT = r"""
(selfName) => {
  for (const a of document.querySelectorAll("a[href]")) {
    const href = a.getAttribute("href");
    if (href.startsWith(selfName + "#")) a.setAttribute("href", href.slice(selfName.length));
  }
}
"""

# Added before the page's own scripts run: the print stylesheet goes in on DOMContentLoaded,
# ahead of the charts' handlers, so each chart is drawn once, at its printed width.
PRINT_CSS_INIT = r"""
(css) => {
  const add = () => {
    const style = document.createElement("style");
    style.id = "hsct-pdf-print-css";
    style.textContent = css;
    document.head.appendChild(style);
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", add, { once: true });
  else add();
}
"""

# A fingerprint of every chart's drawing; equal over a few polls when no chart is (re)drawing.
CHARTS_STATE = """
() => [...document.querySelectorAll('.vega-chart')].map((div) => {
  const svg = div.querySelector('svg');
  return svg ? svg.getAttribute('width') + 'x' + svg.getAttribute('height') + ':' + div.innerHTML.length : 'none';
}).join('|')
"""

CHARTS_UNDRAWN = """
() => [...document.querySelectorAll('.vega-chart')].filter((div) => !div.querySelector('svg'))
  .map((div) => div.id + ' (' + (div.getAttribute('aria-label') || 'no label') + ')'
       + ' in "' + (div.closest('section')?.querySelector('h1,h2,h3,h4')?.textContent || '').replace(/#$/, '') + '"')
"""

CHARTS_DRAWN = """
() => [...document.querySelectorAll('.vega-chart')].every((div) => div.querySelector('svg'))
"""

MATH_TYPESET = """
async () => {
  const math = document.querySelectorAll('.math, mjx-container');
  if (!math.length) return 'no math';
  if (!window.MathJax) return 'math but no MathJax';
  if (window.MathJax.startup && window.MathJax.startup.promise) await window.MathJax.startup.promise;
  if (window.MathJax.typesetPromise) await window.MathJax.typesetPromise();
  return 'typeset';
}
"""


def build_singlehtml(cohort_path: Path, output_root: Path, quiet: bool) -> tuple[Path, str]:
    """Render the executed chapters (from the cache the site's build filled) as one page.

    Returns the page to print and the name its internal links use for it."""
    from hsct_ms.build import book

    build_dir = output_root / "_build"
    cache_dir = build_dir / book.CACHE_DIRNAME
    out_dir = build_dir / "singlehtml"
    shutil.rmtree(out_dir, ignore_errors=True)
    command = book.jupyter_book_command(
        REPO_ROOT, cache_dir, None if output_root == REPO_ROOT else output_root) + ["--builder", "singlehtml"]
    env = dict(os.environ, COHORT_CSV=str(cohort_path))
    if not quiet:
        print("$ " + " ".join(command), flush=True)
    result = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=quiet, text=True)
    if result.returncode != 0:
        log = (result.stdout or "") + (result.stderr or "") if quiet else "see the log above"
        raise PdfError(f"the single-page build failed (exit {result.returncode}):\n{log[-6000:]}")
    written = out_dir / f"{book.toc_pages()[0]}.html"
    if not written.is_file():
        raise PdfError(f"the single-page build wrote no {written}")
    # Sphinx writes the single page under the root document's name (chapters/index.html) but
    # makes its links and assets relative to the output folder: read it from there.
    page = out_dir / "book.html"
    shutil.copyfile(written, page)
    return page, f"{book.toc_pages()[0]}.html"


def is_theme_mode_notice(message) -> bool:
    """pydata-sphinx-theme logs "Got invalid theme mode: . Resetting to auto." with
    console.error on a fresh profile (no mode stored yet), then picks the mode itself: the one
    console error tolerated, as in the browser tests."""
    return "invalid theme mode" in message.text and "pydata-sphinx-theme" in (message.location or {}).get("url", "")


def chromium_executable() -> str:
    found = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if found is None:
        raise PdfError("Chromium not found: install Debian's chromium (see .ci/run)")
    return found


def footer_template(title: str) -> str:
    return (
        '<div style="font-size:7.5pt;width:100%;margin:0 16mm;display:flex;justify-content:space-between;'
        'color:#555;font-family:sans-serif;">'
        f"<span>{html.escape(title)}</span>"
        '<span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>'
    )


def wait_until_charts_settle(page, polls: int = 3, interval_ms: int = 250) -> None:
    """Wait until no chart changes over ``polls`` polls (a chart may redraw itself to fit)."""
    deadline = time.monotonic() + RENDER_TIMEOUT_MS / 1000
    last, same = None, 0
    while same < polls:
        if time.monotonic() > deadline:
            raise PdfError(f"the charts kept redrawing for {RENDER_TIMEOUT_MS // 1000} s")
        page.wait_for_timeout(interval_ms)
        state = page.evaluate(CHARTS_STATE)
        same = same + 1 if state == last else 0
        last = state


def print_pdf(page_file: Path, pdf_path: Path, facts: Provenance, title: str, self_name: str) -> dict:
    """Print ``page_file`` to ``pdf_path`` in Chromium; return what was checked."""
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    refused: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_executable(), headless=True,
                                             args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": TEXT_WIDTH_PX, "height": 1100})

            def route(request_route):
                url = request_route.request.url
                if url.endswith("/" + SEARCH_INDEX):  # the single page has no search index
                    return request_route.fulfill(status=200, content_type="text/javascript", body="")
                if url.startswith(("file:", "data:", "blob:", "about:")):
                    return request_route.continue_()
                refused.append(url)
                return request_route.abort()

            context.route("**/*", route)
            page = context.new_page()
            page.on("pageerror", lambda error: errors.append(f"script error: {error}"))
            page.on("console", lambda message: errors.append(f"console {message.type}: {message.text}")
                    if message.type == "error" and not is_theme_mode_notice(message) else None)
            page.on("requestfailed", lambda request: errors.append(
                f"could not load {request.url}: {request.failure}") if request.url not in refused else None)
            page.emulate_media(media="print", color_scheme="light")
            page.add_init_script(f"({PRINT_CSS_INIT})({json.dumps(PRINT_CSS.read_text())})")
            page.goto(page_file.resolve().as_uri(), wait_until="load")
            try:
                page.wait_for_function(CHARTS_DRAWN, timeout=RENDER_TIMEOUT_MS)
            except Exception:
                undrawn = page.evaluate(CHARTS_UNDRAWN)
                raise PdfError(f"{len(undrawn)} chart(s) did not draw within {RENDER_TIMEOUT_MS // 1000} s (the "
                               "website shows them empty too):\n  " + "\n  ".join(undrawn[:10])
                               + ("\npage errors:\n  " + "\n  ".join(errors[:10]) if errors else ""))
            math = page.evaluate(MATH_TYPESET)
            if math == "math but no MathJax":
                raise PdfError("the page has math but MathJax did not load (it must ship with the site)")
            page.evaluate("document.fonts.ready.then(() => true)")
            wait_until_charts_settle(page)
            page.evaluate(LOCAL_LINKS_SCRIPT, self_name)
            article = page.query_selector("article.bd-article")
            article.evaluate("(el, markup) => el.insertAdjacentHTML('afterbegin', markup)",
                             title_page_html(title, facts))
            omitted = page.evaluate(OMIT_EMPTY_SECTIONS_SCRIPT)
            notes = page.evaluate(INTERACTIVE_NOTE_SCRIPT)
            entries = page.evaluate(CONTENTS_SCRIPT)
            # Nothing above changed the text width; should a chart still redraw, let it finish.
            wait_until_charts_settle(page)
            fitted = page.evaluate(FIT_TABLES_SCRIPT, TEXT_WIDTH_PX)
            overflow = page.evaluate(OVERFLOW_SCRIPT, TEXT_WIDTH_PX)
            if refused:
                raise PdfError("the page asked for resources off this machine (refused): " + ", ".join(refused[:5]))
            if errors:
                raise PdfError("the page reported errors:\n  " + "\n  ".join(errors[:10]))
            if overflow:
                raise PdfError(f"{len(overflow)} element(s) would run off the {TEXT_WIDTH_PX} px wide printed "
                               "text block:\n  " + "\n  ".join(overflow[:20]))
            charts = page.evaluate("document.querySelectorAll('.vega-chart svg').length")
            pdf_path.parent.mkdir(parents=True, exist_ok=True)
            partial = pdf_path.with_suffix(".pdf.part")
            options = dict(format=PAGE_FORMAT, print_background=True,
                           margin={side: f"{mm}mm" for side, mm in MARGINS_MM.items()},
                           display_header_footer=True, header_template="<span></span>",
                           footer_template=footer_template(title), outline=True, tagged=True)
            # First print: where each heading falls; second: with those pages in the contents
            # (the slots kept their width and the markers were out of the flow: same layout).
            page.pdf(path=str(partial), **options)
            page.evaluate(PAGE_NUMBERS_SCRIPT, marker_pages(partial, entries))
            page.pdf(path=str(partial), **options)
            partial.replace(pdf_path)
        finally:
            browser.close()
    return {"charts": charts, "math": math, "omitted_sections": omitted, "interactive_notes": notes,
            "tables_set_smaller": fitted}


def build_pdf(cohort_path: Path | None = None, output_root: Path = REPO_ROOT, quiet: bool = False,
              force: bool = False) -> int:
    """``make pdf``: the site, then its single-page form, then the PDF; a process exit code."""
    from hsct_ms.build.book import build_book, derivation_cache
    from hsct_ms.inputs import cohort

    started = time.perf_counter()
    output_root = Path(output_root).resolve()
    pdf_path = output_root / "_build" / "pdf" / PDF_NAME
    site_copy = output_root / "_build" / "html" / PDF_NAME
    for stale in (pdf_path, site_copy):  # a failed run leaves no PDF of an earlier build
        stale.unlink(missing_ok=True)
    returncode = build_book(force=force, cohort_path=cohort_path, output_root=output_root, quiet=quiet)
    if returncode != 0:
        print("make pdf: the website did not build, so no PDF was made.", file=sys.stderr)
        return returncode
    cohort_path = cohort.resolve_cohort_path(cohort_path)
    try:
        # The provenance reads the cohort as the build did (an endpoint derived from
        # visits comes from the build's own derivation cache).
        with derivation_cache(output_root):
            facts = provenance(cohort_path)
        page, self_name = build_singlehtml(cohort_path, output_root, quiet)
        checked = print_pdf(page, pdf_path, facts, book_title(), self_name)
    except PdfError as error:
        print(f"make pdf: no PDF was made: {error}", file=sys.stderr)
        return 1
    shutil.copy2(pdf_path, site_copy)
    print(f"make pdf: wrote {pdf_path} ({pdf_path.stat().st_size / 1e6:.1f} MB; {checked['charts']} charts, "
          f"math {checked['math']}, {checked['tables_set_smaller']} wide tables set smaller) and its copy in the site, in {time.perf_counter() - started:.1f} s")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hsct_ms.build.pdf", description=__doc__.split("\n\n")[0])
    parser.add_argument("--cohort", default=None, help="the cohort file (default: $COHORT_CSV, else the shipped one)")
    parser.add_argument("--output-root", default=str(REPO_ROOT), help="write DIR/_build/pdf (and DIR/_build/html)")
    parser.add_argument("--force", action="store_true", help="rebuild the website from clean first")
    parser.add_argument("--quiet", action="store_true", help="print the builds' logs only when they fail")
    options = parser.parse_args(argv)
    return build_pdf(cohort_path=options.cohort and Path(options.cohort), output_root=Path(options.output_root),
                     quiet=options.quiet, force=options.force)


if __name__ == "__main__":
    sys.exit(main())
