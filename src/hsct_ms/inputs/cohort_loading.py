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
import numpy as np

from hsct_ms.inputs.cohort_problems import CohortValidationError, Problem
from hsct_ms.inputs.cohort_schema import DERIVABLE_COLUMNS
from hsct_ms.inputs.cohort_validation import read_lines
from hsct_ms.terms import PROGRESSIVE_SUBTYPES, RRMS

__all__ = ["CohortInfo", "resolve_cohort_path", "analysis_problems", "load_cohort",
           "cohort_info", "validate_command", "endpoint_statement", "DERIVED_TOLERANCE_YEARS"]

#: A derived time (a visit's) at most this much after ``followup_years`` is the same day
#: written with fewer decimals (half a day); later, the cohort file and the visits disagree.
DERIVED_TOLERANCE_YEARS = 0.5 / 365.25


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
    derived_rule : str or None
        When the file gives no ``dwfs_years``/``worsening`` and they were derived from the
        visits file: the rule's label (:attr:`hsct_ms.stats.disability.DisabilityRule.label`);
        ``None`` when the file gives the endpoint.
    visits_file : str or None
        With ``derived_rule``: the visits file's name.
    """

    path: Path
    file_name: str
    sha256: str
    n_patients: int
    is_shipped: bool
    derived_rule: str | None = None
    visits_file: str | None = None

    @property
    def endpoint_derived(self) -> bool:
        """True when ``dwfs_years``/``worsening`` were derived from visits, not read from the file."""
        return self.derived_rule is not None


def endpoint_statement(info: CohortInfo) -> str:
    """Where the endpoint of this build comes from, as a sentence for the pages."""
    if info.endpoint_derived:
        return (f"In this build the cohort file gives no endpoint: dwfs_years and worsening were "
                f"derived from the visits file {info.visits_file} by the book's default rule "
                f"({info.derived_rule}).")
    return ("In this build the endpoint (dwfs_years and worsening: the time to confirmed EDSS "
            "worsening or censoring) is the cohort file's own.")


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


def _derive_endpoint(frame: pd.DataFrame, lines: np.ndarray, shown: str, visits_path: Path,
                     relapses_path) -> tuple[pd.DataFrame, str, str]:
    """``frame`` with ``dwfs_years``/``worsening`` derived from the visits by the default rule.

    The visits (and relapses) are validated against the cohort first; a derived time
    after the patient's ``followup_years`` (a visit after the last assessment the cohort
    file gives) is refused, naming the patients.
    """
    from hsct_ms.inputs.visits import load_visits
    from hsct_ms.stats.disability import DEFAULT_RULE, derive_endpoints

    data = load_visits(frame, visits_path, relapses_path)
    derived = derive_endpoints(data.visits, frame, DEFAULT_RULE, data.relapses, content_hash=data.sha256)
    by_id = derived.set_index("patient_id")
    ids = frame["patient_id"].astype(str)
    dwfs = by_id["dwfs_years"].reindex(ids).to_numpy(float)
    worsening = by_id["worsening"].reindex(ids).to_numpy()
    followup = frame["followup_years"].to_numpy(float)
    late = dwfs > followup + DERIVED_TOLERANCE_YEARS
    if late.any():
        pairs = [f"{d:.4f} > {f:g}" for d, f in zip(dwfs[late][:3], followup[late][:3])]
        if late.sum() > 3:
            pairs.append(f"{late.sum() - 3} more")
        raise CohortValidationError(shown, [Problem(
            Path(shown).name, "followup_years", tuple(int(n) for n in lines[late]),
            tuple(ids[late]),
            f"the endpoint derived from the visits file {data.path.name} ends after followup_years "
            f"({', '.join(pairs)} years): these patients have a visit after the follow-up the cohort "
            "file gives; followup_years is the time of the last assessment (or of death), so "
            "correct followup_years or the visits")])
    # Within half a day after followup_years is the same day written with fewer decimals.
    frame = frame.assign(dwfs_years=np.minimum(dwfs, followup), worsening=worsening.astype(np.int64))
    order = list(frame.columns[:6]) + list(DERIVABLE_COLUMNS)
    frame = frame[order + [c for c in frame.columns if c not in order]]
    return frame, DEFAULT_RULE.label, data.path.name


def _visits_path(visits) -> Path | None:
    if visits is not None:
        return Path(visits).expanduser().absolute()
    from hsct_ms.inputs.visits import resolve_visits_path

    return resolve_visits_path(cohort_is_shipped=False)  # $VISITS_CSV; the shipped cohort has its endpoint


def _load(path, visits=None, relapses=None) -> tuple[pd.DataFrame, CohortInfo]:
    resolved = resolve_cohort_path(path)
    # Messages name the file as the user gave it.
    shown = str(path) if path is not None else str(resolved)
    visits_path = _visits_path(visits)
    frame, data, lines = read_lines(resolved, shown=shown, derivable=visits_path is not None)
    derived_rule = visits_file = None
    if not all(c in frame.columns for c in DERIVABLE_COLUMNS):
        frame, derived_rule, visits_file = _derive_endpoint(frame, lines, shown, visits_path, relapses)
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
    info = CohortInfo(resolved, resolved.name, digest, len(frame), is_shipped, derived_rule, visits_file)
    frame.attrs["cohort"] = info
    return frame, info


def load_cohort(path: str | os.PathLike | None = None, visits: str | os.PathLike | None = None,
                relapses: str | os.PathLike | None = None) -> pd.DataFrame:
    """Load the validated cohort the book analyses.

    Parameters
    ----------
    path : str or path-like, optional
        The file; default ``$COHORT_CSV`` when set and not empty, else the
        shipped reconstructed cohort (:data:`hsct_ms.paths.SHIPPED_COHORT`).
    visits, relapses : str or path-like, optional
        The visits and relapses files; default ``$VISITS_CSV`` and ``$RELAPSES_CSV``.
        With a visits file, a cohort file may leave out both ``dwfs_years`` and
        ``worsening``: they are then derived from the visits by
        :data:`hsct_ms.stats.disability.DEFAULT_RULE` (cached, see
        :func:`hsct_ms.stats.disability.derive_endpoints`), and
        ``df.attrs["cohort"].derived_rule`` names the rule.

    Returns
    -------
    pandas.DataFrame
        As :func:`read_cohort` (the endpoint columns filled when derived), with
        ``df.attrs["cohort"]`` a :class:`CohortInfo`.

    Raises
    ------
    CohortValidationError
        When the file is missing or invalid, or (when the endpoint is derived) the
        visits or relapses file is invalid or a derived time falls after ``followup_years``.
    """
    return _load(path, visits, relapses)[0]


def cohort_info(path: str | os.PathLike | None = None, visits: str | os.PathLike | None = None,
                relapses: str | os.PathLike | None = None) -> CohortInfo:
    """Describe (and validate) the cohort file :func:`load_cohort` would use.

    Parameters
    ----------
    path, visits, relapses : str or path-like, optional
        As in :func:`load_cohort`.

    Returns
    -------
    CohortInfo
    """
    return _load(path, visits, relapses)[1]


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
    derived = (f", endpoint derived from {info.visits_file} ({info.derived_rule})"
               if info.endpoint_derived else "")
    _emit(f"OK: {path}: {n} patient{'s' if n != 1 else ''}, sha256 {info.sha256}{derived}", sys.stdout)
    return 0
