"""Exact confidence interval for a binomial proportion (scipy)."""

from __future__ import annotations

from scipy import stats

from hsct_ms.stats._checks import z_quantile


def clopper_pearson(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Exact (Clopper-Pearson) confidence interval for a binomial proportion k / n.

    Computed by ``scipy.stats.binomtest(k, n).proportion_ci(level, "exact")``.

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
    z_quantile(level)  # validates level with the same message as the other functions
    ci = stats.binomtest(k, n).proportion_ci(confidence_level=level, method="exact")
    return float(ci.low), float(ci.high)
