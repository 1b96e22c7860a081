"""EDSS over time from visits: the annualised change by a linear mixed model, and
mean EDSS per time bin (aggregates only).

:func:`annualised_change` fits ``edss ~ years`` with a random intercept and a random
slope per patient (statsmodels ``MixedLM``, REML) and returns the fixed slope with its
Wald interval. :func:`edss_by_bin` summarises each time bin by the mean over patients of
each patient's mean EDSS in the bin, so a patient seen twice in a bin counts once.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as scipy_stats

__all__ = ["EdssSlope", "with_baseline", "annualised_change", "TIME_BINS", "edss_by_bin"]


@dataclass(frozen=True)
class EdssSlope:
    """Fixed-effect slope of EDSS on years since transplant.

    ``slope`` EDSS points per year; ``ci_lower``/``ci_upper`` its Wald interval at
    ``level``; ``p_value`` for slope = 0; ``n_patients``, ``n_visits`` fitted;
    ``converged``: statsmodels reached its optimum.
    """

    slope: float
    ci_lower: float
    ci_upper: float
    p_value: float
    level: float
    n_patients: int
    n_visits: int
    converged: bool


def with_baseline(visits: pd.DataFrame, cohort: pd.DataFrame) -> pd.DataFrame:
    """Visits plus the cohort's ``baseline_edss`` at time 0 where the file has no visit at 0."""
    has_zero = set(visits.loc[visits["years_since_transplant"] == 0, "patient_id"])
    seen = set(visits["patient_id"])
    base = cohort[cohort["patient_id"].isin(seen - has_zero)]
    base = pd.DataFrame({"patient_id": base["patient_id"], "years_since_transplant": 0.0,
                         "edss": base["baseline_edss"].astype(float)})
    out = pd.concat([base, visits[["patient_id", "years_since_transplant", "edss"]]], ignore_index=True)
    return out.sort_values(["patient_id", "years_since_transplant"], kind="stable").reset_index(drop=True)


def annualised_change(visits: pd.DataFrame, level: float = 0.95) -> EdssSlope:
    """Annualised EDSS change: fixed slope of a random intercept and slope model.

    Parameters
    ----------
    visits : pandas.DataFrame
        ``patient_id``, ``years_since_transplant``, ``edss`` (baseline included, see
        :func:`with_baseline`).
    level : float

    Returns
    -------
    EdssSlope

    Notes
    -----
    A straight line on an ordinal scale with uneven steps: a summary of the average
    drift, not a description of any patient's course. Regression to the mean after a
    high pre-transplant score, recovery from relapses before transplant, and patients
    lost to follow-up because they worsened all push the slope down.
    """
    import statsmodels.formula.api as smf

    data = visits.rename(columns={"years_since_transplant": "years"})
    model = smf.mixedlm("edss ~ years", data, groups=data["patient_id"], re_formula="~years")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = model.fit(reml=True, method=["lbfgs", "bfgs", "powell"])
    converged = bool(fit.converged) and not any("converge" in str(w.message).lower() for w in caught)
    slope = float(fit.fe_params["years"])
    se = float(fit.bse_fe["years"])
    z = scipy_stats.norm.ppf(0.5 + level / 2)
    p = float(2 * scipy_stats.norm.sf(abs(slope / se)))
    return EdssSlope(slope, slope - z * se, slope + z * se, p, level,
                     int(data["patient_id"].nunique()), int(len(data)), converged)


#: Time bins (years since transplant), left-closed: the baseline, then up to 1, 2, 3, 5,
#: 7, 10, 15 and 25 years.
TIME_BINS = (0.0, 1e-9, 1.0, 2.0, 3.0, 5.0, 7.0, 10.0, 15.0, 25.0)


def _bin_labels(edges) -> list[str]:
    labels = ["0 (transplant)"]
    for lo, hi in zip(edges[1:-1], edges[2:]):
        labels.append(f"{0 if lo < 1e-6 else lo:g}-{hi:g}")
    return labels


def edss_by_bin(visits: pd.DataFrame, groups: dict[str, pd.DataFrame], level: float = 0.95,
                edges=TIME_BINS) -> pd.DataFrame:
    """Mean EDSS per time bin and group, with a t interval and the number of patients.

    Returns one row per group and bin with at least one patient: ``group``, ``bin``,
    ``bin_start``, ``bin_end``, ``mean``, ``ci_lower``, ``ci_upper`` (NaN with fewer
    than two patients), ``n_patients``, ``n_visits``. No patient-level value.
    """
    labels = _bin_labels(edges)
    t = visits["years_since_transplant"].to_numpy(float)
    idx = np.searchsorted(np.asarray(edges), t, side="right") - 1
    keep = (idx >= 0) & (idx < len(labels))
    v = visits[keep].assign(bin=idx[keep])
    rows = []
    for group, members in groups.items():
        sub = v[v["patient_id"].isin(set(members["patient_id"]))]
        per_patient = sub.groupby(["bin", "patient_id"])["edss"].agg(["mean", "size"]).reset_index()
        for b, part in per_patient.groupby("bin"):
            n = len(part)
            m = float(part["mean"].mean())
            if n > 1:
                half = float(scipy_stats.t.ppf(0.5 + level / 2, n - 1) * part["mean"].std(ddof=1) / np.sqrt(n))
                lo, hi = m - half, m + half
            else:
                lo = hi = np.nan
            rows.append((group, labels[b], float(edges[b]) if b else 0.0, float(edges[b + 1]), m, lo, hi,
                         n, int(part["size"].sum())))
    return pd.DataFrame(rows, columns=["group", "bin", "bin_start", "bin_end", "mean", "ci_lower",
                                       "ci_upper", "n_patients", "n_visits"])
