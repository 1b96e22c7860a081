"""Tables of the cohort chapter: values beside the published ones, in the words of the tiers."""

import numpy as np
import pandas as pd

from hsct_ms import terms
from hsct_ms.analysis import cohort as analysis
from hsct_ms.display import cohort_tables, tables
from hsct_ms.reconstruction import ensemble


def test_checks_shipped_and_user(shipped):
    long = cohort_tables.baseline_long(shipped, is_shipped=True)
    check = long.set_index(["characteristic", "group"])["check"]
    assert check[("Patients, n", "RRMS")] == "matches"
    assert check[("Age, mean (years)", "All")] == "matches"
    assert check[("Age, mean (years)", "RRMS")] == "assumed"  # age by subtype: an assumption
    assert check[("Baseline EDSS, median", "SPMS")] == "assumed"
    assert check[("Follow-up, mean (years)", "All")] == "matches"
    assert set(long["check"]) <= set(cohort_tables.CHECKS)
    assert "differs" not in set(long["check"])  # every calibrated value matches
    user = set(cohort_tables.baseline_long(shipped, is_shipped=False)["check"])
    assert user == {"compared", "file"}


def _rows(shown):
    """Characteristic rows by label (text), their first detail rows under ("label", kind)."""
    rows, current = {}, None
    for row in shown.to_dict("records"):
        label = row["Characteristic"]
        details = {tables.detail(cohort_tables.SPREAD_ROW): cohort_tables.SPREAD_ROW,
                   tables.detail(cohort_tables.PUBLISHED_ROW): cohort_tables.PUBLISHED_ROW}
        if isinstance(label, tables.Noted) or label not in details:
            current = label.text if isinstance(label, tables.Noted) else label
            rows[current] = row
        else:
            rows[(current, details[label])] = row
    return rows


def test_formatted_table_shape_and_words(shipped):
    shown = cohort_tables.format_baseline_table(shipped, is_shipped=True)
    assert list(shown.columns) == ["Characteristic", *terms.BASELINE_GROUPS]
    rows = _rows(shown)
    assert rows["Patients, n"]["All"] == "210"
    assert rows["Patients, n"]["Characteristic"].notes == ("against the published value: all match by construction",)
    assert rows["Age, mean (years)"]["Characteristic"].notes == (
        "against the published value: whole cohort matches by construction; by subtype assumed",)
    assert rows["Age, SD (years)"]["Characteristic"].notes == ("against the published value: all assumed",)
    # published values sit under their group's column (abstract / press release: 122, 86, 2; 1997-2019)
    published = rows[("Patients, n", cohort_tables.PUBLISHED_ROW)]
    assert [published[g] for g in ("RRMS", "SPMS", "PPMS", "All")] == ["122", "86", "2", "210"]
    assert rows[("Transplant years, range", cohort_tables.PUBLISHED_ROW)]["All"] == "1997\u20132019"
    assert ("Age, SD (years)", cohort_tables.PUBLISHED_ROW) not in rows  # not published: no row
    assert "3 deaths within 100 days" in rows["Deaths at any time, n"]["Characteristic"].notes[1]
    assert ".0" not in rows["Transplant years, range"]["All"]
    # On a user's cohort the reverse-KM median carries its 95% interval: "m (lo-hi)".
    median = analysis.baseline_table(shipped).loc["All"]
    user = _rows(cohort_tables.format_baseline_table(shipped, is_shipped=False))
    assert user["Follow-up, reverse KM median (95% CI, years)"]["All"] == (
        f"{median['followup_median_reverse_km']:.1f} ({median['followup_median_lower']:.1f}"
        f"\u2013{median['followup_median_upper']:.1f})")
    assert not any(isinstance(k, tuple) and k[1] == cohort_tables.SPREAD_ROW for k in user)


def test_shipped_values_not_pinned_down_show_the_ensemble(shipped):
    # Oracle: the median and range of the ensemble's own columns, recomputed here.
    members = ensemble.members(ensemble.load_ensemble())
    rows = _rows(cohort_tables.format_baseline_table(shipped, True, members=members))
    spread = cohort_tables.SPREAD_ROW
    ages = members["baseline_age_mean_rrms"]
    assert rows["Age, mean (years)"]["RRMS"] == f"{ages.median():.1f}"
    assert rows[("Age, mean (years)", spread)]["RRMS"] == f"{ages.min():.1f}\u2013{ages.max():.1f}"
    followup = members["baseline_followup_median_reverse_km_all"]
    assert rows["Follow-up, reverse KM median (95% CI, years)"]["All"] == f"{followup.median():.1f}"
    assert rows[("Follow-up, reverse KM median (95% CI, years)", spread)]["All"] == (
        f"{followup.min():.1f}\u2013{followup.max():.1f}")
    # A published value matched by construction stays the cohort's own value, with no range.
    assert rows["Age, mean (years)"]["All"] == f"{shipped['age'].mean():.1f}"
    assert rows[("Age, mean (years)", spread)]["All"] == ""
    assert rows["Patients, n"]["RRMS"] == "122"
    glued = cohort_tables.baseline_glue(shipped, 0, True, members)
    assert glued["cohort_age_mean_rrms"] == (f"{ages.median():.1f} years (median; {ages.min():.1f} years to "
                                             f"{ages.max():.1f} years over {len(members)} reconstructions)")
    assert glued["cohort_age_mean"] == f"{shipped['age'].mean():.1f} years"
    assert "reconstructions" in glued["cohort_followup_median_text"]
    assert "reconstructions" in glued["cohort_progressive_at_aid"]
    assert "ensemble" in cohort_tables.baseline_caption("the shipped reconstruction", True)


