"""Kaplan-Meier estimates with plain Greenwood intervals, and the tests the paper reports.

Boffa et al. (Neurology 2021) report Kaplan-Meier disability-worsening-free survival
with *plain* (linear) Greenwood 95% intervals, ``S(t) +/- 1.96 SE(S(t))``: R's
``survfit(conf.type = "plain")``. lifelines' ``KaplanMeierFitter`` reports the log-log
interval instead, so the Kaplan-Meier functions here are written directly in numpy.
They are called thousands of times by the reconstruction's calibration loop and avoid
pandas in the inner work (:func:`km_at`).

Conventions shared by every function:

* ``durations`` are times from transplant (any unit; the book uses years), finite and
  strictly positive.
* ``events`` is 1 when the event (disability worsening) was observed at that time and
  0 when the patient was censored then (last visit without worsening).
* A censoring at the same time as an event is treated as happening just after it:
  the censored patient is still at risk at that event time (R's convention).
* Curves are right-continuous: ``S(t)`` includes the events at exactly ``t``.

Every function is checked against R's ``survival`` package (tests/test_survival.py
against stored fixtures from tests/r_oracle/r/make_fixtures.R, tests/r_oracle/test_against_r.py live).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import special, stats

__all__ = [
    "km_table",
    "km_at",
    "survival_at",
    "km_median",
    "at_risk_table",
    "logrank_test",
    "cox_model",
    "cox_ph_test",
    "restricted_mean",
    "reverse_km_median_followup",
    "clopper_pearson",
    "km_steps",
]


# ---------------------------------------------------------------------------
# Input checks and the shared event table
# ---------------------------------------------------------------------------


def _z(level: float) -> float:
    """Two-sided normal quantile for a confidence level (1.959964 for 0.95)."""
    if not 0 < level < 1:
        raise ValueError(f"level must be strictly between 0 and 1, got {level!r}")
    # ndtri is the bare C quantile: scipy.stats.norm.ppf costs ~50 us per call.
    return float(special.ndtri(0.5 + level / 2))


def _check_durations(durations, name: str = "durations") -> np.ndarray:
    t = np.asarray(durations, dtype=float)
    if t.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {t.shape}")
    if t.size == 0:
        raise ValueError(f"{name} is empty")
    if not np.isfinite(t).all():
        raise ValueError(f"{name} must be finite (no NaN or infinity)")
    if (t <= 0).any():
        raise ValueError(f"{name} must be strictly positive; smallest is {t.min()!r}")
    return t


def _check_indicator(values, n: int, name: str) -> np.ndarray:
    raw = np.asarray(values)
    if raw.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {raw.shape}")
    if raw.size != n:
        raise ValueError(f"durations and {name} have different lengths ({n} and {raw.size})")
    if raw.dtype == bool:
        return raw.astype(np.int64)
    e = raw.astype(float)
    if not np.isin(e, (0.0, 1.0)).all():
        bad = np.unique(e[~np.isin(e, (0.0, 1.0))])[:5]
        raise ValueError(f"{name} must be 0 (censored) or 1 (event); found {bad.tolist()}")
    return e.astype(np.int64)


def _check_groups(groups, n: int) -> np.ndarray:
    g = np.asarray(groups)
    if g.ndim != 1 or g.size != n:
        raise ValueError(f"durations and groups have different lengths ({n} and {g.size})")
    if pd.isna(g).any():
        raise ValueError("groups contain missing values; drop or label them first")
    return g


def _check_survival_data(durations, events, events_name: str = "events"):
    t = _check_durations(durations)
    e = _check_indicator(events, t.size, events_name)
    return t, e


def _check_times(times) -> np.ndarray:
    q = np.atleast_1d(np.asarray(times, dtype=float))
    if q.ndim != 1:
        raise ValueError(f"times must be a scalar or one-dimensional, got shape {q.shape}")
    if not np.isfinite(q).all() or (q < 0).any():
        raise ValueError("times must be finite and >= 0")
    return q


def _event_table(t: np.ndarray, e: np.ndarray):
    """Distinct times (sorted) with numbers at risk, events, censored; plus sorted t."""
    order = np.argsort(t, kind="stable")
    ts = t[order]
    es = e[order]
    n = ts.size
    first = np.flatnonzero(np.concatenate(([True], ts[1:] != ts[:-1])))
    times = ts[first]
    at_risk = n - first
    events = np.add.reduceat(es, first)
    censored = np.diff(np.append(first, n)) - events
    return times, at_risk, events, censored, ts


def _km_curve(at_risk: np.ndarray, events: np.ndarray):
    """Survival and cumulative Greenwood sum sum d/(n(n-d)) at each distinct time.

    Where every patient still at risk has the event (n == d) the Greenwood sum is
    infinite and the SE of S = 0 is undefined (NaN), as in R's survfit.
    """
    n = at_risk.astype(float)
    d = events.astype(float)
    surv = np.cumprod(1.0 - d / n)
    with np.errstate(divide="ignore", invalid="ignore"):
        greenwood = np.cumsum(np.where(d > 0, d / (n * (n - d)), 0.0))
    return surv, greenwood


def _greenwood_se(surv: np.ndarray, greenwood: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return surv * np.sqrt(greenwood)  # 0 * inf -> NaN once the curve reaches 0


def _plain_ci(surv: np.ndarray, se: np.ndarray, z: float):
    """R survfit(conf.type = "plain"): S -/+ z SE, clipped to [0, 1]; NaN stays NaN."""
    # np.maximum/np.minimum propagate NaN, as R's pmax/pmin do.
    return np.maximum(surv - z * se, 0.0), np.minimum(surv + z * se, 1.0)


def _loglog_ci(surv: np.ndarray, greenwood: np.ndarray, z: float):
    """R survfit(conf.type = "log-log"); undefined (NaN) where S is 0 or 1, as in R."""
    with np.errstate(divide="ignore", invalid="ignore"):
        xx = np.where((surv == 0) | (surv == 1), np.nan, surv)
        se_cumhaz = np.sqrt(greenwood)
        shift = z * se_cumhaz / np.log(xx)
        lower = np.exp(-np.exp(np.log(-np.log(xx)) - shift))
        upper = np.exp(-np.exp(np.log(-np.log(xx)) + shift))
    return lower, upper


# ---------------------------------------------------------------------------
# Kaplan-Meier
# ---------------------------------------------------------------------------


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

        ``time``
            the distinct time (same unit as ``durations``);
        ``at_risk``
            patients with duration >= ``time``;
        ``events``, ``censored``
            events and censorings at exactly ``time``;
        ``survival``
            Kaplan-Meier S(t), right-continuous (includes events at ``time``);
        ``greenwood_se``
            SE of S(t) by Greenwood: ``S * sqrt(sum d / (n (n - d)))``;
        ``lower``, ``upper``
            plain interval ``S -/+ z SE`` clipped to [0, 1]
            (R ``survfit(conf.type = "plain")``);
        ``lower_loglog``, ``upper_loglog``
            log-log interval (R ``survfit(conf.type = "log-log")``).

    Notes
    -----
    The plain interval is the one the paper reports. It is symmetric, can reach 0 or
    1 and is then clipped, and it covers poorly when few patients remain at risk or S
    is near 0 or 1; the log-log interval behaves better there. Both are pointwise,
    not simultaneous bands. Where S reaches 0 (every patient still at risk has the
    event) the Greenwood SE is undefined and both intervals are NaN, as in R; the
    log-log interval is also NaN where S = 1, as in R's survfit object.

    Examples
    --------
    >>> km_table([1, 2, 4, 4, 6], [0, 1, 1, 0, 1])[["time", "at_risk", "survival"]]
       time  at_risk  survival
    0   1.0        5      1.00
    1   2.0        4      0.75
    2   4.0        3      0.50
    3   6.0        1      0.00
    """
    t, e = _check_survival_data(durations, events)
    z = _z(level)
    times, at_risk, n_events, censored, _ = _event_table(t, e)
    surv, greenwood = _km_curve(at_risk, n_events)
    se = _greenwood_se(surv, greenwood)
    lower, upper = _plain_ci(surv, se, z)
    lower_ll, upper_ll = _loglog_ci(surv, greenwood, z)
    return pd.DataFrame(
        {
            "time": times,
            "at_risk": at_risk,
            "events": n_events,
            "censored": censored,
            "survival": surv,
            "greenwood_se": se,
            "lower": lower,
            "upper": upper,
            "lower_loglog": lower_ll,
            "upper_loglog": upper_ll,
        }
    )


