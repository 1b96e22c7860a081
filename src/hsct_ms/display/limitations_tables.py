"""Tables of the limitations chapter: the analysis frames of
:mod:`hsct_ms.analysis.limitations` formatted for a page (percentages, shares, counts).

Counts go through the page's ``count`` function (:meth:`hsct_ms.chapter.ChapterContext.counts`)
so that small counts are withheld on a user's cohort.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from hsct_ms import terms

__all__ = ["percent", "tipping_rows", "km_percent", "censoring_rows", "comparator_rows", "late_death_rows",
           "settings_rows", "failure_rows", "distribution_rows", "conclusion_rows", "spread_rows",
           "definition_range_phrase"]


def percent(value: float, decimals: int = 1) -> str:
    """A proportion as a percentage without the sign: ``0.713 -> "71.3"``."""
    return f"{100 * value:.{decimals}f}"


def _group_label(group: str) -> str:
    return terms.GROUP_LABELS.get(group, group)


def _group_and_year(frame: pd.DataFrame) -> dict:
    return {"group": frame["group"].map(_group_label), "year": frame["year"].map("{} y".format)}


def tipping_rows(summary: pd.DataFrame) -> pd.DataFrame:
    """:func:`~hsct_ms.analysis.limitations.tipping_summary` as a table (percent and shares)."""
    return pd.DataFrame({
        "group": summary["group"].map(_group_label),
        "published 10-year DWFS (95% interval), %": [
            f"{percent(e)} ({percent(lo)} to {percent(up)})"
            for e, lo, up in zip(summary["estimate"], summary["lower"], summary["upper"])],
        "share unrecorded at the lower bound": summary["f_lower"].map("{:.2f}".format),
        "at the estimate": summary["f_estimate"].map("{:.2f}".format),
        "at the upper bound": summary["f_upper"].map("{:.2f}".format),
    })


def km_percent(value: float, sign: str = "") -> str:
    """A Kaplan-Meier value of :func:`~hsct_ms.analysis.limitations.censoring_bounds` in
    percent, or why there is none (nobody followed to the time point)."""
    return "not estimated (nobody followed this long)" if pd.isna(value) else percent(value) + sign


def censoring_rows(bounds: pd.DataFrame, published_points: pd.DataFrame, counts: Callable) -> pd.DataFrame:
    """:func:`~hsct_ms.analysis.limitations.censoring_bounds_table` beside the published estimates."""
    shown = bounds.merge(published_points[["group", "year", "estimate"]], on=["group", "year"], how="left")
    return pd.DataFrame({
        **_group_and_year(shown),
        "published (%)": shown["estimate"].map(percent),
        "Kaplan-Meier (%)": shown["km"].map(km_percent),
        "worst case (%)": shown["worst"].map(percent),
        "best case (%)": shown["best"].map(percent),
        "worsened by then": counts(shown["events"]),
        "censored before": counts(shown["censored_before"]),
        "patients": counts(shown["n"]),
    })


def comparator_rows(candidates: pd.DataFrame) -> pd.DataFrame:
    """:func:`~hsct_ms.analysis.limitations.comparator_candidates` as a table."""
    return candidates[["study", "design", "population", "endpoint", "verdict"]].rename(
        columns={"verdict": "as a comparator of DWFS after transplant"})


def late_death_rows(alternative: pd.DataFrame) -> pd.DataFrame:
    """:func:`~hsct_ms.analysis.limitations.late_death_alternative` as a table (percent)."""
    return pd.DataFrame({
        **_group_and_year(alternative),
        "published DWFS (%)": alternative["dwfs"].map(percent),
        "overall survival assumed (%)": alternative["overall_survival"].map(percent),
        "alive and worsening-free (%)": alternative["alive_and_worsening_free"].map(percent),
        "difference (points)": (100 * alternative["difference"]).map("{:+.1f}".format),
    })


def settings_rows(ranges: dict, death_orders, shipped, ensemble_members: pd.DataFrame) -> pd.DataFrame:
    """The varied settings: range drawn, shipped value and range covered by the members.

    ``ranges`` is :data:`hsct_ms.reconstruction.ensemble.RANGES`, ``death_orders``
    :data:`~hsct_ms.reconstruction.ensemble.DEATH_SUBTYPE_ORDERS`, ``shipped`` the
    shipped :class:`~hsct_ms.reconstruction.settings.Settings`.
    """
    rows = [(name, f"{low:g} to {high:g}", f"{getattr(shipped, name):g}",
             f"{ensemble_members[name].min():g} to {ensemble_members[name].max():g}")
            for name, (low, high, _) in ranges.items()]
    rows.append(("death_subtypes", " / ".join(",".join(order) for order in death_orders),
                 ",".join(shipped.death_subtypes), f"{ensemble_members['death_subtypes'].nunique()} orders used"))
    rows.append(("seed", "any (drives the allocation and worsening draws)", str(shipped.seed),
                 f"{ensemble_members['seed'].nunique()} seeds"))
    return pd.DataFrame(rows, columns=["setting", "range drawn (uniform)", "shipped value",
                                       "covered by the members"])


def failure_rows(failures: pd.DataFrame) -> pd.DataFrame:
    """:func:`~hsct_ms.analysis.limitations.failure_counts` as a table."""
    return pd.DataFrame({"outcome of the draw": failures["status"].str.replace("_", " "),
                         "reason": failures["reason"], "draws": failures["draws"]})


def distribution_rows(distribution: pd.DataFrame, labels: dict) -> pd.DataFrame:
    """:func:`hsct_ms.reconstruction.ensemble.distribution` as a table.

    ``labels``: column -> (what it is, log scale) (:data:`~hsct_ms.analysis.limitations.ENSEMBLE_COLUMNS`).
    DWFS in percent, p-values to 3 decimals, others to 2.
    """
    def number(column, value):
        if column.startswith("dwfs_"):
            return percent(value)
        return f"{value:.3f}" if column.endswith("_p") else f"{value:.2f}"

    rows = []
    for row in distribution.itertuples(index=False):
        rows.append({
            "statistic": labels[row.statistic][0] + (" (%)" if row.statistic.startswith("dwfs_") else ""),
            "median over the reconstructions": number(row.statistic, row.median),
            "range (min to max)": f"{number(row.statistic, row.min)} to {number(row.statistic, row.max)}",
            "share of the reconstructions with p < 0.05":
                "" if pd.isna(row.share_below_0_05) else f"{row.share_below_0_05:.0%}",
        })
    return pd.DataFrame(rows)


def conclusion_rows(conclusions: pd.DataFrame) -> pd.DataFrame:
    """:func:`~hsct_ms.analysis.limitations.ensemble_conclusions` as a table."""
    return pd.DataFrame({
        "conclusion": conclusions["conclusion"],
        "share of the reconstructions where it holds": conclusions["share"].map("{:.0%}".format),
        "why": conclusions["by_construction"].map(
            {True: "by construction: the published estimates differ", False: "not fixed by the published numbers"}),
    })


def spread_rows(spread: pd.DataFrame, labels: dict) -> pd.DataFrame:
    """:func:`~hsct_ms.analysis.limitations.spread_table` as a table (shares of the variance)."""
    return pd.DataFrame({
        "statistic": spread["statistic"].map(lambda c: labels[c][0] + (" (log scale)" if labels[c][1] else "")),
        "setting that explains most alone": spread["top_setting"],
        "its share of the variance": [f"{share:.0%} (chance {chance:.0%})"
                                      for share, chance in zip(spread["top_share"], spread["chance_share"])],
        "all settings together (linear)": [f"{share:.0%} (chance {chance:.0%})" for share, chance
                                           in zip(spread["all_settings_share"], spread["chance_all_share"])],
        "seed noise: variance at fixed settings over the ensemble's": spread["seed_share"].map("{:.1f}".format),
    })


def definition_range_phrase(span: tuple[float, float] | None, shipped: bool) -> str:
    """The summary's words for :func:`hsct_ms.analysis.limitations.definition_range`:
    "runs from 62.0% to 70.0%", or why there is no range. On the shipped reconstruction the
    visits are assumed, and the words say the range illustrates the rules, not the study."""
    if span is None:
        return "was not computed (this build has no visits file, or every estimate is withheld)"
    low, high = span
    text = f"runs from {percent(low)}% to {percent(high)}%"
    if shipped:
        text += (" on the assumed visits of the shipped reconstruction: an illustration of what the "
                 "rules do, not a finding about the study")
    return text