def test_row_order_does_not_matter(shipped):
    shuffled = shipped.sample(frac=1, random_state=np.random.default_rng(7)).reset_index(drop=True)
    pd.testing.assert_frame_equal(cohort_tables.format_baseline_table(shipped, True),
                                  cohort_tables.format_baseline_table(shuffled, True))


def test_small_groups_withheld_on_a_users_cohort(shipped):
    # PPMS has 2 patients: on a user's cohort (threshold 5) its count reads "<5" and its
    # statistics are withheld; ranges (single patients' values) are never shown.
    rows = _rows(cohort_tables.format_baseline_table(shipped, is_shipped=False, min_count=5))
    assert rows["Patients, n"]["PPMS"] == "<5"
    assert rows["Age, mean (years)"]["PPMS"] == tables.noted(cohort_tables.NOT_SHOWN,
                                                            "withheld: the group has fewer than 5 patients")
    assert rows["Baseline EDSS, range"]["All"] == tables.noted(cohort_tables.NOT_SHOWN, cohort_tables.NOT_SHOWN_NOTE)


def test_formatted_early_deaths(shipped):
    shown = cohort_tables.format_early_deaths(analysis.early_deaths(shipped), is_shipped=True)
    assert shown["Deaths within 100 days"].tolist() == ["3", "3", "0"]
    assert shown.loc[0, "Published deaths"] == "3 (1.4%)"  # abstract: 3 (1.4%)
    assert shown.loc[0, "Exact 95% interval (%)"] == "0.3\u20134.1"
    # The era sizes are not published: on the shipped cohort they are assumed.
    assert shown["Patients in the row"].tolist() == ["published (210)", "assumed (not published)",
                                                     "assumed (not published)"]
    user = cohort_tables.format_early_deaths(analysis.early_deaths(shipped), is_shipped=False, min_count=5)
    assert set(user["Patients in the row"]) == {"from your cohort file"}
    assert user.loc[1, "Deaths within 100 days"] == "<5"
    assert user.loc[1, "Proportion (%)"] == "withheld"


def test_year_span_integers():
    assert cohort_tables.year_span(1997.0, 2019.0) == "1997 to 2019"


def test_glue_values(shipped):
    # Oracles: the numbers of analysis.baseline_table and early_deaths, and the hand-computed
    # Fisher p of tests/unit/analysis (C(102, 3) / C(210, 3) = 0.1128...).
    values = cohort_tables.baseline_glue(shipped)  # as on a user's cohort: its own values
    assert values["cohort_n_all"] == "210" and values["cohort_n_ppms"] == "2"
    assert values["cohort_year_span"] == "from 1997 to 2019"
    median = analysis.baseline_table(shipped).loc["All"]
    assert values["cohort_followup_median_text"] == cohort_tables.median_years_text(
        median["followup_median_reverse_km"], median["followup_median_lower"], median["followup_median_upper"])
    assert "not reached" not in values["cohort_followup_median_text"]
    assert cohort_tables.baseline_glue(shipped, min_count=5)["cohort_n_ppms"] == "<5"
    assert cohort_tables.published_glue()["cohort_published_year_span"] == "1997 to 2019"
    deaths = cohort_tables.early_deaths_glue(analysis.early_deaths(shipped))
    assert deaths["cohort_eras_fisher_p"] == "0.11"
    assert deaths["cohort_eras_verdict"] == "do not show that the risk differed between the eras"
    assert deaths["cohort_early_all_upper"] == "4.1%"
    user = cohort_tables.early_deaths_glue(analysis.early_deaths(shipped), min_count=5)
    assert user["cohort_early_early_deaths"] == "<5" and user["cohort_eras_fisher_p"] == "withheld"


def test_median_interval_not_reached_reads_in_words():
    # A small centre: the upper plain band never falls to one half (Oracle: by construction).
    from hsct_ms.display.cohort_tables import median_years_text

    assert median_years_text(4.0, 3.25, float("nan")) == "4.0 years (95% interval 3.2 to not reached)"
    assert median_years_text(6.0, 5.0, 7.0) == "6.0 years (95% interval 5.0 to 7.0)"


def test_era_test_on_the_shipped_cohort_uses_published_numbers_only(shipped):
    # Oracle: C(77, 3) / C(210, 3) = 0.0481 < 0.05 <= C(78, 3) / C(210, 3) = 0.05, by hand.
    deaths = analysis.early_deaths(shipped)
    text = cohort_tables.eras_test_text(deaths, is_shipped=True)
    assert "at most 77 of the 210 patients" in text and "p of" not in text
    user = cohort_tables.eras_test_text(deaths, is_shipped=False)
    assert "two-sided p of 0.11" in user


def test_largest_early_era_for_significance():
    assert analysis.largest_early_era_for_significance(210, 3, 0) == 77
    assert analysis.largest_early_era_for_significance(10, 1, 0) is None  # one death proves nothing
    assert analysis.largest_early_era_for_significance(10, 0, 0) is None
