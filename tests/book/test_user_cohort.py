"""The book on a user's own cohort: validation first, nothing patient-level published,
"compares with" rather than "reproduces", small counts suppressed.

Oracle: the canary cohort of tests/conftest.py (ids and decimals that occur nowhere
else), built as `COHORT_CSV=... make book` builds, and its own CSV text.
"""

import hashlib
import os
import re
import subprocess
import sys
import time

import pandas as pd

from conftest import CANARY_ID_PREFIX, CANARY_VISITS, small_centre_cohort
from hsct_ms import terms
from hsct_ms.build import book
from hsct_ms.paths import REPO_ROOT


def site_text(site):
    """Every file of the site as text: pages, search index, notebooks, sources, data. A PDF
    (the PDF edition's copy in the site) adds its extracted text and metadata, since its
    content streams are compressed and its raw bytes would hide the text from a search."""
    texts = {}
    for path in site.rglob("*"):
        if not path.is_file():
            continue
        text = path.read_text(errors="ignore")
        if path.suffix == ".pdf":
            text += "".join(subprocess.run([tool, *args, str(path)], capture_output=True, text=True,
                                           check=True).stdout
                            for tool, args in (("pdftotext", ["-layout"]), ("pdfinfo", ["-meta"])))
        texts[path] = text
    return texts


def found(needles, texts):
    """``file: needle`` for every needle in every text. A number matches only as a whole
    number: "44.1412" is not found inside "344.14127" (a coordinate of a link in a PDF)."""
    numbers = sorted(n for n in needles if re.fullmatch(r"[0-9.]+", n))
    words = [n for n in needles if n not in numbers]
    number_pattern = re.compile(r"(?<![0-9.])(" + "|".join(map(re.escape, numbers)) + r")(?![0-9])")
    hits = []
    for path, text in texts.items():
        hits += [f"{path.name}: {n}" for n in words if n in text]
        hits += [f"{path.name}: {m.group(1)}" for m in number_pattern.finditer(text)] if numbers else []
    return hits


def test_no_patient_level_value_reaches_the_site(canary_site, canary_cohort):
    raw = pd.read_csv(canary_cohort, dtype=str)
    # Distinctive strings only: shorter ones (e.g. "6.5") occur in any web page.
    needles = set(raw["patient_id"])
    for column in ("followup_years", "dwfs_years", "age"):
        needles |= {value for value in raw[column] if len(value) >= 7}
    assert len(needles) > 500, "the canary must carry distinctive values, or this test proves nothing"
    leaks = found(needles, site_text(canary_site))
    assert not leaks, "patient-level values in the site:\n" + "\n".join(leaks[:20])
    assert not any(CANARY_ID_PREFIX in text for text in site_text(canary_site).values())


def test_no_visit_value_reaches_the_site(canary_site, canary_cohort):
    visits = pd.read_csv(canary_cohort.parent / CANARY_VISITS, dtype=str)
    # Visit times carry 6 decimals: each is a distinctive string.
    needles = {value for value in visits["years_since_transplant"] if len(value) >= 7}
    assert len(needles) > 500, "the canary visits must carry distinctive values, or this test proves nothing"
    page = (canary_site / "chapters" / "disability.html").read_text()
    # The agreement table's header exists only when the visits were read and derived.
    assert "Same status and time" in page, "the canary build must compute from its visits"
    leaks = found(needles, site_text(canary_site))
    assert not leaks, "visit times in the site:\n" + "\n".join(leaks[:20])


def test_the_site_search_finds_whole_values_only_and_reads_pdf_text(tmp_path):
    # The search must still find a value standing alone, in any file, a PDF's text included.
    (tmp_path / "page.html").write_text("<td>44.1412</td> and 344.14127 and CANARY-x")
    assert found({"44.1412", "CANARY-x"}, site_text(tmp_path)) == ["page.html: CANARY-x", "page.html: 44.1412"]
    assert found({"44.1412"}, {tmp_path / "a.pdf": "/Rect [50.249878 344.14127 70.499413]"}) == []


