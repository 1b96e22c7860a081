"""Tests of hsct_ms.inputs.cohort_schema: the required columns, as the book shows them."""

from hsct_ms.inputs.cohort_schema import REQUIRED_COLUMNS, SCHEMA, schema_table


def test_schema_lists_the_required_columns_in_order():
    assert [c.name for c in SCHEMA] == [
        "patient_id", "subtype", "age", "baseline_edss", "transplant_year",
        "followup_years", "dwfs_years", "worsening", "died"]
    assert all(c.type and c.rule and c.description for c in SCHEMA)


def test_schema_table_has_one_row_per_column():
    table = schema_table()
    assert list(table.columns) == ["column", "type", "unit", "allowed values / rule", "meaning"]
    assert table["column"].tolist() == list(REQUIRED_COLUMNS)
    assert "steps of 0.5" in table.set_index("column").loc["baseline_edss", "allowed values / rule"]
