"""Altair charts that draw offline, in the built book and in JupyterLab.

A chapter builds an Altair chart with the functions here and shows it with
:func:`figure`. The output carries two representations:

- the Vega-Lite spec (mime type ``application/vnd.vegalite.v5+json``), drawn by
  JupyterLab's built-in renderer and, in the book, by
  :class:`hsct_ms.build.sphinx_ext.VegaLiteOffline` with the Vega bundle shipped in
  ``_static/`` (no CDN);
- a ``text/plain`` alt text, which nbval compares along with the spec.

Chart data must be aggregates (Kaplan-Meier steps, counts per bin): a Vega-Lite
spec embeds its data in the page, so a chart of patient rows would publish them.
:func:`figure` refuses a chart with more than :data:`MAX_CHART_ROWS` data rows.
"""

from __future__ import annotations

import hashlib
import json

import altair as alt

from hsct_ms.display.stored import stored

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


def stored_spec(spec: dict) -> dict:
    """A Vega-Lite spec as the record stores it: data values at a fixed precision
    (:func:`hsct_ms.display.stored.stored`), and each inline dataset named by a hash of
    those stored values.

    Altair names a dataset by a hash of its full-precision values, so noise in the last
    bits of one number would rename it (and fail nbval) although no stored value changed.
    """
    spec = stored(spec)
    datasets = spec.get("datasets", {})
    if not datasets:
        return spec
    text = json.dumps(spec, sort_keys=True)
    for old in datasets:
        values = json.dumps(datasets[old], sort_keys=True).encode()
        text = text.replace(f'"{old}"', f'"data-{hashlib.sha256(values).hexdigest()[:32]}"')
    return json.loads(text)


class Figure:
    """A chart with its alt text, displayed as Vega-Lite plus a text fallback."""

    def __init__(self, chart: alt.TopLevelMixin, alt_text: str):
        if not alt_text or not alt_text.strip():
            raise ValueError("every figure needs alt text")
        self.alt_text = " ".join(alt_text.split())
        # Data values at a fixed precision: the spec is part of the committed record.
        self.spec = stored_spec(chart.properties(description=self.alt_text).to_dict())
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


#: Line style per group (Vega-Lite strokeDash: dash, gap, ... in px), so curves differ
#: in greyscale and for colour-blind readers, not by colour alone.
GROUP_DASHES = {
    "RRMS": [1, 0],
    "Progressive": [9, 4],
    "SPMS": [2, 3],
    "PPMS": [9, 3, 2, 3],
    "All": [5, 2, 1, 2],
}
#: Smallest chart text (px): axis labels, axis titles and legends.
MIN_FONT_SIZE = 12


def group_colour_scale(groups) -> alt.Scale:
    """Colour scale of the analysis groups, the same colours in every chapter (unknown groups grey)."""
    groups = list(groups)
    return alt.Scale(domain=groups, range=[GROUP_COLOURS.get(g, "#777777") for g in groups])


def group_dash_scale(groups) -> alt.Scale:
    """Line-style scale of the analysis groups (:data:`GROUP_DASHES`; unknown groups dotted)."""
    groups = list(groups)
    return alt.Scale(domain=groups, range=[GROUP_DASHES.get(g, [1, 2]) for g in groups])


def legible(chart: alt.TopLevelMixin, font_size: int = MIN_FONT_SIZE) -> alt.TopLevelMixin:
    """``chart`` with axis and legend text of at least ``font_size`` px (titles one px larger).

    Vega-Lite's defaults (10-11 px) are too small to read on a ward screen or a
    printed page. Configures a top-level chart, so apply it last.
    """
    return (chart.configure_axis(labelFontSize=font_size, titleFontSize=font_size + 1)
            .configure_legend(labelFontSize=font_size, titleFontSize=font_size, labelLimit=0)
            .configure_header(labelFontSize=font_size, titleFontSize=font_size + 1)
            .configure_title(fontSize=font_size + 2, subtitleFontSize=font_size))
