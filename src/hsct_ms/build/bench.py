"""``make bench``: what the book costs on the shipped cohort and at registry scale.

Builds the whole book twice from clean, side by side in one run: on the shipped
210-patient cohort and on a generated 100,000-patient cohort with a registry's shape
(:func:`hsct_ms.reconstruction.synthetic.registry_cohort`: RRMS, SPMS and a few PPMS,
transplants over 1997-2019, follow-up to mid-2020, worsening at distinct times in every
month of follow-up, deaths; seeded). A resample of the shipped cohort would have few
distinct event months, and so would hide what grows with them (chart and table data).
For each it measures the clean build,
a rebuild with nothing changed, each chapter's execution time, the site's size and
its largest page, then checks the cost is flat: clean build at most 1.5 times and
site at most 1.1 times those of the small build. A benchmark, not a test: timings
depend on the machine, so the figures are printed, not asserted in `make test`.

In the same run it measures the floor of each build, the cost no execution strategy
can remove: the same strict Sphinx build with nothing to execute (every chapter's
outputs already in the cache, so MyST-NB only renders), plus one bare kernel start per
chapter (start a kernel, run ``pass``, shut it down, one after another). It prints the
ratio of the clean build to that floor.

Then a third build, with EDSS visits: 10,000 registry-shaped patients and their visits
(:func:`~hsct_ms.reconstruction.synthetic.registry_visits`, the shipped reconstruction's
schedule, seeded) as ``VISITS_CSV``, so that pymsprog derives the endpoint of every
patient under every rule the book shows. It measures the clean build with an empty
derivation cache, the rebuild with nothing changed, and a second clean build that finds
every derivation in the cache (only the chapters execute again); the derivation's own
time is the driver's (its line about deriving names the seconds), beside the difference
between the two clean builds. Every build of the bench writes into a new output root, so
its derivation cache (``<output_root>/_build/.disability_cache``) is empty at the start
and "clean" includes deriving (the shipped cohort's visits too). ``--only cohorts`` or
``--only visits`` runs one part; ``--visits-patients N`` sizes the visits build.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from hsct_ms.build import book
from hsct_ms.build.cli import environment
from hsct_ms.inputs import cohort
from hsct_ms.reconstruction import synthetic
from hsct_ms.paths import REPO_ROOT, SHIPPED_COHORT

LARGE_N = 100_000
LARGE_SEED = 2020
MAX_TIME_RATIO = 1.5
MAX_SIZE_RATIO = 1.1
VISITS_N = 10_000
VISITS_SEED = 2021
#: A line of the driver's output about deriving, and the seconds it names ("... in 41.2 s
#: (/tmp/.../.disability_cache)": the first "in N s", not a number in the path after it).
DERIVATION_LINE = re.compile(r"deriv", re.IGNORECASE)
SECONDS = re.compile(r"\bin (\d+(?:\.\d+)?) ?s\b")


def site_size(site: Path) -> tuple[int, str, int]:
    """Total bytes of the site, and its largest HTML page with that page's bytes."""
    files = [p for p in site.rglob("*") if p.is_file()]
    pages = [p for p in files if p.suffix == ".html"]
    largest = max(pages, key=lambda p: p.stat().st_size)
    return sum(p.stat().st_size for p in files), str(largest.relative_to(site)), largest.stat().st_size


