"""The forest chart of the comparison chapter (Altair), from published estimates only.

:func:`forest_chart` draws :func:`hsct_ms.analysis.comparison.headline_estimates`,
one panel per scale (percent at a time point, hazard ratio), this study highlighted,
with columns for the patients behind each estimate, the population and the studies
it may share patients with. A pool (:func:`hsct_ms.analysis.comparison.pool`) is drawn
as a black diamond only when one qualifies; with the book's data none does. Published
estimates only, so its data are bounded by its inputs (:func:`row_bound`), not by a cohort.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from hsct_ms.analysis.comparison import HEADLINE_UNITS, NO_INTERVAL, POOLED_COLUMNS
from hsct_ms.display.charts import bounded

__all__ = ["forest_chart", "row_bound"]


def row_bound(n_estimates: int, n_pooled: int = 0) -> int:
    """Most rows of :func:`forest_chart`: per panel its estimates (points, this study's band,
    text column) and pools (diamonds, text column), plus the line at 1."""
    return 3 * n_estimates + 2 * n_pooled + len(HEADLINE_UNITS)

THIS_STUDY_COLOUR = "#111111"
THIS_STUDY_BAND = "#ffe9a8"


def _panel(data: pd.DataFrame, pooled: pd.DataFrame, scale: str, width: int) -> alt.HConcatChart:
    rows = list(data["row"]) + list(pooled["row"])
    y = alt.Y("row:N", title=None, sort=rows, scale=alt.Scale(domain=rows),
              axis=alt.Axis(labelLimit=330, labelFontSize=11))
    ratio = scale == HEADLINE_UNITS["ratio"]
    if ratio:
        x_scale = alt.Scale(type="log", domain=[0.01, 3])
        x_title = "Hazard ratio (log scale; below 1 favours the first-named arm)"
        fmt = ".2f"
    else:
        x_scale = alt.Scale(domain=[0, 100])
        x_title = "Percent of patients (as published)"
        fmt = ".1f"
    axis = alt.Axis(values=[0.01, 0.03, 0.1, 0.3, 1, 3], format="~g") if ratio else alt.Axis()
    x = alt.X("estimate:Q", title=x_title, scale=x_scale, axis=axis)
    tooltip = [
        alt.Tooltip("label:N", title="Study"), alt.Tooltip("endpoint:N", title="Endpoint"),
        alt.Tooltip("group:N", title="Group"), alt.Tooltip("time:N", title="Time"),
        alt.Tooltip("estimate:Q", title="Estimate", format=fmt), alt.Tooltip("interval:N", title="Interval"),
        alt.Tooltip("n_text:N", title="n"), alt.Tooltip("design:N", title="Design"),
        alt.Tooltip("population:N", title="Population"), alt.Tooltip("overlap:N", title="May share patients with"),
        alt.Tooltip("source:N", title="Source"),
    ]
    endpoints = list(dict.fromkeys(data["endpoint"]))
    colour = alt.Color("endpoint:N", title="Endpoint", sort=endpoints,
                       scale=alt.Scale(domain=endpoints, scheme="tableau10"),
                       legend=alt.Legend(orient="bottom", columns=2, labelLimit=360))
    shape = alt.Shape("interval_type:N", title="Interval",
                      scale=alt.Scale(domain=["95% CI", "90% CI", NO_INTERVAL],
                                      range=["circle", "triangle-up", "diamond"]),
                      legend=alt.Legend(orient="bottom"))
    base = alt.Chart(data)
    this = data[data["role"] == "this_study"]
    layers = []
    if len(this):
        layers.append(alt.Chart(this).mark_rect(color=THIS_STUDY_BAND, opacity=0.7).encode(
            y=y, x=alt.value(0), x2=alt.value(width)))
    if ratio:
        layers.append(alt.Chart(pd.DataFrame({"one": [1.0]})).mark_rule(color="#888", strokeDash=[4, 3])
                      .encode(x=alt.X("one:Q", scale=x_scale)))
    layers += [
        base.transform_filter("isValid(datum.lower)").mark_rule(strokeWidth=2).encode(
            y=y, x=alt.X("lower:Q", scale=x_scale, title=x_title, axis=axis), x2="upper:Q", color=colour,
            tooltip=tooltip),
        base.mark_point(filled=True, opacity=1).encode(
            y=y, x=x, color=colour, shape=shape, tooltip=tooltip,
            size=alt.condition(alt.datum.role == "this_study", alt.value(150), alt.value(80)),
            stroke=alt.condition(alt.datum.role == "this_study", alt.value(THIS_STUDY_COLOUR), alt.value(None)),
            strokeWidth=alt.value(1.5)),
        base.transform_filter(f"datum.interval_type == '{NO_INTERVAL}'").mark_text(
            align="left", dx=9, fontSize=10, fontStyle="italic", color="#555").encode(
            y=y, x=x, text="interval_type:N"),
    ]
    if len(pooled):
        pooled_tooltip = [
            alt.Tooltip("row:N", title="Pooled"), alt.Tooltip("studies:N", title="Studies"),
            alt.Tooltip("estimate:Q", title="Estimate", format=fmt),
            alt.Tooltip("lower:Q", title="Lower", format=fmt), alt.Tooltip("upper:Q", title="Upper", format=fmt),
            alt.Tooltip("i2:Q", title="I² (%)", format=".0f"), alt.Tooltip("tau2:Q", title="tau²", format=".3f"),
        ]
        pooled_base = alt.Chart(pooled)
        layers += [
            pooled_base.mark_rule(strokeWidth=3, color="black").encode(
                y=y, x=alt.X("lower:Q", scale=x_scale), x2="upper:Q", tooltip=pooled_tooltip),
            pooled_base.mark_point(shape="diamond", filled=True, size=220, color="black").encode(
                y=y, x=alt.X("estimate:Q", scale=x_scale), tooltip=pooled_tooltip),
        ]
    forest = alt.layer(*layers).properties(width=width, height=22 * len(rows), title=scale)
    labels = pd.concat([
        data[["row", "n_text", "population", "overlap"]],
        pooled.assign(n_text="", population="random-effects pool of " + pooled["studies"], overlap="")[
            ["row", "n_text", "population", "overlap"]],
    ], ignore_index=True)
    columns = [_text_column(labels, rows, field, title, column_width)
               for field, title, column_width in (("n_text", "n", 95), ("population", "Population", 170),
                                                  ("overlap", "May share patients with", 170))]
    return alt.hconcat(forest, *columns, spacing=8)


def _text_column(labels: pd.DataFrame, rows: list[str], field: str, title: str, width: int) -> alt.Chart:
    """A column of text beside the forest, one line per row."""
    return alt.Chart(labels).mark_text(align="left", fontSize=10, limit=width).encode(
        y=alt.Y("row:N", sort=rows, scale=alt.Scale(domain=rows), axis=None), x=alt.value(0),
        text=f"{field}:N").properties(width=width, height=22 * len(rows), title=title)


def forest_chart(forest: pd.DataFrame, pooled: pd.DataFrame | None = None, width: int = 300) -> alt.VConcatChart:
    """Forest chart of :func:`headline_estimates`, one panel per scale (percent, hazard ratio).

    Rows are grouped by endpoint and time point; colour = endpoint, shape = interval
    type (95 %, 90 %, none reported); estimates without an interval are a point with
    the words "no interval reported". This study's rows are on a yellow band, with a
    larger, outlined point. Pooled estimates (``pooled``, from :func:`pool`) are black
    diamonds at the bottom of their panel; with none, no diamond is drawn.
    """
    pooled = pd.DataFrame(columns=POOLED_COLUMNS) if pooled is None else pooled
    panels = []
    for scale in HEADLINE_UNITS.values():
        data = forest[forest["scale"] == scale]
        if data.empty:
            continue
        scale_pooled = pooled[pooled["endpoint"].isin(set(data["endpoint"]))]
        panels.append(_panel(data, scale_pooled, scale, width))
    chart = alt.vconcat(*panels, spacing=30).resolve_scale(color="independent", shape="shared")
    return bounded(chart, row_bound(len(forest), len(pooled)))
