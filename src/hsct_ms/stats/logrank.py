"""Log-rank test across groups, from lifelines (R ``survdiff``, rho = 0)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from lifelines.statistics import multivariate_logrank_test
from scipy import stats

from hsct_ms.stats._checks import check_groups, check_survival_data


def logrank_test(durations, events, groups) -> dict:
    """Log-rank test of equal survival across groups (R ``survdiff``, rho = 0).

    The statistic is lifelines' ``multivariate_logrank_test``.

    Parameters
    ----------
    durations, events : array-like
        As in :func:`hsct_ms.stats.km_table`: times (strictly positive) and 1 = event,
        0 = censored.
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
    lifelines does not return the observed and expected counts, and counts a group
    nobody of which is at risk at any event time in its degrees of freedom where R
    does not: :func:`observed_expected` supplies both, and ``p`` uses R's ``df``.
    """
    t, e = check_survival_data(durations, events)
    g = check_groups(groups, t.size)
    labels = sorted(pd.unique(g))
    if len(labels) < 2:
        raise ValueError("logrank_test needs at least two groups")
    observed, expected = observed_expected(t, e, g, labels)
    df = int((expected > 0).sum()) - 1
    chi2 = float(multivariate_logrank_test(t, g, e).test_statistic) if df >= 1 else 0.0
    return {
        "chi2": chi2,
        "df": df,
        "p": float(stats.chi2.sf(chi2, df)) if df >= 1 else math.nan,
        "observed": {label: float(o) for label, o in zip(labels, observed)},
        "expected": {label: float(x) for label, x in zip(labels, expected)},
    }


def observed_expected(t: np.ndarray, e: np.ndarray, g: np.ndarray, labels) -> tuple[np.ndarray, np.ndarray]:
    """Observed and expected events per group, R ``survdiff``'s ``obs`` and ``exp``.

    Own code: lifelines computes these inside ``multivariate_logrank_test`` but does
    not return them. Expected = sum over event times of n_g / n * d.
    """
    event_times, d_j = np.unique(t[e == 1], return_counts=True)
    n_j = t.size - np.searchsorted(np.sort(t), event_times, side="left")
    observed = np.array([e[g == label].sum() for label in labels], dtype=float)
    n_gj = [(g == label).sum() - np.searchsorted(np.sort(t[g == label]), event_times, side="left")
            for label in labels]
    expected = np.array([(n / n_j * d_j).sum() for n in n_gj])
    return observed, expected
