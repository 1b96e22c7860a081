"""Disability-worsening-free survival by subtype: the analyses of the outcomes chapter.

The chapter calls these functions and shows their results; the logic lives here so
it is tested (tests/test_outcomes.py).

Groups follow the paper: RRMS; progressive = SPMS + PPMS; plus the whole cohort and
SPMS alone (the paper reports neither with an interval).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from hsct_ms.inputs import published
from hsct_ms import stats
from hsct_ms.terms import progressive_mask

__all__ = [
    "TOLERANCE",
    "analysis_groups",
    "reproduction_table",
    "comparison_verb",
    "interval_comparison",
    "model_frame",
    "cox_models",
    "ph_tests",
    "restricted_means",
    "logrank",
]

#: Allowed |reproduced - published| in percentage points, by quantity.
TOLERANCE = {"estimate": 0.5, "lower": 1.5, "upper": 1.5}
_PUBLISHED_KIND = {"estimate": "estimate", "lower": "ci_lower", "upper": "ci_upper"}
#: Chapter label -> group name of :func:`hsct_ms.inputs.published.dwfs_value`.
PUBLISHED_GROUPS = {"RRMS": "RRMS", "Progressive": "progressive"}


def analysis_groups(patients: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Label -> patients, in display order: All, RRMS, Progressive, SPMS (empty groups left out)."""
    groups = {
        "All": patients,
        "RRMS": patients[patients["subtype"] == "RRMS"],
        "Progressive": patients[progressive_mask(patients)],
        "SPMS": patients[patients["subtype"] == "SPMS"],
    }
    return {label: frame for label, frame in groups.items() if len(frame)}


def comparison_verb(is_shipped: bool) -> str:
    """"reproduces" on the shipped reconstruction; "compares with" on any other cohort."""
    return "reproduces" if is_shipped else "compares with"


def reproduction_table(
    patients: pd.DataFrame,
    years=(5, 10),
    published_value: Callable[[str, float, str], float] = published.dwfs_value,
    duration_col: str = "dwfs_years",
    event_col: str = "worsening",
) -> pd.DataFrame:
    """Published DWFS estimates and plain 95% bounds beside those of ``patients``.

    Parameters
    ----------
    patients : DataFrame
        Cohort, one row per patient.
    years : sequence of float
        Time points (the paper publishes 5 and 10 years).
    published_value : callable
        ``(group, year, kind) -> percent``; :func:`hsct_ms.inputs.published.dwfs_value` by default.

    Returns
    -------
    pandas.DataFrame
        One row per group, year and quantity (``estimate``, ``lower``, ``upper``):
        ``published`` and ``reproduced`` in percent, ``difference`` (reproduced -
        published, points), ``tolerance`` (:data:`TOLERANCE`), ``within`` (bool)
        and ``at_risk`` at that year.
    """
    frames = analysis_groups(patients)
    rows = []
    for label, group in PUBLISHED_GROUPS.items():
        frame = frames.get(label)
        if frame is None:
            continue
        at = stats.survival_at(frame[duration_col].to_numpy(float), frame[event_col].to_numpy(int),
                                  np.asarray(years, dtype=float))
        for i, year in enumerate(years):
            for quantity, kind in _PUBLISHED_KIND.items():
                pub = float(published_value(group, year, kind))
                rep = 100 * float(at[{"estimate": "survival"}.get(quantity, quantity)].iloc[i])
                diff = rep - pub
                rows.append({
                    "group": label, "year": year, "quantity": quantity, "published": pub,
                    "reproduced": rep, "difference": diff, "tolerance": TOLERANCE[quantity],
                    "within": bool(abs(diff) <= TOLERANCE[quantity] + 1e-9),
                    "at_risk": int(at["at_risk"].iloc[i]),
                })
    return pd.DataFrame(rows)


