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
    assert list(shown.columns) == ["target", "group", "published", "tolerance", "achieved",
                                   "difference", "verdict", "source"]
    assert list(shown["achieved"]) == ["2", "85.8", "3"]
    assert list(shown["difference"]) == ["+0.00", "+0.30", "+0.00"]  # -0.0004 is not "-0.00"
    assert list(shown["tolerance"]) == ["± 0", "± 0.5", "± 0"]
    assert list(shown["verdict"]) == ["matches by construction", "matches by construction", "NOT met"]


def test_targets_on_user_cohort_withhold_small_counts_and_their_difference():
    shown = data_tables.format_targets(_targets(), 5, False)
    assert list(shown["achieved"]) == ["<5", "85.8", "<5"]
    assert list(shown["difference"]) == ["withheld", "+0.30", "withheld"]
    assert list(shown["verdict"]) == ["within tolerance", "within tolerance", "outside tolerance"]


def test_group_labels_come_from_terms():
    assert data_tables.group_label("RRMS") == terms.GROUP_LABELS[terms.RRMS]
    assert data_tables.group_label("progressive") == terms.GROUP_LABELS[terms.PROGRESSIVE]
    assert data_tables.group_label("all") == terms.GROUP_LABELS[terms.ALL]
    assert data_tables.group_label("PPMS") == terms.GROUP_LABELS[terms.PPMS]


def test_published_values_show_times_in_years_without_key_and_note():
    values = pd.DataFrame({"key": ["a", "b"], "quantity": ["dwfs", "patients"], "time": [5.0, float("nan")],
                           "value": [85.5, 210], "note": ["", ""]})
    shown = data_tables.format_published(values)
    assert list(shown.columns) == ["quantity", "time", "value"]
    assert list(shown["time"]) == ["5 y", ""]
