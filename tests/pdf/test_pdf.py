"""The PDF edition (`make pdf`, hsct_ms.build.pdf) on the shipped and on the canary cohort.

Oracles: the built websites (the PDF must say what the site says: every chapter title,
figure and table caption with its number, bibliography entry), the cohort files (their
SHA-256; the canary's patient ids and values, none of which may reach the PDF), the PDF's
own page geometry and font table (poppler's pdftotext and pdffonts), and a page made here
that cannot fit the paper (the printer must refuse it).

The shipped cohort's PDF is the one `make pdf` wrote (`make test` runs it first). The canary's
is made here once, from the canary build the session already makes (tests/conftest.py):
nothing is executed again, the PDF step only renders the cached chapters on one page and
prints them.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import shutil
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pandas as pd
import pytest

from conftest import CANARY_ID_PREFIX
from hsct_ms.build import book, pdf
from hsct_ms.paths import REPO_ROOT, SHIPPED_COHORT, SITE_DIR

SHIPPED_PDF = REPO_ROOT / "_build" / "pdf" / pdf.PDF_NAME
# What the printer writes under each chart that has a control (e.g. the tipping-point slider).
INTERACTIVE_NOTE = "Interactive in the website: printed here at the control's default setting."


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} not found: install Debian's poppler-utils (see .ci/run)")
    return found


def squeeze(text: str) -> str:
    """Text compared without whitespace and hyphens: a PDF breaks lines where a web page does
    not, and pdftotext joins a word broken after a hyphen without its hyphen."""
    text = unicodedata.normalize("NFKC", html.unescape(text))
    return re.sub(r"[\s\u00ad\u2010\u2011-]+", "", text)


def plain(fragment: str) -> str:
    """The text of an HTML fragment, without the theme's permalink marks."""
    fragment = re.sub(r'<a class="headerlink".*?</a>', "", fragment, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", fragment))


@dataclass
class Edition:
    pdf: Path
    site: Path
    cohort: Path
    text: str  # pdftotext of the whole PDF

    def page_text(self, number: int) -> str:
        return subprocess.run([tool("pdftotext"), "-f", str(number), "-l", str(number), str(self.pdf), "-"],
                              capture_output=True, text=True, check=True).stdout


def read_edition(pdf_path: Path, site: Path, cohort: Path) -> Edition:
    text = subprocess.run([tool("pdftotext"), str(pdf_path), "-"], capture_output=True, text=True, check=True).stdout
    return Edition(pdf_path, site, cohort, text)


@pytest.fixture(scope="session")
def shipped_edition() -> Edition:
    if not SHIPPED_PDF.is_file():
        pytest.fail(f"{SHIPPED_PDF} does not exist: run `make pdf` first (`make test` does)")
    return read_edition(SHIPPED_PDF, SITE_DIR, SHIPPED_COHORT)


# The canary PDF is made once per session, and a failure is reported once, not retried.
_CANARY_RUN: dict = {}


@pytest.fixture(scope="session")
def canary_edition(canary_site, canary_cohort, canary_env) -> Edition:
    """`COHORT_CSV=<canary> make pdf`, on the canary build of the session (its site is current,
    so only the single page is rendered and printed)."""
    output_root = canary_site.parent.parent
    if "result" not in _CANARY_RUN:
        _CANARY_RUN["result"] = subprocess.run(
            [sys.executable, "-m", "hsct_ms.build.pdf", "--cohort", str(canary_cohort),
             "--output-root", str(output_root), "--quiet"], cwd=REPO_ROOT, env=canary_env,
            capture_output=True, text=True)
    result = _CANARY_RUN["result"]
    if result.returncode != 0:
        pytest.fail(f"make pdf on the canary cohort failed:\n{(result.stdout + result.stderr)[-6000:]}")
    assert "is up to date" in result.stdout, "the canary site was built again instead of reused"
    return read_edition(output_root / "_build" / "pdf" / pdf.PDF_NAME, canary_site, canary_cohort)


@pytest.fixture(scope="session", params=["shipped cohort", "user cohort"])
def edition(request) -> Edition:
    name = "shipped_edition" if request.param == "shipped cohort" else "canary_edition"
    return request.getfixturevalue(name)


def site_pages(site: Path) -> dict[str, str]:
    return {name: (site / f"{name}.html").read_text() for name in book.toc_pages()}


def test_every_chapter_title_is_in_the_pdf(edition):
    text = squeeze(edition.text)
    titles = {}
    for name, page in site_pages(edition.site).items():
        heading = re.search(r"<h1>(.*?)</h1>", page, flags=re.S)
        assert heading, f"{name}.html has no title"
        titles[name] = plain(heading.group(1)).strip()
    missing = [f"{name}: {title}" for name, title in titles.items() if squeeze(title) not in text]
    assert not missing, "chapter titles missing from the PDF:\n" + "\n".join(missing)


def test_every_figure_and_table_caption_is_in_the_pdf_with_its_number(edition):
    text = squeeze(edition.text)
    captions = []
    for name, page in site_pages(edition.site).items():
        for block in re.findall(r"<(?:figcaption|caption)>(.*?)</(?:figcaption|caption)>", page, flags=re.S):
            number = re.search(r'<span class="caption-number">(.*?)</span>', block, flags=re.S)
            caption = re.search(r'<span class="caption-text">(.*?)</span>\s*(?:<a class="headerlink"|$)', block, flags=re.S)
            if caption:
                captions.append((name, plain(number.group(1)) if number else "", plain(caption.group(1))))
    assert len(captions) >= 20, f"only {len(captions)} captions found in the site: the parser no longer matches"
    unnumbered = [c for c in captions if not c[1].strip()]
    assert not unnumbered, f"captions without a number in the site: {unnumbered[:3]}"
    missing = [f"{name}: {number}{caption[:90]}" for name, number, caption in captions
               if squeeze(number + caption) not in text]
    assert not missing, f"{len(missing)} of {len(captions)} captions missing from the PDF:\n" + "\n".join(missing)


def test_the_reference_list_is_in_the_pdf(edition):
    page = (edition.site / "chapters" / "references.html").read_text()
    entries = [plain(entry) for entry in re.findall(
        r'<div class="citation" id="[^"]*" role="doc-biblioentry">(.*?)</div>', page, flags=re.S)]
    assert len(entries) >= 5, "the site's reference list is missing or no longer parsed"
    text = squeeze(edition.text)
    missing = [entry.strip()[:100] for entry in entries if squeeze(entry) not in text]
    assert not missing, "references missing from the PDF:\n" + "\n".join(missing)


def test_the_title_page_gives_the_builds_provenance(edition):
    first = squeeze(edition.page_text(1))
    assert squeeze(edition.cohort.name) in first
    assert hashlib.sha256(edition.cohort.read_bytes()).hexdigest() in first
    assert squeeze(f"hsct-ms {metadata.version('hsct-ms')}") in first
    # The build date (squeezed: 2026-12-06 14:20 UTC reads 2026120614:20UTC) is the PDF's own.
    info = subprocess.run([tool("pdfinfo"), "-isodates", str(edition.pdf)], capture_output=True, text=True,
                          check=True).stdout
    created = re.search(r"CreationDate:\s+(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)", info)
    built = re.search(r"Built(\d{8})(\d\d):(\d\d)UTC", first)
    assert created and built, "no build date on the title page, or none in the PDF"
    assert built.group(1) == "".join(created.groups()[:3])
    n_patients = len(pd.read_csv(edition.cohort))
    assert squeeze(f"Patients in it {n_patients}") in first


def contents_entries(edition: Edition) -> list[tuple[str, int]]:
    """(entry, page number) from the contents pages that follow the title page."""
    entries, number = [], 2
    while True:
        layout = subprocess.run([tool("pdftotext"), "-layout", "-f", str(number), "-l", str(number),
                                 str(edition.pdf), "-"], capture_output=True, text=True, check=True).stdout
        lines = [line.strip() for line in layout.splitlines() if line.strip()]
        if number == 2:
            assert lines and lines[0] == "Contents", "no contents after the title page"
            lines = lines[1:]
        found = [(m.group(1), int(m.group(2))) for line in lines if (m := re.fullmatch(r"(.+?)\s{2,}(\d+)", line))]
        if not found:
            # The body starts after the contents, so each page found is a page of the body.
            assert entries and min(page for _, page in entries) >= number, "contents point into themselves"
            return entries
        entries += found
        number += 1


def test_the_contents_give_the_page_of_every_chapter_and_section(edition):
    entries = contents_entries(edition)
    pages = subprocess.run([tool("pdftotext"), str(edition.pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    # Every chapter is listed, in reading order.
    titles = [plain(re.search(r"<h1>(.*?)</h1>", page, flags=re.S).group(1)).strip()
              for page in site_pages(edition.site).values()]
    listed = [next((i for i, (entry, _) in enumerate(entries) if squeeze(title) in squeeze(entry)), None)
              for title in titles]
    assert None not in listed, f"chapters missing from the contents: {[t for t, i in zip(titles, listed) if i is None]}"
    assert listed == sorted(listed), "the contents are not in reading order"
    # Each entry's heading is on the page the contents give, and pages only go forward.
    wrong = [f"{entry!r} is not on page {page}" for entry, page in entries
             if squeeze(entry) not in squeeze(pages[page - 1])]
    assert not wrong, "\n".join(wrong)
    assert [page for _, page in entries] == sorted(page for _, page in entries)


def test_equations_are_typeset_with_their_numbers(edition):
    # The site carries each formula as TeX for MathJax (\\( \\) inline, \\[ \\] displayed, with
    # its number); the PDF must show the typeset formula (drawn, not text), never its TeX.
    numbers, commands = [], set()
    for page in site_pages(edition.site).values():
        numbers += re.findall(r'<span class="eqno">(\(.*?\))', page)
        for tex in re.findall(r'class="math notranslate nohighlight"[^>]*>(.*?)</(?:span|div)>', page, flags=re.S):
            commands |= set(re.findall(r"\\[A-Za-z]{2,}", re.sub(r"<[^>]+>", "", tex)))
    assert numbers and commands, "the site has no numbered formula: nothing to check"
    assert not re.search(r"\\[\(\[]", edition.text), "TeX delimiters in the PDF: math was not typeset"
    leaked = sorted(command for command in commands if command in edition.text)
    assert not leaked, f"TeX commands in the PDF text: {leaked}"
    missing = [number for number in numbers if number not in edition.text]
    assert not missing, f"equation numbers missing from the PDF: {missing}"


def test_fonts_are_embedded(edition):
    listing = subprocess.run([tool("pdffonts"), str(edition.pdf)], capture_output=True, text=True, check=True).stdout
    rows = listing.splitlines()[2:]
    assert rows, "the PDF lists no fonts: no text?"
    # Columns: name, type (1-2 words), encoding, emb, sub, uni, object id (2 numbers).
    not_embedded = [row for row in rows if row.split()[-5] != "yes"]
    assert not not_embedded, "fonts not embedded:\n" + "\n".join(not_embedded)


def test_figures_are_vector_graphics(edition):
    # Charts are SVG drawn by vega-embed, so the PDF holds no raster image beyond the pictures
    # the pages themselves show (<img> in a chapter's article).
    pictures = sum(len(re.findall(r"<img\b", page.split("<article", 1)[-1].split("</article>", 1)[0]))
                   for page in site_pages(edition.site).values())
    listing = subprocess.run([tool("pdfimages"), "-list", str(edition.pdf)], capture_output=True, text=True,
                             check=True).stdout
    rasters = listing.splitlines()[2:]
    assert len(rasters) <= pictures, f"{len(rasters)} raster images in the PDF, {pictures} pictures in the site:\n" \
        + "\n".join(rasters[:10])


def test_no_text_runs_off_the_page_or_into_the_side_margins(edition):
    layout = subprocess.run([tool("pdftotext"), "-bbox", str(edition.pdf), "-"],
                            capture_output=True, text=True, check=True).stdout
    pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', layout, flags=re.S)
    assert len(pages) > 20, f"only {len(pages)} pages"
    side = pdf.MARGINS_MM["left"] / 25.4 * 72  # points
    outside = []
    for number, (width, height, body) in enumerate(pages, start=1):
        width, height = float(width), float(height)
        for x_min, y_min, x_max, y_max, word in re.findall(
                r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">(.*?)</word>', body):
            x_min, y_min, x_max, y_max = map(float, (x_min, y_min, x_max, y_max))
            if x_min < side - 1 or x_max > width - side + 1 or y_min < 0 or y_max > height:
                outside.append(f"page {number}: {html.unescape(word)!r} at x {x_min:.0f}-{x_max:.0f} of {width:.0f}")
    assert not outside, f"{len(outside)} words outside the text block:\n" + "\n".join(outside[:20])


def test_interactive_charts_print_with_a_note(edition):
    # Charts whose spec binds a parameter to an input (a slider), in the site's pages.
    controls = 0
    for page in site_pages(edition.site).values():
        for start in re.finditer(r'\("#vega-chart-[0-9a-f]+", ', page):  # the call that draws a chart
            spec, _ = json.JSONDecoder().raw_decode(page, start.end())
            params = spec.get("params", [])
            controls += any(isinstance(p.get("bind"), dict) and "input" in p["bind"] for p in params)
    assert controls >= 1, "the site has no chart with a control: the tipping-point slider is gone?"
    assert squeeze(edition.text).count(squeeze(INTERACTIVE_NOTE)) == controls


def test_the_site_links_to_this_pdf(edition):
    copy = edition.site / pdf.PDF_NAME
    assert copy.is_file() and copy.read_bytes() == edition.pdf.read_bytes(), \
        f"{copy} is not the PDF of this build (make pdf copies it into the site)"
    for name, page in site_pages(edition.site).items():
        depth = name.count("/")
        assert f'href="{"../" * depth}{pdf.PDF_NAME}"' in page, f"{name}.html has no link to the PDF"


def test_no_patient_level_value_reaches_the_pdf(canary_edition):
    raw = pd.read_csv(canary_edition.cohort, dtype=str)
    needles = set(raw["patient_id"])
    for column in ("followup_years", "dwfs_years", "age"):
        needles |= {value for value in raw[column] if len(value) >= 7}
    assert len(needles) > 500, "the canary must carry distinctive values, or this test proves nothing"
    info = subprocess.run([tool("pdfinfo"), "-meta", str(canary_edition.pdf)], capture_output=True, text=True).stdout
    text = canary_edition.text + info
    leaks = sorted(needle for needle in needles if needle in text)
    assert not leaks, "patient-level values in the PDF:\n" + "\n".join(leaks[:20])
    assert CANARY_ID_PREFIX not in text
    # The text extraction itself works: the same test finds the cohort's name and digest.
    assert canary_edition.cohort.name in text


def test_small_counts_are_withheld_in_the_pdf_as_on_the_site(canary_edition):
    raw = pd.read_csv(canary_edition.cohort)
    assert 0 < int(raw["died"].sum()) < 5, "the canary has small counts, so suppression must show"
    assert "<5" in canary_edition.text and "withheld" in canary_edition.text


def test_a_page_wider_than_the_paper_is_refused(tmp_path):
    page = tmp_path / "wide.html"
    page.write_text(
        '<!doctype html><html><body><main><article class="bd-article"><section id="s"><h1>Wide</h1>'
        '<p>Fits.</p><div style="width: 1400px">A box wider than A4</div>'
        "</section></article></main></body></html>")
    facts = pdf.provenance(SHIPPED_COHORT)
    with pytest.raises(pdf.PdfError, match="run off"):
        pdf.print_pdf(page, tmp_path / "wide.pdf", facts, "Title", "wide.html")
    assert not (tmp_path / "wide.pdf").exists()
