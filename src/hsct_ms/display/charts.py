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

Chart size is bounded by design, not checked after the fact. Every chart builder of
:mod:`hsct_ms.display` puts its data on a fixed grid (months x groups for a
Kaplan-Meier curve, bins x subtypes for a histogram) or draws published values only,
and declares with :func:`bounded` the most rows its data can have, computed from that
grid alone (each builder's module has a ``*_row_bound`` function beside the builder):
the bound never depends on the number of patients. The grid of a time axis ends at
:func:`~hsct_ms.inputs.cohort_schema.max_followup_years`, the longest follow-up the
validator accepts. :func:`figure` checks the declared bound; exceeding it is a bug in
the builder (an :class:`AssertionError` for developers), never a property of a valid
cohort, and a chart without a declared bound is refused the same way.
"""

from __future__ import annotations

import hashlib
import json

import altair as alt

from hsct_ms.display.stored import stored

VEGALITE_MIME = "application/vnd.vegalite.v5+json"
# "v5.20.1" -> "5.20": the Vega-Lite release the bundle must carry to draw these specs.
VEGALITE_VERSION = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
#: Key of a chart's ``usermeta`` that carries its declared row bound (:func:`bounded`);
#: :class:`Figure` removes it from the published spec.
ROW_BOUND_KEY = "hsct_ms_row_bound"
#: Key of a chart's ``usermeta`` that carries its layout for narrow screens
#: (:func:`with_narrow_layout`), read by ``hsct-ms-charts.js``.
NARROW_LAYOUT_KEY = "hsctNarrow"

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


def bounded(chart: alt.TopLevelMixin, row_bound: int) -> alt.TopLevelMixin:
    """``chart`` with its declared data bound: the most data rows it can embed, whatever the cohort.

    A builder computes ``row_bound`` from its grid (e.g. groups x months of the
    longest accepted follow-up) or from its published inputs, never from the
    patients; :class:`Figure` checks it and removes it from the published spec.
    """
    row_bound = int(row_bound)
    if row_bound < 0:
        raise ValueError(f"a row bound is a count, got {row_bound}")
    usermeta = chart.usermeta if isinstance(chart.usermeta, dict) else {}
    return chart.properties(usermeta={**usermeta, ROW_BOUND_KEY: row_bound})


def with_narrow_layout(chart: alt.TopLevelMixin, narrow: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """``chart`` carrying a second layout of the same data for narrow screens.

    Some charts cannot reflow by scaling (a forest plot's row names beside its
    estimates leave no room for the plot on a phone). The page's drawing code
    (``hsct-ms-charts.js``) draws ``narrow`` instead of ``chart`` in a column narrower
    than 560 px; JupyterLab and the PDF draw ``chart``. The narrow spec travels in the
    chart's ``usermeta`` (:data:`NARROW_LAYOUT_KEY`) without datasets of its own:
    :class:`Figure` moves them into the chart's, so data both layouts use are published
    once and counted once against the declared bound.
    """
    spec = narrow.to_dict()
    spec.pop("$schema", None)
    usermeta = chart.usermeta if isinstance(chart.usermeta, dict) else {}
    return chart.properties(usermeta={**usermeta, NARROW_LAYOUT_KEY: spec})


def data_rows(spec: dict) -> int:
    """Data rows a Vega-Lite spec embeds (inline datasets, and inline ``data`` of any view)."""
    rows = sum(len(values) for values in spec.get("datasets", {}).values())

    def inline(node):
        count = 0
        if isinstance(node, dict):
            data = node.get("data")
            if isinstance(data, dict) and isinstance(data.get("values"), list):
                count += len(data["values"])
            count += sum(inline(v) for k, v in node.items() if k not in ("data", "datasets"))
        elif isinstance(node, list):
            count += sum(inline(v) for v in node)
        return count

    return rows + inline(spec)


class Figure:
    """A chart with its alt text, displayed as Vega-Lite plus a text fallback.

    The chart must declare its data bound (:func:`bounded`); its data rows are
    checked against it (:attr:`data_rows`, :attr:`row_bound`).
    """

    def __init__(self, chart: alt.TopLevelMixin, alt_text: str):
        if not alt_text or not alt_text.strip():
            raise ValueError("every figure needs alt text")
        self.alt_text = " ".join(alt_text.split())
        spec = chart.properties(description=self.alt_text).to_dict()
        narrow = (spec.get("usermeta") or {}).get(NARROW_LAYOUT_KEY)
        if narrow is not None:
            # One set of datasets for both layouts (Altair names a dataset by its values,
            # so data both layouts use have one name).
            spec.setdefault("datasets", {}).update(narrow.pop("datasets", {}))
        # Data values at a fixed precision: the spec is part of the committed record.
        spec = stored_spec(spec)
        meta = spec.get("usermeta") or {}
        bound = meta.pop(ROW_BOUND_KEY, None)
        if not meta:
            spec.pop("usermeta", None)
        self.spec = spec
        self.data_rows = data_rows(spec)
        # Developer checks, not user errors: no valid cohort can reach them (the bound
        # comes from the builder's grid, and the grid from the validator's limits).
        if bound is None:
            raise AssertionError("chart built without a declared data bound: wrap it in charts.bounded() "
                                 "with the bound of its grid (chart data are published in the page)")
        if self.data_rows > bound:
            raise AssertionError(f"chart data has {self.data_rows} rows, above the {bound} its builder "
                                 "declared from its grid: a bug in the chart builder")
        self.row_bound = bound

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
