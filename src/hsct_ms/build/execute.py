"""Execute a book's chapters in parallel, before Sphinx reads them; report failures.

MyST-NB executes the chapters one after another while it reads them, so on a
multi-core machine all but one core idle. Here jupyter-cache's own parallel executor
(``local-parallel``: one process per core, each running a chapter in its kernel)
executes every chapter into a jupyter-cache database first; Jupyter Book then builds
with ``execute_notebooks: cache`` on that database and finds every chapter executed.
The chapters are read with MyST-NB's own reader, so the cache key is the notebook
MyST-NB itself sees; stderr output is judged by MyST-NB when the page renders.

A chapter that fails here stops the build before Sphinx starts (the build driver,
:mod:`hsct_ms.build.book`, reads :data:`REPORT_NAME`): each failed chapter gives one
message (:func:`failure_message`) naming the chapter, what could not be computed, why,
and what the user can do, never a stack trace. A cell that raises
:class:`hsct_ms.errors.CannotCompute` gives its own what/why/remedy; any other exception
(a fault of the book, not of the cohort file) gives the cell and its exception line,
and the full traceback goes to ``_build/logs/<chapter>.log``, whose path the message
gives. jupyter-cache's own log (which holds those tracebacks too) goes to
``_build/logs/execute.log``.

jupyter-cache keys a notebook only on its code cells and their metadata: an edit to
``src/``, ``data/`` or the cohort file would not change the key. So the database is
only ever reused under an execution fingerprint (:func:`hsct_ms.build.book.inputs_fingerprint`
with ``chapter_text=False``) that covers everything else a chapter's outputs can depend
on; the build driver wipes it when that fingerprint changes, and a clean build starts
from an empty database.

Run as ``python -m hsct_ms.build.execute ROOT CACHE_DIR TIMEOUT`` (the build driver runs
it as a subprocess with the cohort in its environment, as it runs Jupyter Book); the exit
code is 1 when a chapter failed.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import re
import sys
import time
import traceback
from pathlib import Path

import yaml
from jupyter_cache.cache.main import JupyterCacheBase
from jupyter_cache.executors.basic import (
    ExecutionWorkerLocalMProc,
    ExecutionWorkerLocalSerial,
    JupyterExecutorLocalMproc,
    JupyterExecutorLocalSerial,
)
from nbclient.exceptions import CellExecutionError, CellTimeoutError

from hsct_ms import errors

# MyST-NB's reader of MyST Markdown notebooks, as registered for jupyter-cache: the
# notebook it returns is the one MyST-NB builds, so both compute the same cache key.
MYST_NB_READER = {"type": "plugin", "name": "myst_nb_md"}
# Set to 1 to execute the chapters one after another (the outputs are the same).
PROCESSES_VARIABLE = "HSCT_MS_BUILD_PROCESSES"
# Next to the cache (in _build/): what executed, what was reused, what failed and why.
REPORT_NAME = "execution-report.json"
# In _build/: one <chapter>.log (full traceback) and <chapter>.failure.json per failed chapter.
LOGS_DIRNAME = "logs"
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
WARNING_LOCATION = re.compile(r"^\S+:\d+: (?=\w*Warning\b)")

# Kinds of failure, each with its own wording in failure_message.
CANNOT_COMPUTE, CELL_ERROR, TIMEOUT, KERNEL, STDERR = "cannot compute", "cell error", "timeout", "kernel", "stderr"
# MyST-NB's per-cell stderr settings that let stderr output through without a warning.
STDERR_ALLOWED = {"show", "remove"}


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


@dataclasses.dataclass
class ChapterFailure:
    """Why one chapter could not be executed, as the build reports it.

    ``kind`` is one of CANNOT_COMPUTE (the chapter raised
    :class:`~hsct_ms.errors.CannotCompute`: ``what``, ``why`` and ``remedy`` are its
    own), CELL_ERROR (any other exception; ``exception`` is its ``Name: message`` line),
    TIMEOUT (a cell exceeded the cell timeout), KERNEL (the kernel or the executor
    failed) or STDERR (a cell wrote to stderr: MyST-NB would fail the strict build with a
    bare "stderr was found" warning; ``exception`` is the first line written). ``cell``
    counts code cells from 1; ``line`` is the line of the chapter's source where that
    cell's code starts; ``log`` is the file with the full traceback.
    """

    chapter: str
    source: str
    kind: str
    exception: str = ""
    what: str = ""
    why: str = ""
    remedy: str = ""
    cell: int | None = None
    line: int | None = None
    log: str = ""


def failure_message(failure: ChapterFailure) -> str:
    """One message for a failed chapter: the chapter, what could not be computed, why,
    and what the user can do; the log path wherever a developer needs the traceback.
    Never a stack trace."""
    if failure.cell is not None:
        cell = f"code cell {failure.cell}" + (f" (line {failure.line})" if failure.line else "")
    else:
        cell = "a code cell"
    log = failure.log or "_build/logs/execute.log"
    if failure.kind == CANNOT_COMPUTE:
        what, why, remedy = failure.what, failure.why, failure.remedy
    elif failure.kind == TIMEOUT:
        what = f"the chapter's results: {cell} did not finish within the cell timeout"
        why = failure.exception or "a cell ran longer than the cell timeout"
        remedy = ("raise execute.timeout in _config.yml, or build with HSCT_MS_BUILD_PROCESSES=1 so "
                  f"that the chapter has a core to itself; the log {log} names the cell")
    elif failure.kind == KERNEL:
        what = "the chapter's results: its Python kernel stopped"
        why = failure.exception or "the kernel or the executor failed"
        remedy = ("often a lack of memory: close other programs, or build with HSCT_MS_BUILD_PROCESSES=1 "
                  f"(one chapter at a time); the log {log} has the details")
    elif failure.kind == STDERR:
        what = (f"the results of its {cell}: it wrote to stderr (a warning or a log line), "
                "which the strict build does not publish")
        why = failure.exception
        remedy = ("this is a fault of the book, not of the cohort file (the file passed validation): "
                  f"report it with the log {log}, which holds everything the cell wrote to stderr")
    else:
        what = f"the results of its {cell}"
        why = failure.exception
        remedy = ("this is a fault of the book, not of the cohort file (the file passed validation): "
                  f"report it with the log {log}, which holds the full traceback")
    return "\n".join([f'make book: the chapter "{failure.chapter}" ({failure.source}) could not be built.',
                      f"  could not compute: {what}",
                      f"  why: {why}",
                      f"  what you can do: {remedy}"])


def _failing_cell(nb, source_text: str) -> tuple[int | None, int | None]:
    """The first code cell of an executed notebook with an error output: its number among
    the code cells (from 1) and the line in the chapter's source where its code starts."""
    code_cells = [cell for cell in nb.cells if cell.cell_type == "code"]
    for number, cell in enumerate(code_cells, start=1):
        if any(output.get("output_type") == "error" for output in cell.get("outputs", [])):
            position = source_text.find(cell.source) if cell.source.strip() else -1
            line = source_text.count("\n", 0, position) + 1 if position >= 0 else None
            return number, line
    return None, None


