"""A user-cohort build that cannot compute something ends with one clear message per failed
chapter (the chapter, what could not be computed, why, what the user can do) and no stack
trace, on the terminal or in the site; the strict build still fails, and a developer finds
the full traceback of an unexpected error in the log the message names.

Oracle: the book itself, copied with one cell injected after the imports of three real
chapters (``python -m hsct_ms book --root COPY``, the option documented in
``hsct_ms.build.cli`` for this): in ``limitations`` a cell that raises
:class:`hsct_ms.errors.CannotCompute` with known fields, in ``outcomes`` a cell whose
function raises a ValueError (an unexpected fault of the book), in the landing page a cell
that warns on stderr (which the strict build refuses). The data chapter is built unchanged
beside them. The cohort is a 60-patient centre's file with a registry's shape
(``synthetic.registry_cohort``), built as ``COHORT_CSV=... make book`` builds it.
"""

import os
import re
import shutil
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from hsct_ms.paths import REPO_ROOT
from hsct_ms.reconstruction import synthetic

STACK_TRACE = "Traceback (most recent call last)"
REFUSED = dict(what="the injected tipping-point table",
               why="this test injected a CannotCompute after the chapter's imports",
               remedy="nothing: the test expects this build to fail")
INJECTED = {
    "limitations": ("from hsct_ms.errors import CannotCompute\n"
                    f"raise CannotCompute({REFUSED['what']!r}, {REFUSED['why']!r}, {REFUSED['remedy']!r})"),
    "outcomes": ("def injected_fault():\n"
                 "    raise ValueError('injected fault: chart data has 2270 rows (limit 2000)')\n"
                 "injected_fault()"),
    "index": "import warnings\nwarnings.warn('injected warning: the Cox model did not converge', RuntimeWarning)",
}
UNCHANGED = ["data"]
CODE_CELL = re.compile(r"```\{code-cell\}[^\n]*\n.*?\n```\n", re.S)

#: The environment when the tests were collected, before any test could set a variable in
#: it (the builds run in a background thread while other tests monkeypatch os.environ),
#: without the book's own inputs: each build names its cohort, and has no visits file.
ENV_AT_COLLECTION = {key: value for key, value in os.environ.items()
                     if key not in ("COHORT_CSV", "VISITS_CSV", "RELAPSES_CSV", "HSCT_MS_MIN_COUNT")}


def book_with_injected_cells(root: Path) -> Path:
    """A copy of the book whose table of contents holds the landing page and the chapters
    of INJECTED and UNCHANGED, each of INJECTED with its cell inserted after its first code
    cell (the imports)."""
    root.mkdir(parents=True)
    for name in ("_config.yml", "references.bib"):
        shutil.copy(REPO_ROOT / name, root / name)
    (root / "chapters").mkdir()
    for chapter in UNCHANGED:
        shutil.copy(REPO_ROOT / "chapters" / f"{chapter}.md", root / "chapters" / f"{chapter}.md")
    for chapter, cell in INJECTED.items():
        text = (REPO_ROOT / "chapters" / f"{chapter}.md").read_text()
        imports = CODE_CELL.search(text)
        assert imports is not None, f"chapters/{chapter}.md has no code cell to inject after"
        injected = f"\n```{{code-cell}} ipython3\n{cell}\n```\n"
        (root / "chapters" / f"{chapter}.md").write_text(text[:imports.end()] + injected + text[imports.end():])
    chapters = UNCHANGED + [chapter for chapter in INJECTED if chapter != "index"]
    (root / "_toc.yml").write_text("format: jb-book\nroot: chapters/index\nchapters:\n"
                                   + "".join(f"  - file: chapters/{chapter}\n" for chapter in chapters))
    return root


