"""What every chapter starts from, in one call: :func:`context`.

A chapter's first code cell is ``ctx = chapter.context()``. It loads the cohort of
this build (``$COHORT_CSV`` or the shipped reconstruction), describes it, sets the
disclosure threshold and the wording for this build, and splits the patients into the
analysis groups, so no chapter repeats that preamble.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from hsct_ms import terms
from hsct_ms.display import disclosure
from hsct_ms.display.stored import glue
from hsct_ms.inputs.cohort import CohortInfo, load_cohort


@dataclass(frozen=True)
class ChapterContext:
    """The cohort of this build and what follows from it for a page.

    Attributes
    ----------
    patients : pandas.DataFrame
        The validated cohort, one row per patient.
    cohort : CohortInfo
        Its file name, SHA-256 and size, and whether it is the shipped reconstruction.
    min_count : int
        Counts from 1 to ``min_count - 1`` are withheld (0 on the shipped cohort).
    groups : dict
        Group key -> patients, for the groups of :data:`hsct_ms.terms.SURVIVAL_GROUPS`.
    """

    patients: pd.DataFrame
    cohort: CohortInfo
    min_count: int
    groups: dict = field(repr=False)

    @property
    def is_shipped(self) -> bool:
        """True when the book runs on the shipped reconstruction."""
        return self.cohort.is_shipped

    @property
    def verb(self) -> str:
        """How computed values relate to published ones in this build (:func:`terms.comparison_verb`)."""
        return terms.comparison_verb(self.is_shipped)

    @property
    def cohort_phrase(self) -> str:
        """What the cohort of this build is, in one phrase (:func:`terms.cohort_phrase`)."""
        return terms.cohort_phrase(self.is_shipped)

    def count(self, n) -> str:
        """A count as it may be published in this build (``<5`` when small on a real cohort)."""
        return disclosure.show_count(n, self.min_count)

    def counts(self, values: pd.Series) -> pd.Series:
        """:meth:`count` over a column."""
        return disclosure.count_labels(values, self.min_count)

    def glue_common(self, prefix: str) -> None:
        """Glue what most pages say about the build: ``<prefix>_file_name``,
        ``<prefix>_n_patients``, ``<prefix>_verb`` and ``<prefix>_cohort_phrase``."""
        glue(f"{prefix}_file_name", self.cohort.file_name)
        glue(f"{prefix}_n_patients", self.cohort.n_patients)
        glue(f"{prefix}_verb", self.verb)
        glue(f"{prefix}_cohort_phrase", self.cohort_phrase)


def context(path=None) -> ChapterContext:
    """Load the cohort of this build and everything a chapter derives from it."""
    patients = load_cohort(path)
    info = patients.attrs["cohort"]
    return ChapterContext(
        patients=patients,
        cohort=info,
        min_count=disclosure.threshold_for(info.is_shipped),
        groups=terms.group_members(patients),
    )
