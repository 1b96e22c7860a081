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


def test_figure_needs_alt_text_and_a_declared_data_bound():
    # The row-count tripwire is gone: a chart declares the bound of its grid
    # (charts.bounded) and the figure checks it as a developer assertion.
    small = alt.Chart(pd.DataFrame({"x": [1, 2]})).mark_point().encode(x="x:Q")
    with pytest.raises(ValueError, match="alt text"):
        charts.figure(charts.bounded(small, 2), " ")
    with pytest.raises(AssertionError, match="declared data bound"):
        charts.figure(small, "no bound")
    with pytest.raises(AssertionError, match="bug in the chart builder"):
        charts.figure(charts.bounded(small, 1), "bound too low")
    figure = charts.figure(charts.bounded(small, 2), "two   points")
    assert figure.alt_text == "two points" and figure.data_rows == 2 and figure.row_bound == 2
    assert figure._repr_mimebundle_()["text/plain"] == "Figure: two points"
    # The bound is checked, not published (it changes with the calendar year).
    assert charts.ROW_BOUND_KEY not in str(figure.spec) and "usermeta" not in figure.spec


def test_data_rows_counts_inline_data_too():
    layered = alt.layer(alt.Chart(pd.DataFrame({"x": [1, 2, 3]})).mark_point().encode(x="x:Q"),
                        alt.Chart(pd.DataFrame({"y": [1.0]})).mark_rule().encode(y="y:Q"))
    spec = layered.to_dict()
    assert charts.data_rows(spec) == 4
    assert charts.data_rows({"layer": [{"data": {"values": [{"a": 1}, {"a": 2}]}}]}) == 2


def test_a_narrow_layout_shares_the_datasets_and_counts_its_own_rows():
    # Oracle: hand-made frames. The narrow layout of the same 3 rows adds no row; a
    # narrow layout with 2 rows of its own adds 2 to the count, so a bound cannot be
    # evaded by drawing data only in the narrow layout.
    rows = pd.DataFrame({"x": [1, 2, 3], "y": ["a", "b", "c"]})
    wide = alt.Chart(rows).mark_point().encode(x="x:Q", y="y:N")
    narrow = alt.Chart(rows).mark_text().encode(x="x:Q", y="y:N", text="y:N")
    same = charts.figure(charts.bounded(charts.with_narrow_layout(wide, narrow), 3), alt_text="t")
    assert same.data_rows == 3
    layout = same.spec["usermeta"][charts.NARROW_LAYOUT_KEY]
    assert "datasets" not in layout and layout["data"]["name"] in same.spec["datasets"]
    extra = alt.Chart(pd.DataFrame({"x": [5, 6], "y": ["d", "e"]})).mark_point().encode(x="x:Q", y="y:N")
    with pytest.raises(AssertionError, match="5 rows"):
        charts.figure(charts.bounded(charts.with_narrow_layout(wide, extra), 3), alt_text="t")
    # bounded() keeps the narrow layout, in either order.
    both = charts.with_narrow_layout(charts.bounded(wide, 3), narrow)
    assert charts.figure(both, alt_text="t").row_bound == 3
