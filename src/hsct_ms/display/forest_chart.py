"""The forest chart of the comparison chapter (Altair), from published estimates only.

:func:`forest_chart` draws :func:`hsct_ms.analysis.comparison.headline_estimates`,
one panel per scale (percent at a time point, hazard ratio), this study highlighted
(yellow band, bold label, larger outlined point: it stays distinct in greyscale).
Each row is named on two lines: the study, endpoint and time, then the patients
behind the estimate and their population; studies that may share patients carry a
mark (†, ‡, ...) explained in a note under the chart. The chart has two layouts in
one spec (:func:`hsct_ms.display.charts.with_narrow_layout`): on a wide column the
names are the y-axis labels left of the estimates; on a phone each name sits above
its estimate line, which then spans the screen.

A pool (:func:`hsct_ms.analysis.comparison.pool`) is drawn as a black diamond only
when one qualifies; with the book's data none does. Published estimates only, so its
data are bounded by its inputs (:func:`row_bound`), not by a cohort.
"""

from __future__ import annotations

import json
import textwrap

import altair as alt
import pandas as pd

from hsct_ms.analysis.comparison import HEADLINE_UNITS, NO_INTERVAL, POOLED_COLUMNS
from hsct_ms.display.charts import MIN_FONT_SIZE, bounded, figure, legible, with_narrow_layout

__all__ = ["forest_chart", "forest_figure", "ALT_TEXT", "row_bound", "row_lines", "sharing_notes"]

#: What :func:`hsct_ms.analysis.comparison.overlap_labels` writes where no study is named.
NO_KNOWN_OVERLAP = "none known"
#: Marks of the groups of studies that may share patients (in the order the groups appear).
SHARING_MARKS = ("†", "‡", "§", "¶", "#")
THIS_STUDY_COLOUR = "#111111"
THIS_STUDY_BAND = "#ffe9a8"
#: Height of one row (px): two lines of 12 px text beside the estimate (wide layout), or
#: above it (narrow layout).
ROW_HEIGHT = {"wide": 30, "narrow": 56}
#: Where the estimate line sits in a narrow row, below the row's centre (px).
NARROW_LINE_OFFSET = 15
#: Characters per line of the note under the chart.
NOTE_WIDTH = {"wide": 95, "narrow": 44}
#: Shape of the point per interval type; the key is a line of the note under the chart
#: (a legend took two more lines, and the chart must fit an A4 page in the PDF).
INTERVAL_SHAPES = {"95% CI": ("circle", "●"), "90% CI": ("triangle-up", "▲"), NO_INTERVAL: ("diamond", "◆")}


def row_bound(n_estimates: int, n_pooled: int = 0) -> int:
    """Most data rows of :func:`forest_chart`: per panel its estimates and this study's
    rows (the band), its pools, and the line at 1. Both layouts share these datasets;
    the row names and the note are text of the spec, not data rows."""
    return 2 * n_estimates + n_pooled + len(HEADLINE_UNITS)


def sharing_notes(forest: pd.DataFrame) -> tuple[dict[str, str], list[str]]:
    """The marks of studies that may share patients, and the note that explains them.

    Studies that name each other (``overlap``, from
    :func:`hsct_ms.analysis.comparison.overlap_labels`) form one group with one mark;
    a study whose overlap is stated but not named ("cannot be ruled out") gets a mark
    of its own. Returns ``(study label -> mark, note sentences)``.
    """
    parent: dict[str, str] = {}

    def root(label):
        parent.setdefault(label, label)
        while parent[label] != label:
            label = parent[label]
        return label

    unnamed: dict[str, str] = {}
    studies = list(dict.fromkeys(forest["label"]))
    for label, overlap in dict(zip(forest["label"], forest["overlap"])).items():
        if overlap == NO_KNOWN_OVERLAP:
            continue
        named = [name.strip() for name in overlap.split(",") if name.strip() in studies]
        if not named:
            unnamed[label] = overlap
        for name in named:
            parent[root(name)] = root(label)
    groups: dict[str, list[str]] = {}
    for label in studies:
        if label in parent:
            groups.setdefault(root(label), []).append(label)
    marks, notes = {}, []
    entries = [("named", members) for members in groups.values() if len(members) > 1]
    entries += [("unnamed", [label]) for label in studies if label in unnamed]
    for (kind, members), mark in zip(entries, SHARING_MARKS * 5):
        for label in members:
            marks[label] = mark
        if kind == "named":
            names = ", ".join(members[:-1]) + " and " + members[-1]
            notes.append(f"{mark} {names} name each other: they may share patients or centres.")
        else:
            notes.append(f"{mark} {members[0]}: sharing patients with the other studies {unnamed[members[0]]}.")
    return marks, notes


