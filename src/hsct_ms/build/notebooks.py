"""Execute the Markdown chapters into the committed notebooks of ``notebooks/``.

The notebooks are the verified record of the book's results on the shipped
cohort: ``make test`` re-executes them with strict nbval and compares every
output. They are always made from the shipped cohort, whatever ``COHORT_CSV`` says.
"""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

from hsct_ms.build.book import toc_pages
from hsct_ms.build.execute import longest_first
from hsct_ms.paths import BUILD_DIR, NOTEBOOKS_DIR, REPO_ROOT

# Metadata that depends on the machine or the moment, not on the results.
VOLATILE_CELL_METADATA = ("execution", "ExecuteTime")


def chapter_sources() -> list[Path]:
    """The Markdown sources of the pages that are notebooks (they declare a kernel),
    in table-of-contents order. Plain pages, such as the references, have no outputs."""
    sources = [REPO_ROOT / f"{page}.md" for page in toc_pages()]
    return [path for path in sources if "kernelspec" in jupytext.read(path).metadata]


def notebook_path(chapter: Path) -> Path:
    return NOTEBOOKS_DIR / f"{chapter.stem}.ipynb"


def execute_chapter(chapter: Path, timeout: int = 600) -> nbformat.NotebookNode:
    """Execute one chapter as a notebook, with the chapter's folder as working directory."""
    notebook = jupytext.read(chapter)
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(chapter.parent)}},
    )
    client.execute()
    for position, cell in enumerate(notebook.cells):
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
        # jupytext gives each cell a random id: derive it from the cell instead, so a
        # rerun of an unchanged chapter rewrites its notebook byte for byte.
        cell.id = hashlib.sha256(f"{position}:{cell.cell_type}:{cell.source}".encode()).hexdigest()[:8]
    notebook.metadata.pop("widgets", None)
    return notebook


def write_notebooks(names: list[str] | None = None) -> list[Path]:
    """Execute the chapters on the shipped cohort and write ``notebooks/*.ipynb``.

    ``names`` (chapter file stems, e.g. ``["outcomes"]``) limits the run to those
    chapters; by default every chapter runs.
    """
    os.environ.pop("COHORT_CSV", None)
    NOTEBOOKS_DIR.mkdir(exist_ok=True)
    written = []
    chapters = chapter_sources()
    unknown = sorted(set(names or ()) - {chapter.stem for chapter in chapters})
    if unknown:
        raise SystemExit(f"no chapter named {unknown}; chapters are {[c.stem for c in chapters]}")
    chosen = [chapter for chapter in chapters if not names or chapter.stem in names]
    # One process per core, the longest chapters first (as in make book).
    order = longest_first(chosen, REPO_ROOT, BUILD_DIR / "execution-times.json")
    failed = []
    with ProcessPoolExecutor(max_workers=min(len(order), os.cpu_count() or 1) or 1) as pool:
        futures = {chapter: pool.submit(execute_chapter, chapter) for chapter in order}
        for chapter in chosen:  # a failing chapter does not stop the others being written
            target = notebook_path(chapter)
            try:
                notebook = futures[chapter].result()
            except Exception as error:
                print(f"FAILED {chapter.relative_to(REPO_ROOT)}:\n{error}", flush=True)
                failed.append(chapter.stem)
                continue
            print(f"executed {chapter.relative_to(REPO_ROOT)} -> {target.relative_to(REPO_ROOT)}", flush=True)
            written.append(_write_pair(chapter, target, notebook))
    if failed:
        raise SystemExit(f"make notebooks: {', '.join(failed)} failed; their notebooks were not written")
    return written


def _write_pair(chapter: Path, target: Path, notebook: nbformat.NotebookNode) -> Path:
    """Write the executed notebook and keep its chapter in jupytext's layout."""
    nbformat.write(notebook, target)
    # Keep the pair exact, as jupytext's own sync would: JupyterLab refuses to open
    # a notebook whose Markdown twin differs (here only in layout, e.g. key order).
    canonical = jupytext.writes(nbformat.read(target, as_version=4), fmt="md:myst")
    if canonical != chapter.read_text():
        chapter.write_text(canonical)
        print(f"  rewrote {chapter.relative_to(REPO_ROOT)} in jupytext's layout", flush=True)
    return target
