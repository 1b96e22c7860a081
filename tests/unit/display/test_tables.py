"""hsct_ms.display.tables: numbered tables, with columns of numbers right-aligned."""

import pandas as pd
import pytest

from hsct_ms.display import tables


@pytest.mark.parametrize("cells, numeric", [
    (["72.3", "-0.41", "65.1–79.5"], True),
    (["<5", "12", ""], True),
    (["± 2.1", "+0.25", "1 (0.5%)"], True),
    (["—", "3"], True),
    (["72.3", "not reached"], False),
    (["RRMS", "SPMS"], False),
    (["", "—"], False),
    ([], False),
])
def test_a_column_is_numeric_only_when_no_filled_cell_holds_a_letter(cells, numeric):
    assert tables.numeric_column(cells) is numeric


def test_numeric_columns_are_right_aligned_in_the_myst_and_html_forms():
    frame = pd.DataFrame({"group": ["RRMS", "Progressive"], "at 5 years (%)": ["72.3", "<5"]})
    bundle = tables.table(frame, "Two groups.", "tbl-test")._repr_mimebundle_()
    lines = bundle["text/markdown"].splitlines()
    assert "| group | at 5 years (%) |" in lines
    assert "|---|--:|" in lines
    assert '<th style="text-align: right">at 5 years (%)</th>' in bundle["text/html"]
    assert "<td>RRMS</td>" in bundle["text/html"]
    assert '<td style="text-align: right">&lt;5</td>' in bundle["text/html"]


def test_labels_must_start_with_tbl():
    with pytest.raises(ValueError, match="tbl-"):
        tables.table(pd.DataFrame({"a": [1]}), "x", "table-x")


def _notes_table():
    frame = pd.DataFrame({
        tables.noted("estimate (%)", "percent at 5 years"): [tables.noted("80", "no interval reported", "press release"),
                                                             "85.5 (76.9–94.1)",
                                                             tables.noted("91", "no interval reported")],
        "study": ["A", tables.noted("B", "press release"), "C"],
    })
    return tables.table(frame, "Three studies.", "tbl-notes", notes=["— not in our sources."])


def test_notes_are_lettered_in_reading_order_and_shared_by_equal_texts():
    table = _notes_table()
    # header first, then row by row; "press release" keeps its letter on row 2
    assert table.notes == {"percent at 5 years": "a", "no interval reported": "b", "press release": "c"}
    assert list(table.marks.iloc[:, 0]) == ["b,c", "", "b"]
    assert list(table.marks["study"]) == ["", "c", ""]
    # markers do not count as letters: the column of numbers stays right-aligned
    assert table.numeric == [True, False]


def test_notes_in_each_form():
    bundle = _notes_table()._repr_mimebundle_()
    markdown = bundle["text/markdown"].splitlines()
    assert "| estimate (%){sup}`a` | study |" in markdown
    assert "| 80{sup}`b,c` | A |" in markdown
    # the notes follow the table directive, in a container hsct-ms.js moves under the table
    block = markdown[markdown.index(":::{container} hsct-table-notes"):]
    assert [line for line in block if line] == [":::{container} hsct-table-notes", "— not in our sources.",
                                                "{sup}`a` percent at 5 years", "{sup}`b` no interval reported",
                                                "{sup}`c` press release", ":::"]
    assert '<td style="text-align: right">80<sup>b,c</sup></td>' in bundle["text/html"]
    assert bundle["text/html"].endswith('<p><sup>c</sup> press release</p></div>')
    plain = bundle["text/plain"].splitlines()
    assert plain[-4:] == ["— not in our sources.", "[a] percent at 5 years", "[b] no interval reported",
                          "[c] press release"]
    assert "80 [b,c]" in bundle["text/plain"]


def test_a_table_without_notes_has_no_notes_block():
    bundle = tables.table(pd.DataFrame({"a": ["1"]}), "x", "tbl-x")._repr_mimebundle_()
    assert "hsct-table-notes" not in bundle["text/markdown"] + bundle["text/html"]
    assert tables.noted("1", "", None) == "1"  # no note, no marker


def test_wrap_numbers_keeps_each_range_whole_on_the_page_only():
    frame = pd.DataFrame({"group": ["RRMS"], "IQR": ["4.0–6.0 [3.625–6.375]"]})
    table = tables.table(frame, "x", "tbl-x", wrap_numbers=True)
    bundle = table._repr_mimebundle_()
    assert ":class: hsct-wrap-numbers" in bundle["text/markdown"].splitlines()
    assert "4.0–\u20606.0 [3.625–\u20606.375]" in bundle["text/markdown"]
    assert 'class="hsct-wrap-numbers"' in bundle["text/html"]
    assert "\u2060" not in bundle["text/plain"]
    assert "\u2060" not in tables.table(frame, "x", "tbl-x")._repr_mimebundle_()["text/markdown"]


def test_repeated_column_names_are_refused():
    frame = pd.DataFrame([["1", "2"]], columns=["n", tables.noted("n", "a note")])
    with pytest.raises(ValueError, match="repeat"):
        tables.table(frame, "x", "tbl-x")
