"""Problems found in a cohort file, and how they are worded.

A :class:`Problem` names the file, the column, the lines and the patients; a
:class:`ProblemReport` collects the problems of one file while it is read, and
:class:`CohortValidationError` carries them all to the caller at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hsct_ms.inputs.cohort_schema import MISSING_TOKENS

__all__ = ["Problem", "CohortValidationError", "ProblemReport", "listing", "show_values",
           "is_are", "MAX_LISTED", "MAX_VALUES"]

#: Most line numbers or patient ids listed in one message.
MAX_LISTED = 10
#: Most distinct values quoted in one message.
MAX_VALUES = 5


def listing(items, limit: int = MAX_LISTED) -> str:
    items = [str(i) for i in items]
    if len(items) <= limit:
        return ", ".join(items)
    return ", ".join(items[:limit]) + f" and {len(items) - limit} more"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a cohort file.

    Attributes
    ----------
    file : str
        File name.
    column : str or None
        Column concerned, ``None`` for problems of the file or of whole lines.
    rows : tuple of int
        1-based line numbers in the file (the header is line 1).
    patient_ids : tuple of str
        Patients on those lines, when known.
    message : str
        What is wrong and what was expected.
    """

    file: str
    column: str | None
    rows: tuple[int, ...]
    patient_ids: tuple[str, ...]
    message: str

    def __str__(self) -> str:
        parts = [self.file]
        if self.column is not None:
            parts.append(f"column {self.column!r}")
        if self.rows:
            where = ("line " if len(self.rows) == 1 else "lines ") + listing(self.rows)
            if self.patient_ids:
                who = "patient " if len(self.patient_ids) == 1 else "patients "
                where += f" ({who}{listing(self.patient_ids)})"
            parts.append(where)
        return ", ".join(parts) + ": " + self.message


class CohortValidationError(ValueError):
    """A cohort file failed validation.

    Attributes
    ----------
    path : str
        The file, as given.
    problems : list of Problem
        Every problem found.
    """

    def __init__(self, path, problems):
        self.path = str(path)
        self.problems = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        n = len(self.problems)
        head = f"{self.path}: {n} problem{'s' if n != 1 else ''} found"
        return "\n".join([head] + [f"  - {p}" for p in self.problems])

    def __reduce__(self):
        # The default would call cls(message) and fail: rebuild from the fields.
        return (type(self), (self.path, self.problems))


class ProblemReport:
    """Collects the problems of one file, with the line and patient of each row."""

    def __init__(self, path: Path, shown: str | None = None):
        self.path = shown if shown is not None else str(path)
        self.file = path.name or str(path)
        self.problems: list[Problem] = []
        self.lines: np.ndarray = np.empty(0, dtype=np.int64)
        self.ids: np.ndarray | None = None

    def add(self, column, message, rows=(), ids=()):
        self.problems.append(Problem(self.file, column, tuple(int(r) for r in rows),
                                     tuple(str(i) for i in ids), message))

    def add_rows(self, column, mask, message):
        """Add a problem for the data rows selected by the boolean ``mask``."""
        mask = np.asarray(mask, dtype=bool)
        ids = ()
        if self.ids is not None:
            ids = [i for i in self.ids[mask] if i.strip().lower() not in MISSING_TOKENS]
        self.add(column, message, self.lines[mask], ids)

    def fail(self):
        raise CohortValidationError(self.path, self.problems)


def show_values(values, quote: bool = True) -> str:
    """Distinct values, in order of appearance, capped, for a message."""
    values = list(dict.fromkeys(values))
    shown = []
    for v in values[:MAX_VALUES]:
        v = v if len(v) <= 30 else v[:27] + "..."
        shown.append(("empty" if not v else repr(v)) if quote else v)
    text = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
    if len(values) > MAX_VALUES:
        text = ", ".join(shown) + f" and {len(values) - MAX_VALUES} other values"
    return text


def is_are(values) -> str:
    return "is" if len(set(values)) == 1 else "are"

