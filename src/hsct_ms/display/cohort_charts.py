"""Charts of who was transplanted, drawn from counts, never from patient rows.

Each chart has two functions: one that aggregates the cohort into counts per bin
and subtype (``*_counts``, a few dozen rows whatever the cohort's size), and one
that draws those counts with Altair (``*_chart``). Show a chart with
:func:`hsct_ms.display.charts.figure`.

Each chart's data are bounded by its grid, whatever the cohort (``*_row_bound``, the
bound each chart declares): transplant years from
:data:`~hsct_ms.inputs.cohort_schema.FIRST_TRANSPLANT_YEAR` to the current year x
subtypes; EDSS scores of the scale x subtypes; follow-up bins up to the longest
accepted follow-up x subtypes.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from hsct_ms.display import disclosure
from hsct_ms.display.charts import bounded, group_colour_scale
from hsct_ms.inputs.cohort_schema import EDSS_SCALE, FIRST_TRANSPLANT_YEAR, current_year, max_followup_years
from hsct_ms.terms import SUBTYPES

__all__ = [
    "transplants_per_year_counts",
    "transplants_per_year_chart",
    "edss_counts",
    "edss_chart",
    "followup_counts",
    "followup_chart",
    "per_year_row_bound",
    "edss_row_bound",
    "followup_row_bound",
]


def per_year_row_bound() -> int:
    """Most rows of :func:`transplants_per_year_chart`: accepted transplant years x subtypes."""
    return (current_year() - FIRST_TRANSPLANT_YEAR + 1) * len(SUBTYPES)


def edss_row_bound() -> int:
    """Most rows of :func:`edss_chart`: scores of the EDSS scale x subtypes."""
    return len(EDSS_SCALE) * len(SUBTYPES)


def followup_row_bound(bin_years: float = 1.0) -> int:
    """Most rows of :func:`followup_chart`: bins from 0 to the longest accepted
    follow-up (:func:`~hsct_ms.inputs.cohort_schema.max_followup_years`) x subtypes."""
    return (int(np.floor(max_followup_years() / bin_years)) + 1) * len(SUBTYPES)


def _colour():
    return alt.Color("subtype:N", title="Subtype", scale=group_colour_scale(SUBTYPES),
                     sort=list(SUBTYPES))


def _stack_order():
    # RRMS at the bottom of each stack, PPMS on top.
    return alt.Order("stack_rank:Q", sort="ascending")


def _with_rank(counts: pd.DataFrame) -> pd.DataFrame:
    rank = {s: i for i, s in enumerate(SUBTYPES)}
    return counts.assign(stack_rank=counts["subtype"].map(rank).fillna(len(rank)).astype(int))


def _protect(counts: pd.DataFrame, min_count: int) -> pd.DataFrame:
    """Blank small bins (see :mod:`hsct_ms.display.disclosure`): no bar is drawn, the label says ``<N``."""
    small = counts["patients"].map(lambda n: disclosure.is_small(n, min_count))
    return counts.assign(
        patients_label=disclosure.count_labels(counts["patients"], min_count),
        patients=counts["patients"].astype(float).where(~small),
    )


def transplants_per_year_counts(patients: pd.DataFrame, min_count: int = 0) -> pd.DataFrame:
    """Patients transplanted per calendar year and subtype.

    Parameters
    ----------
    patients : DataFrame
        One row per patient with ``transplant_year`` and ``subtype``.

    Returns
    -------
    pandas.DataFrame
        ``year``, ``subtype``, ``patients``: one row per year and subtype with at
        least one patient, sorted by year then subtype order.
    """
    counts = (patients.groupby(["transplant_year", "subtype"]).size()
              .rename("patients").reset_index().rename(columns={"transplant_year": "year"}))
    counts["year"] = counts["year"].astype(int)
    return _protect(_with_rank(counts).sort_values(["year", "stack_rank"]).reset_index(drop=True), min_count)


def transplants_per_year_chart(counts: pd.DataFrame, width: int = 560, height: int = 260) -> alt.Chart:
    """Stacked bars: patients transplanted per year, coloured by subtype (bound: :func:`per_year_row_bound`)."""
    chart = alt.Chart(counts).mark_bar().encode(
        x=alt.X("year:O", title="Year of transplant"),
        y=alt.Y("sum(patients):Q", title="Patients transplanted", stack="zero"),
        color=_colour(),
        order=_stack_order(),
        tooltip=[alt.Tooltip("year:O", title="Year"), alt.Tooltip("subtype:N", title="Subtype"),
                 alt.Tooltip("patients_label:N", title="Patients")],
    ).properties(width=width, height=height)
    return bounded(chart, per_year_row_bound())


def edss_counts(patients: pd.DataFrame, min_count: int = 0) -> pd.DataFrame:
    """Patients per baseline EDSS score (0.5 steps) and subtype.

    Returns
    -------
    pandas.DataFrame
        ``edss``, ``subtype``, ``patients``: one row per observed score and subtype.
    """
    counts = (patients.groupby(["baseline_edss", "subtype"]).size()
              .rename("patients").reset_index().rename(columns={"baseline_edss": "edss"}))
    return _protect(_with_rank(counts).sort_values(["edss", "stack_rank"]).reset_index(drop=True), min_count)


def edss_chart(counts: pd.DataFrame, width: int = 560, height: int = 260) -> alt.Chart:
    """Stacked bars: patients per baseline EDSS score, coloured by subtype.

    The x axis covers every 0.5 step from the lowest to the highest observed score,
    so an empty step shows as a gap rather than disappearing. Bound: :func:`edss_row_bound`.
    """
    low, high = float(counts["edss"].min()), float(counts["edss"].max())
    domain = [float(v) for v in np.arange(low, high + 0.25, 0.5)]
    chart = alt.Chart(counts).mark_bar().encode(
        x=alt.X("edss:O", title="Baseline EDSS", scale=alt.Scale(domain=domain),
                axis=alt.Axis(labelAngle=0, format=".1f")),
        y=alt.Y("sum(patients):Q", title="Patients", stack="zero"),
        color=_colour(),
        order=_stack_order(),
        tooltip=[alt.Tooltip("edss:Q", title="EDSS", format=".1f"),
                 alt.Tooltip("subtype:N", title="Subtype"),
                 alt.Tooltip("patients_label:N", title="Patients")],
    ).properties(width=width, height=height)
    return bounded(chart, edss_row_bound())


def followup_counts(patients: pd.DataFrame, bin_years: float = 1.0, min_count: int = 0) -> pd.DataFrame:
    """Patients per follow-up bin (default 1 year) and subtype.

    Parameters
    ----------
    patients : DataFrame
        One row per patient with ``followup_years`` and ``subtype``.
    bin_years : float, default 1.0
        Bin width; bin k holds follow-up in ``[k * bin_years, (k + 1) * bin_years)``.

    Returns
    -------
    pandas.DataFrame
        ``bin_start``, ``bin_end`` (years), ``subtype``, ``patients``: one row per
        bin and subtype with at least one patient.
    """
    start = np.floor(patients["followup_years"].to_numpy(dtype=float) / bin_years) * bin_years
    counts = (pd.DataFrame({"bin_start": start, "subtype": patients["subtype"].to_numpy()})
              .groupby(["bin_start", "subtype"]).size().rename("patients").reset_index())
    counts["bin_end"] = counts["bin_start"] + bin_years
    counts = counts[["bin_start", "bin_end", "subtype", "patients"]]
    return _protect(_with_rank(counts).sort_values(["bin_start", "stack_rank"]).reset_index(drop=True), min_count)


def followup_chart(counts: pd.DataFrame, width: int = 560, height: int = 260) -> alt.Chart:
    """Stacked histogram of follow-up, coloured by subtype (bound: :func:`followup_row_bound`
    for the bin width of ``counts``)."""
    bin_years = float((counts["bin_end"] - counts["bin_start"]).iloc[0]) if len(counts) else 1.0
    chart = alt.Chart(counts).mark_bar(binSpacing=1).encode(
        x=alt.X("bin_start:Q", title="Follow-up (years)", bin="binned",
                scale=alt.Scale(domain=[0, float(counts["bin_end"].max())])),
        x2="bin_end:Q",
        y=alt.Y("sum(patients):Q", title="Patients", stack="zero"),
        color=_colour(),
        order=_stack_order(),
        tooltip=[alt.Tooltip("bin_start:Q", title="From (years)"),
                 alt.Tooltip("bin_end:Q", title="To (years)"),
                 alt.Tooltip("subtype:N", title="Subtype"),
                 alt.Tooltip("patients_label:N", title="Patients")],
    ).properties(width=width, height=height)
    return bounded(chart, followup_row_bound(bin_years))
