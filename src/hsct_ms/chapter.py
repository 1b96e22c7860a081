"""What every chapter starts from, in one call: :func:`context`.

A chapter's first code cell is ``ctx = chapter.context()``. It loads the cohort of
this build (``$COHORT_CSV`` or the shipped reconstruction), describes it, sets the
disclosure threshold and the wording for this build, and splits the patients into the
analysis groups, so no chapter repeats that preamble.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from hsct_ms import terms
from hsct_ms.display import disclosure, tiers
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

    @cached_property
    def members(self) -> pd.DataFrame | None:
        """On the shipped reconstruction, the members of its ensemble (``data/ensemble.csv``),
        over which a page shows the statistics no published number pins down; None on a
        user's cohort, whose own values are shown."""
        if not self.is_shipped:
            return None
        from hsct_ms.reconstruction import ensemble  # read only when a page needs it

        return ensemble.members(ensemble.load_ensemble())

    @property
    def cutoff_range(self) -> tuple[float, float] | None:
        """On the shipped build, the lowest and highest data cut-off of the ensemble's members."""
        if self.members is None:
            return None
        return float(self.members["data_cutoff"].min()), float(self.members["data_cutoff"].max())

    @property
    def ensemble_note(self) -> str:
        """The sentence a caption adds on the shipped build, where cells show
        :func:`hsct_ms.display.tiers.ensemble_cell` (empty on a user's cohort)."""
        return f" {tiers.ENSEMBLE_CELLS_NOTE}." if self.is_shipped else ""

    def spread_phrase(self, spread, column: str, row: int, text_of: Callable) -> str:
        """One cell of a table computed per build (a ``Spread`` of
        :mod:`hsct_ms.analysis.outcomes_sensitivity`) as prose: the cohort's value, or on the
        shipped build the median and range over the reconstructions."""
        median, low, high = (frame[column].iloc[row] for frame in spread)
        if self.members is None:
            return text_of(median)
        return tiers.ensemble_phrase(text_of, median, low, high, len(self.members))

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