def row_lines(data: pd.DataFrame, marks: dict[str, str]) -> dict[str, list[str]]:
    """Row -> its two lines: study, endpoint and time (with its sharing mark), then n and population."""
    return {row: [f"{row} {marks[label]}" if label in marks else row, f"n {n} · {population}"]
            for row, label, n, population in zip(data["row"], data["label"], data["n_text"], data["population"])}


def _panel(data: pd.DataFrame, pooled: pd.DataFrame, scale: str, width: int, layout: str,
           lines: dict[str, list[str]]) -> alt.LayerChart:
    narrow = layout == "narrow"
    rows = list(data["row"]) + list(pooled["row"])
    this_rows = list(data.loc[data["role"] == "this_study", "row"])
    if narrow:
        y = alt.Y("row:N", title=None, sort=rows, scale=alt.Scale(domain=rows, paddingInner=0, paddingOuter=0),
                  axis=None)
    else:
        y = alt.Y("row:N", title=None, sort=rows, scale=alt.Scale(domain=rows), axis=alt.Axis(
            labelExpr=json.dumps(lines, ensure_ascii=False) + "[datum.value]", labelLimit=340,
            labelLineHeight=14, labelBaseline="middle", labelColor="#222", ticks=False,
            labelFontWeight={"condition": {"test": f"indexof({json.dumps(this_rows, ensure_ascii=False)}, "
                                                   "datum.value) >= 0", "value": "bold"}, "value": "normal"}))
    ratio = scale == HEADLINE_UNITS["ratio"]
    if ratio:
        x_scale = alt.Scale(type="log", domain=[0.01, 3])
        x_title = ["Hazard ratio (log scale)", "below 1 favours the first-named arm"]
        fmt = ".2f"
    else:
        x_scale = alt.Scale(domain=[0, 100])
        x_title = "Percent of patients (as published)"
        fmt = ".1f"
    axis = alt.Axis(values=[0.01, 0.03, 0.1, 0.3, 1, 3], format="~g") if ratio else alt.Axis(values=list(range(0, 101, 20)))
    x = alt.X("estimate:Q", title=x_title, scale=x_scale, axis=axis)
    shift = {"yOffset": NARROW_LINE_OFFSET} if narrow else {}
    tooltip = [
        alt.Tooltip("label:N", title="Study"), alt.Tooltip("endpoint:N", title="Endpoint"),
        alt.Tooltip("group:N", title="Group"), alt.Tooltip("time:N", title="Time"),
        alt.Tooltip("estimate:Q", title="Estimate", format=fmt), alt.Tooltip("interval:N", title="Interval"),
        alt.Tooltip("n_text:N", title="n"), alt.Tooltip("design:N", title="Design"),
        alt.Tooltip("population:N", title="Population"), alt.Tooltip("overlap:N", title="May share patients with"),
        alt.Tooltip("source:N", title="Source"),
    ]
    endpoints = list(dict.fromkeys(data["endpoint"]))
    # Colour groups the endpoints for the eye; each row names its endpoint, so no legend.
    colour = alt.Color("endpoint:N", sort=endpoints, scale=alt.Scale(domain=endpoints, scheme="tableau10"),
                       legend=None)
    shape = alt.Shape("interval_type:N", title="Interval",
                      scale=alt.Scale(domain=list(INTERVAL_SHAPES), range=[s for s, _ in INTERVAL_SHAPES.values()]),
                      legend=None)
    base = alt.Chart(data)
    this = data[data["role"] == "this_study"]
    layers = []
    if len(this):
        layers.append(alt.Chart(this).mark_rect(color=THIS_STUDY_BAND, opacity=0.8).encode(
            y=y, x=alt.value(0), x2=alt.value("width")))
    if ratio:
        layers.append(alt.Chart(pd.DataFrame({"one": [1.0]})).mark_rule(color="#666", strokeDash=[4, 3])
                      .encode(x=alt.X("one:Q", scale=x_scale)))
    layers += [
        base.transform_filter("isValid(datum.lower)").mark_rule(strokeWidth=2, **shift).encode(
            y=y, x=alt.X("lower:Q", scale=x_scale, title=x_title, axis=axis), x2="upper:Q", color=colour,
            tooltip=tooltip),
        base.mark_point(filled=True, opacity=1, **shift).encode(
            y=y, x=x, color=colour, shape=shape, tooltip=tooltip,
            size=alt.condition(alt.datum.role == "this_study", alt.value(170), alt.value(80)),
            stroke=alt.condition(alt.datum.role == "this_study", alt.value(THIS_STUDY_COLOUR), alt.value(None)),
            strokeWidth=alt.value(1.5)),
    ]
    # "no interval reported" beside its point, on the side with room (a point near 100 %
    # would push it out of the plot).
    for side, test in (("left", "datum.estimate <= 55"), ("right", "datum.estimate > 55")):
        layers.append(base.transform_filter(f"datum.interval_type == '{NO_INTERVAL}' && {test}").mark_text(
            align=side, dx=10 if side == "left" else -10, fontSize=MIN_FONT_SIZE, fontStyle="italic",
            color="#444", **shift).encode(y=y, x=x, text="interval_type:N"))
    if len(pooled):
        pooled_tooltip = [
            alt.Tooltip("row:N", title="Pooled"), alt.Tooltip("studies:N", title="Studies"),
            alt.Tooltip("estimate:Q", title="Estimate", format=fmt),
            alt.Tooltip("lower:Q", title="Lower", format=fmt), alt.Tooltip("upper:Q", title="Upper", format=fmt),
            alt.Tooltip("i2:Q", title="I² (%)", format=".0f"), alt.Tooltip("tau2:Q", title="tau²", format=".3f"),
        ]
        pooled_base = alt.Chart(pooled)
        layers += [
            pooled_base.mark_rule(strokeWidth=3, color="black", **shift).encode(
                y=y, x=alt.X("lower:Q", scale=x_scale), x2="upper:Q", tooltip=pooled_tooltip),
            pooled_base.mark_point(shape="diamond", filled=True, size=220, color="black", **shift).encode(
                y=y, x=alt.X("estimate:Q", scale=x_scale), tooltip=pooled_tooltip),
        ]
    if narrow:
        # The row's two lines above its estimate line, from the plot's left edge.
        text = alt.Chart(data).transform_calculate(
            line="(" + json.dumps(lines, ensure_ascii=False) + ")[datum.row]",
            first="datum.line[0]", second="datum.line[1]")
        layers += [
            text.transform_filter(f"datum.role {op} 'this_study'").mark_text(
                align="left", baseline="middle", dy=-19, fontSize=MIN_FONT_SIZE, color="#222", fontWeight=weight,
            ).encode(y=y, x=alt.value(0), text="first:N")
            for op, weight in (("==", "bold"), ("!=", "normal"))
        ] + [
            text.mark_text(align="left", baseline="middle", dy=-4, fontSize=MIN_FONT_SIZE, color="#444").encode(
                y=y, x=alt.value(0), text="second:N"),
        ]
    return alt.layer(*layers).properties(width=width, height=ROW_HEIGHT[layout] * len(rows),
                                         title=alt.Title(scale, anchor="start"))


