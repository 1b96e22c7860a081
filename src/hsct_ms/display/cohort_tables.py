"""Tables of the cohort chapter: the baseline table and the early deaths, formatted to read.

The numbers come from :mod:`hsct_ms.analysis.cohort`; this module turns them into
text, sets each beside its published value and says what each is, in the words of
the three tiers of :data:`hsct_ms.terms.TIERS` (``published``, ``derived``, ``cohort``).
Every value of a group column is computed from the cohort file (tier ``cohort``); the
``Published`` column is tier ``published``. On the shipped reconstruction a further
column says whether a cohort value matches its published target by construction or
follows from an assumption of the reconstruction (the paper publishes nothing for it).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hsct_ms import terms
from hsct_ms.analysis import cohort as analysis
from hsct_ms.display import disclosure, tables, tiers
from hsct_ms.inputs import published
from hsct_ms.reconstruction import ensemble

__all__ = ["CHECKS", "PUBLISHED_ROW", "SPREAD_ROW", "baseline_long", "baseline_caption", "baseline_glue", "format_baseline_table", "format_early_deaths", "year_span"]

#: What a cohort value is against the paper, per key of the ``check`` column of
#: :func:`baseline_long`.
CHECKS = {
    "matches": "matches the published value by construction (a calibration target)",
    "differs": "differs from the published value",
    "assumed": "not published: follows from an assumption of the reconstruction",
    "compared": "computed from your cohort file; compare with the published value",
    "file": "computed from your cohort file; not published",
}

_EDSS = -1  # "decimals" code: 1 to 3 decimals, as many as the value needs (6.0, 6.25, 5.625)
_CI = -2  # "decimals" code: a median with its interval, "4.9 (4.4-5.3)"

# (row label, columns of analysis.baseline_table, decimals shown)
_ROWS = (
    ("Patients, n", ("n",), 0),
    ("Age, mean (years)", ("age_mean",), 1),
    ("Age, SD (years)", ("age_sd",), 1),
    # EDSS medians and quartiles can fall between two 0.5 steps (6.25): decimals kept.
    ("Baseline EDSS, median", ("edss_median",), _EDSS),
    ("Baseline EDSS, IQR", ("edss_q1", "edss_q3"), _EDSS),
    ("Baseline EDSS, range", ("edss_min", "edss_max"), _EDSS),
    ("Transplant years, range", ("year_min", "year_max"), 0),
    ("Follow-up, mean (years)", ("followup_mean",), 1),
    ("Follow-up, SD (years)", ("followup_sd",), 1),
    ("Follow-up, reverse KM median (95% CI, years)",
     ("followup_median_reverse_km", "followup_median_lower", "followup_median_upper"), _CI),
    ("Deaths at any time, n", ("deaths",), 0),
)


def year_span(first, last) -> str:
    """Two calendar years as text, whole numbers whatever their type ("1997 to 2019")."""
    return f"{int(first)} to {int(last)}"


#: A range withheld on a user's cohort (:func:`baseline_long`) reads as this dash, with
#: :data:`NOT_SHOWN_NOTE`.
NOT_SHOWN = "\u2014"
NOT_SHOWN_NOTE = "not shown: a range is two single patients' values"


def _published_whole_cohort() -> dict[str, tuple[tuple[float, ...], float, str, str]]:
    """Published whole-cohort value(s) per row label, the tolerance to call a match, a text
    (empty where the row's own value is not published) and a note on it."""
    n = published.cohort_value("patients", "count")
    counts = {s: published.subtype_count(s) for s in terms.SUBTYPES}
    age = published.cohort_value("age", "mean")
    median = published.cohort_value("baseline_edss", "median")
    low, high = (published.cohort_value("baseline_edss", k) for k in ("min", "max"))
    first, last = (published.cohort_value("transplant_year", k) for k in ("year_min", "year_max"))
    mean, sd = (published.cohort_value("followup", k) for k in ("mean", "sd"))
    early = published.value("boffa2021_early_deaths_all_count")
    # Age is published in whole years: a mean that rounds to it matches (half a year).
    # Follow-up is published to 0.1 year: the tolerances of hsct_ms.terms apply.
    return {
        "Patients, n": ((n,), 0, f"{n:g}", ""),  # by subtype: _published_subtype_counts
        "Age, mean (years)": ((age,), 0.5, f"{age:g}", ""),
        "Baseline EDSS, median": ((median,), 0, f"{median:g}", ""),
        "Baseline EDSS, range": ((low, high), 0, f"{low:g}\u2013{high:g}", ""),
        "Transplant years, range": ((first, last), 0, f"{int(first)}\u2013{int(last)}", ""),
        "Follow-up, mean (years)": ((mean,), terms.tolerance("followup", "mean"), f"{mean:.1f}", ""),
        "Follow-up, SD (years)": ((sd,), terms.tolerance("followup", "sd"), f"{sd:.1f}", ""),
        "Deaths at any time, n": ((), 0, "", f"published: {early:g} deaths within 100 days; "
                                            "later deaths not published"),
    }


def _published_subtype_counts() -> dict[str, float]:
    counts = {s: float(published.subtype_count(s)) for s in terms.SUBTYPES}
    counts[terms.PROGRESSIVE] = sum(counts[s] for s in terms.PROGRESSIVE_SUBTYPES)
    counts[terms.ALL] = published.cohort_value("patients", "count")
    return counts


def _format_value(values: tuple[float, ...], decimals: int) -> str:
    if pd.isna(values[0]):
        return "n/a"
    if decimals == _CI:
        bounds = "n/a" if any(pd.isna(v) for v in values[1:]) else f"{values[1]:.1f}\u2013{values[2]:.1f}"
        return f"{values[0]:.1f} ({bounds})"
    if any(pd.isna(v) for v in values):
        return "n/a"
    if decimals == _EDSS:
        text = [f"{float(v):.3f}".rstrip("0").removesuffix(".") for v in values]
        text = [t if "." in t else t + ".0" for t in text]
    else:
        text = [f"{float(v):.{decimals}f}" for v in values]
    return text[0] if len(text) == 1 else f"{text[0]}\u2013{text[1]}"


def _check(is_shipped: bool, target, values, tolerance: float) -> str:
    if not is_shipped:
        return "file" if target is None else "compared"
    if target is None:
        return "assumed"
    close = all(not pd.isna(v) and abs(float(v) - t) <= tolerance + 1e-9 for v, t in zip(values, target))
    return "matches" if close else "differs"


def _shipped_members(is_shipped: bool, members: pd.DataFrame | None) -> pd.DataFrame | None:
    """The ensemble members whose spread the shipped build shows (None on a user's cohort)."""
    if not is_shipped:
        return None
    if members is None:
        members = ensemble.members(ensemble.load_ensemble())
    return members


def _ensemble_value(members: pd.DataFrame, group: str, columns: tuple[str, ...], decimals: int) -> str:
    """A baseline cell over the reconstructions: the median and, in square brackets, the range.

    Two-value rows (quartiles, ranges) show the medians of both ends and, in brackets, the
    lowest first and highest second value over the reconstructions. A row with an
    interval (the reverse Kaplan-Meier median) shows the median's spread, not one draw's
    interval.
    """
    def text(value) -> str:
        return _format_value((value,), decimals if decimals != _CI else 1)

    if len(columns) == 2:
        low = ensemble.value_range(members, ensemble.baseline_column(columns[0], group))
        high = ensemble.value_range(members, ensemble.baseline_column(columns[1], group))
        middle = f"{text(low[0])}\u2013{text(high[0])}"
        envelope = f"{text(low[1])}\u2013{text(high[2])}"
        return middle if envelope == middle else f"{middle} [{envelope}]"
    median, lowest, highest, _ = ensemble.value_range(members, ensemble.baseline_column(columns[0], group))
    return tiers.ensemble_cell(text, median, lowest, highest)


def baseline_long(patients: pd.DataFrame, is_shipped: bool, min_count: int = 0,
                  members: pd.DataFrame | None = None) -> pd.DataFrame:
    """The baseline table in long form, each value with its published counterpart.

    Parameters
    ----------
    patients : DataFrame
        The cohort, as for :func:`hsct_ms.analysis.cohort.baseline_table`.
    is_shipped : bool
        Whether ``patients`` is the shipped reconstruction.
    min_count : int
        Small-count threshold (:mod:`hsct_ms.display.disclosure`): a small count reads
        ``<N``, every statistic of a group smaller than that is withheld, and ranges
        (the extreme values of single patients) are not shown.
    members : DataFrame, optional
        On the shipped reconstruction, the ensemble members (default: those of
        ``data/ensemble.csv``): a value no published number pins down (``check`` is
        ``assumed``) shows their median and range (:func:`_ensemble_value`), not the
        shipped draw's value. Ignored on a user's cohort.

    Returns
    -------
    pandas.DataFrame
        One row per characteristic and group: ``characteristic``, ``group``, ``value``
        (text, as shown; tier ``cohort``), ``published`` (text; empty where the paper
        publishes nothing for that cell; tier ``published``) and ``check``, a key of
        :data:`CHECKS`.
    """
    table = analysis.baseline_table(patients)
    whole = _published_whole_cohort()
    counts = _published_subtype_counts()
    members = _shipped_members(is_shipped, members)
    rows = []
    for label, columns, decimals in _ROWS:
        for group in terms.BASELINE_GROUPS:
            values = tuple(table.loc[group, c] if c in table else np.nan for c in columns)
            target, tolerance, text = None, 0.0, ""
            if label == "Patients, n":
                target, text = (counts[group],), f"{counts[group]:g}"
            elif group == terms.ALL and label in whole:
                target, tolerance, text, _ = whole[label]
                target = target or None
            check = _check(is_shipped, target, values, tolerance)
            if check == "assumed" and columns[0] in ensemble.BASELINE_COLUMNS:
                shown = _ensemble_value(members, group, columns, decimals)
            else:
                shown = _format_value(values, decimals)
            if min_count:
                n = int(table.loc[group, "n"])
                if columns in (("n",), ("deaths",)) and disclosure.is_small(values[0], min_count):
                    shown = disclosure.show_count(values[0], min_count)
                elif columns != ("n",) and disclosure.is_small(n, min_count):
                    shown = f"withheld (n<{min_count})"
                elif label.endswith("range"):
                    shown = "not shown (single patients' values)"
            rows.append({"characteristic": label, "group": group, "value": shown, "published": text,
                         "check": check})
    return pd.DataFrame(rows, columns=["characteristic", "group", "value", "published", "check"])


def _row_check(checks: pd.Series, is_shipped: bool) -> str:
    """One phrase per row: how its cohort values stand against the paper."""
    if not is_shipped:
        return "compare with published" if "compared" in set(checks) else "not published"
    whole = checks[terms.ALL]
    others = set(checks.drop(terms.ALL))
    if others == {whole}:
        return {"matches": "all match by construction", "assumed": "all assumed",
                "differs": "differ from published"}[whole]
    first = {"matches": "whole cohort matches by construction", "differs": "whole cohort differs",
             "assumed": "whole cohort assumed"}[whole]
    return f"{first}; by subtype assumed"


def format_baseline_table(patients: pd.DataFrame, is_shipped: bool, min_count: int = 0,
                          members: pd.DataFrame | None = None) -> pd.DataFrame:
    """The baseline table for reading: characteristics down, groups across.

    Six columns, so that it fits a laptop's text column at the normal type size. Under a
    characteristic, a row :data:`PUBLISHED_ROW` gives the published value in the column
    of its group (the whole cohort's, or the patients by subtype), and on the shipped
    reconstruction a row :data:`SPREAD_ROW` gives the range over the ensemble of the
    values that are ensemble medians (:func:`_ensemble_value`). How a row's values stand
    against the paper, and what the paper publishes in words only (the early deaths), are
    lettered notes on the characteristic (:func:`hsct_ms.display.tables.noted`). Show it
    with ``wrap_numbers=True``: on a user's cohort the reverse-KM median's interval may
    sit under it.

    Returns
    -------
    pandas.DataFrame
        ``Characteristic`` (noted: on the shipped reconstruction whether the row's values
        match their published target by construction or are assumed, on a user's cohort
        whether there is a published value to compare with) and one column per group of
        :data:`hsct_ms.terms.BASELINE_GROUPS`: tier ``cohort`` in a characteristic's row,
        tier ``published`` in its :data:`PUBLISHED_ROW`.
    """
    long = baseline_long(patients, is_shipped, min_count, members)
    order = [label for label, _, _ in _ROWS]
    groups = list(terms.BASELINE_GROUPS)
    wide = long.pivot(index="characteristic", columns="group", values="value").loc[order, groups]
    printed = long.pivot(index="characteristic", columns="group", values="published").loc[order, groups]
    checks = long.pivot(index="characteristic", columns="group", values="check").loc[order]
    whole = _published_whole_cohort()
    rows = []
    for label in order:
        check = f"against the published value: {_row_check(checks.loc[label], is_shipped)}"
        in_words = whole.get(label, ((), 0, "", ""))[3]
        # An ensemble cell reads "median [range]": the median stays in the row, the range
        # goes to a row of its own under it, so that a group's column is as wide as one
        # number or one range.
        spreads = {group: _split_spread(wide.loc[label, group], min_count) for group in groups}
        rows.append({"Characteristic": tables.noted(label, check, in_words),
                     **{group: shown for group, (shown, _) in spreads.items()}})
        if any(spread for _, spread in spreads.values()):
            rows.append({"Characteristic": tables.detail(SPREAD_ROW),
                         **{group: spread for group, (_, spread) in spreads.items()}})
        if printed.loc[label].astype(bool).any():
            rows.append({"Characteristic": tables.detail(PUBLISHED_ROW), **printed.loc[label].to_dict()})
    return pd.DataFrame(rows, columns=["Characteristic", *groups])


#: The label of the row under a characteristic that gives its published value(s).
PUBLISHED_ROW = "published"
#: The label of the row under a characteristic that gives its range over the ensemble.
SPREAD_ROW = "ensemble range"


def _split_spread(cell: str, min_count: int = 0) -> tuple[object, str]:
    """"33.1 [33.0–33.3]" -> ("33.1", "33.0–33.3"); a cell without a bracket -> (cell, "").

    A range not shown (single patients' values) or a statistic withheld (a group of fewer
    than ``min_count`` patients) reads as a dash with a note, so that its column stays one
    of numbers (right-aligned)."""
    if cell.startswith("not shown"):
        return tables.noted(NOT_SHOWN, NOT_SHOWN_NOTE), ""
    if min_count and cell == f"withheld (n<{min_count})":
        return tables.noted(NOT_SHOWN, f"withheld: the group has fewer than {min_count} patients"), ""
    value, bracket, spread = cell.partition(" [")
    return (value, spread.removesuffix("]")) if bracket else (cell, "")


def baseline_caption(cohort_phrase: str, is_shipped: bool) -> str:
    """The baseline table's caption; on the shipped reconstruction it says what the
    :data:`SPREAD_ROW` rows are."""
    caption = (f"Baseline characteristics and follow-up by group, computed from {cohort_phrase} "
               f"(tier: cohort); under a characteristic, the row \"{PUBLISHED_ROW}\" gives the published "
               "value (tier: published; whole cohort, or patients by subtype), and a lettered note on each "
               "characteristic says how its values stand against the paper. "
               "IQR = interquartile range; KM = Kaplan-Meier; CI = 95% interval.")
    if is_shipped:
        caption += (" Cells computed from the cohort that no published number pins down show the median "
                    f"over the reconstructions of the ensemble; the row under them (\"{SPREAD_ROW}\") gives "
                    "its range (for the reverse KM median: the spread of the median itself, in place of one "
                    "draw's interval).")
    return caption


def format_early_deaths(deaths: pd.DataFrame, is_shipped: bool, min_count: int = 0) -> pd.DataFrame:
    """The :func:`hsct_ms.analysis.cohort.early_deaths` table for reading, beside the published counts.

    Parameters
    ----------
    deaths : DataFrame
        As returned by ``early_deaths`` (100-day window).
    is_shipped : bool
        Whether the cohort is the shipped reconstruction.
    min_count : int
        Small-count threshold: a small count reads ``<N``, and the proportion and
        interval, which would give it away, are withheld.

    Returns
    -------
    pandas.DataFrame
        Columns ``Patients transplanted``, ``Patients``, ``Deaths within 100 days``,
        ``Proportion (%)``, ``Exact 95% interval (%)`` (tier ``cohort``), ``Published deaths``
        (tier ``published``; the count up to 2007 is implied by the published total and the
        none after 2007) and ``Patients in the row``: published for the whole cohort; for
        an era, on the shipped reconstruction, *assumed* (the paper does not publish how
        many patients each era had), on a user's cohort from the file.
    """
    count = published.value("boffa2021_early_deaths_all_count")
    percent = published.value("boffa2021_early_deaths_all_percent")
    after = published.value(f"boffa2021_early_deaths_after_{analysis.ERA_LAST_YEAR}_count")
    published_text = {
        terms.ALL: f"{count:g} ({percent:g}%)",
        analysis.EARLY_ERA: f"{count - after:g} (implied)",
        analysis.LATE_ERA: f"{after:g}",
    }
    n_published = published.cohort_value("patients", "count")
    rows = []
    for era, row in deaths.iterrows():
        empty = row["patients"] == 0
        withheld = disclosure.is_small(row["deaths"], min_count) or disclosure.is_small(row["patients"], min_count)
        if not is_shipped:
            denominator = "from your cohort file"
        elif era == terms.ALL:
            denominator = f"published ({n_published:g})"
        else:
            denominator = "assumed (not published)"
        rows.append({
            "Patients transplanted": era.removeprefix("Transplanted "),
            "Patients": disclosure.show_count(row["patients"], min_count),
            "Deaths within 100 days": disclosure.show_count(row["deaths"], min_count),
            "Proportion (%)": "n/a" if empty else "withheld" if withheld else f"{100 * row['proportion']:.1f}",
            "Exact 95% interval (%)": "n/a" if empty else "withheld" if withheld
            else f"{100 * row['lower']:.1f}\u2013{100 * row['upper']:.1f}",
            "Published deaths": published_text.get(era, "not published"),
            "Patients in the row": denominator,
        })
    return pd.DataFrame(rows)


def median_years_text(median, lower, upper) -> str:
    """A Kaplan-Meier median in years with its 95% interval, in words.

    A bound the plain band never takes below one half (few patients followed long, as in
    a small centre) reads "not reached" rather than a number.

    >>> median_years_text(6.25, 5.5, float("nan"))
    '6.2 years (95% interval 5.5 to not reached)'
    """
    def years(value):
        return "not reached" if pd.isna(value) else f"{float(value):.1f}"

    return f"{years(median)} years (95% interval {years(lower)} to {years(upper)})"


#: Whole-cohort statistics the paper publishes: on the shipped reconstruction they match
#: their targets by construction, so the prose shows the cohort's own value.
_PUBLISHED_WHOLE = ("age_mean", "edss_median", "followup_mean", "followup_sd")
#: How the prose writes each statistic of :func:`baseline_glue`.
_PROSE_FORMATS = {"age_mean": "{:.1f} years", "age_sd": "{:.1f} years", "edss_median": "{:.1f}",
                  "edss_q1": "{:.1f}", "edss_q3": "{:.1f}", "followup_mean": "{:.1f} years",
                  "followup_sd": "{:.1f} years",
                  "rrms_below_aid": "{:.0%}", "progressive_at_aid": "{:.0%}"}


def baseline_glue(patients: pd.DataFrame, min_count: int = 0, is_shipped: bool = False,
                  members: pd.DataFrame | None = None) -> dict:
    """Glue name -> text for the prose of the baseline section (``cohort_*`` names).

    Counts go through :func:`hsct_ms.display.disclosure.show_count`; extremes (single
    patients' values) read "not shown" on a user's cohort (``min_count > 0``). On the
    shipped reconstruction a statistic no published number pins down (the whole cohort's
    SD, quartiles and median follow-up, every value by subtype, the walking-aid shares)
    reads as its median and range over the ensemble ``members``
    (:func:`hsct_ms.display.tiers.ensemble_phrase`), not as the shipped draw's value.
    """
    numbers = analysis.baseline_table(patients)
    whole = numbers.loc[terms.ALL]
    members = _shipped_members(is_shipped, members)

    def shown(column: str, group: str, value: float, ensemble_column: str | None = None) -> str:
        text_of = _PROSE_FORMATS[column].format
        if members is None or (group == terms.ALL and column in _PUBLISHED_WHOLE):
            return text_of(value)
        return tiers.ensemble_phrase(text_of, *ensemble.value_range(
            members, ensemble_column or ensemble.baseline_column(column, group)))

    values = {f"cohort_n_{group.lower()}": disclosure.show_count(numbers.loc[group, "n"], min_count)
              for group in terms.BASELINE_GROUPS}
    for column in ("age_mean", "age_sd", "edss_median", "edss_q1", "edss_q3", "followup_mean", "followup_sd"):
        values[f"cohort_{column}"] = shown(column, terms.ALL, float(whole[column]))
    if members is None:
        values["cohort_followup_median_text"] = median_years_text(
            whole["followup_median_reverse_km"], whole["followup_median_lower"], whole["followup_median_upper"])
    else:
        values["cohort_followup_median_text"] = tiers.ensemble_phrase(
            "{:.1f} years".format, *ensemble.value_range(
                members, ensemble.baseline_column("followup_median_reverse_km", terms.ALL)))
    for group in (terms.RRMS, terms.PROGRESSIVE):
        for column in ("age_mean", "edss_median", "followup_mean"):
            values[f"cohort_{column}_{group.lower()}"] = shown(column, group, float(numbers.loc[group, column]))
    values["cohort_edss_range"] = ("not shown" if min_count
                                   else f"{whole['edss_min']:.1f} to {whole['edss_max']:.1f}")
    values["cohort_year_span"] = ("in years not shown here (single patients' dates)" if min_count
                                  else "from " + year_span(whole["year_min"], whole["year_max"]))
    values["cohort_deaths_all"] = disclosure.show_count(whole["deaths"], min_count)
    values["cohort_edss_walking_aid"] = analysis.EDSS_WALKING_AID
    values.update({f"cohort_{k}": shown(k, terms.RRMS, v, f"walking_{k}")
                   for k, v in analysis.walking_aid_shares(patients).items()})
    return values


def published_glue() -> dict:
    """Glue name -> published value for the cohort chapter (``cohort_published_*``)."""
    first, last = (published.cohort_value("transplant_year", k) for k in ("year_min", "year_max"))
    return {
        "cohort_published_n": int(published.cohort_value("patients", "count")),
        "cohort_published_age_mean": published.cohort_value("age", "mean"),
        "cohort_published_edss_median": published.cohort_value("baseline_edss", "median"),
        "cohort_published_edss_min": published.cohort_value("baseline_edss", "min"),
        "cohort_published_edss_max": published.cohort_value("baseline_edss", "max"),
        "cohort_published_year_span": year_span(first, last),
        "cohort_published_followup_mean": published.cohort_value("followup", "mean"),
        "cohort_published_followup_sd": published.cohort_value("followup", "sd"),
        "cohort_published_early_deaths": int(published.value("boffa2021_early_deaths_all_count")),
        "cohort_published_early_proportion": published.value("boffa2021_early_deaths_all_percent") / 100,
        "cohort_published_early_after": int(published.value(
            f"boffa2021_early_deaths_after_{analysis.ERA_LAST_YEAR}_count")),
        "cohort_era_last_year": analysis.ERA_LAST_YEAR,
    }


def eras_test_text(deaths: pd.DataFrame, is_shipped: bool, min_count: int = 0) -> str:
    """The sentence comparing the eras' early deaths, as the evidence allows.

    On the shipped reconstruction the era sizes are assumed, so a p-value computed from
    them would be one draw of an assumption: the sentence says instead, from published
    numbers alone, how small the early era would have to be for Fisher's exact test to
    reach p < 0.05 (:func:`hsct_ms.analysis.cohort.largest_early_era_for_significance`).
    On a user's cohort it is that cohort's test.
    """
    if is_shipped:
        n_patients = int(published.cohort_value("patients", "count"))
        deaths_all = int(published.value("boffa2021_early_deaths_all_count"))
        deaths_late = int(published.value(f"boffa2021_early_deaths_after_{analysis.ERA_LAST_YEAR}_count"))
        largest = analysis.largest_early_era_for_significance(n_patients, deaths_all - deaths_late, deaths_late)
        if largest is None:
            return ("from the published numbers alone (derived), no split of the patients into the two "
                    "eras would let Fisher's exact test reach p < 0.05")
        return (f"from the published numbers alone (derived), Fisher's exact test would reach p < 0.05 "
                f"only if at most {largest} of the {n_patients} patients had been transplanted up to "
                f"{analysis.ERA_LAST_YEAR}; the paper does not say how many were, so whether the eras "
                "differ cannot be settled from it")
    values = early_deaths_glue(deaths, min_count)
    return (f"compared with Fisher's exact test, the two eras give a two-sided p of "
            f"{values['cohort_eras_fisher_p']}, so these counts {values['cohort_eras_verdict']}")


def early_deaths_glue(deaths: pd.DataFrame, min_count: int = 0) -> dict:
    """Glue name -> text for the early-deaths prose: counts, proportions, intervals, Fisher's test.

    A proportion or interval of a small count (or of a small era) would give the count
    away: it reads "withheld". The Fisher p-value is withheld on the same rule.
    """
    values = {}
    small = False
    for key, era in (("all", terms.ALL), ("early", analysis.EARLY_ERA), ("late", analysis.LATE_ERA)):
        row = deaths.loc[era]
        withheld = disclosure.is_small(row["deaths"], min_count) or disclosure.is_small(row["patients"], min_count)
        small = small or withheld
        values[f"cohort_early_{key}_deaths"] = disclosure.show_count(row["deaths"], min_count)
        values[f"cohort_early_{key}_n"] = disclosure.show_count(row["patients"], min_count)
        for column in ("proportion", "lower", "upper"):
            values[f"cohort_early_{key}_{column}"] = "withheld" if withheld else f"{row[column]:.1%}"
    test = analysis.era_comparison(deaths)
    values["cohort_eras_fisher_p"] = "withheld" if small else f"{test['p_value']:.2f}"
    values["cohort_eras_verdict"] = (
        "cannot be judged here (small counts withheld)" if small
        else "do not show that the risk differed between the eras" if test["p_value"] >= 0.05
        else "suggest that the risk differed between the eras")
    return values


def per_year_glue(per_year: pd.DataFrame, min_count: int = 0) -> dict:
    """Glue name -> text for the transplants-per-year prose, from unsuppressed counts per year."""
    totals = per_year.groupby("year")["patients"].sum()
    return {
        "cohort_years_with_transplants": int(totals.size),
        "cohort_per_year_max": disclosure.show_count(totals.max(), min_count),
        "cohort_per_year_min": disclosure.show_count(totals.min(), min_count),
    }
