"""Tests of the comparison tables (hsct_ms.display.comparison_tables).

Oracles: studies.csv and values.csv (MIST's regimen and eligibility range; the overlap
named in studies.csv).
"""

from hsct_ms.analysis import comparison
from hsct_ms.display import comparison_tables


def test_differences_table_covers_the_studies():
    table = comparison_tables.differences_table()
    assert list(table["cite"]) == comparison.citation_keys()
    row = table.set_index("cite").loc["burt2019"]
    assert row["regimen"] == "cyclophosphamide + ATG"
    assert "eligibility 2.0 to 6.0" in row["EDSS"]
    assert table.set_index("cite").loc["muraro2017", "may share patients with"] == "Boffa 2021, Boffa 2023"


def test_shown_differences_cites_each_study():
    shown = comparison_tables.shown_differences(comparison_tables.differences_table())
    assert shown["study"].str.contains("{cite:p}`", regex=False).all()
    assert shown.columns[-1] == "may share patients with"


def test_reader_tables_have_reader_columns():
    forest = comparison.headline_estimates()
    assert "may share patients with" in comparison_tables.estimates_table(forest).columns
    groups = comparison_tables.groups_table(comparison.pooling_groups(forest))
    assert set(groups["qualifies"]) == {"no"}
    assert comparison_tables.pooled_table(comparison.pool(forest)).empty