def _km_at_checked(t: np.ndarray, e: np.ndarray, q: np.ndarray):
    times, at_risk, n_events, _, ts = _event_table(t, e)
    surv, greenwood = _km_curve(at_risk, n_events)
    idx = np.searchsorted(times, q, side="right") - 1
    before_first = idx < 0
    idx = np.maximum(idx, 0)
    s = np.where(before_first, 1.0, surv[idx])
    se = np.where(before_first, 0.0, _greenwood_se(surv[idx], greenwood[idx]))
    n_at_risk = t.size - np.searchsorted(ts, q, side="left")
    return s, se, n_at_risk


def km_at(durations, events, times) -> tuple[np.ndarray, np.ndarray]:
    """Kaplan-Meier S(t) and its Greenwood SE at given times, as numpy arrays.

    The fast core of :func:`survival_at` for loops (no DataFrame is built).

    Parameters
    ----------
    durations : array-like of float
        Time to event or censoring, strictly positive.
    events : array-like of {0, 1} or bool
        1 = event observed, 0 = censored.
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
    t, e = _check_survival_data(durations, events)
    s, se, _ = _km_at_checked(t, e, _check_times(times))
    return s, se


def survival_at(durations, events, times, level: float = 0.95) -> pd.DataFrame:
    """Kaplan-Meier S(t) with plain Greenwood interval and number at risk at given times.

    Matches R ``summary(survfit(Surv(durations, events) ~ 1, conf.type = "plain"),
    times = times, extend = TRUE)``.

    Parameters
    ----------
    durations : array-like of float
        Time to event or censoring, strictly positive.
    events : array-like of {0, 1} or bool
        1 = event observed, 0 = censored.
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
    t, e = _check_survival_data(durations, events)
    q = _check_times(times)
    z = _z(level)
    s, se, n_at_risk = _km_at_checked(t, e, q)
    lower, upper = _plain_ci(s, se, z)
    return pd.DataFrame(
        {"time": q, "survival": s, "se": se, "lower": lower, "upper": upper, "at_risk": n_at_risk}
    )


