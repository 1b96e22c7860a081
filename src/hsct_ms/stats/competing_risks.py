"""Cumulative incidence with a competing event (Aalen-Johansen), deterministic.

lifelines' :class:`~lifelines.AalenJohansenFitter` computes the estimate, but when two
events of different types share a time it moves event times by a random amount
(``jitter_level``, drawn through numpy's global random state). That makes results
change from run to run, and a move past a censoring time at the same instant changes
who is at risk. :func:`break_ties` removes the ties first, deterministically and
without changing the estimate (see its Notes), so lifelines never jitters.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from lifelines import AalenJohansenFitter

__all__ = ["break_ties", "cumulative_incidence"]


def break_ties(durations, events) -> np.ndarray:
    """Durations with tied event times made distinct, the estimate unchanged.

    Parameters
    ----------
    durations : array-like of float
        Time to the first event or to censoring, strictly positive.
    events : array-like of int
        0 = censored, any other integer = the type of event observed at ``durations``.

    Returns
    -------
    numpy.ndarray
        A copy of ``durations`` in which the k-th (k = 0, 1, ...) of m events at the
        same time ``t`` is moved to ``t - k * eps``; censorings never move. ``eps`` is
        the smallest gap between distinct times divided by ``2 * m_max``, so no event
        crosses another distinct time.

    Notes
    -----
    Why the Aalen-Johansen estimate does not change: with ``n`` at risk just before
    ``t`` and overall survival ``S(t-)``, the tied events at ``t`` add
    ``S(t-) d_k / n`` to the cumulative incidence of type ``k``; taken one after the
    other, the j-th event (j = 0..m-1) adds ``S(t-) (n - j) / n * 1 / (n - j) = S(t-) / n``
    to its type, the same total, and overall survival ends at ``S(t-) (n - m) / n`` in
    both cases. Events move earlier, never later, so patients censored at ``t`` stay at
    risk for all of them (the usual convention: events before censorings at one time).
    Values read at ``t`` or later are therefore identical; only the curve inside
    ``(t - m eps, t)`` differs.
    """
    t = np.asarray(durations, dtype=float).copy()
    e = np.asarray(events)
    is_event = e != 0
    times, counts = np.unique(t[is_event], return_counts=True)
    if not len(times) or counts.max() == 1:
        return t
    distinct = np.unique(t)
    gap = np.diff(distinct).min() if len(distinct) > 1 else max(distinct[0], 1.0)
    eps = min(gap, distinct[0]) / (2 * counts.max())
    order = np.flatnonzero(is_event)[np.argsort(t[is_event], kind="stable")]
    sorted_times = t[order]
    rank_within_time = np.arange(len(order)) - np.searchsorted(sorted_times, sorted_times, side="left")
    t[order] = sorted_times - rank_within_time * eps
    return t


def cumulative_incidence(durations, events, times, event_of_interest: int = 1) -> pd.DataFrame:
    """Aalen-Johansen cumulative incidence of one event type at given times.

    Parameters
    ----------
    durations : array-like of float
        Time to the first event or to censoring, strictly positive (years here).
    events : array-like of int
        0 = censored; ``event_of_interest`` = the event estimated; any other positive
        integer = a competing event (one that prevents the event of interest).
    times : array-like of float
        Times at which to read the estimate (the curve is right-continuous).
    event_of_interest : int, default 1

    Returns
    -------
    pandas.DataFrame
        ``time`` and ``cumulative_incidence`` (proportion), one row per requested time.
        Equals R ``summary(survfit(Surv(t, factor(status, 0:2)) ~ 1), times)$pstate``
        for the state of the event of interest.

    Notes
    -----
    No interval: lifelines' variance loops over every event time and is too slow for
    registry-sized cohorts, and the point estimate is what the sensitivity comparison
    needs. Ties are removed by :func:`break_ties`, so the result is the same on every run.
    """
    e = np.asarray(events, dtype=int)
    t = break_ties(durations, e)
    fitter = AalenJohansenFitter(calculate_variance=False)
    fitter.fit(t, e, event_of_interest=event_of_interest)
    curve = fitter.cumulative_density_.iloc[:, 0]
    q = np.asarray(times, dtype=float)
    idx = np.searchsorted(curve.index.to_numpy(float), q, side="right") - 1
    values = np.where(idx >= 0, curve.to_numpy(float)[np.clip(idx, 0, None)], 0.0)
    return pd.DataFrame({"time": q, "cumulative_incidence": values})