def _layout(forest: pd.DataFrame, pooled: pd.DataFrame, width: int, layout: str) -> alt.VConcatChart:
    marks, notes = sharing_notes(forest)
    panels = []
    for scale in HEADLINE_UNITS.values():
        data = forest[forest["scale"] == scale]
        if data.empty:
            continue
        scale_pooled = pooled[pooled["endpoint"].isin(set(data["endpoint"]))]
        lines = row_lines(data, marks)
        lines.update({row: [row, "random-effects pool of " + studies]
                      for row, studies in zip(scale_pooled["row"], scale_pooled["studies"])})
        panels.append(_panel(data, scale_pooled, scale, width, layout, lines))
    # An entry never breaks (no-break spaces); entries are an em space apart (an SVG
    # collapses runs of plain spaces), and a line may break between them.
    key = "Interval: " + "\u2003 ".join(f"{symbol} {name}".replace(" ", "\u00a0")
                                         for name, (_, symbol) in INTERVAL_SHAPES.items())
    note = [line for sentence in [key, *notes] for line in textwrap.wrap(sentence, NOTE_WIDTH[layout])]
    chart = alt.vconcat(*panels, spacing=24).resolve_scale(color="independent", shape="shared").properties(
        title=alt.Title(note, orient="bottom", anchor="start", fontSize=MIN_FONT_SIZE, fontWeight="normal",
                        color="#333", offset=14, lineHeight=16))
    return legible(chart)


