"""Tests of the comparison tables (hsct_ms.display.comparison_tables).

Oracles: studies.csv and values.csv (MIST's regimen and eligibility range; the overlap
named in studies.csv).
"""

from hsct_ms.analysis import comparison
from hsct_ms.display import comparison_tables, tables


def test_differences_table_covers_the_studies():
    table = comparison_tables.differences_table()
    assert list(table["cite"]) == comparison.citation_keys()
    row = table.set_index("cite").loc["burt2019"]
    assert row["regimen"] == "cyclophosphamide + ATG"
    assert "eligibility 2.0 to 6.0" in row["EDSS"]
    assert table.set_index("cite").loc["muraro2017", "may share patients with"] == "Boffa 2021, Boffa 2023"


def _notes(frame):
    return tables.table(frame, "x", "tbl-x").notes


def test_shown_differences_cites_each_study_and_keeps_overlap_and_regimen_in_notes():
    differences = comparison_tables.differences_table()
    shown = comparison_tables.shown_differences(differences)
    assert list(shown.columns) == ["Study", "Design", "Population", "Baseline EDSS", "Follow-up (years)", "Endpoints"]
    studies = [c.text if isinstance(c, tables.Noted) else c for c in shown["Study"]]
    assert all("{cite:p}`" in s for s in studies)
    notes = _notes(shown)
    # every overlap and every regimen in our sources is in a note (oracle: studies.csv via differences_table)
    for overlap in differences["may share patients with"]:
        assert overlap == "none known" or any(overlap in n for n in notes)
    for regimen in differences["regimen"]:
        assert regimen == "not in our sources" or f"conditioning regimen: {regimen}" in notes
    mist = shown.iloc[list(differences["cite"]).index("burt2019")]
    assert mist["Baseline EDSS"] == tables.noted("2.0\u20136.0", "trial eligibility range of EDSS, not the observed range")
    boffa = shown.iloc[list(differences["cite"]).index("boffa2021")]
    assert boffa["Baseline EDSS"] == "median 6 (1\u20139)"
    assert boffa["Follow-up (years)"] == "mean 6.2 (SD 5.0); transplants 1997\u20132019"


def test_estimates_table_keeps_every_estimate_interval_and_source():
    forest = comparison.headline_estimates()
    shown = comparison_tables.estimates_table(forest)
    assert list(shown.columns) == ["Study", "Design; population", "Endpoint", "Time (years)",
                                   "Estimate, % or HR (95% CI)", "n"]
    cells = shown["Estimate, % or HR (95% CI)"]
    halt = forest.index[(forest["label"] == "HALT-MS (Nash 2017)") & (forest["quantity"] == "pfs")][0]
    assert cells[halt].text == "91.3 (74.7\u201397.2)"  # published-facts.md: 91.3% (90% CI 74.7-97.2)
    assert "90% CI (not 95%)" in cells[halt].notes
    press = forest.index[forest["interval_type"] == comparison.NO_INTERVAL][0]
    assert "no interval reported" in cells[press].notes
    assert all(any(n.startswith("source: ") for n in cell.notes) for cell in cells)
    ratio = forest.index[forest["quantity"] == "progression_hr"]
    assert {shown["n"][i].text for i in ratio} == {"79 / 1,975", "55 / 55"}
    assert all(shown["Time (years)"][i].text == comparison_tables.MISSING for i in ratio)
    # the n column and the estimate column are columns of numbers (right-aligned)
    assert tables.table(shown, "x", "tbl-x").numeric == [False, False, False, True, True, True]


def test_groups_table_gives_the_reason_without_repeating_the_studies():
    forest = comparison.headline_estimates()
    groups = comparison.pooling_groups(forest)
    shown = comparison_tables.groups_table(groups)
    assert {cell.text for cell in shown["Qualifies"]} == {"no"}
    assert _notes(shown) == {"1 study; pooling needs at least 3": "a", "no time point": "b"}
    assert comparison_tables.pooled_table(comparison.pool(forest)).empty


def test_short_endpoint_names_are_spelled_out_under_the_table():
    forest = comparison.headline_estimates()
    shown = comparison_tables.estimates_table(forest)
    note = comparison_tables.endpoints_note(forest)
    assert set(shown["Endpoint"]) >= {"DWFS", "PFS", "HR progression"}
    # every long label (the part after "DWFS: ") is reachable in the note
    for endpoint in forest["endpoint"].unique():
        assert endpoint.split(": ", 1)[-1] in note
