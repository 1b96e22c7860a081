"""Larger or marked cohorts made from the shipped one, for tests and benchmarks.

:func:`resampled_cohort` draws patients with replacement from the shipped
reconstruction, gives them new ids and stretches each patient's times by a small
random factor, so a 100,000-patient file has realistic columns and few ties. It is
used by ``make bench`` (cost at registry scale) and by the canary test, which builds
the book on a cohort whose ids and decimals appear nowhere else and then searches
the site for them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hsct_ms.inputs import cohort
from hsct_ms.paths import SHIPPED_COHORT


def resampled_cohort(n: int, seed: int = 2021, id_prefix: str = "SYN", time_decimals: int = 3,
                     age_decimals: int = 0) -> pd.DataFrame:
    """``n`` patients resampled from the shipped cohort (deterministic for a seed).

    Times are multiplied by a factor drawn uniformly from 0.98 to 1.02 per patient
    (both times of a patient by the same factor, so worsening never follows the end
    of follow-up), then rounded to ``time_decimals``.
    """
    base = cohort.read_cohort(SHIPPED_COHORT)
    rng = np.random.default_rng(seed)
    rows = base.iloc[rng.integers(0, len(base), size=n)].reset_index(drop=True)
    stretch = rng.uniform(0.98, 1.02, size=n)
    smallest = 10.0 ** -time_decimals
    for column in ("followup_years", "dwfs_years"):
        rows[column] = np.maximum(np.round(rows[column] * stretch, time_decimals), smallest)
    rows["dwfs_years"] = np.minimum(rows["dwfs_years"], rows["followup_years"])
    if age_decimals:
        rows["age"] = np.round(rows["age"] + rng.uniform(-0.5, 0.5, size=n), age_decimals)
    width = len(str(n))
    rows["patient_id"] = [f"{id_prefix}{i:0{width}d}" for i in range(1, n + 1)]
    return rows


def write_cohort(frame: pd.DataFrame, path) -> None:
    """Write a cohort CSV the way a registry export would look (plain comma-separated)."""
    frame.to_csv(path, index=False, lineterminator="\n")
