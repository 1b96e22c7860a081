"""Formatting of the outcomes chapter's tables. Oracle: hand-written expected text for
small frames (what a reader sees)."""

import numpy as np
import pandas as pd

from hsct_ms.display import outcomes_tables as shown


def withheld(n):
    return "<5" if 0 < n < 5 else str(n)


def test_percent_and_interval():
    assert shown.percent(0.8553) == "85.5"
    assert shown.percent_interval(0.769, 0.941) == "76.9 to 94.1"


def test_reproduction_rows():
    frame = pd.DataFrame({"group": ["RRMS"], "year": [5], "quantity": ["estimate"], "published": [85.5],
                          "computed": [85.83], "difference": [0.33], "tolerance": [0.5], "within": [True],
                          "at_risk": [3]})
    row = shown.reproduction_rows(frame, withheld).iloc[0]
    assert row.tolist() == ["RRMS", "5 y", "estimate", "85.5", "85.8", "+0.33", "yes (± 0.5)", "<5"]


def test_subtype_statistic_rows_and_phrases_on_the_ensemble():
    stats = pd.DataFrame({"statistic": ["logrank_p", "cox_hr"], "value": [0.0288, 1.889],
                          "lower": [0.0011, 1.372], "upper": [0.2445, 2.648], "n": [60, 60],
                          "basis": ["ensemble", "ensemble"]})
    rows = shown.subtype_statistic_rows(stats)
    assert list(rows.columns) == ["statistic", "median over the reconstructions", "range (min to max)"]
    assert rows.iloc[0].tolist() == ["log-rank p", "0.029", "0.001 to 0.244"]
    phrases = shown.subtype_statistic_phrases(stats)
    assert phrases["cox_hr"] == "1.89 (median; 1.37 to 2.65 over 60 reconstructions)"
    assert "60 reconstructions" in shown.statistics_basis(stats)


def test_subtype_statistic_rows_and_phrases_on_a_cohort():
    stats = pd.DataFrame({"statistic": ["logrank_p", "cox_hr"], "value": [0.0537, 1.824],
                          "lower": [np.nan, 0.982], "upper": [np.nan, 3.389], "n": [1, 1],
                          "basis": ["cohort", "cohort"]})
    rows = shown.subtype_statistic_rows(stats)
    assert list(rows.columns) == ["statistic", "estimate", "95% interval"]
    assert rows.iloc[0].tolist() == ["log-rank p", "0.054", ""]
    phrases = shown.subtype_statistic_phrases(stats)
    assert phrases == {"logrank_p": "0.054", "cox_hr": "1.82 (95% interval 0.98 to 3.39)"}


def test_sensitivity_rows():
    frame = pd.DataFrame({"group": ["All"], "year": [10], "deaths": [3], "main": [0.655], "main_lower": [0.548],
                          "main_upper": [0.761], "composite": [0.645], "composite_lower": [0.54],
                          "composite_upper": [0.751], "competing": [0.66]})
    row = shown.sensitivity_rows(frame, withheld).iloc[0]
    assert row.tolist() == ["All", "10 y", "<5", "65.5 (54.8 to 76.1)", "64.5 (54.0 to 75.1)", "66.0"]


def test_published_rows():
    difference = pd.DataFrame({"year": [5], "difference": [0.145], "lower": [0.0006], "upper": [0.2894],
                               "z_statistic": [1.968], "p": [0.04906]})
    assert shown.published_difference_rows(difference).iloc[0].tolist() == ["5 y", "14.5", "0.1 to 28.9", "1.97",
                                                                          "0.049"]
    bounds = pd.DataFrame({"group": ["RRMS", "Progressive"], "lower": [7.84, 6.41], "upper": [9.275, 8.55]})
    rows = shown.published_rmst_rows(bounds, {"lower": -0.71, "upper": 2.865, "sign_determined": False})
    assert rows.iloc[-1].tolist() == ["RRMS minus progressive", "-0.71", "2.87"]


def test_completeness_rows_and_verdict():
    frame = pd.DataFrame({"month_fraction": [0.5, 1.0], "clark_c": [0.524, 0.546], "died": [3, 3],
                          "followed to the cut-off": [14, 20], "stopped before the cut-off": [193, 187]})
    rows = shown.completeness_rows((frame, frame, frame), withheld)
    assert rows.iloc[0].tolist() == ["mid-year", "52.4", "<5", "14", "193"]
    assert shown.censoring_verdict((frame, frame, frame)).startswith("most censoring is not administrative")
    low, high = frame.copy(), frame.copy()
    low.loc[0, "stopped before the cut-off"] = 2
    # Over the reconstructions: the median with the range in brackets, and a verdict that
    # holds in only some of them is not given as if it held in all.
    assert shown.completeness_rows((frame, low, high), withheld).iloc[0, 4] == "193 [<5\u2013193]"
    assert shown.censoring_verdict((frame, low, high)).startswith("whether most censoring is administrative depends")
    frame.loc[0, "stopped before the cut-off"] = 2
    assert shown.censoring_verdict((frame, frame, frame)).startswith("most censoring is administrative")


def test_calendar_phrase_names_the_source():
    ensemble = shown.calendar_phrase({"data_cutoff": 2020.5, "month_fraction": 0.5, "source": "reconstruction"},
                                     (2020.21, 2020.9))
    assert ensemble.startswith("each reconstruction's own settings") and "2020.21 and 2020.90" in ensemble
    assert shown.calendar_phrase({"data_cutoff": 2020.3, "month_fraction": 0.5, "source": "assumed"}).startswith(
        "an assumption")


def test_era_rows():
    eras = pd.DataFrame({"era": ["up to 2007"], "patients": [102], "worsenings": [31], "deaths": [3],
                         "survival": [0.808], "lower": [0.731], "upper": [0.886], "at_risk": [80]})
    assert shown.era_rows((eras, eras, eras), withheld).iloc[0].tolist() == ["up to 2007", "102", "31", "<5",
                                                                             "80.8 (73.1 to 88.6)", "80"]
    # Over the reconstructions there is no one draw's interval: median and range.
    median = eras.assign(lower=np.nan, upper=np.nan)
    low, high = median.assign(survival=0.79, at_risk=70), median.assign(survival=0.83, at_risk=85)
    row = shown.era_rows((median, low, high), withheld).iloc[0]
    assert row["DWFS at 5 y (%)"] == "80.8 [79.0\u201383.0]" and row["at risk at 5 y"] == "80 [70\u201385]"


def test_p_value_never_reads_zero():
    assert shown.p_value(0.0537) == "0.054"
    assert shown.p_value(0.0004) == "<0.001"
    stats = pd.DataFrame({"statistic": ["logrank_p"], "value": [1e-5], "lower": [np.nan], "upper": [np.nan],
                          "n": [1], "basis": ["cohort"]})
    assert shown.subtype_statistic_rows(stats).iloc[0].tolist() == ["log-rank p", "<0.001", ""]


def test_spread_sentence_lists_each_statistic():
    sources = pd.DataFrame({"statistic": ["logrank_p", "cox_hr"], "settings_share": [0.143, 0.117],
                            "top_setting": ["early_hazard_slope", "age_sd"], "top_share": [0.03, 0.02]})
    text = shown.spread_sentence(sources, on_ensemble=True)
    assert "14% of the spread of the log-rank p-value (log scale) and 12% of the spread of the hazard ratio" in text
    assert "random seed" in text
    assert shown.spread_sentence(None, on_ensemble=False).startswith("The intervals show")