def describe_failure(uri: str, nb, error: BaseException, logs_dir: Path) -> ChapterFailure:
    """The failure of the chapter at ``uri`` (executed notebook ``nb``) from the error the
    executor raised; writes the full traceback to ``logs_dir/<chapter>.log`` and the
    failure itself to ``logs_dir/<chapter>.failure.json`` (read back by :func:`main`)."""
    path = Path(uri)
    try:
        source_text = path.read_text("utf8")
    except OSError:
        source_text = ""
    cell, line = _failing_cell(nb, source_text)
    logs_dir.mkdir(parents=True, exist_ok=True)
    log = logs_dir / f"{path.stem}.log"
    failure = ChapterFailure(chapter=path.stem, source=_display_path(path), kind=CELL_ERROR,
                             cell=cell, line=line, log=str(log))
    if isinstance(error, CellExecutionError):
        details = ANSI_ESCAPE.sub("", error.traceback or "")
        refused = errors.parse_rendered(details) if error.ename == "CannotCompute" else None
        if refused is not None:
            failure.kind = CANNOT_COMPUTE
            failure.what, failure.why, failure.remedy = refused.what, refused.why, refused.remedy
        first_line = (error.evalue or "").strip().splitlines()[:1]
        failure.exception = f"{error.ename}: {first_line[0]}" if first_line else error.ename
    else:
        details = ANSI_ESCAPE.sub("", "".join(traceback.format_exception(error)))
        failure.kind = TIMEOUT if isinstance(error, CellTimeoutError) else KERNEL
        failure.exception = f"{type(error).__name__}: {str(error).strip().splitlines()[0] if str(error).strip() else ''}"
        if failure.kind == TIMEOUT:
            failure.cell = failure.line = None  # the timed-out cell has no error output
    log.write_text(f"chapter: {path.stem} ({path})\n"
                   f"cohort: {os.environ.get('COHORT_CSV', '(the shipped cohort)')}\n"
                   f"failure: {failure.kind}: {failure.exception}\n"
                   + (f"code cell {cell}" + (f", line {line} of the chapter\n" if line else "\n") if cell else "")
                   + f"\n{details}\n", encoding="utf8")
    (logs_dir / f"{path.stem}.failure.json").write_text(json.dumps(dataclasses.asdict(failure), indent=1))
    return failure


