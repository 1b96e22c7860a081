"""Tables of the data chapter: published values and targets against achieved, formatted to read.

The values come from :mod:`hsct_ms.inputs.published` (tier ``published``) and from
:func:`hsct_ms.reconstruction.method.target_table` (the ``achieved`` column is tier
``cohort``). This module only turns them into text; labels (target, group, source) are
read from the tables, never typed here.
"""

from __future__ import annotations

import pandas as pd

from hsct_ms import terms
from hsct_ms.display import disclosure

__all__ = ["VERDICT", "format_published", "format_targets", "group_label"]

#: The verdict column of :func:`format_targets`, by build (shipped reconstruction or not)
#: and by whether the target is within tolerance.
VERDICT = {
    (True, True): "matches by construction",
    (True, False): "NOT met",
    (False, True): "within tolerance",
    (False, False): "outside tolerance",
}


#: The ``group`` of a target (as in ``data/published/``) -> its label in :data:`terms.GROUP_LABELS`.
_GROUP_KEY = {published: key for key, published in terms.PUBLISHED_GROUP.items()}


def group_label(group: str) -> str:
    """The reader's label of a published group ("RRMS" -> "relapsing-remitting MS")."""
    return terms.GROUP_LABELS.get(_GROUP_KEY.get(group, group), group)


def _time(years) -> str:
    return "" if pd.isna(years) else f"{years:g} y"


def format_published(values: pd.DataFrame) -> pd.DataFrame:
    """The published values as shown: times as "5 y", the key and note columns dropped.

    Parameters
    ----------
    values : pandas.DataFrame
        :func:`hsct_ms.inputs.published.published_table`.
    """
    return values.assign(time=values["time"].map(_time)).drop(columns=["key", "note"])


def _number(value) -> str:
    # Two decimals at most, trailing zeros dropped: 80, 79.5, 66.27.
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _signed(value) -> str:
    # Rounded first, so a difference of -0.001 reads "+0.00", not "-0.00".
    return f"{round(value, 2) + 0.0:+.2f}"


def format_targets(targets: pd.DataFrame, min_count: int, is_shipped: bool) -> pd.DataFrame:
    """Targets beside achieved values, as text, with small patient counts withheld.

    Parameters
    ----------
    targets : pandas.DataFrame
        :func:`hsct_ms.reconstruction.method.target_table`.
    min_count : int
        Counts from 1 to ``min_count - 1`` are withheld (0 on the shipped cohort), and so is
        their difference from the published count, which would give them away.
    is_shipped : bool
        True on the shipped reconstruction: a met target then "matches by construction"
        (:func:`hsct_ms.terms.comparison_verb`), since the cohort was fitted to it.

    Returns
    -------
    pandas.DataFrame
        Columns ``target, group, published, tolerance, achieved, difference, verdict, source``.
    """
    small = (targets["unit"] == "patients") & targets["achieved"].map(
        lambda n: disclosure.is_small(n, min_count))
    return pd.DataFrame({
        "target": targets["target"],
        "group": targets["group"].map(group_label),
        "published": targets["published"].map("{:g}".format),
        "tolerance": targets["tolerance"].map(lambda t: f"± {t:g}"),
        "achieved": [disclosure.show_count(v, min_count) if hidden else _number(v)
                     for v, hidden in zip(targets["achieved"], small)],
        "difference": ["withheld" if hidden else _signed(d)
                       for d, hidden in zip(targets["difference"], small)],
        "verdict": [VERDICT[(is_shipped, bool(met))] for met in targets["met"]],
        "source": targets["source"],
    }).reset_index(drop=True)
