"""What the disability chapter computes from EDSS visits: frames and numbers, no charts.

The visits of this build (:func:`hsct_ms.inputs.visits.load_visits`) give, under the
rule of :mod:`hsct_ms.stats.disability`: the derived endpoint and its agreement with
the cohort file's ``dwfs_years``/``worsening``; confirmed improvement by group; the
sensitivity of DWFS at 5 and 10 years to the confirmation period and the baseline
scheme; mean EDSS per time bin; and the RRMS annualised EDSS change
(:mod:`hsct_ms.stats.edss_change`). Every frame is an aggregate by group.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hsct_ms import terms
from hsct_ms.inputs import published
from hsct_ms.inputs.visits import DAYS_PER_YEAR, VisitsData
from hsct_ms.stats import kaplan_meier
from hsct_ms.stats.disability import DEFAULT_RULE, SENSITIVITY_RULES, DisabilityRule, derive_endpoints
from hsct_ms.stats.edss_change import EdssSlope, annualised_change, edss_by_bin, with_baseline

__all__ = ["GROUPS", "PREDERIVED_RULES", "prederive", "derived_endpoints", "agreement_table", "derived_table", "improvement_table",
           "sensitivity_table", "edss_bins", "rrms_slope", "published_slope", "slope_over_followup"]

#: Groups of the chapter's tables, in display order.
GROUPS = (terms.ALL, terms.RRMS, terms.PROGRESSIVE)
#: Largest |derived - file| time still "the same visit": one day.
SAME_VISIT_YEARS = 1 / DAYS_PER_YEAR


def _groups(patients: pd.DataFrame) -> dict[str, pd.DataFrame]:
    return terms.group_members(patients, GROUPS, keep_empty=True)


def derived_endpoints(data: VisitsData, patients: pd.DataFrame,
                      rule: DisabilityRule = DEFAULT_RULE) -> pd.DataFrame:
    """:func:`~hsct_ms.stats.disability.derive_endpoints` for this build, with ``subtype``."""
    derived = derive_endpoints(data.visits, patients, rule, data.relapses, content_hash=data.sha256)
    subtype = dict(zip(patients["patient_id"], patients["subtype"]))
    out = derived.assign(subtype=derived["patient_id"].map(subtype))
    out.attrs = derived.attrs
    return out


#: Every rule the chapters derive with: the default, then the sensitivity analysis's.
PREDERIVED_RULES = tuple(dict.fromkeys((DEFAULT_RULE,) + tuple(SENSITIVITY_RULES)))


def prederive(patients: pd.DataFrame | None = None) -> int:
    """Derive (and cache) every rule the chapter uses, for the cohort and visits of this build.

    For the build driver: run in the terminal before the chapters execute, it shows the
    progress bar there (chapters run in kernels, which have no terminal) and the chapter
    then reads every result from the cache. Returns the number of patients derived, 0
    when the build has no visits file.
    """
    from hsct_ms.inputs.cohort import load_cohort
    from hsct_ms.inputs.visits import load_visits

    patients = load_cohort() if patients is None else patients
    data = load_visits(patients)
    if data is None:
        return 0
    for rule in PREDERIVED_RULES:
        derived_endpoints(data, patients, rule)
    return int(data.visits["patient_id"].nunique())


def agreement_table(patients: pd.DataFrame, derived: pd.DataFrame) -> pd.DataFrame:
    """Per group: patients, worsenings in the file and derived, patients whose derived
    status and time equal the file's (same status, times within a day), patients with
    another status, and patients with the same status at another time. Counts only: no
    patient's own difference is reported."""
    merged = patients[["patient_id", "subtype", "dwfs_years", "worsening"]].merge(
        derived[["patient_id", "dwfs_years", "worsening"]], on="patient_id", suffixes=("_file", "_derived"))
    same_status = merged["worsening_file"] == merged["worsening_derived"]
    same_time = (merged["dwfs_years_file"] - merged["dwfs_years_derived"]).abs() <= SAME_VISIT_YEARS
    merged["same"] = same_status & same_time
    merged["other_status"] = ~same_status
    merged["other_time"] = same_status & ~same_time
    rows = []
    for group, members in _groups(merged).items():
        rows.append((group, len(members), int(members["worsening_file"].sum()),
                     int(members["worsening_derived"].sum()), int(members["same"].sum()),
                     int(members["other_status"].sum()), int(members["other_time"].sum())))
    return pd.DataFrame(rows, columns=["group", "patients", "worsening_file", "worsening_derived",
                                       "same", "other_status", "other_time"])


