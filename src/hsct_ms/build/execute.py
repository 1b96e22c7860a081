"""Execute a book's chapters in parallel, before Sphinx reads them.

MyST-NB executes the chapters one after another while it reads them, so on a
multi-core machine all but one core idle. Here jupyter-cache's own parallel executor
(``local-parallel``: one process per core, each running a chapter in its kernel)
executes every chapter into a jupyter-cache database first; Jupyter Book then builds
with ``execute_notebooks: cache`` on that database and finds every chapter executed.

MyST-NB stays the judge of every result: the chapters are read with MyST-NB's own
reader (so the cache key is the notebook MyST-NB itself sees); a chapter that fails
here is not cached, so MyST-NB executes it again during the build and fails the
strict build with its usual message; stderr output is judged when the page renders,
exactly as before.

jupyter-cache keys a notebook only on its code cells and their metadata: an edit to
``src/``, ``data/`` or the cohort file would not change the key. So the database is
only ever reused under an execution fingerprint (:func:`hsct_ms.build.book.execution_fingerprint`)
that covers everything else a chapter's outputs can depend on; the build driver wipes
it when that fingerprint changes, and a clean build starts from an empty database.

Run as ``python -m hsct_ms.build.execute ROOT CACHE_DIR TIMEOUT`` (the build driver runs
it as a subprocess with the cohort in its environment, as it runs Jupyter Book).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from pathlib import Path

import yaml

# MyST-NB's reader of MyST Markdown notebooks, as registered for jupyter-cache: the
# notebook it returns is the one MyST-NB builds, so both compute the same cache key.
MYST_NB_READER = {"type": "plugin", "name": "myst_nb_md"}
# Set to 1 to execute the chapters one after another (the outputs are the same).
PROCESSES_VARIABLE = "HSCT_MS_BUILD_PROCESSES"


def toc_sources(root: Path) -> list[Path]:
    """The source file of every page of ``root/_toc.yml``, in reading order."""
    from hsct_ms.build.book import toc_pages

    sources = []
    for page in toc_pages(root / "_toc.yml"):
        candidates = [root / f"{page}{suffix}" for suffix in (".md", ".ipynb")]
        sources += [path for path in candidates if path.exists()][:1]
    return sources


def notebook_sources(root: Path) -> list[Path]:
    """The pages MyST-NB executes: MyST Markdown notebooks (they declare a kernel)."""
    from myst_nb.core.read import is_myst_markdown_notebook

    return [path for path in toc_sources(root)
            if path.suffix == ".md" and is_myst_markdown_notebook(path.read_text("utf8"))]


def longest_first(sources: list[Path], root: Path, times_file: Path) -> list[Path]:
    """The chapters in the order the pool should start them: longest first, so that no long
    chapter starts last and runs alone. The time of each chapter in the previous build
    (``execution-times.json``, written by :mod:`hsct_ms.build.sphinx_ext`) when known,
    else the size of its source."""
    try:
        times = json.loads(times_file.read_text())
    except (OSError, ValueError):
        times = {}

    def expected(path: Path):
        previous = times.get(str(path.relative_to(root).with_suffix("")))
        return (previous is not None, previous or 0.0, path.stat().st_size)

    return sorted(sources, key=expected, reverse=True)


def execute_into_cache(root: Path, cache_dir: Path, timeout: int) -> dict:
    """Execute every notebook page of ``root`` that the cache at ``cache_dir`` lacks,
    in parallel; return the executed, failed and reused chapters and the wall time."""
    from jupyter_cache import get_cache
    from jupyter_cache.executors import load_executor

    started = time.perf_counter()
    cache = get_cache(str(cache_dir))
    known = {record.uri for record in cache.list_project_records()}
    # jupyter-cache hands the notebooks to its pool in the order they were added.
    for path in longest_first(notebook_sources(root), root, cache_dir.parent / "execution-times.json"):
        if str(path) not in known:
            cache.add_nb_to_project(str(path), read_data=MYST_NB_READER)
    pending = [record.uri for record in cache.list_unexecuted()]
    logger = logging.getLogger("hsct_ms.execute")
    logger.addHandler(logging.StreamHandler(sys.stdout))
    logger.setLevel(logging.WARNING)
    result = None
    if pending:
        # One process per core, unless told to stay on one (e.g. a build that runs in the
        # background of the test suite, which needs the other core).
        serial = os.environ.get(PROCESSES_VARIABLE, "").strip() == "1"
        executor = load_executor("local-serial" if serial else "local-parallel", cache=cache, logger=logger)
        result = executor.run_and_cache(filter_uris=pending, timeout=timeout, allow_errors=False)
    executed = result.succeeded if result else []
    failed = (result.excepted + result.errored) if result else []
    reused = sorted({record.uri for record in cache.list_project_records()} - set(pending))
    return {"executed": executed, "failed": failed, "reused": reused,
            "seconds": time.perf_counter() - started}


def main(argv: list[str]) -> int:
    root, cache_dir, timeout = Path(argv[0]), Path(argv[1]), int(argv[2])
    outcome = execute_into_cache(root, cache_dir, timeout)
    names = lambda uris: ", ".join(Path(uri).stem for uri in uris) or "none"  # noqa: E731
    print(f"executed in parallel in {outcome['seconds']:.1f} s: {names(outcome['executed'])}; "
          f"outputs reused: {names(outcome['reused'])}"
          + (f"; FAILED (the build re-runs them to report): {names(outcome['failed'])}"
             if outcome["failed"] else ""), flush=True)
    return 0


def config_timeout(root: Path, default: int = 300) -> int:
    """The cell timeout of ``root/_config.yml`` (``execute.timeout``)."""
    config = yaml.safe_load((root / "_config.yml").read_text()) or {}
    return int((config.get("execute") or {}).get("timeout", default))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