def stderr_failure(uri: str, executed, read, logs_dir: Path) -> ChapterFailure | None:
    """The first code cell of an executed chapter that wrote to stderr, as MyST-NB judges it
    (``nb_output_stderr: warn``: any stderr output fails the strict build, unless the cell
    is tagged ``remove-stderr`` or sets ``mystnb: output_stderr`` to show or remove it), or
    None. ``executed`` is the executed notebook, ``read`` the notebook as read (its cell
    metadata). Writes the log and failure record as :func:`describe_failure` does."""
    path = Path(uri)
    executed_cells = [cell for cell in executed.cells if cell.cell_type == "code"]
    read_cells = [cell for cell in read.cells if cell.cell_type == "code"]
    for number, (cell, original) in enumerate(zip(executed_cells, read_cells), start=1):
        metadata = original.get("metadata", {})
        if "remove-stderr" in metadata.get("tags", []) or \
                (metadata.get("mystnb") or {}).get("output_stderr") in STDERR_ALLOWED:
            continue
        written = "".join(output.get("text", "") for output in cell.get("outputs", [])
                          if output.get("output_type") == "stream" and output.get("name") == "stderr")
        if not written.strip():
            continue
        try:
            source_text = path.read_text("utf8")
        except OSError:
            source_text = ""
        position = source_text.find(original.source) if original.source.strip() else -1
        line = source_text.count("\n", 0, position) + 1 if position >= 0 else None
        logs_dir.mkdir(parents=True, exist_ok=True)
        log = logs_dir / f"{path.stem}.log"
        first_line = next(text.strip() for text in written.splitlines() if text.strip())
        # A warning's line starts with the kernel's temporary file name: keep what it says.
        first_line = WARNING_LOCATION.sub("", first_line)
        failure = ChapterFailure(chapter=path.stem, source=_display_path(path), kind=STDERR,
                                 exception=ANSI_ESCAPE.sub("", first_line), cell=number, line=line, log=str(log))
        log.write_text(f"chapter: {path.stem} ({path})\n"
                       f"cohort: {os.environ.get('COHORT_CSV', '(the shipped cohort)')}\n"
                       f"failure: code cell {number} wrote to stderr:\n\n{ANSI_ESCAPE.sub('', written)}\n",
                       encoding="utf8")
        return failure
    return None


def stderr_judged(root: Path) -> bool:
    """Whether the book's configuration fails on stderr output (MyST-NB's
    ``nb_output_stderr``, default warn; -W makes the warning an error)."""
    config = yaml.safe_load((root / "_config.yml").read_text()) or {}
    setting = ((config.get("sphinx") or {}).get("config") or {}).get("nb_output_stderr", "warn")
    return setting not in STDERR_ALLOWED


