"""Tables of the limitations chapter.

Oracles: hand-made frames with known formatted output, and the disclosure rule
(counts below the threshold are withheld on a user's cohort).
"""

import numpy as np
import pandas as pd

from hsct_ms import terms
from hsct_ms.analysis import limitations
from hsct_ms.display import disclosure
from hsct_ms.display import limitations_tables as shown
from hsct_ms.reconstruction import ensemble
from hsct_ms.reconstruction import method as reconstruction


def test_percent():
    assert shown.percent(0.7134) == "71.3"
    assert shown.percent(0.5, decimals=0) == "50"


def test_tipping_rows_format_the_published_interval():
    rows = shown.tipping_rows(limitations.tipping_summary(limitations.published_points(years=(10,))))
    assert rows.iloc[0, 1] == "71.3 (57.8 to 84.8)"
    assert rows["group"].tolist() == [terms.GROUP_LABELS[g] for g in terms.COMPARED_GROUPS]


def test_censoring_rows_withhold_small_counts():
    bounds = pd.DataFrame({"group": [terms.RRMS], "year": [5], "km": [0.8], "best": [0.9], "worst": [0.5],
                           "n": [30], "events": [3], "censored_before": [12]})
    points = pd.DataFrame({"group": [terms.RRMS], "year": [5], "estimate": [0.855]})
    rows = shown.censoring_rows(bounds, points, lambda values: disclosure.count_labels(values, 5))
    assert rows.loc[0, "worsened by then"] != "3"
    assert rows.loc[0, "censored before"] == "12"
    assert rows.loc[0, "published (%)"] == "85.5"


def test_late_death_rows_give_the_difference_in_points():
    alternative = pd.DataFrame({"group": [terms.RRMS], "year": [10], "dwfs": [0.713], "overall_survival": [0.8649],
                                "alive_and_worsening_free": [0.6167], "difference": [-0.0963]})
    assert shown.late_death_rows(alternative).loc[0, "difference (points)"] == "-9.6"


def test_distribution_rows_share_only_for_p_values():
    distribution = ensemble.distribution(
        pd.DataFrame({"logrank_p": [0.01, 0.2], "cox_hr": [1.5, 2.0], "dwfs_all_10y": [0.65, 0.66],
                      "rmst_difference_10y": [1.0, 1.2]}), list(limitations.ENSEMBLE_COLUMNS))
    rows = shown.distribution_rows(distribution, limitations.ENSEMBLE_COLUMNS).set_index("statistic")
    shares = rows["share of the reconstructions with p < 0.05"]
    assert shares.loc["log-rank p, RRMS vs progressive"] == "50%"
    assert shares.drop("log-rank p, RRMS vs progressive").eq("").all()
    assert rows.loc["whole-cohort DWFS at 10 years (%)", "range (min to max)"] == "65.0 to 66.0"


def test_settings_rows_cover_every_varied_setting():
    members = ensemble.members(ensemble.load_ensemble())
    rows = shown.settings_rows(ensemble.RANGES, ensemble.DEATH_SUBTYPE_ORDERS, reconstruction.DEFAULT_SETTINGS,
                               members)
    assert set(rows["setting"]) == {*ensemble.VARIED_SETTINGS, "seed"}


def test_conclusion_rows_say_by_construction():
    conclusions = pd.DataFrame({"conclusion": ["a", "b"], "share": [1.0, 0.8], "by_construction": [True, False]})
    rows = shown.conclusion_rows(conclusions)
    assert rows["share of the reconstructions where it holds"].tolist() == ["100%", "80%"]
    assert rows.loc[0, "why"].startswith("by construction")
    assert not np.any(rows["why"].str.contains("probab"))


def test_definition_range_phrase_says_what_the_range_is_on_each_cohort():
    assert shown.definition_range_phrase((0.704, 0.731), shipped=False) == "runs from 70.4% to 73.1%"
    shipped = shown.definition_range_phrase((0.704, 0.731), shipped=True)
    assert shipped.startswith("runs from 70.4% to 73.1% on the assumed visits")
    assert "not a finding about the study" in shipped
    assert "not computed" in shown.definition_range_phrase(None, shipped=True)
