"""Build the book: validate the cohort, build strictly, guard the output.

``make book`` calls :func:`build_book`. A build runs only when an input changed:
the chapters, the package, the data, the configuration or the cohort file named
by ``COHORT_CSV``. The chapters execute in parallel, one per core
(:mod:`hsct_ms.build.execute`, jupyter-cache's parallel executor), then Sphinx renders
them from that cache. A clean build (``--force``, a fresh clone, ``make bench``)
executes every chapter. The cache is kept between builds only while the
execution fingerprint holds (everything a chapter's outputs can depend on except the
chapters' own text: ``src/``, ``data/``, the cohort file, the small-count threshold,
the configuration), so an edit to ``src/`` or ``data/`` can never leave stale results
on a page, while an edit to one chapter re-executes only the chapters whose code
changed (jupyter-cache keys each notebook on its code cells).

A build that fails never shows a stack trace: a bad cohort file stops it with the
validator's message; a chapter that cannot be executed stops it before Sphinx starts,
with one message per chapter (what could not be computed, why, what to do;
:func:`hsct_ms.build.execute.failure_message`); a crash while Sphinx renders ends with
one message naming the exception. The full tracebacks go to ``_build/logs/``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

from hsct_ms.inputs import cohort
from hsct_ms.inputs.visits import load_visits
from hsct_ms.display import disclosure
from hsct_ms.paths import BUILD_DIR, REPO_ROOT, SITE_DIR
from hsct_ms.stats.disability import CACHE_VARIABLE

FINGERPRINT_FILE = BUILD_DIR / ".inputs.sha256"
# The book's own files, read from the book's root (the repository, or --root DIR) ...
BOOK_FILES = ["_config.yml", "_toc.yml", "references.bib"]
BOOK_DIRS = ["chapters"]
# ... and the package the chapters import and the data they read, from the repository.
PACKAGE_FILES = ["requirements.txt", "pyproject.toml"]
PACKAGE_DIRS = ["src", "data"]
CACHE_DIRNAME = ".jupyter_cache"
# The EDSS derivation's cache (hsct_ms.stats.disability), beside the chapters' cache.
DISABILITY_CACHE_DIRNAME = ".disability_cache"
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# Written next to the cache: the execution fingerprint its outputs were computed under.
CACHE_STAMP = "execution.sha256"


def toc_pages(toc_path: Path = REPO_ROOT / "_toc.yml") -> list[str]:
    """Document names (no suffix) of every page in ``_toc.yml``, in reading order."""
    toc = yaml.safe_load(toc_path.read_text())
    pages = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                pages.append(str(Path(entry["file"]).with_suffix("")))
            walk(entry.get("sections"))
            for part in entry.get("parts", []):
                walk(part.get("chapters"))

    walk(toc.get("chapters"))
    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    return pages


def inputs_fingerprint(cohort_path: Path, chapter_text: bool = True, root: Path = REPO_ROOT) -> str:
    """SHA-256 over every input of the build: files, the cohort file's path and bytes,
    and the small-count threshold.

    With ``chapter_text=False``, the chapters' Markdown is left out: the result is the
    execution fingerprint, under which a cached chapter output (keyed by jupyter-cache
    on the chapter's code cells) stays valid. ``root`` is the book's root (its
    configuration and chapters); the package and data always come from the repository.
    """
    digest = hashlib.sha256()
    files = [(root, root / name) for name in BOOK_FILES] + [(REPO_ROOT, REPO_ROOT / name) for name in PACKAGE_FILES]
    for base, folders in ((root, BOOK_DIRS), (REPO_ROOT, PACKAGE_DIRS)):
        for folder in folders:
            files += [
                (base, p) for p in (base / folder).rglob("*")
                if p.is_file() and "__pycache__" not in p.parts and ".ipynb_checkpoints" not in p.parts
                and (chapter_text or not (folder == "chapters" and p.suffix == ".md"))
            ]
    for base, path in sorted(set(files)):
        digest.update(str(path.relative_to(base)).encode())
        digest.update(path.read_bytes() if path.exists() else b"<missing>")
    digest.update(str(cohort_path).encode())
    digest.update(cohort_path.read_bytes())
    for variable in ("VISITS_CSV", "RELAPSES_CSV"):  # a user's visits files are inputs too
        value = os.environ.get(variable, "").strip()
        digest.update(f"{variable}={value}".encode())
        digest.update(Path(value).read_bytes() if value and Path(value).is_file() else b"<none>")
    # The small-count threshold changes what a page shows of a user's cohort.
    digest.update(os.environ.get(disclosure.ENV_VARIABLE, "").encode())
    return digest.hexdigest()


def missing_pages(site_dir: Path = SITE_DIR, root: Path = REPO_ROOT) -> list[str]:
    """Pages named in the table of contents that the site lacks (or has empty)."""
    expected = [site_dir / f"{page}.html" for page in toc_pages(root / "_toc.yml")] + [site_dir / "index.html"]
    return [str(html) for html in expected if not html.exists() or html.stat().st_size == 0]


def cache_config(root: Path, cache_dir: Path) -> Path:
    """``root/_config.yml`` with execution from the cache at ``cache_dir``, written into
    the build folder. ``_config.yml`` itself keeps ``execute_notebooks: force``, so a
    plain ``jupyter-book build`` (which cannot know the cache is current) executes all."""
    config = yaml.safe_load((root / "_config.yml").read_text())
    config["execute"] = dict(config.get("execute") or {}, execute_notebooks="cache", cache=str(cache_dir))
    # Relative paths in the configuration are read from the book's root.
    config["bibtex_bibfiles"] = [str(root / name) for name in config.get("bibtex_bibfiles", [])]
    path = cache_dir.parent / "_config.cache.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def jupyter_book_command(root: Path, cache_dir: Path, output_root: Path | None = None) -> list[str]:
    """The strict ``jupyter-book build`` command, rendering from the cache at ``cache_dir``."""
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    command = [str(jupyter_book), "build", str(root), "--all", "-W", "-n", "--keep-going",
               "--config", str(cache_config(root, cache_dir))]
    if output_root is not None:
        command += ["--path-output", str(output_root)]
    return command


def run_jupyter_book(root: Path, cohort_path: Path, capture: bool = False, output_root: Path | None = None):
    """Execute the chapters of ``root``, then run a strict ``jupyter-book build`` of it:
    every warning is an error (-W), every cross-reference must resolve (-n), and all
    problems are listed (--keep-going).

    The chapters first execute in parallel into ``<output_root>/_build/.jupyter_cache``
    (:mod:`hsct_ms.build.execute`; chapters already there are reused: the caller clears
    the cache when it may be stale); Jupyter Book then renders from that cache. When a
    chapter fails, Sphinx does not start: the build ends with one message per failed
    chapter (:func:`hsct_ms.build.execute.failure_message`), never a stack trace; the
    tracebacks are in ``_build/logs/``.
    The site goes to ``<output_root>/_build/html`` (``output_root`` defaults to ``root``).
    Returns the exit code, or the CompletedProcess when ``capture`` is true.
    """
    from hsct_ms.build import execute

    root = Path(root).resolve()
    build_dir = Path(output_root or root).resolve() / "_build"
    cache_dir = build_dir / CACHE_DIRNAME
    # The chapters read the EDSS derivation from the cache the driver filled (prederive).
    env = dict(os.environ, COHORT_CSV=str(cohort_path),
               **{CACHE_VARIABLE: str(build_dir / DISABILITY_CACHE_DIRNAME)})
    stdout, stderr = [], []

    def say(text: str, error: bool = False):
        (stderr if error else stdout).append(text + "\n")
        if not capture:
            print(text, file=sys.stderr if error else sys.stdout, flush=True)

    returncode, failures = execute_chapters(root, cache_dir, env, say)
    command = jupyter_book_command(root, cache_dir, output_root)
    if returncode == 0:
        say("$ " + " ".join(command))
        returncode = render_site(command, root, env, build_dir / execute.LOGS_DIRNAME / "sphinx.log", say)
    if not capture:
        return returncode
    return subprocess.CompletedProcess(command, returncode, "".join(stdout), "".join(stderr))


class TracebackFolder:
    """Folds every stack trace in a build log to its exception line, so the terminal
    shows no traceback while the log file keeps the whole text.

    A trace starts at a line holding "Traceback (most recent call last)" (Python's and
    IPython's) or Sphinx's "Exception occurred:"; its frames are indented or are
    IPython's "Cell In[...]"/arrow lines; the first line after them that starts at the
    margin is the exception line, which ends it. Chained traces ("The above exception was
    the direct cause...") fold into the same line.
    """

    STARTS = ("Traceback (most recent call last)", "Exception occurred:")
    CHAINS = ("The above exception was the direct cause", "During handling of the above exception")
    FRAME = re.compile(r"^(Cell In\[|File |-+>|-+$|\s)")

    def __init__(self):
        self.inside = False
        self.exceptions: list[str] = []

    def feed(self, line: str) -> str | None:
        """The line to show in place of ``line`` (without its newline), or None to hide it."""
        text = ANSI_ESCAPE.sub("", line).rstrip("\n")
        if any(start in text for start in self.STARTS) or text.strip().startswith(self.CHAINS):
            self.inside = True
            return None
        if not self.inside:
            return line.rstrip("\n")
        if not text.strip() or self.FRAME.match(text):
            return None
        self.inside = False
        self.exceptions.append(text.strip())
        return f"[a stack trace ending in this line is in the log] {text.strip()}"


def render_site(command: list[str], root: Path, env: dict, log: Path, say) -> int:
    """Run the strict ``jupyter-book build`` ``command``; ``say`` its output with any stack
    trace folded (:class:`TracebackFolder`), write the whole output to ``log``, and end a
    build that crashed with one message. Returns the exit code."""
    log.parent.mkdir(parents=True, exist_ok=True)
    folder = TracebackFolder()
    with log.open("w") as whole, subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.PIPE,
                                                  stderr=subprocess.STDOUT, text=True, bufsize=1) as process:
        for line in process.stdout:
            whole.write(line)
            shown = folder.feed(line)
            if shown is not None:
                say(shown)
    if folder.exceptions:
        say(f"make book: rendering the site stopped on an error ({folder.exceptions[0]}); this is a fault of "
            "the book, not of the cohort file (the file passed validation and every chapter executed): "
            f"report it with the log {log}, which holds the full traceback.", error=True)
    return process.returncode or (1 if folder.exceptions else 0)


def execute_chapters(root: Path, cache_dir: Path, env: dict, say) -> tuple[int, list]:
    """Run :mod:`hsct_ms.build.execute` on ``root`` (its own output goes to
    ``_build/logs/execute.log``); ``say`` the summary, or one message per failed chapter.
    Returns the exit code and the failures (dicts of
    :class:`hsct_ms.build.execute.ChapterFailure`)."""
    from hsct_ms.build import execute

    build_dir = cache_dir.parent
    logs_dir = build_dir / execute.LOGS_DIRNAME
    report_path = build_dir / execute.REPORT_NAME
    report_path.unlink(missing_ok=True)
    command = [sys.executable, "-m", "hsct_ms.build.execute", str(root), str(cache_dir),
               str(execute.config_timeout(root))]
    say("$ " + " ".join(command))
    result = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
    logs_dir.mkdir(parents=True, exist_ok=True)
    log = logs_dir / "execute.log"
    log.write_text(result.stdout + result.stderr)
    try:
        report = json.loads(report_path.read_text())
    except (OSError, ValueError):
        lines = (result.stderr or result.stdout).strip().splitlines()
        say("make book: the chapters could not be executed "
            f"({lines[-1] if lines else f'exit code {result.returncode}'}); the full log is in {log}", error=True)
        return result.returncode or 1, []
    say(execute.summary(report))
    for failure in report["failures"]:
        say(execute.failure_message(execute.ChapterFailure(**failure)), error=True)
    return (1 if report["failures"] else result.returncode), report["failures"]


def prepare_cache(build_dir: Path, cohort_path: Path, clean: bool, root: Path = REPO_ROOT) -> None:
    """Keep ``build_dir/.jupyter_cache`` only when it was filled under the current
    execution fingerprint and the build is not a clean one; otherwise empty it."""
    cache_dir = build_dir / CACHE_DIRNAME
    stamp = cache_dir / CACHE_STAMP
    fingerprint = inputs_fingerprint(cohort_path, chapter_text=False, root=root)
    if clean or not stamp.exists() or stamp.read_text().strip() != fingerprint:
        shutil.rmtree(cache_dir, ignore_errors=True)
    cache_dir.mkdir(parents=True, exist_ok=True)
    stamp.write_text(fingerprint + "\n")


def prederive(patients, say=print) -> None:
    """Derive the EDSS events of every rule the chapters use, here in the terminal, where
    :func:`hsct_ms.stats.disability.derive_endpoints` shows its progress bar; the chapters'
    kernels then read each result from the cache (same files, same rules, same key)."""
    from hsct_ms.analysis import disability

    from hsct_ms.stats.disability import cache_dir

    def cached() -> set:
        return set(cache_dir().glob("*.csv")) if cache_dir().is_dir() else set()

    before, started = cached(), time.perf_counter()
    n = disability.prederive(patients)
    if n:
        new = len(cached() - before)
        say(f"make book: EDSS events of {n} patients under {len(disability.PREDERIVED_RULES)} rules: "
            f"{new} derived, {len(disability.PREDERIVED_RULES) - new} read from the cache, in "
            f"{time.perf_counter() - started:.1f} s ({cache_dir()})")


def build_book(force: bool = False, cohort_path: Path | None = None, output_root: Path = REPO_ROOT,
               quiet: bool = False, root: Path = REPO_ROOT) -> int:
    """Build ``<output_root>/_build/html`` on a cohort file; return a process exit code.

    ``force`` makes a clean build: every chapter executes, even if cached outputs of it
    are still valid.
    ``cohort_path`` defaults to ``COHORT_CSV``, else the shipped cohort. The file is
    validated first, with the visits and relapses files when given: a bad file stops the build
    within seconds, before any chapter runs.
    A failed build leaves no site behind, so nothing half-built can be published.
    With ``quiet``, Jupyter Book's log is printed only when the build fails.
    ``root`` is the book's root (``_config.yml``, ``_toc.yml``, the chapters); the
    repository's by default. Tests build a copy of the book with a failing cell this way.
    The EDSS derivation (a visits file) is cached in ``<output_root>/_build/.disability_cache``
    (``HSCT_MS_DISABILITY_CACHE`` while the build runs, here and in the chapters), and
    derived here, before the chapters execute, with a progress bar on a terminal.
    """
    with derivation_cache(output_root):
        return _build_book(force, cohort_path, output_root, quiet, root)


@contextlib.contextmanager
def derivation_cache(output_root: Path):
    """Within the block, the EDSS derivation is cached under ``<output_root>/_build``
    (``HSCT_MS_DISABILITY_CACHE``), never in the repository's ``_build`` for a build
    written elsewhere; the variable is restored afterwards."""
    variable = str((Path(output_root) / "_build" / DISABILITY_CACHE_DIRNAME).resolve())
    previous = os.environ.get(CACHE_VARIABLE)
    os.environ[CACHE_VARIABLE] = variable
    try:
        yield Path(variable)
    finally:
        if previous is None:
            os.environ.pop(CACHE_VARIABLE, None)
        else:
            os.environ[CACHE_VARIABLE] = previous


def _build_book(force, cohort_path, output_root, quiet, root) -> int:
    cohort_path = cohort.resolve_cohort_path(cohort_path)
    build_dir = Path(output_root) / "_build"
    site_dir = build_dir / "html"
    fingerprint_file = build_dir / FINGERPRINT_FILE.name
    started = time.perf_counter()
    try:
        patients = cohort.load_cohort(cohort_path)  # the schema, then what the analyses need
        # A user's EDSS visits and relapses files (VISITS_CSV, RELAPSES_CSV) are checked
        # against the cohort here too, before any chapter runs.
        load_visits(patients)
    except cohort.CohortValidationError as error:
        print(f"make book: an input file is not valid, nothing was built.\n{error}", file=sys.stderr)
        return 2

    root = Path(root).resolve()
    fingerprint = inputs_fingerprint(cohort_path, root=root)
    if (
        not force
        and fingerprint_file.exists()
        and fingerprint_file.read_text().strip() == fingerprint
        and not missing_pages(site_dir, root)
    ):
        print(f"make book: {site_dir} is up to date for {cohort_path}")
        return 0

    fingerprint_file.unlink(missing_ok=True)
    prepare_cache(build_dir, cohort_path, clean=force, root=root)
    for stale in (site_dir, build_dir / "jupyter_execute", build_dir / ".doctrees"):
        shutil.rmtree(stale, ignore_errors=True)
    print(f"make book: building on {cohort_path}", flush=True)
    prederive(patients, say=lambda text: print(text, flush=True))
    result = run_jupyter_book(root, cohort_path, capture=quiet,
                              output_root=None if Path(output_root).resolve() == root else Path(output_root))
    returncode = result.returncode if quiet else result
    if quiet and returncode != 0:
        print(result.stdout + result.stderr, file=sys.stderr)
    missing = missing_pages(site_dir, root) if returncode == 0 else []
    if returncode != 0 or missing:
        shutil.rmtree(site_dir, ignore_errors=True)
        reason = ("these pages are missing:\n  " + "\n  ".join(missing)) if missing else "see the errors above"
        print(f"make book: the build failed ({reason}); no site was kept.", file=sys.stderr)
        return returncode or 1
    fingerprint_file.write_text(fingerprint + "\n")
    print(f"make book: built {len(toc_pages(root / '_toc.yml'))} pages in {time.perf_counter() - started:.1f} s into {site_dir}")
    return 0
