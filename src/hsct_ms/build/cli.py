"""Command line: ``python -m hsct_ms COMMAND``.

Commands:
  book [--force] [--cohort PATH] [--output-root DIR] [--quiet] [--root DIR]
                   build the website (make book); --force makes a clean build,
                   --cohort replaces COHORT_CSV, --output-root writes DIR/_build/html,
                   --root builds the book whose _config.yml, _toc.yml and chapters are
                   in DIR (default: this repository; tests build a copy with a
                   failing cell this way)
  notebooks [NAME ...]
                   execute the chapters (or only those named, e.g. outcomes) into
                   notebooks/ (make notebooks)
  reconstruct      regenerate data/cohort.csv (make cohort)
  ensemble         regenerate data/ensemble.csv, alternative reconstructions (make ensemble)
  validate PATH [--visits VISITS [--relapses RELAPSES]]
                   check a cohort file against the schema, and with --visits an EDSS
                   visits file (and a relapses file) against that cohort, as the book
                   would read them (VISITS_CSV, RELAPSES_CSV); exit 0 when every file
                   is valid, 1 with every problem on stderr, 2 on a usage error
  bench [--only cohorts|visits] [--visits-patients N]
                   time the book on 210 and 100,000 patients, and on 10,000 (N)
                   patients with EDSS visits (make bench); --only runs one part
"""

from __future__ import annotations

import contextlib
import os
import sys

VALIDATE_USAGE = "usage: python -m hsct_ms validate PATH [--visits VISITS [--relapses RELAPSES]]"


@contextlib.contextmanager
def environment(**values):
    """``os.environ`` with ``values`` set (``None``: unset) inside the block, and as it
    was after it. The loaders read the visits and relapses files from the environment."""
    saved = {name: os.environ.get(name) for name in values}
    try:
        for name, value in values.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = str(value)
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def validate(argv: list[str]) -> int:
    """``validate PATH [--visits VISITS [--relapses RELAPSES]]``: the cohort file, then
    the visits (and relapses) against it; every file's summary or problems.

    Only the files named on the command line are read: ``VISITS_CSV`` and
    ``RELAPSES_CSV`` are set to them (or unset) while the files are checked, so a cohort
    file without ``dwfs_years``/``worsening`` is checked as the book reads it beside
    its visits (the endpoint derived), and a variable left in the shell plays no part.
    """
    import argparse

    from hsct_ms.inputs.cohort import validate_command

    parser = argparse.ArgumentParser(prog="python -m hsct_ms validate", usage=VALIDATE_USAGE[7:],
                                     add_help=False)
    parser.add_argument("path")
    parser.add_argument("--visits")
    parser.add_argument("--relapses")
    try:
        options = parser.parse_args(argv)
    except SystemExit:  # argparse has printed what was wrong
        return 2
    if options.relapses and not options.visits:
        print(f"{VALIDATE_USAGE}\n--relapses needs --visits: relapses are read beside visits",
              file=sys.stderr)
        return 2
    with environment(VISITS_CSV=options.visits, RELAPSES_CSV=options.relapses):
        status = validate_command(options.path)
        if options.visits is None:
            return status
        if status != 0:
            print(f"{options.visits}: not fully checked: visits are checked against the patients of a "
                  f"valid cohort file; correct what is listed above and run validate again",
                  file=sys.stderr)
            return status
        from hsct_ms.inputs.visits import validate_visits_command

        try:
            return validate_visits_command(options.visits, options.path, options.relapses)
        except Exception as exc:  # noqa: BLE001 - as validate_command: no traceback, ever
            print(f"{options.visits}: could not be validated ({type(exc).__name__}: {exc}); "
                  "this is a bug in hsct_ms, please report it", file=sys.stderr)
            return 1


def driver_failure(log) -> int:
    """Report an unexpected exception of the build driver (not of a chapter) in one
    message, with its full traceback written to ``log``; return the exit code."""
    import traceback

    error = sys.exc_info()[1]
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(traceback.format_exc())
    summary = f"{type(error).__name__}: {str(error).strip().splitlines()[0] if str(error).strip() else ''}"
    print(f"make book: the build driver failed ({summary}); this is a fault of the book, not of the "
          f"cohort file: report it with the log {log}, which holds the full traceback.", file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    if command == "validate":
        return validate(rest)
    if command == "book":
        import argparse

        from hsct_ms.build.book import build_book
        from hsct_ms.paths import REPO_ROOT

        parser = argparse.ArgumentParser(prog="python -m hsct_ms book")
        parser.add_argument("--force", action="store_true")
        parser.add_argument("--cohort", default=None)
        parser.add_argument("--output-root", default=str(REPO_ROOT))
        parser.add_argument("--quiet", action="store_true")
        parser.add_argument("--root", default=str(REPO_ROOT))
        options = parser.parse_args(rest)
        from pathlib import Path

        try:
            return build_book(force=options.force, cohort_path=options.cohort and Path(options.cohort),
                              output_root=Path(options.output_root), quiet=options.quiet,
                              root=Path(options.root))
        except Exception:  # a fault of the build driver itself: one message, the traceback in a log
            return driver_failure(Path(options.output_root) / "_build" / "logs" / "driver.log")
    if command == "notebooks":
        from hsct_ms.build.notebooks import write_notebooks

        write_notebooks(rest or None)
        return 0
    if command == "reconstruct":
        from hsct_ms.reconstruction.method import write_shipped_cohort

        path = write_shipped_cohort()
        print(f"wrote {path}")
        return 0
    if command == "bench":
        from hsct_ms.build.bench import main as bench

        return bench(rest)
    if command == "ensemble":
        from hsct_ms.reconstruction.ensemble import write_ensemble

        path, frame = write_ensemble()
        counts = frame["status"].value_counts().to_dict()
        print(f"wrote {path}: {counts}")
        return 0
    print(f"unknown command {command!r}\n{__doc__}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
