"""Tests of the forest chart (hsct_ms.display.forest_chart).

Oracle: the published headline estimates (values.csv via analysis.comparison) and a
hand-made pool; the chart embeds aggregates only.
"""

import ast
import json
import re

import pandas as pd
import pytest

from hsct_ms.analysis import comparison
from hsct_ms.display import charts, forest_chart


@pytest.fixture(scope="module")
def forest():
    return comparison.headline_estimates()


def test_forest_chart_embeds_aggregates_only(forest):
    figure = charts.figure(forest_chart.forest_chart(forest, comparison.pool(forest)), alt_text="forest")
    assert figure.data_rows < 4 * len(forest) + 10
    spec = str(figure.spec)
    assert "no interval reported" in spec and "Boffa 2021" in spec
    assert "May share patients with" in spec and "Muraro 2017" in spec


DIAMOND_MARK = r"'mark': \{[^}]*'shape': 'diamond'[^}]*\}"


def test_no_diamond_without_a_pool(forest):
    spec = str(forest_chart.forest_chart(forest, comparison.pool(forest)).to_dict())
    assert not re.search(DIAMOND_MARK, spec)
    assert "random-effects pool" not in spec


def test_a_pool_is_drawn_as_a_diamond(forest):
    pooled = pd.DataFrame([{"endpoint": forest["endpoint"].iloc[0], "time": "5 y", "interval_type": "95% CI",
                            "studies": "A, B, C", "k": 3, "scale_name": "logit", "estimate": 80.0,
                            "lower": 70.0, "upper": 88.0, "tau2": 0.1, "i2": 20.0, "q": 2.5, "q_p": 0.3,
                            "row": "Pooled, random effects — test"}])
    spec = str(forest_chart.forest_chart(forest, pooled).to_dict())
    assert "random-effects pool of A, B, C" in spec
    assert re.search(DIAMOND_MARK, spec)


def test_forest_chart_stays_within_the_bound_of_its_inputs(forest):
    # Oracle: forest_chart.row_bound from the number of estimates and pools (published
    # numbers only: no cohort enters this chart).
    pooled = pd.DataFrame([{"endpoint": forest["endpoint"].iloc[0], "time": "5 y", "interval_type": "95% CI",
                            "studies": "A, B, C", "k": 3, "scale_name": "logit", "estimate": 80.0,
                            "lower": 70.0, "upper": 88.0, "tau2": 0.1, "i2": 20.0, "q": 2.5, "q_p": 0.3,
                            "row": "Pooled, random effects — test"}])
    for pools, n_pooled in ((None, 0), (pooled, 1)):
        figure = charts.figure(forest_chart.forest_chart(forest, pools), alt_text="forest")
        assert figure.row_bound == forest_chart.row_bound(len(forest), n_pooled)
        assert len(forest) < figure.data_rows <= figure.row_bound


# --------------------------------------------------------------------------- layouts and names

def _spec(forest, pooled=None):
    return charts.figure(forest_chart.forest_chart(forest, pooled), alt_text="forest").spec


def test_both_layouts_share_one_set_of_datasets(forest):
    # Oracle: the narrow layout travels in usermeta without datasets; every dataset it
    # names is one of the spec's own, so the rows a reader downloads are counted once.
    spec = _spec(forest)
    narrow = spec["usermeta"][charts.NARROW_LAYOUT_KEY]
    assert "datasets" not in narrow
    used = set(re.findall(r"data-[0-9a-f]{32}", str(narrow)))
    assert used and used <= set(spec["datasets"])


def test_no_text_column_beside_the_plot(forest):
    # The wide layout is one plot per panel (names are axis labels), not an hconcat of
    # text columns that cannot fit a 688 px column at 12 px.
    spec = _spec(forest)
    assert all("hconcat" not in panel for panel in spec["vconcat"])
    assert all("hconcat" not in panel for panel in spec["usermeta"][charts.NARROW_LAYOUT_KEY]["vconcat"])


def test_text_is_at_least_12_px(forest):
    spec = _spec(forest)
    sizes = [int(size) for size in re.findall(r"'(?:fontSize|labelFontSize|titleFontSize)': (\d+)", str(spec))]
    assert sizes and min(sizes) >= charts.MIN_FONT_SIZE


def test_rows_are_named_on_two_lines_with_n_and_population(forest):
    marks, _ = forest_chart.sharing_notes(forest)
    lines = forest_chart.row_lines(forest, marks)
    first = forest.iloc[0]
    assert lines[first["row"]][1] == f"n {first['n_text']} · {first['population']}"
    assert set(lines) == set(forest["row"])
    spec = str(_spec(forest))
    assert f"n {first['n_text']} · {first['population']}" in spec


