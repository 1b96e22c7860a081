"""The legend of the three tiers of evidence, as a numbered table.

The tiers themselves (number, key, badge, name, meaning) are defined once, in
:data:`hsct_ms.terms.TIERS`; this module only says what each tier means on the build at
hand, because a tier-3 number means something different on the shipped reconstruction
(never a finding about the study) and on a user's cohort (a real analysis).
"""

from __future__ import annotations

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