def _display_path(path: Path) -> str:
    """``path`` relative to the working directory (the book's root) when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


class _RecordingWorker:
    """Mixed into jupyter-cache's execution workers: a chapter that fails leaves its
    :class:`ChapterFailure` and full traceback in ``_build/logs/`` (the cache's parent).
    jupyter-cache's workers return only (status, uri), so the error itself is caught here."""

    def execute(self, project_nb, data):
        logs_dir = Path(data.cache.path).parent / LOGS_DIRNAME
        try:
            result = super().execute(project_nb, data)
        except Exception as error:  # the kernel died or could not start: jupyter-cache logs it too
            describe_failure(project_nb.uri, project_nb.nb, error, logs_dir)
            raise
        if result.err is not None:
            describe_failure(project_nb.uri, result.nb, result.err, logs_dir)
        return result


class ParallelWorker(_RecordingWorker, ExecutionWorkerLocalMProc):
    pass


class SerialWorker(_RecordingWorker, ExecutionWorkerLocalSerial):
    pass


class ParallelExecutor(JupyterExecutorLocalMproc):
    """jupyter-cache's ``local-parallel`` executor, with failures recorded."""

    _EXECUTION_WORKER = ParallelWorker


class SerialExecutor(JupyterExecutorLocalSerial):
    """jupyter-cache's ``local-serial`` executor, with failures recorded."""

    _EXECUTION_WORKER = SerialWorker


class _BookCache(JupyterCacheBase):
    """The book's jupyter-cache, without its truncation of old records.

    After caching each notebook jupyter-cache deletes the records beyond its limit (1000),
    choosing them with two queries. A record that another worker process inserts between
    the two queries is taken for an old one, and its deletion fails ("Notebook file does
    not exist for cache record PK"), failing that chapter; seen once in a fresh clone.
    :func:`hsct_ms.build.book.prepare_cache` empties the cache whenever an input other than
    a chapter's own text changes, so it holds a few records per chapter, far below the limit.
    """

    def truncate_caches(self):
        return None


def execute_into_cache(root: Path, cache_dir: Path, timeout: int) -> dict:
    """Execute every notebook page of ``root`` that the cache at ``cache_dir`` lacks,
    in parallel; return the executed, failed and reused chapters, a
    :class:`ChapterFailure` (as a dict) for each failed one, and the wall time."""
    started = time.perf_counter()
    cache = _BookCache(str(cache_dir))
    logs_dir = cache_dir.parent / LOGS_DIRNAME
    known = {record.uri for record in cache.list_project_records()}
    # jupyter-cache hands the notebooks to its pool in the order they were added.
    for path in longest_first(notebook_sources(root), root, cache_dir.parent / "execution-times.json"):
        if str(path) not in known:
            cache.add_nb_to_project(str(path), read_data=MYST_NB_READER)
    pending = [record.uri for record in cache.list_unexecuted()]
    for uri in pending:  # failures of an earlier build
        (logs_dir / f"{Path(uri).stem}.failure.json").unlink(missing_ok=True)
    logger = logging.getLogger("hsct_ms.execute")
    logger.addHandler(logging.StreamHandler(sys.stdout))
    logger.setLevel(logging.WARNING)
    result = None
    if pending:
        # One process per core, unless told to stay on one (e.g. a build that runs in the
        # background of the test suite, which needs the other core).
        serial = os.environ.get(PROCESSES_VARIABLE, "").strip() == "1"
        executor = (SerialExecutor if serial else ParallelExecutor)(cache=cache, logger=logger)
        result = executor.run_and_cache(filter_uris=pending, timeout=timeout, allow_errors=False)
    executed = result.succeeded if result else []
    failed = (result.excepted + result.errored) if result else []
    reused = sorted({record.uri for record in cache.list_project_records()} - set(pending))
    failures, wrote_stderr = [], []
    if stderr_judged(root):
        # Every chapter in the cache, executed now or reused: a reused one with stderr output
        # would otherwise reach MyST-NB, whose warning does not say what was written.
        for record in cache.list_project_records():
            if record.uri in failed:
                continue
            cached = cache.get_cached_project_nb(record.uri)
            if cached is None:
                continue
            found = stderr_failure(record.uri, cache.get_cache_bundle(cached.pk).nb,
                                   cache.get_project_notebook(record.uri).nb, logs_dir)
            if found is not None:
                failures.append(dataclasses.asdict(found))
                wrote_stderr.append(record.uri)
    for uri in failed:
        record = logs_dir / f"{Path(uri).stem}.failure.json"
        if record.exists():
            failures.append(json.loads(record.read_text()))
        else:  # jupyter-cache failed around the execution (reading or caching the notebook)
            failures.append(dataclasses.asdict(ChapterFailure(
                chapter=Path(uri).stem, source=_display_path(Path(uri)), kind=KERNEL,
                exception="jupyter-cache could not read, execute or cache the chapter",
                log=str(logs_dir / "execute.log"))))
    executed = [uri for uri in executed if uri not in wrote_stderr]
    reused = [uri for uri in reused if uri not in wrote_stderr]
    failed = wrote_stderr + failed
    return {"executed": executed, "failed": failed, "reused": reused, "failures": failures,
            "seconds": time.perf_counter() - started}


def chapter_names(uris) -> str:
    return ", ".join(Path(uri).stem for uri in uris) or "none"


def summary(outcome: dict) -> str:
    """One line: how long execution took, what executed, what was reused, what failed."""
    return (f"executed in parallel in {outcome['seconds']:.1f} s: {chapter_names(outcome['executed'])}; "
            f"outputs reused: {chapter_names(outcome['reused'])}"
            + (f"; FAILED: {chapter_names(outcome['failed'])}" if outcome["failed"] else ""))


def main(argv: list[str]) -> int:
    root, cache_dir, timeout = Path(argv[0]), Path(argv[1]), int(argv[2])
    outcome = execute_into_cache(root, cache_dir, timeout)
    (cache_dir.parent / REPORT_NAME).write_text(json.dumps(outcome, indent=1))
    print(summary(outcome), flush=True)
    return 1 if outcome["failed"] else 0


def config_timeout(root: Path, default: int = 300) -> int:
    """The cell timeout of ``root/_config.yml`` (``execute.timeout``)."""
    config = yaml.safe_load((root / "_config.yml").read_text()) or {}
    return int((config.get("execute") or {}).get("timeout", default))


if __name__ == "__main__":
    # Through the package's module, not __main__: the pool pickles the worker class by
    # its module's name, which must be importable in the worker processes.
    from hsct_ms.build.execute import main as package_main

    sys.exit(package_main(sys.argv[1:]))
