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