def derived_table(derived: pd.DataFrame) -> pd.DataFrame:
    """Per group: patients and derived worsenings (when the cohort file gives no endpoint)."""
    rows = [(group, len(members), int(members["worsening"].sum()))
            for group, members in _groups(derived).items()]
    return pd.DataFrame(rows, columns=["group", "patients", "worsening_derived"])


def improvement_table(derived: pd.DataFrame) -> pd.DataFrame:
    """Per group: patients and those with a confirmed improvement (first CDI), share."""
    rows = []
    for group, members in _groups(derived).items():
        n, k = len(members), int(members["improvement"].sum())
        rows.append((group, n, k, k / n if n else np.nan))
    return pd.DataFrame(rows, columns=["group", "patients", "improved", "share"])


def sensitivity_table(data: VisitsData, patients: pd.DataFrame, rules=SENSITIVITY_RULES,
                      years=(5.0, 10.0)) -> pd.DataFrame:
    """Kaplan-Meier DWFS (plain Greenwood 95%) at ``years`` by group under each rule."""
    rows = []
    for rule in rules:
        derived = derived_endpoints(data, patients, rule)
        for group, members in _groups(derived).items():
            if not len(members):
                continue
            at = kaplan_meier.survival_at(members["dwfs_years"].to_numpy(float),
                                          members["worsening"].to_numpy(int), list(years))
            for _, r in at.iterrows():
                rows.append((rule.label, rule.confirmation_months, rule.baseline, group, float(r["time"]),
                             float(r["survival"]), float(r["lower"]), float(r["upper"]), int(r["at_risk"]),
                             int(members["worsening"].sum()), rule == DEFAULT_RULE))
    return pd.DataFrame(rows, columns=["rule", "confirmation_months", "baseline", "group", "year",
                                       "survival", "lower", "upper", "at_risk", "events", "default"])


def edss_bins(data: VisitsData, patients: pd.DataFrame) -> pd.DataFrame:
    """Mean EDSS per time bin for RRMS and progressive MS (baseline included)."""
    visits = with_baseline(data.visits, patients)
    groups = terms.group_members(patients, terms.COMPARED_GROUPS)
    return edss_by_bin(visits, groups)


#: Fewest RRMS patients with visits on which the mixed model is fitted (a random slope
#: per patient needs several patients to separate from the residual variation).
MIN_SLOPE_PATIENTS = 3


def rrms_slope(data: VisitsData, patients: pd.DataFrame) -> EdssSlope | None:
    """Annualised EDSS change of the RRMS patients (mixed model, baseline included).

    ``None`` when fewer than :data:`MIN_SLOPE_PATIENTS` RRMS patients have visits or the
    model cannot be fitted (a small centre's file): the page then says it was not computed.
    """
    rrms = set(patients.loc[patients["subtype"] == terms.RRMS, "patient_id"])
    visits = data.visits[data.visits["patient_id"].isin(rrms)]
    if visits["patient_id"].nunique() < MIN_SLOPE_PATIENTS:
        return None
    try:
        return annualised_change(with_baseline(visits, patients[patients["patient_id"].isin(rrms)]))
    except (np.linalg.LinAlgError, ValueError):
        return None


def published_slope() -> dict[str, float]:
    """The published RRMS EDSS change per year: estimate, interval bounds, p."""
    key = "boffa2021_edss_change_rate_rrms_"
    return {kind: published.value(key + kind) for kind in ("estimate", "ci_lower", "ci_upper", "p_value")}


def slope_over_followup(slope: float, followup_years: float) -> dict[str, float]:
    """A slope times a follow-up, in EDSS points and in the scale's 0.5-point steps."""
    points = slope * followup_years
    return {"points": points, "steps": points / 0.5}
