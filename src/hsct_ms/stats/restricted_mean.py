"""Restricted mean survival time: lifelines' estimate with R's variance."""

from __future__ import annotations

import math

import numpy as np
from lifelines.utils import restricted_mean_survival_time

from hsct_ms.stats._checks import check_survival_data, z_quantile
from hsct_ms.stats.kaplan_meier import fit_curve


def restricted_mean(durations, events, tau: float, level: float = 0.95) -> dict[str, float]:
    """Restricted mean survival time: area under the Kaplan-Meier curve up to ``tau``.

    The area is lifelines' ``restricted_mean_survival_time`` of a
    ``KaplanMeierFitter``; the SE is :func:`rmst_se` (R's, not lifelines').

    Parameters
    ----------
    durations, events : array-like
        As in :func:`hsct_ms.stats.km_table`: times (strictly positive) and 1 = event,
        0 = censored.
    tau : float
        Truncation time (> 0, unit of ``durations``).
    level : float, default 0.95
        Confidence level of the interval ``rmst -/+ z se``.

    Returns
    -------
    dict
        ``rmst`` (mean event-free time within [0, tau], unit of ``durations``), ``se``,
        ``lower``, ``upper`` (plain normal interval, lower clipped at 0). Equal to R
        ``summary(survfit(...), rmean = tau)$table[c("rmean", "se(rmean)")]``.

    Notes
    -----
    If ``tau`` lies beyond the last follow-up the curve is carried forward flat to
    ``tau`` (as R does), which assumes what was not observed; choose ``tau`` within
    the follow-up of every group compared. R refuses a ``tau`` before the first
    observed time; here the answer is then ``tau`` with SE 0.
    """
    t, e = check_survival_data(durations, events)
    if not (np.isfinite(tau) and tau > 0):
        raise ValueError(f"tau must be finite and > 0, got {tau!r}")
    z = z_quantile(level)
    curve = fit_curve(t, e, level)
    rmst = float(restricted_mean_survival_time(curve.fitter, t=tau))
    se = rmst_se(curve.times, curve.at_risk, curve.events, curve.survival, tau)
    return {"rmst": rmst, "se": se, "lower": max(rmst - z * se, 0.0), "upper": rmst + z * se}


def rmst_se(times: np.ndarray, at_risk: np.ndarray, events: np.ndarray, surv: np.ndarray, tau: float) -> float:
    """SE of the restricted mean as R's ``survival:::survmean`` computes it.

    Own code because lifelines' ``restricted_mean_survival_time(...,
    return_variance=True)`` returns a different, wrong variance (lifelines issue
    1682). ``Var = sum over event times t_j <= tau of A_j^2 d_j / (n_j (n_j - d_j))``
    with ``A_j`` the area under the curve from t_j to tau, and a term of 0 where
    ``n_j = d_j``: what R prints as ``se(rmean)`` (survival 3.5-3, no ``n / (n - 1)``
    factor, checked against its source and output).
    """
    keep = times <= tau
    levels = np.concatenate(([1.0], surv[keep]))  # survival on [previous time, next time)
    rectangles = np.diff(np.concatenate(([0.0], times[keep], [tau]))) * levels
    area_after = np.cumsum(rectangles[::-1])[::-1][1:]  # area from each kept time to tau
    n = at_risk[keep].astype(float)
    d = events[keep].astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        hazard_term = np.where((d > 0) & (n > d), d / (n * (n - d)), 0.0)
    return math.sqrt(float((area_after**2 * hazard_term).sum()))