def interval_comparison(frames: Mapping[str, pd.DataFrame], years=(5, 10),
                        duration_col: str = "dwfs_years", event_col: str = "worsening") -> pd.DataFrame:
    """Plain and log-log Greenwood 95% intervals at ``years``, as proportions.

    Read off :func:`hsct_ms.stats.stats.km_table` (the row of the last distinct time
    at or before each year). Columns: ``group, year, survival, lower, upper,
    lower_loglog, upper_loglog``.
    """
    rows = []
    for label, frame in frames.items():
        table = stats.km_table(frame[duration_col].to_numpy(float), frame[event_col].to_numpy(int))
        for year in years:
            idx = int(np.searchsorted(table["time"].to_numpy(), year, side="right")) - 1
            if idx < 0:
                values = dict(survival=1.0, lower=1.0, upper=1.0, lower_loglog=np.nan, upper_loglog=np.nan)
            else:
                values = table.iloc[idx][["survival", "lower", "upper", "lower_loglog", "upper_loglog"]].to_dict()
            rows.append({"group": label, "year": year, **{k: float(v) for k, v in values.items()}})
    return pd.DataFrame(rows)


def model_frame(patients: pd.DataFrame) -> pd.DataFrame:
    """The patients with ``progressive`` coded 1 (SPMS or PPMS) or 0 (RRMS)."""
    return patients.assign(progressive=progressive_mask(patients).astype(int))


#: Model name -> covariates.
MODELS = {
    "unadjusted": ["progressive"],
    "adjusted for age and baseline EDSS": ["progressive", "age", "baseline_edss"],
}


def _for_each_model(analysis, patients: pd.DataFrame, duration_col: str, event_col: str) -> pd.DataFrame:
    """``analysis(frame, duration, event, covariates)`` for each model of :data:`MODELS`,
    stacked with ``model`` and ``covariate`` first."""
    frame = model_frame(patients)
    parts = [analysis(frame, duration_col, event_col, covariates).reset_index().assign(model=name)
             for name, covariates in MODELS.items()]
    out = pd.concat(parts, ignore_index=True)
    return out[["model", "covariate", *[c for c in out.columns if c not in ("model", "covariate")]]]


def cox_models(patients: pd.DataFrame, duration_col: str = "dwfs_years",
               event_col: str = "worsening") -> pd.DataFrame:
    """Cox models of :data:`MODELS`, stacked: ``model, covariate`` + :func:`hsct_ms.stats.stats.cox_model` columns."""
    return _for_each_model(stats.cox_model, patients, duration_col, event_col)


def ph_tests(patients: pd.DataFrame, duration_col: str = "dwfs_years",
             event_col: str = "worsening") -> pd.DataFrame:
    """Score tests of proportional hazards (R ``cox.zph``, KM time scale) for each model of :data:`MODELS`."""
    return _for_each_model(stats.cox_ph_test, patients, duration_col, event_col)


def restricted_means(frames: Mapping[str, pd.DataFrame], tau: float = 10.0,
                     duration_col: str = "dwfs_years", event_col: str = "worsening") -> pd.DataFrame:
    """Restricted mean worsening-free time up to ``tau`` per group, with plain 95% interval.

    Columns ``group, rmst, se, lower, upper, last_followup`` (years); a group whose
    last follow-up is before ``tau`` has its curve carried flat to ``tau``.
    """
    rows = []
    for label, frame in frames.items():
        t = frame[duration_col].to_numpy(float)
        result = stats.restricted_mean(t, frame[event_col].to_numpy(int), tau)
        rows.append({"group": label, **result, "last_followup": float(t.max())})
    return pd.DataFrame(rows)


def logrank(patients: pd.DataFrame, duration_col: str = "dwfs_years", event_col: str = "worsening") -> dict:
    """Log-rank test of RRMS against progressive MS (:func:`hsct_ms.stats.stats.logrank_test`).

    Groups are labelled ``"RRMS"`` and ``"Progressive"`` in ``observed`` and ``expected``.
    """
    labels = np.where(progressive_mask(patients), "Progressive", "RRMS")
    return stats.logrank_test(patients[duration_col].to_numpy(float), patients[event_col].to_numpy(int), labels)