def _first_below_half(y: np.ndarray, x: np.ndarray) -> float:
    """R survival:::survmean's ``minmin``: first x where the curve y is <= 0.5.

    If the curve is exactly 0.5 there (to sqrt(machine eps)), the median is the
    midpoint between that time and the next time the curve drops lower.
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
    durations : array-like of float
        Time to event or censoring, strictly positive.
    events : array-like of {0, 1} or bool
        1 = event observed, 0 = censored.
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
    t, e = _check_survival_data(durations, events)
    z = _z(level)
    times, at_risk, n_events, _, _ = _event_table(t, e)
    surv, greenwood = _km_curve(at_risk, n_events)
    lower, upper = _plain_ci(surv, _greenwood_se(surv, greenwood), z)
    return {
        "median": _first_below_half(surv, times),
        "lower": _first_below_half(lower, times),
        "upper": _first_below_half(upper, times),
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
    t = _check_durations(durations)
    g = _check_groups(groups, t.size)
    q = _check_times(times)
    labels = pd.unique(g)
    labels = sorted(labels)
    counts = np.empty((len(labels), q.size), dtype=np.int64)
    for i, label in enumerate(labels):
        tg = np.sort(t[g == label])
        counts[i] = tg.size - np.searchsorted(tg, q, side="left")
    return pd.DataFrame(
        counts,
        index=pd.Index(labels, name="group"),
        columns=pd.Index(q, name="time"),
    )


# ---------------------------------------------------------------------------
# Log-rank test
# ---------------------------------------------------------------------------


def logrank_test(durations, events, groups) -> dict:
    """Log-rank test of equal survival across groups (R ``survdiff``, rho = 0).

    Parameters
    ----------
    durations : array-like of float
        Time to event or censoring, strictly positive.
    events : array-like of {0, 1} or bool
        1 = event observed, 0 = censored.
    groups : array-like
        Group label per patient; two or more groups.

    Returns
    -------
    dict
        ``chi2`` (float), ``df`` (int, number of groups with expected events > 0
        minus 1), ``p`` (upper tail of chi-square with ``df``), and ``observed`` and
        ``expected``: dicts group -> observed / expected number of events.

    Notes
    -----
    Weighs all event times equally, so it has most power when hazards are
    proportional; crossing curves can give a large p-value although the curves
    differ. The variance uses the hypergeometric (ties-corrected) form, as R does.
    """
    t, e = _check_survival_data(durations, events)
    g = _check_groups(groups, t.size)
    labels = sorted(pd.unique(g))
    if len(labels) < 2:
        raise ValueError("logrank_test needs at least two groups")
    event_times = np.unique(t[e == 1])
    k = len(labels)
    n_gj = np.empty((k, event_times.size))
    d_gj = np.empty((k, event_times.size))
    for i, label in enumerate(labels):
        in_group = g == label
        tg = np.sort(t[in_group])
        n_gj[i] = tg.size - np.searchsorted(tg, event_times, side="left")
        dg = np.sort(t[in_group & (e == 1)])
        d_gj[i] = np.searchsorted(dg, event_times, side="right") - np.searchsorted(
            dg, event_times, side="left"
        )
    n_j = n_gj.sum(axis=0)
    d_j = d_gj.sum(axis=0)
    share = n_gj / n_j
    observed = d_gj.sum(axis=1)
    expected = (share * d_j).sum(axis=1)
    # Hypergeometric variance; a time with a single patient at risk contributes 0.
    with np.errstate(invalid="ignore", divide="ignore"):
        scale = np.where(n_j > 1, d_j * (n_j - d_j) / (n_j - 1), 0.0)
    var = np.einsum("j,gj,hj->gh", scale, share, -share)
    var[np.diag_indices(k)] += (scale * share).sum(axis=1)
    # As R: keep groups with expected > 0, drop the first of them, solve.
    used = np.flatnonzero(expected > 0)
    df = used.size - 1
    if df < 1:
        chi2 = 0.0
    else:
        keep = used[1:]
        diff = (observed - expected)[keep]
        chi2 = float(diff @ np.linalg.solve(var[np.ix_(keep, keep)], diff))
    p = float(stats.chi2.sf(chi2, df)) if df >= 1 else math.nan
    return {
        "chi2": chi2,
        "df": int(df),
        "p": p,
        "observed": {label: float(o) for label, o in zip(labels, observed)},
        "expected": {label: float(x) for label, x in zip(labels, expected)},
    }


# ---------------------------------------------------------------------------
# Cox model
# ---------------------------------------------------------------------------


def _cox_frame(df: pd.DataFrame, duration_col: str, event_col: str, covariates: Sequence[str]):
    if isinstance(covariates, str):
        covariates = [covariates]
    covariates = list(covariates)
    missing = [c for c in [duration_col, event_col, *covariates] if c not in df.columns]
    if missing:
        raise ValueError(f"columns not in the data frame: {missing}")
    if not covariates:
        raise ValueError("at least one covariate is needed")
    frame = df[[duration_col, event_col, *covariates]].reset_index(drop=True)
    _check_survival_data(frame[duration_col].to_numpy(), frame[event_col].to_numpy(), event_col)
    if frame[covariates].isna().any().any():
        raise ValueError("covariates contain missing values")
    return frame, covariates


def _fit_cox(frame: pd.DataFrame, duration_col: str, event_col: str, level: float):
    from lifelines import CoxPHFitter  # lifelines import is slow; only pay it here

    cph = CoxPHFitter(alpha=1 - level)  # Efron ties, no penalty: R coxph's defaults
    # lifelines' default stop (Newton decrement < 1e-7) leaves coefficients ~1e-6
    # (relative) from R's; a tighter precision leaves R's criterion (relative change
    # of the log-likelihood < 1e-9, lifelines' r_precision) to stop, and the fits
    # then agree to ~1e-8.
    cph.fit(frame, duration_col=duration_col, event_col=event_col, fit_options={"precision": 1e-12})
    return cph


def cox_model(
    df: pd.DataFrame,
    duration_col: str,
    event_col: str,
    covariates: Sequence[str],
    level: float = 0.95,
) -> pd.DataFrame:
    """Cox proportional-hazards model: hazard ratios with Wald intervals and p-values.

    Fitted by Newton-Raphson on the partial likelihood with Efron's method for tied
    times and no penalty (:func:`_efron_fit`, vectorised numpy: a 100,000-patient
    cohort fits in well under a second), the same model and stopping rule as R
    ``coxph(Surv(t, e) ~ covariates)``.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per patient.
    duration_col : str
        Column with time to event or censoring (strictly positive).
    event_col : str
        Column with 1 = event, 0 = censored.
    covariates : sequence of str
        Numeric covariate columns (code a comparison as 0/1, e.g. ``progressive``).
    level : float, default 0.95
        Confidence level of the intervals.

    Returns
    -------
    pandas.DataFrame
        Index = covariate; columns ``coef`` (log hazard ratio), ``se``,
        ``hazard_ratio``, ``lower``, ``upper`` (``exp(coef -/+ z se)``), ``z`` and ``p``
        (two-sided Wald), as in R ``summary(coxph(...))``.

    Notes
    -----
    The hazard ratio summarises a whole follow-up as one number and misleads when
    hazards are not proportional (curves that converge or cross): check
    :func:`cox_ph_test` and the Kaplan-Meier curves. With few events per covariate
    the Wald interval is too narrow.
    """
    frame, covariates = _cox_frame(df, duration_col, event_col, covariates)
    z = _z(level)
    coef, covariance, _ = _efron_fit(frame[covariates].to_numpy(dtype=float),
                                     frame[duration_col].to_numpy(dtype=float),
                                     frame[event_col].to_numpy().astype(np.int64))
    se = np.sqrt(np.diag(covariance))
    wald = coef / se
    return pd.DataFrame(
        {
            "coef": coef,
            "se": se,
            "hazard_ratio": np.exp(coef),
            "lower": np.exp(coef - z * se),
            "upper": np.exp(coef + z * se),
            "z": wald,
            "p": 2 * stats.norm.sf(np.abs(wald)),
        },
        index=pd.Index(covariates, name="covariate"),
    )


def _zph_transform(transform: str, durations: np.ndarray, events: np.ndarray) -> np.ndarray:
    """g(t) per patient as R cox.zph computes it (before centring)."""
    if transform == "km":
        # 1 - S(t-): left-continuous KM of the model's own data, as R's cox.zph.
        times, at_risk, n_events, _, _ = _event_table(durations, events)
        surv, _ = _km_curve(at_risk, n_events)
        idx = np.searchsorted(times, durations, side="left")  # times strictly < t
        return 1.0 - np.concatenate(([1.0], surv))[idx]
    if transform == "identity":
        return durations.astype(float)
    if transform == "log":
        return np.log(durations)
    raise ValueError(f"transform must be 'km', 'identity' or 'log', got {transform!r}")


def _efron_terms(x: np.ndarray, t: np.ndarray, e: np.ndarray, eta: np.ndarray) -> dict:
    """Risk-set sums of the Cox partial likelihood with Efron's ties, at linear predictor eta.

    Returns the per-block sums (a block = the patients tied at one time, sorted by
    decreasing time) and one Efron term per death: ``den`` (the term's denominator,
    on a scale shifted by ``shift``), ``mean`` (weighted covariate mean) and ``v``
    (weighted covariance). The deaths of a block enter their own risk set with
    weight f = k/d, k = 1..d. Vectorised: one pass of cumulative sums, no loop over times.
    """
    order = np.argsort(-t, kind="stable")
    t, e, x, eta = t[order], e[order], x[order], eta[order]
    shift = eta.max()
    risk = np.exp(eta - shift)
    p = x.shape[1]
    xx = x[:, :, None] * x[:, None, :]
    # Risk-set sums over durations >= t: cumulative sums going back in time, read at
    # the last row of each block of tied times.
    last_of_tie = np.flatnonzero(np.append(t[1:] != t[:-1], True))
    s0 = np.cumsum(risk)[last_of_tie]
    s1 = np.cumsum(risk[:, None] * x, axis=0)[last_of_tie]
    s2 = np.cumsum(risk[:, None, None] * xx, axis=0)[last_of_tie]
    block = np.repeat(np.arange(last_of_tie.size), np.diff(np.append(-1, last_of_tie)))
    d = np.bincount(block, weights=e, minlength=last_of_tie.size)
    dead = e == 1
    d0 = np.bincount(block[dead], weights=risk[dead], minlength=last_of_tie.size)
    d1 = np.stack([np.bincount(block[dead], weights=risk[dead] * x[dead, j], minlength=last_of_tie.size)
                   for j in range(p)], axis=1)
    d2 = np.stack([np.stack([np.bincount(block[dead], weights=risk[dead] * xx[dead, j, k],
                                         minlength=last_of_tie.size) for k in range(p)], axis=1)
                   for j in range(p)], axis=1)
    sum_x_dead = np.stack([np.bincount(block[dead], weights=x[dead, j], minlength=last_of_tie.size)
                           for j in range(p)], axis=1)
    has_death = np.flatnonzero(d > 0)
    term_block = np.repeat(has_death, d[has_death].astype(int))
    k = np.concatenate([np.arange(1, int(n) + 1) for n in d[has_death]]) if has_death.size else np.zeros(0)
    f = k / d[term_block]
    den = (s0 - d0)[term_block] + f * d0[term_block]
    a = (s1 - d1)[term_block] + f[:, None] * d1[term_block]
    c = (s2 - d2)[term_block] + f[:, None, None] * d2[term_block]
    mean = a / den[:, None]
    v = c / den[:, None, None] - mean[:, :, None] * mean[:, None, :]
    return {"order": order, "block": block, "dead": dead, "has_death": has_death,
            "term_block": term_block, "den": den, "shift": shift, "mean": mean, "v": v,
            "sum_x_dead": sum_x_dead, "eta_dead": eta[dead].sum()}


def _efron_fit(x: np.ndarray, t: np.ndarray, e: np.ndarray, max_iter: int = 50):
    """Newton-Raphson fit of the Cox model with Efron's ties (R coxph's defaults).

    Returns (beta, covariance, log partial likelihood). Newton steps (halved if a
    step lowers the log-likelihood) go on until the step is below 1e-10 in every
    coefficient: tighter than R's stop (log-likelihood change below 1e-9 relative),
    so the estimate is the optimum itself to many more digits than any table shows,
    whatever the starting point. ``x`` is centred first (as R does), which leaves
    beta unchanged.
    """
    x = x - x.mean(axis=0)
    beta = np.zeros(x.shape[1])

    def evaluate(b):
        terms = _efron_terms(x, t, e, x @ b)
        loglik = terms["eta_dead"] - np.log(terms["den"]).sum() - terms["den"].size * terms["shift"]
        score = terms["sum_x_dead"][terms["has_death"]].sum(axis=0) - terms["mean"].sum(axis=0)
        return loglik, score, terms["v"].sum(axis=0)

    loglik, score, info = evaluate(beta)
    for _ in range(max_iter):
        step = np.linalg.solve(info, score)
        for _halving in range(30):
            new = evaluate(beta + step)
            if new[0] >= loglik - 1e-12 * abs(loglik):
                break
            step /= 2
        converged = np.max(np.abs(step)) < 1e-10
        beta = beta + step
        loglik, score, info = new
        if converged:
            break
    return beta, np.linalg.inv(info), loglik


def _zph_score_test(x: np.ndarray, eta: np.ndarray, t: np.ndarray, e: np.ndarray, g: np.ndarray):
    """Score u and information of the model extended by x * g(t) at the fitted beta.

    A numpy transcription of the quantities survival's C routine zph1 accumulates
    (Efron ties, unit weights): u has zeros for x and sum g_i (x_i - xbar_i) for
    x * g(t); the information has blocks sum V, sum g V, sum g^2 V over the Efron
    terms of every death.
    """
    x = x - x.mean(axis=0)
    terms = _efron_terms(x, t, e, eta)
    p = x.shape[1]
    g = g[terms["order"]]
    dead, block, has_death = terms["dead"], terms["block"], terms["has_death"]
    gt = np.zeros(terms["sum_x_dead"].shape[0])
    gt[block[dead]] = g[dead]
    gk = gt[terms["term_block"]]
    mean, v = terms["mean"], terms["v"]
    u2 = (gt[has_death, None] * terms["sum_x_dead"][has_death]).sum(axis=0)
    u2 -= (gk[:, None] * mean).sum(axis=0)
    info = np.empty((2 * p, 2 * p))
    info[:p, :p] = v.sum(axis=0)
    info[:p, p:] = info[p:, :p] = (gk[:, None, None] * v).sum(axis=0)
    info[p:, p:] = (gk[:, None, None] ** 2 * v).sum(axis=0)
    return u2, info


def cox_ph_test(
    df: pd.DataFrame,
    duration_col: str,
    event_col: str,
    covariates: Sequence[str],
    transform: str = "km",
    method: str = "score",
) -> pd.DataFrame:
    """Test of proportional hazards from Schoenfeld residuals (R ``cox.zph``).

    Parameters
    ----------
    df, duration_col, event_col, covariates
        As in :func:`cox_model`; the model is refitted here.
    transform : {"km", "identity", "log"}, default "km"
        Time scale g(t) on which a trend of the residuals is tested. ``"km"`` is R's
        default: ``g(t) = 1 - S(t-)``, one minus the left-continuous Kaplan-Meier
        curve of the model's own data (all groups pooled, events of the model).
    method : {"score", "grambsch-therneau"}, default "score"
        ``"score"``: the score test for adding ``x * g(t)`` to the model, with the
        full information matrix (Efron ties), as R ``cox.zph`` computes it since
        survival 3.0; matches R to rounding. ``"grambsch-therneau"``: the
        Grambsch & Therneau (1994) approximation, computed by lifelines
        ``proportional_hazard_test`` (given R's g(t) above, not lifelines' own
        right-continuous ``"km"``), equal to R's ``cox.zph`` before survival 3.0.

    Returns
    -------
    pandas.DataFrame
        Index = covariate, plus ``GLOBAL`` when there is more than one covariate;
        columns ``chi2``, ``df`` and ``p`` (upper tail of chi-square).

    Notes
    -----
    The two methods differ. The 1994 approximation replaces the variance of the
    Schoenfeld residuals at each death by its average over deaths; it is close
    when covariates have similar spread over time and can be far off otherwise
    (on R's ``lung`` data, age: chi2 0.129 vs 0.209 for the score test). lifelines'
    own ``time_transform="km"`` also uses the right-continuous S(t) instead of
    S(t-). Only ``method="score"`` reproduces current R.

    A small p-value says the hazard ratio changes over time (on the g scale), so
    one hazard ratio from :func:`cox_model` summarises it badly; a large p-value in
    a small cohort is weak evidence of proportionality (low power). Plot the scaled
    residuals against g(t) before trusting either.
    """
    frame, covariates = _cox_frame(df, duration_col, event_col, covariates)
    t = frame[duration_col].to_numpy(dtype=float)
    e = frame[event_col].to_numpy().astype(np.int64)
    g = _zph_transform(transform, t, e)
    g = g - g[e == 1].mean()
    x = frame[covariates].to_numpy(dtype=float)
    beta, _, _ = _efron_fit(x, t, e)
    p = len(covariates)
    index = covariates + (["GLOBAL"] if p > 1 else [])
    if method == "score":
        eta = (x - x.mean(axis=0)) @ beta
        u2, info = _zph_score_test(x, eta, t, e, g)
        chi2 = []
        for j in range(p):
            keep = list(range(p)) + [p + j]
            u = np.zeros(p + 1)
            u[p] = u2[j]
            chi2.append(float(u @ np.linalg.solve(info[np.ix_(keep, keep)], u)))
        if p > 1:
            u = np.concatenate((np.zeros(p), u2))
            chi2.append(float(u @ np.linalg.solve(info, u)))
    elif method == "grambsch-therneau":
        from lifelines.statistics import proportional_hazard_test

        cph = _fit_cox(frame, duration_col, event_col, 0.95)
        # lifelines sorts the fitted data by duration and hands the sorted
        # durations and events to the transform; return R's g(t) in that order.
        def r_transform(durations, events, weights):
            t_sorted = np.asarray(durations, dtype=float)
            g = _zph_transform(transform, t_sorted, np.asarray(events).astype(np.int64))
            return pd.Series(g)  # lifelines calls .values on the result

        result = proportional_hazard_test(cph, frame, time_transform=r_transform)
        chi2 = [float(v) for v in np.atleast_1d(result.test_statistic)]
        if p > 1:
            # Global statistic of the same approximation (not computed by lifelines):
            # (g'R) V (g'R)' * deaths / sum g^2, R the unscaled Schoenfeld residuals.
            resid = cph.compute_residuals(frame, kind="schoenfeld")
            gd = r_transform(cph.durations, cph.event_observed, None).to_numpy()
            gd = gd[cph.event_observed.to_numpy() == 1]
            gd = gd - gd.mean()
            ut = gd @ resid[covariates].to_numpy()
            n_dead = int(e.sum())
            chi2.append(float(ut @ cph.variance_matrix_.to_numpy() @ ut * n_dead / (gd @ gd)))
    else:
        raise ValueError(f"method must be 'score' or 'grambsch-therneau', got {method!r}")
    dfs = [1] * p + ([p] if p > 1 else [])
    return pd.DataFrame(
        {"chi2": chi2, "df": dfs, "p": stats.chi2.sf(chi2, dfs)},
        index=pd.Index(index, name="covariate"),
    )


# ---------------------------------------------------------------------------
# Restricted mean, follow-up, binomial interval
# ---------------------------------------------------------------------------


def restricted_mean(durations, events, tau: float, level: float = 0.95) -> dict[str, float]:
    """Restricted mean survival time: area under the Kaplan-Meier curve up to ``tau``.

    Parameters
    ----------
    durations : array-like of float
        Time to event or censoring, strictly positive.
    events : array-like of {0, 1} or bool
        1 = event observed, 0 = censored.
    tau : float
        Truncation time (> 0, unit of ``durations``).
    level : float, default 0.95
        Confidence level of the interval ``rmst -/+ z se``.

    Returns
    -------
    dict
        ``rmst`` (mean event-free time within [0, tau], unit of ``durations``), ``se``,
        ``lower``, ``upper`` (plain normal interval, lower clipped at 0).

    Notes
    -----
    ``Var = sum over event times t_j <= tau of A_j^2 d_j / (n_j (n_j - d_j))`` with
    ``A_j`` the area under the curve from t_j to tau, and a term of 0 where
    ``n_j = d_j``. This is exactly what R prints as ``se(rmean)`` in
    ``print(survfit(...), rmean = tau)`` / ``summary(fit, rmean = tau)$table``
    (survival 3.5-3 ``survmean``: no ``n / (n - 1)`` factor, checked against its
    source and output). lifelines' ``restricted_mean_survival_time(...,
    return_variance=True)`` returns a different, wrong variance (lifelines issue
    1682) and is not used.

    If ``tau`` lies beyond the last follow-up the curve is carried forward flat to
    ``tau`` (as R does), which assumes what was not observed; choose ``tau`` within
    the follow-up of every group compared. R refuses a ``tau`` before the first
    observed time; here the answer is then ``tau`` with SE 0.
    """
    t, e = _check_survival_data(durations, events)
    if not (np.isfinite(tau) and tau > 0):
        raise ValueError(f"tau must be finite and > 0, got {tau!r}")
    z = _z(level)
    times, at_risk, n_events, _, _ = _event_table(t, e)
    surv, _ = _km_curve(at_risk, n_events)
    keep = times <= tau
    step_times = np.append(times[keep], tau)
    # Survival level on each interval [previous time, step_times[i]).
    levels = np.concatenate(([1.0], surv[keep]))
    widths = np.diff(np.concatenate(([0.0], step_times)))
    rectangles = widths * levels
    rmst = float(rectangles.sum())
    # Area from each kept time to tau = sum of the rectangles after it.
    area_after = np.cumsum(rectangles[::-1])[::-1][1:]
    n = at_risk[keep].astype(float)
    d = n_events[keep].astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        hazard_term = np.where((d > 0) & (n > d), d / (n * (n - d)), 0.0)
    se = math.sqrt(float((area_after**2 * hazard_term).sum()))
    return {"rmst": rmst, "se": se, "lower": max(rmst - z * se, 0.0), "upper": rmst + z * se}


def reverse_km_median_followup(followup_years, died, level: float = 0.95) -> dict[str, float]:
    """Median follow-up by the reverse Kaplan-Meier method.

    The Kaplan-Meier curve of the time to censoring: ending follow-up alive is the
    "event" (indicator ``1 - died``) and a death censors the follow-up time.

    Parameters
    ----------
    followup_years : array-like of float
        Time from transplant to last contact or death, strictly positive.
    died : array-like of {0, 1} or bool
        1 if follow-up ended by death, 0 if the patient was alive at last contact.
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    dict
        ``median``, ``lower``, ``upper`` in the unit of ``followup_years``: the median
        of the reverse KM and its interval from the plain Greenwood bands, equal to
        R ``summary(survfit(Surv(t, 1 - died) ~ 1, conf.type = "plain"))$table``
        (``median``, ``0.95LCL``, ``0.95UCL``). NaN where a curve never reaches 0.5.

    Notes
    -----
    Unlike the plain median of observed follow-up times, it does not treat early
    deaths as short follow-up. It estimates the potential follow-up (time to
    database closure) and misleads when losses to follow-up depend on prognosis.
    R's default ``print(survfit(...))`` uses log bands for the interval
    (``conf.type = "log"``), so its limits differ from these.
    """
    t = _check_durations(followup_years, "followup_years")
    d = _check_indicator(died, t.size, "died")
    return km_median(t, 1 - d, level=level)


def clopper_pearson(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Exact (Clopper-Pearson) confidence interval for a binomial proportion k / n.

    Parameters
    ----------
    k : int
        Number of successes, 0 <= k <= n.
    n : int
        Number of trials, n >= 1.
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    (lower, upper) : tuple of float
        As R ``binom.test(k, n, conf.level = level)$conf.int``; lower is 0 when
        k = 0 and upper is 1 when k = n.

    Notes
    -----
    Conservative: the coverage is at least ``level`` and often above it. A crude
    proportion ignores censoring; for time-to-event outcomes use the KM estimate.
    """
    if int(k) != k or int(n) != n:
        raise ValueError(f"k and n must be integers, got {k!r} and {n!r}")
    k, n = int(k), int(n)
    if n < 1 or not 0 <= k <= n:
        raise ValueError(f"need n >= 1 and 0 <= k <= n, got k={k}, n={n}")
    alpha = 1 - level
    _z(level)  # validates level
    lower = 0.0 if k == 0 else float(stats.beta.ppf(alpha / 2, k, n - k + 1))
    upper = 1.0 if k == n else float(stats.beta.ppf(1 - alpha / 2, k + 1, n - k))
    return lower, upper


