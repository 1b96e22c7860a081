"""Altair charts that draw offline, in the built book and in JupyterLab.

A chapter builds an Altair chart with the functions here and shows it with
:func:`figure`. The output carries two representations:

- the Vega-Lite spec (mime type ``application/vnd.vegalite.v5+json``), drawn by
  JupyterLab's built-in renderer and, in the book, by
  :class:`hsct_ms.sphinx_ext.VegaLiteOffline` with the Vega bundle shipped in
  ``_static/`` (no CDN);
- a ``text/plain`` alt text, which nbval compares along with the spec.

Chart data must be aggregates (Kaplan-Meier steps, counts per bin): a Vega-Lite
spec embeds its data in the page, so a chart of patient rows would publish them.
:func:`figure` refuses a chart with more than :data:`MAX_CHART_ROWS` data rows.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

VEGALITE_MIME = "application/vnd.vegalite.v5+json"
# "v5.20.1" -> "5.20": the Vega-Lite release the bundle must carry to draw these specs.
VEGALITE_VERSION = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
MAX_CHART_ROWS = 2000

GROUP_COLOURS = {
    "RRMS": "#1b6ca8",
    "Progressive": "#c0392b",
    "SPMS": "#d35400",
    "PPMS": "#8e44ad",
    "All": "#444444",
}


class Figure:
    """A chart with its alt text, displayed as Vega-Lite plus a text fallback."""

    def __init__(self, chart: alt.TopLevelMixin, alt_text: str):
        if not alt_text or not alt_text.strip():
            raise ValueError("every figure needs alt text")
        self.alt_text = " ".join(alt_text.split())
        self.spec = chart.properties(description=self.alt_text).to_dict()
        rows = sum(len(values) for values in self.spec.get("datasets", {}).values())
        if rows > MAX_CHART_ROWS:
            raise ValueError(
                f"chart data has {rows} rows (limit {MAX_CHART_ROWS}): aggregate before charting; "
                "chart data are published in the page"
            )
        self.data_rows = rows

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {VEGALITE_MIME: self.spec, "text/plain": f"Figure: {self.alt_text}"}


def figure(chart: alt.TopLevelMixin, alt_text: str) -> Figure:
    """Wrap a chart for display; ``alt_text`` describes what it shows to a reader who cannot see it."""
    return Figure(chart, alt_text)


def group_colour_scale(groups) -> alt.Scale:
    groups = list(groups)
    return alt.Scale(domain=groups, range=[GROUP_COLOURS.get(g, "#777777") for g in groups])


def km_chart(
    steps: pd.DataFrame,
    published: pd.DataFrame | None = None,
    *,
    y_title: str = "Worsening-free (%)",
    x_title: str = "Years since transplant",
    width: int = 560,
    height: int = 320,
) -> alt.LayerChart:
    """Kaplan-Meier curves with their interval band, one colour per group.

    Parameters
    ----------
    steps : DataFrame
        Aggregated step data, one row per group and distinct (rounded) time:
        ``group, time, survival, lower, upper, at_risk`` with survival and bounds
        as proportions. See :func:`hsct_ms.survival.km_steps`.
    published : DataFrame, optional
        Published points to overlay: ``group, time, estimate, lower, upper``
        (proportions). Drawn as black diamonds with interval bars.

    Notes
    -----
    Clicking a legend entry hides or shows that group (a Vega-Lite parameter
    bound to the legend), so the reader can compare two curves at a time.
    """
    groups = list(dict.fromkeys(steps["group"]))
    colour = alt.Color("group:N", title="Group", scale=group_colour_scale(groups))
    legend_pick = alt.selection_point(name="group_pick", fields=["group"], bind="legend")
    shown = alt.condition(legend_pick, alt.value(1.0), alt.value(0.12))
    x = alt.X("time:Q", title=x_title, scale=alt.Scale(domain=[0, float(steps["time"].max())]))
    tooltip = [
        alt.Tooltip("group:N", title="Group"),
        alt.Tooltip("time:Q", title="Years", format=".2f"),
        alt.Tooltip("survival:Q", title="Worsening-free", format=".1%"),
        alt.Tooltip("lower:Q", title="95% lower", format=".1%"),
        alt.Tooltip("upper:Q", title="95% upper", format=".1%"),
        alt.Tooltip("at_risk:Q", title="At risk"),
    ]
    base = alt.Chart(steps).encode(x=x, color=colour)
    band = base.mark_area(interpolate="step-after", opacity=0.15).encode(
        y=alt.Y("lower:Q", title=y_title, axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        y2="upper:Q",
        opacity=alt.condition(legend_pick, alt.value(0.15), alt.value(0.02)),
    )
    line = base.mark_line(interpolate="step-after").encode(
        y="survival:Q", opacity=shown, tooltip=tooltip
    ).add_params(legend_pick)
    layers = [band, line]
    if published is not None and len(published):
        points = alt.Chart(published).encode(
            x="time:Q",
            tooltip=[
                alt.Tooltip("group:N", title="Published"),
                alt.Tooltip("time:Q", title="Years"),
                alt.Tooltip("estimate:Q", title="Estimate", format=".1%"),
                alt.Tooltip("lower:Q", title="95% lower", format=".1%"),
                alt.Tooltip("upper:Q", title="95% upper", format=".1%"),
            ],
        )
        layers.append(points.mark_rule(color="black").encode(y="lower:Q", y2="upper:Q"))
        layers.append(points.mark_point(shape="diamond", size=80, filled=True, color="black").encode(y="estimate:Q"))
    return alt.layer(*layers).properties(width=width, height=height)
