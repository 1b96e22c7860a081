"""The EDSS visits (and relapses) the disability chapter reads, beside the cohort file.

``VISITS_CSV=/path/visits.csv`` (optional ``RELAPSES_CSV=/path/relapses.csv``) names a
user's files. Without ``VISITS_CSV`` the shipped ``data/visits.csv`` is used only when the
cohort is the shipped reconstruction; a user's cohort without a visits file has no
visits (:func:`load_visits` returns ``None``). The rules are in
:mod:`~hsct_ms.inputs.visits_validation`.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from hsct_ms import paths
from hsct_ms.inputs.visits_validation import (
    DAYS_PER_YEAR,
    read_relapses_checked,
    read_visits_checked,
)

__all__ = ["SHIPPED_VISITS", "VisitsData", "resolve_visits_path", "resolve_relapses_path",
           "read_visits", "read_relapses", "load_visits", "validate_visits_command", "DAYS_PER_YEAR",
           "VISITS_SCHEMA"]

SHIPPED_VISITS = paths.DATA_DIR / "visits.csv"

#: The visits and relapses files' columns, for the book's "your own visits" table.
VISITS_SCHEMA = pd.DataFrame(
    [("visits", "patient_id", "text", "", "a patient_id of the cohort file", "Patient"),
     ("visits", "years_since_transplant", "number", "years", "0 or more; or give visit_date instead",
      "Time of the assessment from transplant"),
     ("visits", "visit_date", "date", "YYYY-MM-DD", "on or after the cohort's transplant_date; "
      "or give years_since_transplant instead", "Date of the assessment"),
     ("visits", "edss", "number", "EDSS points", "0, or 1.0 to 10 in steps of 0.5; at time 0 equal "
      "to the cohort's baseline_edss", "EDSS score"),
     ("relapses (optional)", "patient_id", "text", "", "a patient_id of the cohort file", "Patient"),
     ("relapses (optional)", "years_since_transplant", "number", "years",
      "any (before transplant is negative); or give onset_date instead", "Onset of the relapse"),
     ("relapses (optional)", "onset_date", "date", "YYYY-MM-DD",
      "or give years_since_transplant instead", "Onset of the relapse")],
    columns=["file", "column", "type", "unit", "allowed values / rule", "meaning"])


@dataclass(frozen=True)
class VisitsData:
    """Validated visits (and relapses) with where they came from.

    ``visits``: ``patient_id``, ``years_since_transplant``, ``edss``, ``line``;
    ``relapses``: ``patient_id``, ``years_since_transplant``, ``line``, or ``None``;
    ``sha256``: of the visits file's bytes followed by the relapses file's, the key of
    the derivation cache; ``is_shipped``: the repository's reconstructed visits, unchanged.
    """

    visits: pd.DataFrame
    relapses: pd.DataFrame | None
    path: Path
    relapses_path: Path | None
    sha256: str
    is_shipped: bool


def _env_path(name: str) -> Path | None:
    env = os.environ.get(name, "").strip()
    if not env:
        return None
    candidate = Path(env).expanduser()
    if not candidate.is_absolute() and not candidate.exists() \
            and (paths.REPO_ROOT / candidate).exists():
        candidate = paths.REPO_ROOT / candidate
    return candidate.absolute()


def resolve_visits_path(cohort_is_shipped: bool) -> Path | None:
    """``$VISITS_CSV``, else the shipped visits for the shipped cohort, else ``None``."""
    env = _env_path("VISITS_CSV")
    if env is not None:
        return env
    return SHIPPED_VISITS if cohort_is_shipped else None


def resolve_relapses_path() -> Path | None:
    """``$RELAPSES_CSV`` or ``None`` (the shipped reconstruction has no relapses file)."""
    return _env_path("RELAPSES_CSV")


def read_visits(path, cohort: pd.DataFrame) -> pd.DataFrame:
    """Read and validate a visits file against ``cohort`` (see the module docstring)."""
    return read_visits_checked(Path(path), cohort, shown=str(path))


def read_relapses(path, cohort: pd.DataFrame) -> pd.DataFrame:
    """Read and validate a relapses file against ``cohort``."""
    return read_relapses_checked(Path(path), cohort, shown=str(path))


def load_visits(cohort: pd.DataFrame, visits_path=None, relapses_path=None) -> VisitsData | None:
    """The visits of ``cohort`` (validated), or ``None`` when there is no visits file.

    ``cohort`` is a frame from :func:`hsct_ms.inputs.cohort.load_cohort` (its
    ``attrs["cohort"].is_shipped`` decides the default file).
    """
    info = cohort.attrs.get("cohort")
    shipped_cohort = bool(info is not None and info.is_shipped)
    path = Path(visits_path) if visits_path is not None else resolve_visits_path(shipped_cohort)
    if path is None:
        return None
    rpath = Path(relapses_path) if relapses_path is not None else resolve_relapses_path()
    visits = read_visits(path, cohort)
    relapses = read_relapses(rpath, cohort) if rpath is not None else None
    digest = hashlib.sha256(path.read_bytes())
    if rpath is not None:
        digest.update(b"\0relapses\0" + rpath.read_bytes())
    is_shipped = (shipped_cohort and rpath is None and path.resolve() == SHIPPED_VISITS.resolve())
    return VisitsData(visits, relapses, path, rpath, digest.hexdigest(), is_shipped)


def validate_visits_command(visits_path: str, cohort_path: str | None = None,
                            relapses_path: str | None = None) -> int:
    """Check a visits (and relapses) file against a cohort file, as ``validate`` checks a cohort.

    For ``python -m hsct_ms validate`` and for the build driver to run before any chapter:
    prints a one-line summary and returns 0, or prints every problem to stderr and
    returns 1. ``cohort_path`` defaults as :func:`hsct_ms.inputs.cohort.load_cohort`.
    """
    import sys

    from hsct_ms.inputs.cohort import load_cohort
    from hsct_ms.inputs.cohort_problems import CohortValidationError

    try:
        # The visits may be what gives the cohort its endpoint (a file without dwfs_years/worsening).
        cohort = load_cohort(cohort_path, visits=visits_path, relapses=relapses_path)
        data = load_visits(cohort, visits_path, relapses_path)
    except CohortValidationError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    n_patients = data.visits["patient_id"].nunique()
    relapses = "" if data.relapses is None else f", {len(data.relapses)} relapses"
    print(f"OK: {visits_path}: {len(data.visits)} visits of {n_patients} patients{relapses}, "
          f"sha256 {data.sha256}")
    return 0
