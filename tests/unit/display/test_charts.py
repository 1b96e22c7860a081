"""Shared chart helpers: group colours and line styles, legible text, the figure wrapper.

Oracles: hsct_ms.terms (every group has its own colour and line style) and the
Vega-Lite spec the wrapper publishes."""

import altair as alt
import pandas as pd
import pytest

from hsct_ms import terms
from hsct_ms.display import charts

GROUPS = tuple(terms.GROUP_LABELS)


def test_every_group_has_its_own_colour_and_line_style():
    colours = charts.group_colour_scale(GROUPS).to_dict()
    dashes = charts.group_dash_scale(GROUPS).to_dict()
    assert colours["domain"] == list(GROUPS) == dashes["domain"]
    assert len(set(colours["range"])) == len(GROUPS)
    assert len({tuple(d) for d in dashes["range"]}) == len(GROUPS)


def test_unknown_groups_get_a_fallback_not_an_error():
    assert charts.group_colour_scale(["Other"]).to_dict()["range"] == ["#777777"]
    assert charts.group_dash_scale(["Other"]).to_dict()["range"] == [[1, 2]]


def test_legible_sets_text_sizes_of_at_least_12_px():
    chart = alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q")
    config = charts.legible(chart).to_dict()["config"]
    assert charts.MIN_FONT_SIZE >= 12
    for part in ("axis", "legend"):
        assert config[part]["labelFontSize"] >= 12 and config[part]["titleFontSize"] >= 12


def test_figure_needs_alt_text_and_refuses_patient_sized_data():
    small = alt.Chart(pd.DataFrame({"x": [1, 2]})).mark_point().encode(x="x:Q")
    with pytest.raises(ValueError, match="alt text"):
        charts.figure(small, " ")
    big = alt.Chart(pd.DataFrame({"x": range(charts.MAX_CHART_ROWS + 1)})).mark_point().encode(x="x:Q")
    with pytest.raises(ValueError, match="aggregate"):
        charts.figure(big, "many points")
    figure = charts.figure(small, "two   points")
    assert figure.alt_text == "two points" and figure.data_rows == 2
    assert figure._repr_mimebundle_()["text/plain"] == "Figure: two points"
