"""Tables of the data chapter: published values and targets against achieved, formatted to read.

The values come from :mod:`hsct_ms.inputs.published` (tier ``published``) and from
:func:`hsct_ms.reconstruction.method.target_table` (the ``achieved`` column is tier
``cohort``). This module only turns them into text; labels (target, group, source) are
read from the tables, never typed here.
"""

from __future__ import annotations

import pandas as pd

from hsct_ms import terms
from hsct_ms.display import disclosure, tables

__all__ = ["VERDICT", "WITHHELD", "WITHHELD_NOTE", "format_published", "format_targets", "group_label"]

#: The verdict column of :func:`format_targets`, by build (shipped reconstruction or not)
#: and by whether the target is within tolerance.
VERDICT = {
    (True, True): "matches by construction",
    (True, False): "NOT met",
    (False, True): "within tolerance",
    (False, False): "outside tolerance",
}


#: A difference withheld beside a small count (:func:`format_targets`), and its note.
WITHHELD = "\u2014"
WITHHELD_NOTE = "withheld: with the published count, it would give the small count away"

#: The ``group`` of a target (as in ``data/published/``) -> its label in :data:`terms.GROUP_LABELS`.
_GROUP_KEY = {published: key for key, published in terms.PUBLISHED_GROUP.items()}


def group_label(group: str) -> str:
    """The reader's label of a published group ("RRMS" -> "relapsing-remitting MS")."""
    return terms.GROUP_LABELS.get(_GROUP_KEY.get(group, group), group)


def _years(years) -> str:
    return "" if pd.isna(years) else f"{years:g}"


def _words(name: str) -> str:
    """A name of values.csv as words ("edss_change_rate" -> "edss change rate"): an
    underscore gives a browser no place to wrap, and joined names widened the table."""
    return str(name).replace("_", " ")


def format_published(values: pd.DataFrame) -> pd.DataFrame:
    """The published values as shown: six columns, each value's source a note under the table.

    Names of values.csv (quantity, kind, unit) read with spaces for underscores; times are
    in years ("Time (years)": 5, 10); the ``key`` and ``note`` columns are dropped; the
    ``source`` (document and place in it) is a lettered note on the value
    (:func:`hsct_ms.display.tables.noted`).

    Parameters
    ----------
    values : pandas.DataFrame
        :func:`hsct_ms.inputs.published.published_table`.
    """
    return pd.DataFrame({
        "Quantity": values["quantity"].map(_words),
        "Group": values["group"],
        "Time (years)": values["time"].map(_years),
        "Statistic": values["kind"].map(_words),
        "Value": [tables.noted(v, f"source: {src}" if isinstance(src, str) and src else "")
                  for v, src in zip(values["value"], values["source"] if "source" in values else [""] * len(values))],
        "Unit": values["unit"].map(_words) if "unit" in values else "",
    }).reset_index(drop=True)


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
        their difference from the published count, which would give them away (a dash with
        :data:`WITHHELD_NOTE`).
    is_shipped : bool
        True on the shipped reconstruction: a met target then "matches by construction"
        (:func:`hsct_ms.terms.comparison_verb`), since the cohort was fitted to it.

    Returns
    -------
    pandas.DataFrame
        Columns ``Target, Group, Published ± tolerance`` (the source a lettered note on
        it, :func:`hsct_ms.display.tables.noted`), ``Achieved, Difference, Verdict``.
    """
    small = (targets["unit"] == "patients") & targets["achieved"].map(
        lambda n: disclosure.is_small(n, min_count))
    return pd.DataFrame({
        "Target": targets["target"],
        "Group": targets["group"].map(group_label),
        "Published ± tolerance": [tables.noted(f"{p:g} ± {t:g}", f"source: {src}")
                                  for p, t, src in zip(targets["published"], targets["tolerance"], targets["source"])],
        "Achieved": [disclosure.show_count(v, min_count) if hidden else _number(v)
                     for v, hidden in zip(targets["achieved"], small)],
        # A dash with a note, not a word, keeps the column one of numbers (right-aligned).
        "Difference": [tables.noted(WITHHELD, WITHHELD_NOTE) if hidden else _signed(d)
                       for d, hidden in zip(targets["difference"], small)],
        "Verdict": [VERDICT[(is_shipped, bool(met))] for met in targets["met"]],
    }).reset_index(drop=True)
