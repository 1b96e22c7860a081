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
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from hsct_ms.build import book
from hsct_ms.inputs import cohort
from hsct_ms.reconstruction import synthetic
from hsct_ms.paths import REPO_ROOT, SHIPPED_COHORT

LARGE_N = 100_000
LARGE_SEED = 2020
MAX_TIME_RATIO = 1.5
MAX_SIZE_RATIO = 1.1


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


def measure(label: str, cohort_path: Path, output_root: Path) -> dict:
    started = time.perf_counter()
    if book.build_book(force=True, cohort_path=cohort_path, output_root=output_root, quiet=True) != 0:
        raise SystemExit(f"bench: the build on {label} failed")
    clean = time.perf_counter() - started
    started = time.perf_counter()
    book.build_book(cohort_path=cohort_path, output_root=output_root, quiet=True)
    rebuild = time.perf_counter() - started
    build_dir = output_root / "_build"
    total, largest, largest_bytes = site_size(build_dir / "html")
    execution = json.loads((build_dir / "execution-times.json").read_text())
    render = sphinx_render_only(cohort_path, output_root)
    kernels = sum(bare_kernel_start() for _ in execution)
    return {
        "label": label, "clean_s": clean, "rebuild_s": rebuild, "site_bytes": total,
        "largest_page": largest, "largest_page_bytes": largest_bytes, "execution_s": execution,
        "render_s": render, "kernels_s": kernels, "floor_s": render + kernels,
    }


def report(small: dict, large: dict) -> tuple[str, bool]:
    lines = [f"{'':34}{small['label']:>18}{large['label']:>18}"]

    def row(name, a, b):
        lines.append(f"{name:34}{a:>18}{b:>18}")

    lines.append(f"(chapters execute in parallel on {os.cpu_count()} cores; per-chapter times overlap)")
    row("clean build (s)", f"{small['clean_s']:.1f}", f"{large['clean_s']:.1f}")
    row("rebuild, nothing changed (s)", f"{small['rebuild_s']:.2f}", f"{large['rebuild_s']:.2f}")
    row("floor (s)", f"{small['floor_s']:.1f}", f"{large['floor_s']:.1f}")
    row("  Sphinx, nothing to execute (s)", f"{small['render_s']:.1f}", f"{large['render_s']:.1f}")
    row(f"  {len(small['execution_s'])} bare kernel starts (s)", f"{small['kernels_s']:.1f}", f"{large['kernels_s']:.1f}")
    row("clean build / floor", f"{small['clean_s'] / small['floor_s']:.2f}", f"{large['clean_s'] / large['floor_s']:.2f}")
    for chapter in small["execution_s"]:
        row(f"  execute {chapter} (s)", f"{small['execution_s'][chapter]:.1f}",
            f"{large['execution_s'].get(chapter, float('nan')):.1f}")
    row("site size (MB)", f"{small['site_bytes'] / 1e6:.2f}", f"{large['site_bytes'] / 1e6:.2f}")
    row("largest page (kB)", f"{small['largest_page_bytes'] / 1e3:.0f}", f"{large['largest_page_bytes'] / 1e3:.0f}")
    row("  which", small["largest_page"].removeprefix("chapters/"), large["largest_page"].removeprefix("chapters/"))
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


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="hsct-bench-") as work:
        work = Path(work)
        large_cohort = work / f"cohort_{LARGE_N}.csv"
        registry = synthetic.registry_cohort(LARGE_N, seed=LARGE_SEED)
        synthetic.write_cohort(registry, large_cohort)
        print(f"bench: building on {SHIPPED_COHORT.name} and on {LARGE_N:,} registry-shaped patients "
              f"(synthetic.registry_cohort, seed {LARGE_SEED}: {describe_cohort(registry)})...", flush=True)
        small = measure(f"{cohort.read_cohort(SHIPPED_COHORT).shape[0]} patients", SHIPPED_COHORT, work / "small")
        large = measure(f"{LARGE_N:,} patients", large_cohort, work / "large")
    text, flat = report(small, large)
    print(text)
    return 0 if flat else 1


if __name__ == "__main__":
    sys.exit(main())