def test_this_study_is_told_apart_without_colour(forest):
    # Bold names in the wide layout's axis, for exactly this study's rows; bold first
    # lines in the narrow layout, for the rows whose role is this_study.
    spec = _spec(forest)
    for panel in spec["vconcat"]:
        axes = [layer["encoding"]["y"]["axis"] for layer in panel["layer"]
                if "axis" in layer.get("encoding", {}).get("y", {})]
        shown = [row for row in json.loads(axes[0]["labelExpr"].split("[datum.value]")[0])]
        test = axes[0]["labelFontWeight"]["condition"]["test"]
        bold = json.loads(test[len("indexof("):test.index(", datum.value")])
        assert axes[0]["labelFontWeight"]["condition"]["value"] == "bold"
        assert bold == [row for row in shown if row in set(forest.loc[forest["role"] == "this_study", "row"])]
    narrow = str(spec["usermeta"][charts.NARROW_LAYOUT_KEY])
    assert "datum.role == 'this_study'" in narrow and "'fontWeight': 'bold'" in narrow


def _frame(overlaps):
    return pd.DataFrame({"label": list(overlaps), "overlap": list(overlaps.values())})


def test_studies_that_name_each_other_share_one_mark():
    # Oracle: hand-made overlaps. A names B, B names C: one group {A, B, C}; D's overlap
    # cannot be ruled out: a mark of its own; E none known: no mark.
    marks, notes = forest_chart.sharing_notes(_frame({
        "A": "B", "B": "C", "C": "none known", "D": "cannot be ruled out", "E": "none known"}))
    assert marks == {"A": "†", "B": "†", "C": "†", "D": "‡"}
    assert notes == ["† A, B and C name each other: they may share patients or centres.",
                     "‡ D: sharing patients with the other studies cannot be ruled out."]


def test_no_mark_where_no_overlap_is_known():
    marks, notes = forest_chart.sharing_notes(_frame({"A": "none known", "B": "none known"}))
    assert marks == {} and notes == []


def test_the_books_sharing_marks(forest):
    # Oracle: studies.csv via comparison.overlap_labels: Boffa 2021, Boffa 2023 and
    # Muraro 2017 name each other; Sormani 2017's overlap cannot be ruled out.
    marks, notes = forest_chart.sharing_notes(forest)
    assert {label for label, mark in marks.items() if mark == marks["Boffa 2021"]} == {
        "Boffa 2021", "Boffa 2023", "Muraro 2017"}
    assert marks["Sormani 2017"] != marks["Boffa 2021"]
    assert "HALT-MS (Nash 2017)" not in marks
    spec = str(_spec(forest))
    for note in notes:
        assert note.split()[1] in spec


def test_the_interval_key_under_the_chart_matches_the_shapes(forest):
    # Oracle: the shape scale of the points. The key is the first line of the note under
    # the chart, one symbol per shape, in both layouts.
    spec = _spec(forest)
    for layout in (spec, spec["usermeta"][charts.NARROW_LAYOUT_KEY]):
        key = layout["title"]["text"][0]
        shapes = re.findall(r"'shape': \{[^{}]*'scale': \{'domain': (\[[^\]]*\]), 'range': (\[[^\]]*\])", str(layout))
        assert shapes
        domain, shape_range = (ast.literal_eval(part) for part in shapes[0])
        symbols = {"circle": "●", "triangle-up": "▲", "diamond": "◆"}
        for name, shape in zip(domain, shape_range):
            entry = f"{symbols[shape]} {name}".replace(" ", "\u00a0")
            assert any(entry in line for line in layout["title"]["text"]), (name, shape, key)
        assert key.startswith("Interval:")


def test_the_figure_carries_alt_text_that_agrees_with_the_data(forest):
    # The alt text is written out; the counts it states are checked against the data.
    counts = comparison.headline_counts(forest)
    words = {3: "three", 4: "four", 2: "two"}
    assert f"shows {words[counts['ratio']]} hazard ratios" in forest_chart.ALT_TEXT
    this = forest[forest["role"] == "this_study"]
    dwfs = this[(this["quantity"] == "dwfs") & (this["interval_type"] != comparison.NO_INTERVAL)]
    rounded = this[(this["quantity"] == "dwfs") & (this["interval_type"] == comparison.NO_INTERVAL)]
    assert f"{words[len(dwfs)]} DWFS estimates and its {words[len(rounded)]} rounded" in forest_chart.ALT_TEXT
    shown = forest_chart.forest_figure(forest)
    assert shown.alt_text == forest_chart.ALT_TEXT


def test_headline_counts_add_up(forest):
    counts = comparison.headline_counts(forest)
    assert counts["estimates"] == len(forest) == counts["percent"] + counts["ratio"]
    assert counts["no_interval"] + counts["90"] <= counts["estimates"]
    assert 0 < counts["this"] < counts["estimates"]
