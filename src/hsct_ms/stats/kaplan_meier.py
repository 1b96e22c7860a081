"""Kaplan-Meier estimates from lifelines, with the plain Greenwood interval the paper reports.

The engine is lifelines' ``KaplanMeierFitter``: its ``event_table`` (numbers at
risk, events, censorings at each distinct time), ``survival_function_`` and log-log
``confidence_interval_``. Boffa et al. (Neurology 2021) report *plain* (linear)
Greenwood 95% intervals, ``S(t) +/- 1.96 SE(S(t))``, R's
``survfit(conf.type = "plain")``, which lifelines does not offer: the Greenwood SE
and that interval are computed here from lifelines' event table.
:func:`km_at` alone bypasses lifelines, for speed (its docstring says why).

Conventions shared by every function:

* ``durations`` are times from transplant (any unit; the book uses years), finite and
  strictly positive.
* ``events`` is 1 when the event (disability worsening) was observed at that time and
  0 when the patient was censored then (last visit without worsening).
* A censoring at the same time as an event is treated as happening just after it:
  the censored patient is still at risk at that event time (R's and lifelines'
  convention).
* Curves are right-continuous: ``S(t)`` includes the events at exactly ``t``.

Every function is checked against R's ``survival`` package (tests/unit/stats/ against
fixtures written by tests/r_oracle/r/make_fixtures.R; tests/r_oracle/ runs R live).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import pandas as pd
from lifelines import KaplanMeierFitter

from hsct_ms.stats._checks import check_durations, check_groups, check_survival_data, check_times, z_quantile


class Curve(NamedTuple):
    """A fitted Kaplan-Meier curve as arrays, one entry per distinct observed time."""

    fitter: KaplanMeierFitter
    times: np.ndarray
    at_risk: np.ndarray
    events: np.ndarray
    censored: np.ndarray
    survival: np.ndarray
    greenwood: np.ndarray  # cumulative sum d / (n (n - d))


def fit_curve(t: np.ndarray, e: np.ndarray, level: float = 0.95) -> Curve:
    """Fit lifelines' ``KaplanMeierFitter`` on checked arrays and read its event table.

    lifelines adds a row at time 0 (everyone entering); durations are strictly
    positive here, so that row is dropped and every row is an observed time.
    """
    z_quantile(level)  # validates level before lifelines sees it
    fitter = KaplanMeierFitter(alpha=1 - level).fit(t, e)
    table = fitter.event_table
    keep = table.index.to_numpy() > 0
    n = table["at_risk"].to_numpy()[keep]
    d = table["observed"].to_numpy()[keep]
    return Curve(fitter, table.index.to_numpy(dtype=float)[keep], n, d, table["censored"].to_numpy()[keep],
                 fitter.survival_function_.iloc[:, 0].to_numpy()[keep], greenwood_sum(n, d))


def greenwood_sum(at_risk: np.ndarray, events: np.ndarray) -> np.ndarray:
    """Cumulative Greenwood sum ``sum d / (n (n - d))`` at each distinct time.

    Own code because lifelines exposes only the log-log interval, not the Greenwood
    variance of S(t) behind R's plain interval. Where every patient still at risk
    has the event (n == d) the sum is infinite and the SE of S = 0 is undefined
    (NaN), as in R's survfit.
    """
    n = at_risk.astype(float)
    d = events.astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.cumsum(np.where(d > 0, d / (n * (n - d)), 0.0))


def greenwood_se(surv: np.ndarray, greenwood: np.ndarray) -> np.ndarray:
    """Greenwood SE of S(t), ``S sqrt(sum)``; NaN once the curve reaches 0."""
    with np.errstate(invalid="ignore"):
        return surv * np.sqrt(greenwood)  # 0 * inf -> NaN


def plain_interval(surv: np.ndarray, se: np.ndarray, z: float):
    """R ``survfit(conf.type = "plain")``: S -/+ z SE clipped to [0, 1]; NaN stays NaN.

    Own code: lifelines has no plain (linear) interval, and the paper reports it.
    """
    # np.maximum/np.minimum propagate NaN, as R's pmax/pmin do.
    return np.maximum(surv - z * se, 0.0), np.minimum(surv + z * se, 1.0)


def curve_at(times: np.ndarray, surv: np.ndarray, greenwood: np.ndarray, q: np.ndarray):
    """S and its Greenwood SE at times ``q`` read off a right-continuous step curve.

    Before the first time S = 1 and SE = 0; after the last the last values carry on.
    """
    idx = np.searchsorted(times, q, side="right") - 1
    before_first = idx < 0
    idx = np.maximum(idx, 0)
    se = greenwood_se(surv[idx], greenwood[idx])
    return np.where(before_first, 1.0, surv[idx]), np.where(before_first, 0.0, se)


def km_table(durations, events, level: float = 0.95) -> pd.DataFrame:
    """Kaplan-Meier estimate with Greenwood SE and plain and log-log intervals.

    Parameters
    ----------
    durations : array-like of float
        Time from origin to event or censoring, strictly positive (years in this book).
    events : array-like of {0, 1} or bool
        1 if the event was observed at ``durations``, 0 if censored then.
    level : float, default 0.95
        Confidence level of the pointwise intervals.

    Returns
    -------
    pandas.DataFrame
        One row per distinct time (event or censoring), sorted, with columns
        ``time``; ``at_risk`` (duration >= ``time``); ``events``, ``censored`` (at
        exactly ``time``); ``survival`` (right-continuous S(t)); ``greenwood_se``
        (``S * sqrt(sum d / (n (n - d)))``); ``lower``, ``upper`` (plain interval
        clipped to [0, 1], R ``survfit(conf.type = "plain")``); ``lower_loglog``,
        ``upper_loglog`` (lifelines' interval, R ``survfit(conf.type = "log-log")``).

    Notes
    -----
    The plain interval is the one the paper reports. It is symmetric, can reach 0 or
    1 and is then clipped, and it covers poorly when few patients remain at risk or S
    is near 0 or 1; the log-log interval behaves better there. Both are pointwise,
    not simultaneous bands. Where S reaches 0 the Greenwood SE is undefined and both
    intervals are NaN, as in R; the log-log interval is also NaN where S = 1, as in
    R's survfit object (lifelines reports 1 and 0 there instead).

    Examples
    --------
    >>> km_table([1, 2, 4, 4, 6], [0, 1, 1, 0, 1])[["time", "at_risk", "survival"]]
       time  at_risk  survival
    0   1.0        5      1.00
    1   2.0        4      0.75
    2   4.0        3      0.50
    3   6.0        1      0.00
    """
    t, e = check_survival_data(durations, events)
    curve = fit_curve(t, e, level)
    se = greenwood_se(curve.survival, curve.greenwood)
    lower, upper = plain_interval(curve.survival, se, z_quantile(level))
    loglog = curve.fitter.confidence_interval_.to_numpy()[curve.fitter.confidence_interval_.index > 0]
    undefined = (curve.survival == 0) | (curve.survival == 1)
    return pd.DataFrame(
        {
            "time": curve.times,
            "at_risk": curve.at_risk,
            "events": curve.events,
            "censored": curve.censored,
            "survival": curve.survival,
            "greenwood_se": se,
            "lower": lower,
            "upper": upper,
            "lower_loglog": np.where(undefined, np.nan, loglog[:, 0]),
            "upper_loglog": np.where(undefined, np.nan, loglog[:, 1]),
        }
    )


def km_at(durations, events, times) -> tuple[np.ndarray, np.ndarray]:
    """Kaplan-Meier S(t) and its Greenwood SE at given times, as numpy arrays.

    Written in numpy rather than through lifelines for speed: the reconstruction's
    calibration loop calls it thousands of times, and ``KaplanMeierFitter().fit``
    costs ~15 ms per call on 210 patients against ~30 us here. A unit test checks it
    equals :func:`survival_at` (lifelines) and R.

    Parameters
    ----------
    durations, events : array-like
        As in :func:`km_table`.
    times : float or array-like of float
        Times (>= 0, same unit as ``durations``) at which to evaluate the curve.

    Returns
    -------
    survival, se : numpy.ndarray
        Right-continuous S(t) (events at exactly ``t`` included) and the Greenwood SE
        of S(t), one value per element of ``times``. Before the first event S = 1 and
        SE = 0; after the last observation the last values are carried forward (R's
        ``summary(..., extend = TRUE)``).

    Notes
    -----
    Carrying the curve beyond the last follow-up is a convention, not an estimate:
    nobody is observed there. Check the number at risk (:func:`survival_at`).
    """
    t, e = check_survival_data(durations, events)
    q = check_times(times)
    order = np.argsort(t, kind="stable")
    ts, es = t[order], e[order]
    first = np.flatnonzero(np.concatenate(([True], ts[1:] != ts[:-1])))
    n = ts.size - first
    d = np.add.reduceat(es, first)
    surv = np.cumprod(1.0 - d / n)
    return curve_at(ts[first], surv, greenwood_sum(n, d), q)


def survival_at(durations, events, times, level: float = 0.95) -> pd.DataFrame:
    """Kaplan-Meier S(t) with plain Greenwood interval and number at risk at given times.

    Matches R ``summary(survfit(Surv(durations, events) ~ 1, conf.type = "plain"),
    times = times, extend = TRUE)``.

    Parameters
    ----------
    durations, events : array-like
        As in :func:`km_table`.
    times : float or array-like of float
        Times (>= 0, unit of ``durations``), e.g. ``[5, 10]`` years.
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        One row per requested time, in the order given, with columns ``time``,
        ``survival`` (right-continuous S(t)), ``se`` (Greenwood SE of S(t)),
        ``lower``, ``upper`` (plain interval clipped to [0, 1]) and ``at_risk``
        (patients with duration >= ``time``; 0 beyond the last follow-up).

    Notes
    -----
    At times where few patients remain at risk the plain interval is unreliable
    (too narrow, clipped at 0 or 1); beyond the last follow-up the curve is carried
    forward with ``at_risk`` 0. Report ``at_risk`` next to the estimate.
    """
    t, e = check_survival_data(durations, events)
    q = check_times(times)
    curve = fit_curve(t, e, level)
    s, se = curve_at(curve.times, curve.survival, curve.greenwood, q)
    lower, upper = plain_interval(s, se, z_quantile(level))
    return pd.DataFrame({"time": q, "survival": s, "se": se, "lower": lower, "upper": upper,
                         "at_risk": at_risk_at(curve, q)})


def at_risk_at(curve: Curve, q: np.ndarray) -> np.ndarray:
    """Numbers at risk at times ``q`` from lifelines' event table.

    At risk at ``q`` = at risk at the first observed time >= ``q`` (nobody leaves in
    between); 0 after the last one, as R's ``extend = TRUE``.
    """
    return np.append(curve.at_risk, 0)[np.searchsorted(curve.times, q, side="left")].astype(np.int64)


def first_below_half(y: np.ndarray, x: np.ndarray) -> float:
    """R survival:::survmean's ``minmin``: first x where the curve y is <= 0.5.

    Own code because lifelines' ``median_survival_time_`` takes the first time
    S <= 0.5 without R's midpoint rule: if the curve is exactly 0.5 there (to
    sqrt(machine eps)), R's median is the midpoint between that time and the next
    time the curve drops lower.
    """
    tol = math.sqrt(np.finfo(float).eps)
    keep = ~np.isnan(y) & (y < 0.5 + tol)
    if not keep.any():
        return math.nan
    xk = x[keep]
    yk = y[keep]
    if abs(yk[0] - 0.5) < tol:
        lower_after = np.flatnonzero(yk < yk[0])
        if lower_after.size:
            return float((xk[0] + xk[lower_after[0]]) / 2)
    return float(xk[0])


def km_median(durations, events, level: float = 0.95) -> dict[str, float]:
    """Median of the Kaplan-Meier curve with the interval read off the plain bands.

    Parameters
    ----------
    durations, events : array-like
        As in :func:`km_table`.
    level : float, default 0.95
        Confidence level of the bands the interval is read from.

    Returns
    -------
    dict
        ``median``: first time S(t) <= 0.5 (midpoint rule where S is exactly 0.5
        over an interval); ``lower``/``upper``: first times the lower/upper plain band
        is <= 0.5. NaN where the curve or band never reaches 0.5. Same as the
        ``median``, ``0.95LCL``, ``0.95UCL`` of R
        ``summary(survfit(..., conf.type = "plain"))$table``.

    Notes
    -----
    R's default ``print(survfit(...))`` reads the interval off the log bands
    (``conf.type = "log"``), so its limits differ from these. A median reached
    only because few patients remain at risk is fragile: check ``at_risk``.
    """
    table = km_table(durations, events, level)
    times = table["time"].to_numpy()
    return {
        "median": first_below_half(table["survival"].to_numpy(), times),
        "lower": first_below_half(table["lower"].to_numpy(), times),
        "upper": first_below_half(table["upper"].to_numpy(), times),
    }


def at_risk_table(durations, groups, times) -> pd.DataFrame:
    """Numbers at risk per group at given times (the table under a KM figure).

    Parameters
    ----------
    durations : array-like of float
        Time to event or censoring, strictly positive.
    groups : array-like
        Group label per patient (e.g. ``subtype``).
    times : array-like of float
        Times (>= 0, unit of ``durations``).

    Returns
    -------
    pandas.DataFrame
        Rows = groups (sorted labels, index named ``group``), columns = ``times``
        (column index named ``time``); each cell counts patients of the group with
        duration >= time. Matches ``summary(survfit(Surv(t, e) ~ g), times,
        extend = TRUE)$n.risk``: 0 after the group's last follow-up.

    Notes
    -----
    A patient censored at exactly ``t`` counts as at risk at ``t``. The counts say
    how much data supports each point of a curve; they do not show why patients
    left (worsening, censoring or death), which is what decides whether the tail
    of a curve can be trusted.
    """
    t = check_durations(durations)
    g = check_groups(groups, t.size)
    q = check_times(times)
    labels = sorted(pd.unique(g))
    # Events do not change who is at risk: fit each group with every time censored.
    counts = [at_risk_at(fit_curve(t[g == label], np.zeros((g == label).sum(), dtype=np.int64)), q)
              for label in labels]
    return pd.DataFrame(np.array(counts, dtype=np.int64).reshape(len(labels), q.size),
                        index=pd.Index(labels, name="group"), columns=pd.Index(q, name="time"))