def test_landing_page_names_the_cohort_file(canary_site, canary_cohort):
    page = (canary_site / "chapters" / "index.html").read_text()
    assert canary_cohort.name in page
    assert hashlib.sha256(canary_cohort.read_bytes()).hexdigest() in page
    assert terms.cohort_phrase(is_shipped=False) in page
    assert ">200<" in page or " 200 " in page


def test_pages_compare_rather_than_reproduce(canary_site):
    # On a user's cohort the published values are a reference, not a target.
    for name in book.toc_pages():
        html = (canary_site / f"{name}.html").read_text()
        # Prose only: the code shown in code cells names both wordings.
        text = re.sub(r"<[^>]+>", " ", re.sub(r"<pre>.*?</pre>", " ", html, flags=re.S))
        assert not re.search(r"\breproduc(es|ed)\b", text), f"{name}.html says 'reproduces' on a user cohort"


def test_small_counts_are_suppressed(canary_site, canary_cohort):
    raw = pd.read_csv(canary_cohort)
    n_deaths, n_ppms = int(raw["died"].sum()), int((raw["subtype"] == "PPMS").sum())
    assert 0 < n_deaths < 5 and 0 < n_ppms < 5, "the canary has small counts, so suppression must show"
    cohort_page = (canary_site / "chapters" / "cohort.html").read_text()
    assert "&lt;5" in cohort_page
    assert "withheld" in cohort_page


def test_a_bad_cohort_stops_the_build_early_with_the_validation_message(tmp_path):
    bad = tmp_path / "export.csv"
    bad.write_text("patient_id;subtype;age\nP1;RRMS;34,5\n", encoding="utf-8")
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "hsct_ms", "book"], cwd=REPO_ROOT,
                            env={**os.environ, "COHORT_CSV": str(bad)},
                            capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    assert result.returncode == 2
    assert "export.csv" in result.stderr and "semicolon" in result.stderr.lower()
    assert "Traceback" not in result.stderr + result.stdout
    assert elapsed < 15, f"validation took {elapsed:.1f} s"


def test_a_bad_visits_file_stops_the_build_before_any_chapter(tmp_path):
    # Oracle: the visits validator's rules (tests/unit/inputs/test_visits.py); the build
    # must apply them before executing anything, as it does for the cohort file.
    visits = tmp_path / "visits.csv"
    visits.write_text("patient_id,years_since_transplant,edss\nREC001,0.5,6.3\n", encoding="utf-8")
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "hsct_ms", "book", "--output-root", str(tmp_path / "out")],
                            cwd=REPO_ROOT, env={**os.environ, "VISITS_CSV": str(visits)},
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert "visits.csv, column 'edss', line 2 (patient REC001)" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not (tmp_path / "out" / "_build" / "html").exists()
    assert time.perf_counter() - started < 15


def test_the_book_builds_for_a_small_centre(small_centre_site):
    # Oracle: the strict build itself (any failing cell or warning fails it; the
    # small_centre_site fixture fails this test with the build's log). Small groups, no
    # deaths and short follow-up must give a book, not a traceback.
    cohort_page = (small_centre_site / "chapters" / "cohort.html").read_text()
    assert "&lt;5" in cohort_page


def test_a_cohort_the_analyses_cannot_use_is_refused_clearly(tmp_path):
    # Valid by the schema, but without progressive patients: the book compares subtypes.
    path = tmp_path / "rrms_only.csv"
    small_centre_cohort().query("subtype == 'RRMS'").to_csv(path, index=False)
    result = subprocess.run([sys.executable, "-m", "hsct_ms", "validate", str(path)],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "no progressive (SPMS or PPMS) patients" in result.stderr
    assert book.build_book(cohort_path=path, output_root=tmp_path / "out", quiet=True) == 2