def build(folder: Path) -> dict:
    """``python -m hsct_ms book`` on the injected copy and a small centre's cohort file."""
    root = book_with_injected_cells(folder / "book")
    cohort_file = folder / "centre_export.csv"
    synthetic.write_cohort(synthetic.registry_cohort(60, seed=13, id_prefix="CTR"), cohort_file)
    output_root = folder / "out"
    result = subprocess.run(
        [sys.executable, "-m", "hsct_ms", "book", "--root", str(root), "--output-root", str(output_root)],
        cwd=REPO_ROOT, capture_output=True, text=True,
        env=dict(ENV_AT_COLLECTION, COHORT_CSV=str(cohort_file), HSCT_MS_BUILD_PROCESSES="1"))
    return {"result": result, "build_dir": output_root / "_build"}


def start_background_builds(folder: Path) -> dict:
    """The one build of this module, started when the tests are collected (tests/conftest.py),
    at low CPU priority."""

    def niced():
        # Linux: a thread's nice value is its own, and the processes it starts inherit it.
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
        return build(folder)

    pool = ThreadPoolExecutor(1, thread_name_prefix="failure-book")
    future = pool.submit(niced)
    pool.shutdown(wait=False)
    return {"injected": future}


def built(background_jobs) -> dict:
    return background_jobs["injected"].result()


def test_the_build_fails(background_jobs):
    result = built(background_jobs)["result"]
    assert result.returncode != 0, result.stdout + result.stderr


def test_no_stack_trace_reaches_the_terminal(background_jobs):
    result = built(background_jobs)["result"]
    assert STACK_TRACE not in result.stdout + result.stderr
    assert "CellExecutionError" not in result.stdout + result.stderr


def test_a_chapter_that_cannot_compute_says_what_why_and_what_to_do(background_jobs):
    stderr = built(background_jobs)["result"].stderr
    assert 'the chapter "limitations" (chapters/limitations.md) could not be built.' in stderr
    assert f"  could not compute: {REFUSED['what']}\n" in stderr
    assert f"  why: {REFUSED['why']}\n" in stderr
    assert f"  what you can do: {REFUSED['remedy']}\n" in stderr


def test_an_unexpected_error_names_the_chapter_its_exception_and_the_log(background_jobs):
    outcome = built(background_jobs)
    stderr = outcome["result"].stderr
    assert 'the chapter "outcomes" (chapters/outcomes.md) could not be built.' in stderr
    assert "why: ValueError: injected fault: chart data has 2270 rows (limit 2000)" in stderr
    # The injected cell is the chapter's second code cell.
    assert "code cell 2 (line " in stderr
    log = outcome["build_dir"] / "logs" / "outcomes.log"
    assert str(log) in stderr, "the message names the log with the traceback"
    text = log.read_text()
    assert STACK_TRACE in text and "injected_fault()" in text, "the developer's traceback is in the log"


def test_a_warning_on_stderr_is_named_with_its_text(background_jobs):
    stderr = built(background_jobs)["result"].stderr
    assert 'the chapter "index" (chapters/index.md) could not be built.' in stderr
    assert "code cell 2 (line " in stderr and "wrote to stderr" in stderr
    assert "why: RuntimeWarning: injected warning: the Cox model did not converge" in stderr


def test_only_the_failed_chapters_are_reported(background_jobs):
    result = built(background_jobs)["result"]
    messages = re.findall(r'the chapter "([^"]+)" \(', result.stderr)
    assert sorted(messages) == ["index", "limitations", "outcomes"], "the data chapter built: only the injected fail"
    executed = re.search(r"executed in parallel in [\d.]+ s: ([^;]*);", result.stdout)
    assert executed is not None and executed[1] == "data", result.stdout


def test_no_page_is_published(background_jobs):
    # No page, so no page can show a traceback: Sphinx never starts when a chapter failed.
    build_dir = built(background_jobs)["build_dir"]
    for folder in (build_dir / "html", build_dir / "jupyter_execute"):
        assert not folder.exists() or not any(path.is_file() for path in folder.rglob("*")), folder
