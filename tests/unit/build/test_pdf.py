"""Tests of the PDF edition's parts that need no browser: provenance, title page, the
single-page configuration, the site's link (hsct_ms.build.pdf, hsct_ms.build.pdf_link).

Oracles: the shipped cohort file (its bytes and rows), _config.yml (the website's output
choices), and sphinx-book-theme's download menu as it builds it."""

import datetime as dt
import hashlib
import html
import os
from pathlib import Path

import pandas as pd
import pytest
import yaml

from hsct_ms import terms
from hsct_ms.build import pdf, pdf_link
from hsct_ms.paths import REPO_ROOT, SHIPPED_COHORT


def test_provenance_of_the_shipped_cohort():
    when = dt.datetime(2026, 3, 1, 9, 5, tzinfo=dt.timezone.utc)
    facts = pdf.provenance(SHIPPED_COHORT, now=when)
    assert facts.cohort_file == SHIPPED_COHORT.name
    assert facts.cohort_sha256 == hashlib.sha256(SHIPPED_COHORT.read_bytes()).hexdigest()
    assert facts.n_patients == len(pd.read_csv(SHIPPED_COHORT))
    assert facts.is_shipped
    assert facts.built_at == "2026-03-01 09:05 UTC"
    assert dict(facts.rows())["Cohort"] == terms.cohort_phrase(is_shipped=True)


def test_provenance_of_a_user_file_names_it_and_says_so(tmp_path):
    copy = tmp_path / "centre_export.csv"
    frame = pd.read_csv(SHIPPED_COHORT)
    frame.iloc[:150].to_csv(copy, index=False)
    facts = pdf.provenance(copy)
    assert facts.cohort_file == "centre_export.csv"
    assert facts.cohort_sha256 == hashlib.sha256(copy.read_bytes()).hexdigest()
    assert facts.n_patients == 150 and not facts.is_shipped
    assert dict(facts.rows())["Cohort"] == terms.cohort_phrase(is_shipped=False)


def test_title_page_shows_every_fact_escaped():
    facts = pdf.Provenance("a<b>&c.csv", "f" * 64, 12, False, "2026-01-02 03:04 UTC", "9.9")
    page = pdf.title_page_html("Title <with> & marks", facts)
    assert "Title &lt;with&gt; &amp; marks" in page
    assert "a&lt;b&gt;&amp;c.csv" in page and "<b>" not in page
    for name, value in facts.rows():
        assert html.escape(name) in page and html.escape(value) in page
    assert 'class=pdf-digest>' + "f" * 64 in page


def test_the_single_page_gets_the_sites_output_choices():
    """The PDF is printed from a singlehtml build: every output choice _config.yml makes
    for the website (tables rendered from MyST, hence numbered) is made for it too."""
    config = yaml.safe_load((REPO_ROOT / "_config.yml").read_text())
    overrides = config["sphinx"]["config"]["nb_mime_priority_overrides"]
    html_entries = [entry[1:] for entry in overrides if entry[0] == "html"]
    assert html_entries, "_config.yml no longer overrides an output for the html builder"
    single = [entry[1:] for entry in overrides if entry[0] == "singlehtml"]
    assert sorted(single) == sorted(html_entries)


def test_the_text_block_width_is_the_page_minus_its_margins():
    mm = 210 - pdf.MARGINS_MM["left"] - pdf.MARGINS_MM["right"]
    assert pdf.TEXT_WIDTH_PX == pytest.approx(mm / 25.4 * 96, abs=0.5)


def download_menu():
    return [{"type": "group", "label": "download-buttons",
             "buttons": [{"label": "download-source-button"}, {"label": "download-pdf-button"}]},
            {"type": "javascript", "label": "fullscreen-button"}]


def test_the_book_pdf_comes_first_in_the_download_menu_once():
    buttons = download_menu()
    pathto = lambda name, resource: f"../{name}"  # noqa: E731 (as Sphinx's pathto from chapters/)
    assert pdf_link.add_pdf_button(buttons, pathto)
    assert pdf_link.add_pdf_button(buttons, pathto)  # a second call does not add it twice
    entries = buttons[0]["buttons"]
    assert [entry["label"] for entry in entries] == [
        "download-book-pdf-button", "download-source-button", "download-pdf-button"]
    assert entries[0]["url"] == f"../{pdf.PDF_NAME}" and entries[0]["type"] == "link"
    assert entries[2]["text"] == "Print this page"


def test_no_download_menu_no_link():
    buttons = [{"type": "javascript", "label": "fullscreen-button"}]
    assert not pdf_link.add_pdf_button(buttons, lambda name, resource: name)
    assert buttons == [{"type": "javascript", "label": "fullscreen-button"}]


def test_the_derivation_cache_is_the_output_roots_while_building(tmp_path, monkeypatch):
    """A build written to another root (and the PDF's provenance, read after it) caches
    the EDSS derivation there; the variable a user set is back afterwards."""
    from hsct_ms.build.book import derivation_cache
    from hsct_ms.stats.disability import CACHE_VARIABLE, cache_dir

    monkeypatch.setenv(CACHE_VARIABLE, "/somewhere/else")
    with derivation_cache(tmp_path) as inside:
        assert cache_dir() == inside == (tmp_path / "_build" / ".disability_cache").resolve()
    assert cache_dir() == Path("/somewhere/else")
    monkeypatch.delenv(CACHE_VARIABLE)
    with derivation_cache(tmp_path):
        pass
    assert CACHE_VARIABLE not in os.environ
