"""Loading the cohort the book analyses, and the ``validate`` command.

Every chapter reads the cohort through :func:`load_cohort`, so the shipped reconstruction
and a registry's own export (``COHORT_CSV=/path/export.csv``) go through the same checks
(:func:`~hsct_ms.inputs.cohort_validation.read_cohort`), and then through
:func:`analysis_problems`: what a valid file still needs for the book's comparisons.
"""

from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from hsct_ms import paths
from hsct_ms.inputs.cohort_problems import CohortValidationError, Problem
from hsct_ms.inputs.cohort_validation import read_checked
from hsct_ms.terms import PROGRESSIVE_SUBTYPES, RRMS

__all__ = ["CohortInfo", "resolve_cohort_path", "analysis_problems", "load_cohort",
           "cohort_info", "validate_command"]


@dataclass(frozen=True)
class CohortInfo:
    """Where the analysed cohort came from.

    Attributes
    ----------
    path : pathlib.Path
        Absolute path of the file.
    file_name : str
        Its name.
    sha256 : str
        SHA-256 of the file's bytes, in hex.
    n_patients : int
        Number of patients (rows).
    is_shipped : bool
        True when it is the repository's reconstructed cohort, unchanged.
    """

    path: Path
    file_name: str
    sha256: str
    n_patients: int
    is_shipped: bool


def resolve_cohort_path(path: str | os.PathLike | None = None) -> Path:
    """The cohort file to use: ``path``, else ``$COHORT_CSV``, else the shipped cohort.

    A relative ``COHORT_CSV`` is taken from the working directory, or else from
    the repository root, because chapters run with their own folder as working
    directory while ``make book`` is typed at the root.
    """
    if path is not None:
        return Path(path).expanduser().absolute()
    env = os.environ.get("COHORT_CSV", "").strip()
    if not env:
        return paths.SHIPPED_COHORT
    candidate = Path(env).expanduser()
    if not candidate.is_absolute() and not candidate.exists() \
            and (paths.REPO_ROOT / candidate).exists():
        candidate = paths.REPO_ROOT / candidate
    return candidate.absolute()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def analysis_problems(frame: pd.DataFrame, file: str) -> list[Problem]:
    """What stops the book from analysing a valid file.

    The book compares relapsing-remitting with progressive MS (SPMS + PPMS): it needs
    patients in both groups, and at least one worsening in each for the log-rank
    test and the Cox model. A file can follow the schema and still fail this.
    """
    problems = []
    groups = {"relapsing-remitting (RRMS)": frame["subtype"] == RRMS,
              "progressive (SPMS or PPMS)": frame["subtype"].isin(PROGRESSIVE_SUBTYPES)}
    for label, members in groups.items():
        if not members.any():
            problems.append(Problem(file, "subtype", (), (),
                                    f"no {label} patients; the book compares RRMS with progressive MS "
                                    "and needs patients in both groups"))
        elif not (frame.loc[members, "worsening"] == 1).any():
            problems.append(Problem(file, "worsening", (), (),
                                    f"no worsening (worsening = 1) among the {label} patients; the "
                                    "log-rank test and the Cox model need at least one in each group"))
    return problems


def _load(path) -> tuple[pd.DataFrame, CohortInfo]:
    resolved = resolve_cohort_path(path)
    # Messages name the file as the user gave it.
    shown = str(path) if path is not None else str(resolved)
    frame, data = read_checked(resolved, shown=shown)
    problems = analysis_problems(frame, Path(shown).name)
    if problems:
        raise CohortValidationError(shown, problems)
    digest = _sha256(data)
    shipped = paths.SHIPPED_COHORT
    is_shipped = False
    if resolved.resolve() == shipped.resolve():
        # Same path; compare the bytes too, in case the file changed since it was read.
        try:
            is_shipped = _sha256(shipped.read_bytes()) == digest
        except OSError:
            is_shipped = False
    info = CohortInfo(resolved, resolved.name, digest, len(frame), is_shipped)
    frame.attrs["cohort"] = info
    return frame, info


def load_cohort(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Load the validated cohort the book analyses.

    Parameters
    ----------
    path : str or path-like, optional
        The file; default ``$COHORT_CSV`` when set and not empty, else the
        shipped reconstructed cohort (:data:`hsct_ms.paths.SHIPPED_COHORT`).

    Returns
    -------
    pandas.DataFrame
        As :func:`read_cohort`, with ``df.attrs["cohort"]`` a :class:`CohortInfo`.

    Raises
    ------
    CohortValidationError
        When the file is missing or invalid.
    """
    return _load(path)[0]


def cohort_info(path: str | os.PathLike | None = None) -> CohortInfo:
    """Describe (and validate) the cohort file :func:`load_cohort` would use.

    Parameters
    ----------
    path : str or path-like, optional
        As in :func:`load_cohort`.

    Returns
    -------
    CohortInfo
    """
    return _load(path)[1]


def _emit(text: str, stream) -> None:
    # A console that cannot show a character must not turn a report into a traceback.
    try:
        print(text, file=stream)
    except UnicodeEncodeError:
        encoding = getattr(stream, "encoding", None) or "ascii"
        print(text.encode(encoding, "backslashreplace").decode(encoding), file=stream)


def validate_command(path: str) -> int:
    """``python -m hsct_ms validate PATH``: check a cohort file.

    Parameters
    ----------
    path : str
        The CSV file to check.

    Returns
    -------
    int
        0 when valid (a summary is printed), 1 otherwise (the problems go to stderr).
    """
    try:
        _, info = _load(path)
    except CohortValidationError as exc:
        _emit(str(exc), sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - the command promises no traceback, ever
        _emit(f"{path}: could not be validated ({type(exc).__name__}: {exc}); "
              "this is a bug in hsct_ms, please report it", sys.stderr)
        return 1
    n = info.n_patients
    _emit(f"OK: {path}: {n} patient{'s' if n != 1 else ''}, sha256 {info.sha256}", sys.stdout)
    return 0