# ---------------------------------------------------------------------------
# Chart data
# ---------------------------------------------------------------------------


def km_steps(
    durations, events, level: float = 0.95, time_resolution: float = 1 / 12
) -> pd.DataFrame:
    """Aggregated Kaplan-Meier step data for charts, with no exact patient time in it.

    The curve is estimated on the exact times, then sampled on a grid of width
    ``time_resolution``: a row appears at each grid time where the curve has
    dropped since the previous grid time (at ``k * time_resolution``, the end of the
    grid interval that contains the events), plus time 0 and a last row at the
    end of the grid interval holding the last follow-up.

    Parameters
    ----------
    durations : array-like of float
        Time to event or censoring, strictly positive (years in this book).
    events : array-like of {0, 1} or bool
        1 = event observed, 0 = censored.
    level : float, default 0.95
        Confidence level of the plain interval.
    time_resolution : float, default 1/12
        Grid width in the unit of ``durations`` (one month for years).

    Returns
    -------
    pandas.DataFrame
        One row per grid interval with events (plus the first and last rows), never
        one per patient, with columns

        ``time``
            grid time ``k * time_resolution`` (rounded to 10 decimals);
        ``survival``, ``lower``, ``upper``
            the exact KM estimate and plain interval at ``time`` (they equal the
            values after the last event of the interval);
        ``at_risk``
            patients whose time falls in this grid interval or later, i.e. at risk
            at the start of the interval ending at ``time``;
        ``events``
            events in the grid interval ending at ``time``;
        ``censored_since_previous``
            censorings after the previous row's grid interval, up to and including
            this one (where to draw censoring ticks).

        ``events`` and ``censored_since_previous`` add up to the number of
        patients.

    Notes
    -----
    Each displayed drop can lag the exact event by up to one ``time_resolution``,
    and events within one interval appear as one step; at the grid times the curve
    is exact. Use this for display only; take reported numbers from
    :func:`survival_at`. Where the curve reaches 0 the interval is NaN, as in R.
    Small numbers at risk per row can still identify patients in a tiny cohort.
    """
    t, e = _check_survival_data(durations, events)
    if not (np.isfinite(time_resolution) and time_resolution > 0):
        raise ValueError(f"time_resolution must be finite and > 0, got {time_resolution!r}")
    z = _z(level)
    times, at_risk, n_events, censored, _ = _event_table(t, e)
    surv, greenwood = _km_curve(at_risk, n_events)
    se = _greenwood_se(surv, greenwood)
    lower, upper = _plain_ci(surv, se, z)
    # Grid interval of each distinct time: (k - 1) res < t <= k res. The small
    # offset keeps t = 1.0 year in month 12 despite floating point (1 / (1/12)).
    cell = np.ceil(times / time_resolution - 1e-9).astype(np.int64)
    cell_of_patient = np.ceil(t / time_resolution - 1e-9).astype(np.int64)

    has_event = n_events > 0
    event_cells, last_idx = np.unique(cell[has_event][::-1], return_index=True)
    last_idx = np.flatnonzero(has_event)[::-1][last_idx]  # last event time in each cell
    row_cells = np.concatenate(([0], event_cells))
    last_cell = int(cell.max())
    if last_cell > row_cells[-1]:
        row_cells = np.append(row_cells, last_cell)
        last_idx = np.append(last_idx, times.size - 1)
    # The tail row reads the last distinct time: the curve is flat after the last event.
    s_row = np.concatenate(([1.0], surv[last_idx]))
    lo_row = np.concatenate(([1.0], lower[last_idx]))
    up_row = np.concatenate(([1.0], upper[last_idx]))

    sorted_cells = np.sort(cell_of_patient)
    at_risk_row = t.size - np.searchsorted(sorted_cells, row_cells, side="left")
    at_risk_row[0] = t.size
    # Events in each row's cell; censorings in (previous row's cell, this row's cell].
    events_row = np.bincount(cell, weights=n_events, minlength=last_cell + 1)[row_cells]
    cens_cum = np.cumsum(np.bincount(cell, weights=censored, minlength=last_cell + 1))
    cens_row = np.diff(np.concatenate(([0.0], cens_cum[row_cells])))
    return pd.DataFrame(
        {
            "time": np.round(row_cells * float(time_resolution), 10),
            "survival": s_row,
            "lower": lo_row,
            "upper": up_row,
            "at_risk": at_risk_row.astype(np.int64),
            "events": events_row.astype(np.int64),
            "censored_since_previous": cens_row.astype(np.int64),
        }
    )