def bare_kernel_start() -> float:
    """Seconds to start a Python kernel, run ``pass`` in it and shut it down, as
    executing a chapter does around its cells."""
    started = time.perf_counter()
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("pass")])
    # The kernel's own log lines (e.g. ipykernel's note on TCP transport) are not results.
    NotebookClient(notebook, kernel_name="python3", timeout=60).execute(stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def sphinx_render_only(cohort_path: Path, output_root: Path) -> float:
    """Seconds of the strict Sphinx build when every chapter's outputs are cached:
    MyST-NB executes nothing, it only reads and renders. Run after a clean build,
    whose cache it uses; the site it writes is then removed."""
    build_dir = output_root / "_build"
    for stale in (build_dir / "html", build_dir / "jupyter_execute", build_dir / ".doctrees"):
        shutil.rmtree(stale, ignore_errors=True)
    command = book.jupyter_book_command(REPO_ROOT, build_dir / book.CACHE_DIRNAME, output_root)
    started = time.perf_counter()
    result = subprocess.run(command, cwd=REPO_ROOT, env=dict(os.environ, COHORT_CSV=str(cohort_path)),
                            capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0 or "Executing notebook" in result.stdout + result.stderr:
        raise SystemExit("bench: the render-only build failed or executed a chapter:\n"
                         + result.stdout[-3000:] + result.stderr[-3000:])
    return elapsed


class _Tee(io.TextIOBase):
    """A stream that passes everything on to ``stream`` and keeps a copy (the driver's
    progress bar still sees the terminal: ``isatty`` is the stream's)."""

    def __init__(self, stream):
        self.stream, self.parts = stream, []

    def write(self, text):
        self.parts.append(text)
        return self.stream.write(text)

    def flush(self):
        self.stream.flush()

    def isatty(self):
        return self.stream.isatty()


def timed_build(label: str, output_root: Path, cohort_path: Path, force: bool) -> tuple[float, str]:
    """Seconds of one ``build_book`` and what the driver printed meanwhile (passed on too)."""
    out, err = _Tee(sys.stdout), _Tee(sys.stderr)
    started = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = book.build_book(force=force, cohort_path=cohort_path, output_root=output_root, quiet=True)
    elapsed = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"bench: the build on {label} failed")
    return elapsed, "".join(out.parts) + "".join(err.parts)


def derivation_seconds(output: str) -> float | None:
    """The seconds the driver says deriving took: summed over its lines about deriving
    that name a time (one per rule, or one for all); ``None`` when it names none."""
    lines = [line for line in re.split(r"[\r\n]", output) if DERIVATION_LINE.search(line)]
    times = [float(SECONDS.search(line).group(1)) for line in lines if SECONDS.search(line)]
    return sum(times) if times else None


def builds_env(visits_path: Path | None = None) -> dict:
    """The environment of a bench build: no visits or relapses file but ``visits_path``
    (a user's VISITS_CSV or RELAPSES_CSV must not reach the bench's builds)."""
    return {"VISITS_CSV": visits_path, "RELAPSES_CSV": None}


def measure(label: str, cohort_path: Path, output_root: Path) -> dict:
    with environment(**builds_env()):
        clean, output = timed_build(label, output_root, cohort_path, force=True)
        rebuild, _ = timed_build(label, output_root, cohort_path, force=False)
    build_dir = output_root / "_build"
    total, largest, largest_bytes = site_size(build_dir / "html")
    execution = json.loads((build_dir / "execution-times.json").read_text())
    render = sphinx_render_only(cohort_path, output_root)
    kernels = sum(bare_kernel_start() for _ in execution)
    return {
        "label": label, "clean_s": clean, "derive_s": derivation_seconds(output), "rebuild_s": rebuild,
        "site_bytes": total, "largest_page": largest, "largest_page_bytes": largest_bytes, "execution_s": execution,
        "render_s": render, "kernels_s": kernels, "floor_s": render + kernels,
    }


def measure_visits(label: str, cohort_path: Path, visits_path: Path, output_root: Path) -> dict:
    """A clean build with visits (empty derivation cache), the rebuild with nothing
    changed, and a second clean build on the derivation cache the first one filled."""
    with environment(**builds_env(visits_path)):
        clean, output = timed_build(label, output_root, cohort_path, force=True)
        build_dir = output_root / "_build"
        execution = json.loads((build_dir / "execution-times.json").read_text())
        total, largest, largest_bytes = site_size(build_dir / "html")
        rebuild, _ = timed_build(label, output_root, cohort_path, force=False)
        cached, cached_output = timed_build(label, output_root, cohort_path, force=True)
    return {
        "label": label, "clean_s": clean, "rebuild_s": rebuild, "cached_clean_s": cached,
        "derive_s": derivation_seconds(output), "cached_derive_s": derivation_seconds(cached_output),
        "site_bytes": total, "largest_page": largest, "largest_page_bytes": largest_bytes,
        "execution_s": execution,
    }


def _seconds(value, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def report(small: dict | None, large: dict | None, visits: dict | None = None) -> tuple[str, bool]:
    """The table of every build measured (columns: the 210, the large and the visits
    build, those run), and whether the cohort builds' cost is flat (True without them)."""
    columns = [m for m in (small, large, visits) if m is not None]
    lines = [f"{'':36}" + "".join(f"{m['label']:>22}" for m in columns)]

    def row(name, values):
        lines.append(f"{name:36}" + "".join(f"{v:>22}" for v in values))

    def each(key, digits=1):
        return [_seconds(m.get(key), digits) for m in columns]

    lines.append(f"(chapters execute in parallel on {os.cpu_count()} cores; per-chapter times overlap)")
    row("clean build (s)", each("clean_s"))
    if any(m.get("derive_s") is not None for m in columns):
        row("  deriving EDSS events (s, driver)", each("derive_s"))
    if visits is not None:
        row("clean build, events cached (s)", each("cached_clean_s"))
        row("  reading them back (s, driver)", each("cached_derive_s"))
        row("  clean minus events cached (s)",
            ["-" if m.get("cached_clean_s") is None else f"{m['clean_s'] - m['cached_clean_s']:.1f}"
             for m in columns])
    row("rebuild, nothing changed (s)", each("rebuild_s", 2))
    if small is not None or large is not None:
        row("floor (s)", each("floor_s"))
        row("  Sphinx, nothing to execute (s)", each("render_s"))
        row(f"  {len(columns[0]['execution_s'])} bare kernel starts (s)", each("kernels_s"))
        row("clean build / floor", ["-" if "floor_s" not in m else f"{m['clean_s'] / m['floor_s']:.2f}"
                                    for m in columns])
    for chapter in columns[0]["execution_s"]:
        row(f"  execute {chapter.removeprefix('chapters/')} (s)", [_seconds(m["execution_s"].get(chapter)) for m in columns])
    row("site size (MB)", [f"{m['site_bytes'] / 1e6:.2f}" for m in columns])
    row("largest page (kB)", [f"{m['largest_page_bytes'] / 1e3:.0f}" for m in columns])
    row("  which", [m["largest_page"].removeprefix("chapters/") for m in columns])
    if small is None or large is None:
        return "\n".join(lines), True
    time_ratio = large["clean_s"] / small["clean_s"]
    size_ratio = large["site_bytes"] / small["site_bytes"]
    flat = time_ratio <= MAX_TIME_RATIO and size_ratio <= MAX_SIZE_RATIO
    lines.append(f"clean build ratio {time_ratio:.2f} (limit {MAX_TIME_RATIO}), "
                 f"site size ratio {size_ratio:.3f} (limit {MAX_SIZE_RATIO}): "
                 + ("flat" if flat else "NOT FLAT"))
    return "\n".join(lines), flat


def describe_cohort(frame) -> str:
    """The shape of a cohort in one line: subtypes, transplant years, deaths, and in how
    many of the months its follow-up spans a worsening falls."""
    counts = frame["subtype"].value_counts()
    events = frame.loc[frame["worsening"] == 1, "dwfs_years"]
    months_with_events = len(set((events * 12).astype(int)))
    months_spanned = int(frame["followup_years"].max() * 12) + 1
    return (", ".join(f"{subtype} {counts.get(subtype, 0):,}" for subtype in ("RRMS", "SPMS", "PPMS"))
            + f"; transplants {frame['transplant_year'].min()}-{frame['transplant_year'].max()}; "
            f"{int(frame['died'].sum()):,} deaths; {len(events):,} worsenings at {events.nunique():,} "
            f"distinct times, in {months_with_events} of the {months_spanned} months of follow-up")


def describe_visits(visits, path: Path) -> str:
    """A visits file in one line: visits, per patient (median and most), and its size."""
    per_patient = visits.groupby("patient_id").size()
    return (f"{len(visits):,} visits, {per_patient.median():g} per patient (at most "
            f"{per_patient.max()}), {path.stat().st_size / 1e6:.1f} MB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hsct_ms bench")
    parser.add_argument("--only", choices=("cohorts", "visits"), default=None,
                        help="run the 210- and 100,000-patient builds, or the visits build, alone")
    parser.add_argument("--visits-patients", type=int, default=VISITS_N, metavar="N",
                        help=f"patients of the visits build (default {VISITS_N:,})")
    options = parser.parse_args([] if argv is None else argv)
    small = large = visits = None
    with tempfile.TemporaryDirectory(prefix="hsct-bench-") as work:
        work = Path(work)
        if options.only != "visits":
            large_cohort = work / f"cohort_{LARGE_N}.csv"
            registry = synthetic.registry_cohort(LARGE_N, seed=LARGE_SEED)
            synthetic.write_cohort(registry, large_cohort)
            print(f"bench: building on {SHIPPED_COHORT.name} and on {LARGE_N:,} registry-shaped patients "
                  f"(synthetic.registry_cohort, seed {LARGE_SEED}: {describe_cohort(registry)})...", flush=True)
            small = measure(f"{cohort.read_cohort(SHIPPED_COHORT).shape[0]} patients", SHIPPED_COHORT,
                            work / "small")
            large = measure(f"{LARGE_N:,} patients", large_cohort, work / "large")
        if options.only != "cohorts":
            n = options.visits_patients
            visits_cohort, visits_path = work / f"cohort_{n}.csv", work / f"visits_{n}.csv"
            registry = synthetic.registry_cohort(n, seed=LARGE_SEED)
            synthetic.write_cohort(registry, visits_cohort)
            frame = synthetic.registry_visits(registry, seed=VISITS_SEED)
            synthetic.write_visits(frame, visits_path)
            print(f"bench: building on {n:,} registry-shaped patients with EDSS visits "
                  f"(synthetic.registry_cohort seed {LARGE_SEED}, registry_visits seed {VISITS_SEED}: "
                  f"{describe_visits(frame, visits_path)}), each derived under every rule the book "
                  f"shows...", flush=True)
            visits = measure_visits(f"{n:,} + visits", visits_cohort, visits_path, work / "visits")
    text, flat = report(small, large, visits)
    print(text)
    return 0 if flat else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
