"""The legend of the three tiers of evidence, as a numbered table.

The tiers themselves (number, key, badge, name, meaning) are defined once, in
:data:`hsct_ms.terms.TIERS`; this module only says what each tier means on the build at
hand, because a tier-3 number means something different on the shipped reconstruction
(never a finding about the study) and on a user's cohort (a real analysis).
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from hsct_ms import terms
from hsct_ms.display.tables import Table, table

#: What a result of each tier means on the shipped reconstruction, and on a user's cohort.
_ON_BUILD = {
    "published": (
        "the study's own number, shown as printed",
        "the study's own number, shown as printed",
    ),
    "derived": (
        "valid whatever the patients were: it uses no patient row",
        "valid whatever the patients were: it uses no patient row",
    ),
    "cohort": (
        "never a finding about the study: calibration targets are matched by construction, "
        "and statistics no published number pins down are shown across the reconstruction "
        "ensemble",
        "a real analysis of your cohort file",
    ),
}


def ensemble_phrase(text_of: Callable[[float], str], median: float, low: float, high: float, n: int) -> str:
    """A cohort-tier value as prose shows it on the shipped reconstruction: the median over
    the reconstructions of the ensemble and their range, never one draw's value.

    >>> ensemble_phrase("{:.1f}".format, 33.14, 31.9, 34.02, 60)
    '33.1 (median; 31.9 to 34.0 over 60 reconstructions)'
    """
    if text_of(low) == text_of(high):
        return f"{text_of(median)} (the same in all {n} reconstructions)"
    return f"{text_of(median)} (median; {text_of(low)} to {text_of(high)} over {n} reconstructions)"


def ensemble_cell(text_of: Callable[[float], str], median: float, low: float, high: float) -> str:
    """The same in a table cell: the median, and the range over the reconstructions in
    square brackets (explained by the table's caption).

    >>> ensemble_cell("{:.1f}".format, 33.14, 31.9, 34.02)
    '33.1 [31.9\u201334.0]'
    """
    if text_of(low) == text_of(high):
        return text_of(median)
    return f"{text_of(median)} [{text_of(low)}\u2013{text_of(high)}]"


#: The sentence a caption adds where cells show :func:`ensemble_cell`.
ENSEMBLE_CELLS_NOTE = ("Cells computed from the cohort that no published number pins down show the median "
                       "over the reconstructions of the ensemble and, in square brackets, its range")


def tier_legend(is_shipped: bool, name: str = "tbl-index-tiers") -> Table:
    """The tier legend: each tier's badge, meaning and what it means on this build.

    Parameters
    ----------
    is_shipped : bool
        True when the book runs on the shipped reconstruction.
    name : str
        The table label.

    Returns
    -------
    Table
        One row per tier of :data:`hsct_ms.terms.TIERS`, in order.
    """
    column = 0 if is_shipped else 1
    frame = pd.DataFrame({
        "Tier": [tier.number for tier in terms.TIERS],
        "Badge": [tier.name for tier in terms.TIERS],
        "Meaning": [tier.meaning for tier in terms.TIERS],
        "On this build": [_ON_BUILD[tier.key][column] for tier in terms.TIERS],
    })
    build = "the shipped reconstruction" if is_shipped else "a user's cohort file"
    caption = (f"The three tiers of evidence. Every result on a page is marked with its tier's "
               f"badge; the last column says what the tier means on this build ({build}).")
    return table(frame, caption, name)
