"""What the book may publish about a real cohort: small counts are suppressed.

The shipped cohort is a reconstruction, so every count is shown as it is. When the
book runs on a user's own file (``COHORT_CSV``), a count from 1 to the threshold
minus one could point at identifiable patients: tables, glued text and chart
tooltips show it as ``<5`` (the threshold, 5 by default, is set with the
environment variable ``HSCT_MS_MIN_COUNT``). Kaplan-Meier curves stop where fewer
patients than the threshold remain at risk, and histogram bins below it are not drawn.
"""

from __future__ import annotations

import os

import pandas as pd

ENV_VARIABLE = "HSCT_MS_MIN_COUNT"
DEFAULT_MIN_COUNT = 5


def min_count() -> int:
    """The suppression threshold for a user's cohort (environment, else 5)."""
    raw = os.environ.get(ENV_VARIABLE, "").strip()
    if not raw:
        return DEFAULT_MIN_COUNT
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"{ENV_VARIABLE} must be a whole number of at least 1, not {raw!r}")
    return int(raw)


def threshold_for(is_shipped: bool) -> int:
    """0 (nothing suppressed) for the shipped reconstruction, else :func:`min_count`."""
    return 0 if is_shipped else min_count()


def is_small(count, threshold: int) -> bool:
    """True for a count that must not be shown: 1 to ``threshold - 1`` (a missing count is not small)."""
    if pd.isna(count):
        return False
    return threshold > 0 and 0 < count < threshold


def show_count(count, threshold: int) -> str:
    """A count as text for publication: ``<5`` when it is small, else the number."""
    return f"<{threshold}" if is_small(count, threshold) else f"{int(count)}"


def cut_where_few_at_risk(steps: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """Kaplan-Meier steps (``time``, ``at_risk``, ...) up to, not including, the first
    step with fewer than ``threshold`` patients at risk: a drop taken by one of a
    handful of patients could single that patient out. Unchanged for threshold 0."""
    too_few = steps["at_risk"] < threshold
    if threshold <= 0 or not too_few.any():
        return steps
    return steps[steps["time"] < steps["time"][too_few].min()]


def count_labels(counts: pd.Series, threshold: int) -> pd.Series:
    """:func:`show_count` over a column of counts."""
    return counts.map(lambda n: show_count(n, threshold))
