"""The descriptions each ensemble member records, beside its survival statistics.

The chapters describe the cohort of a build (baseline values by subtype, the spread of
age and EDSS, the reverse Kaplan-Meier median follow-up, completeness of follow-up, the
transplant-era table). No published number pins these down, so on the shipped
reconstruction a chapter shows them over the members of the ensemble
(:mod:`hsct_ms.reconstruction.ensemble`), not as one draw's value. This module names
their columns in ``data/ensemble.csv`` and computes them on one member.
"""

from __future__ import annotations

import re

import pandas as pd

from hsct_ms import terms
from hsct_ms.reconstruction import method as reconstruction

__all__ = ["BASELINE_COLUMNS", "ERA_COLUMNS", "ERA_KEYS", "baseline_column", "completeness_column",
           "era_column", "descriptive_columns", "slug"]


def slug(text: str) -> str:
    """A label as a column-name part: ``"Press release (rounded)"`` -> ``"press_release_rounded"``."""
    return re.sub(r"[^0-9a-z]+", "_", text.lower()).strip("_")


#: Columns of :func:`hsct_ms.analysis.cohort.baseline_table` stored for each member and
#: group (the patient counts are published, so they are the same in every member).
BASELINE_COLUMNS = ("age_mean", "age_sd", "edss_median", "edss_q1", "edss_q3", "edss_min", "edss_max",
                    "year_min", "year_max", "followup_mean", "followup_sd", "followup_median_reverse_km",
                    "deaths")
#: Columns of :func:`hsct_ms.analysis.outcomes_sensitivity.era_table` stored for each era.
ERA_COLUMNS = ("patients", "worsenings", "deaths", "survival", "at_risk")
ERA_KEYS = ("early", "late")


def baseline_column(statistic: str, group: str) -> str:
    """Ensemble column of one baseline statistic of one group: ``baseline_age_mean_rrms``."""
    return f"baseline_{statistic}_{slug(group)}"


def completeness_column(name: str, latest: bool = False) -> str:
    """Ensemble column of Clark's C (``name = "clark_c"``) or of a censoring-reason count,
    under the member's transplant date within the year or (``latest``) on 31 December."""
    return f"followup_{slug(name)}" + ("_latest" if latest else "")


def era_column(statistic: str, era: int) -> str:
    """Ensemble column of one statistic of the transplant-era table (era 0 early, 1 late)."""
    return f"era_{ERA_KEYS[era]}_{statistic}"


def descriptive_columns(patients: pd.DataFrame, settings: reconstruction.Settings) -> dict:
    """The cohort-tier descriptions the chapters show, computed on one member.

    No published number pins these down (baseline values by subtype, the whole cohort's
    SDs, quartiles and reverse Kaplan-Meier median follow-up, the shares below and above
    the walking-aid score, completeness of follow-up, the transplant-era table), so on
    the shipped reconstruction the chapters show them over the members, not as one draw.
    Follow-up completeness uses the member's own data cut-off and transplant date within
    the year (:func:`hsct_ms.analysis.outcomes_sensitivity.followup_completeness`).
    """
    from hsct_ms.analysis import cohort as cohort_analysis, outcomes_sensitivity
    from hsct_ms.stats.completeness import CENSORING_REASONS

    out = {}
    baseline = cohort_analysis.baseline_table(patients)
    for group in terms.BASELINE_GROUPS:
        for statistic in BASELINE_COLUMNS:
            out[baseline_column(statistic, group)] = float(baseline.loc[group, statistic])
    out.update({f"walking_{key}": value for key, value in cohort_analysis.walking_aid_shares(patients).items()})
    calendar = {"data_cutoff": settings.data_cutoff, "month_fraction": settings.transplant_month_fraction}
    followup = outcomes_sensitivity.followup_completeness(patients, calendar)
    for position, (_, row) in enumerate(followup.iterrows()):
        for name in ("clark_c", *CENSORING_REASONS):
            out[completeness_column(name, latest=position > 0)] = float(row.get(name, 0))
    eras = outcomes_sensitivity.era_table(patients)
    for era, (_, row) in enumerate(eras.iterrows()):
        for statistic in ERA_COLUMNS:
            out[era_column(statistic, era)] = float(row[statistic])
    return out
