"""Data chapter tables (oracle: hand-written target rows and the published-values layout)."""

import pandas as pd

from hsct_ms import terms
from hsct_ms.display import data_tables


def _targets():
    return pd.DataFrame({
        "target": ["patients", "DWFS estimate at 5 y", "deaths within 100 days"],
        "group": ["PPMS", "RRMS", "all"],
        "published": [2.0, 85.5, 3.0],
        "tolerance": [0.0, 0.5, 0.0],
        "achieved": [2.0, 85.8, 3.0],
        "difference": [0.0, 0.3, -0.0004],
        "met": [True, True, False],
        "unit": ["patients", "%", "patients"],
        "source": ["press release", "abstract", "abstract"],
    })


def test_targets_on_shipped_match_by_construction_and_show_all_counts():
    shown = data_tables.format_targets(_targets(), 0, True)
    assert list(shown.columns) == ["Target", "Group", "Published ± tolerance", "Achieved", "Difference", "Verdict"]
    assert list(shown["Achieved"]) == ["2", "85.8", "3"]
    assert list(shown["Difference"]) == ["+0.00", "+0.30", "+0.00"]  # -0.0004 is not "-0.00"
    assert [c.text for c in shown["Published ± tolerance"]] == ["2 ± 0", "85.5 ± 0.5", "3 ± 0"]
    assert [c.notes for c in shown["Published ± tolerance"]] == [("source: press release",), ("source: abstract",),
                                                                  ("source: abstract",)]
    assert list(shown["Verdict"]) == ["matches by construction", "matches by construction", "NOT met"]


def test_targets_on_user_cohort_withhold_small_counts_and_their_difference():
    shown = data_tables.format_targets(_targets(), 5, False)
    assert list(shown["Achieved"]) == ["<5", "85.8", "<5"]
    withheld = data_tables.tables.noted(data_tables.WITHHELD, data_tables.WITHHELD_NOTE)
    assert list(shown["Difference"]) == [withheld, "+0.30", withheld]
    assert data_tables.tables.table(shown, "x", "tbl-x").numeric == [False, False, True, True, True, False]
    assert list(shown["Verdict"]) == ["within tolerance", "within tolerance", "outside tolerance"]


def test_group_labels_come_from_terms():
    assert data_tables.group_label("RRMS") == terms.GROUP_LABELS[terms.RRMS]
    assert data_tables.group_label("progressive") == terms.GROUP_LABELS[terms.PROGRESSIVE]
    assert data_tables.group_label("all") == terms.GROUP_LABELS[terms.ALL]
    assert data_tables.group_label("PPMS") == terms.GROUP_LABELS[terms.PPMS]


def test_published_values_show_times_in_years_without_key_and_note():
    values = pd.DataFrame({"key": ["a", "b"], "quantity": ["edss_change_rate", "patients"], "group": ["RRMS", "all"],
                           "time": [5.0, float("nan")], "kind": ["ci_lower", "count"], "value": [-0.15, 210],
                           "unit": ["edss_points_per_year", "patients"], "source": ["abstract, Results", ""],
                           "note": ["", ""]})
    shown = data_tables.format_published(values)
    assert list(shown.columns) == ["Quantity", "Group", "Time (years)", "Statistic", "Value", "Unit"]
    assert list(shown["Time (years)"]) == ["5", ""]
    assert list(shown["Quantity"]) == ["edss change rate", "patients"]  # words wrap; underscores do not
    assert list(shown["Unit"]) == ["edss points per year", "patients"]
    assert shown["Value"][0].notes == ("source: abstract, Results",)
    assert shown["Value"][1] == 210  # no source, no note
