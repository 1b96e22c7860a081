"""The build fails loudly: a failing cell, a dangling reference or a Sphinx warning
stops it, and the error says where. Oracle: a minimal book made in a temporary folder
with the project's own _config.yml, built the way `make book` builds.
"""

import os
import shutil
import textwrap
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from hsct_ms.build import book
from hsct_ms.paths import REPO_ROOT, SHIPPED_COHORT

HEADER = textwrap.dedent("""\
    ---
    jupytext:
      text_representation:
        format_name: myst
    kernelspec:
      display_name: Python 3
      language: python
      name: python3
    ---

    (page)=
    # A page

    """)


def mini_book(tmp_path, body):
    shutil.copy(REPO_ROOT / "_config.yml", tmp_path / "_config.yml")
    shutil.copy(REPO_ROOT / "references.bib", tmp_path / "references.bib")
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: page\n")
    (tmp_path / "page.md").write_text(HEADER + textwrap.dedent(body))
    return book.run_jupyter_book(tmp_path, SHIPPED_COHORT, capture=True)


MINI_BOOKS = {
    "raises": """\
        ```{code-cell} ipython3
        1 / 0
        ```
        """,
    "dangling": "See {ref}`no-such-label`.\n",
    "stderr": """\
        ```{code-cell} ipython3
        import warnings
        warnings.warn("a result that should not be published silently")
        ```
        """,
    # The control for the three above: the same strict build passes when the failure
    # is declared.
    "declared": """\
        ```{code-cell} ipython3
        :tags: [raises-exception]
        1 / 0
        ```
        """,
}


def start_background_builds(folder: Path) -> dict:
    """Start the mini books of MINI_BOOKS, two at a time, each build its own process, at
    low CPU priority; return name -> Future of the build's CompletedProcess. tests/conftest.py
    calls this when the tests are collected, so the builds run while other tests do."""

    def build(name, body):
        # Linux: a thread's nice value is its own, and the build processes it starts inherit it.
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
        (folder / name).mkdir(parents=True)
        return mini_book(folder / name, body)

    # Two at a time: the tests that run meanwhile keep a share of the machine.
    pool = ThreadPoolExecutor(2, thread_name_prefix="mini-book")
    futures = {name: pool.submit(build, name, body) for name, body in MINI_BOOKS.items()}
    pool.shutdown(wait=False)
    return futures


@pytest.fixture(scope="module")
def mini_builds(background_jobs):
    """Each mini book of MINI_BOOKS built once: name -> the CompletedProcess of its build."""
    return {name: future.result() for name, future in background_jobs.items()}


def test_a_cell_that_raises_fails_the_build(mini_builds):
    result = mini_builds["raises"]
    assert result.returncode != 0
    assert "ZeroDivisionError" in result.stdout + result.stderr
    assert "page" in result.stdout + result.stderr


def test_a_dangling_reference_fails_the_build(mini_builds):
    result = mini_builds["dangling"]
    assert result.returncode != 0
    assert "no-such-label" in result.stdout + result.stderr


def test_output_on_stderr_fails_the_build(mini_builds):
    assert mini_builds["stderr"].returncode != 0


def test_a_cell_tagged_raises_exception_is_allowed(mini_builds):
    result = mini_builds["declared"]
    assert result.returncode == 0, result.stdout + result.stderr


def test_fingerprint_changes_with_the_cohort_file(tmp_path):
    copy = tmp_path / "cohort.csv"
    copy.write_bytes(SHIPPED_COHORT.read_bytes())
    same_bytes = book.inputs_fingerprint(copy)
    copy.write_bytes(SHIPPED_COHORT.read_bytes().replace(b"REC001", b"REC999"))
    assert book.inputs_fingerprint(copy) != same_bytes
    assert book.inputs_fingerprint(SHIPPED_COHORT) == book.inputs_fingerprint(SHIPPED_COHORT)


def test_the_built_site_has_every_page_of_the_toc():
    # make test builds the book first (Makefile: test depends on book).
    assert book.missing_pages() == []
    assert "chapters/data" in book.toc_pages()


def test_fingerprint_changes_with_the_small_count_threshold(monkeypatch):
    monkeypatch.delenv("HSCT_MS_MIN_COUNT", raising=False)
    default = book.inputs_fingerprint(SHIPPED_COHORT)
    monkeypatch.setenv("HSCT_MS_MIN_COUNT", "10")
    assert book.inputs_fingerprint(SHIPPED_COHORT) != default


def test_cached_outputs_survive_only_under_the_same_execution_inputs(tmp_path):
    # Oracle: the execution fingerprint. jupyter-cache keys a chapter on its code cells
    # alone, so its outputs may only be reused when nothing else a chapter reads changed.
    cohort_copy = tmp_path / "cohort.csv"
    cohort_copy.write_bytes(SHIPPED_COHORT.read_bytes())
    build_dir = tmp_path / "_build"
    marker = build_dir / book.CACHE_DIRNAME / "outputs-of-an-earlier-build"

    book.prepare_cache(build_dir, cohort_copy, clean=False)
    marker.write_text("cached")
    book.prepare_cache(build_dir, cohort_copy, clean=False)
    assert marker.exists(), "same inputs: the cache is reused"

    cohort_copy.write_bytes(SHIPPED_COHORT.read_bytes().replace(b"REC001", b"REC999"))
    book.prepare_cache(build_dir, cohort_copy, clean=False)
    assert not marker.exists(), "another cohort file: the cache is emptied"

    marker.write_text("cached")
    book.prepare_cache(build_dir, cohort_copy, clean=True)
    assert not marker.exists(), "a clean build starts from an empty cache"


def test_the_execution_fingerprint_leaves_out_only_the_chapters_text(monkeypatch):
    full = book.inputs_fingerprint(SHIPPED_COHORT)
    execution = book.inputs_fingerprint(SHIPPED_COHORT, chapter_text=False)
    assert execution != full
    monkeypatch.setenv("HSCT_MS_MIN_COUNT", "10")
    assert book.inputs_fingerprint(SHIPPED_COHORT, chapter_text=False) != execution