def forest_chart(forest: pd.DataFrame, pooled: pd.DataFrame | None = None, width: int = 300,
                 narrow_width: int = 320) -> alt.VConcatChart:
    """Forest chart of :func:`headline_estimates`, one panel per scale (percent, hazard ratio).

    Rows are grouped by endpoint and time point, each named on two lines (study,
    endpoint and time; patients and population). Colour groups the endpoints; shape =
    interval type (95 %, 90 %, none reported); estimates without an interval are a
    point with the words "no interval reported". This study's rows are on a yellow
    band, with bold names and a larger, outlined point. Studies that may share patients
    carry a mark explained under the chart (:func:`sharing_notes`). Pooled estimates
    (``pooled``, from :func:`pool`) are black diamonds at the bottom of their panel;
    with none, no diamond is drawn. Below 560 px the page draws the narrow layout
    (names above the estimate lines, ``narrow_width``).
    """
    pooled = pd.DataFrame(columns=POOLED_COLUMNS) if pooled is None else pooled
    chart = with_narrow_layout(_layout(forest, pooled, width, "wide"),
                               _layout(forest, pooled, narrow_width, "narrow"))
    return bounded(chart, row_bound(len(forest), len(pooled)))


#: The forest figure's text alternative (the comparison chapter's published estimates).
ALT_TEXT = (
    "A forest plot in two panels. The upper panel lists percentages at a time point, "
    "one row per study, endpoint and time, each a point with a horizontal interval bar where one "
    "is published; this study's four DWFS estimates and its two rounded whole-cohort figures sit "
    "on a yellow band at the top. Peers' PFS, EFS, RFS, NEDA, overall survival, MS-activity-free "
    "survival, progression and transplant-related mortality follow, several marked 'no interval "
    "reported'. The lower panel shows three hazard ratios on a log scale, all below 1; no pooled "
    "diamond. Each row is named on two lines, study, endpoint and time, then n and population; "
    "a dagger marks Boffa 2021, Boffa 2023 and Muraro 2017, which name each other and may share "
    "patients, and a double dagger Sormani 2017, whose overlap cannot be ruled out, as a note "
    "under the chart says."
)


def forest_figure(forest: pd.DataFrame, pooled: pd.DataFrame | None = None):
    """:func:`forest_chart` as the chapter's figure, with :data:`ALT_TEXT`."""
    return figure(forest_chart(forest, pooled), alt_text=ALT_TEXT)
