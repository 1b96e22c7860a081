"""Arithmetic on published survival estimates and intervals alone (tier 2 of the evidence).

Everything here uses only numbers a paper prints (estimates and their 95% intervals at
a few time points), so its results hold whatever the study's patients were: they do not
depend on any reconstruction. Survival values are proportions (0.855, not 85.5) and
times are in years.

The approximations are the usual ones and are stated where they are used:

- a published symmetric 95% interval ``S -/+ z SE`` gives back ``SE = (upper - lower) / (2 z)``;
- two groups of different patients are independent, so the variance of a difference is
  the sum of the two variances, and ``difference / SE`` is compared with the normal law.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats as scipy_stats

__all__ = [
    "Z_95",
    "se_from_interval",
    "difference_from_intervals",
    "conditional_survival",
    "average_hazard",
    "rmst_bounds",
    "difference_bounds",
]

#: The normal quantile of a two-sided 95% interval, as papers print intervals.
Z_95 = 1.959964


def se_from_interval(lower: float, upper: float, z: float = Z_95) -> float:
    """Standard error implied by a symmetric interval ``estimate -/+ z SE``.

    Examples
    --------
    >>> round(se_from_interval(0.769, 0.941), 6)
    0.043878
    """
    if upper < lower:
        raise ValueError(f"interval upper bound {upper} is below its lower bound {lower}")
    return (upper - lower) / (2 * z)


def difference_from_intervals(estimate_a: float, lower_a: float, upper_a: float,
                              estimate_b: float, lower_b: float, upper_b: float,
                              z: float = Z_95) -> dict[str, float]:
    """Difference ``a - b`` of two independent published estimates, with 95% interval and p.

    Parameters
    ----------
    estimate_a, lower_a, upper_a : float
        First estimate and the bounds of its symmetric 95% interval.
    estimate_b, lower_b, upper_b : float
        Second estimate and its bounds (other patients: independent of the first).
    z : float
        The quantile the intervals were built with (1.959964 for 95%).

    Returns
    -------
    dict
        ``difference``, ``se`` (``sqrt(se_a**2 + se_b**2)``), ``lower``, ``upper``
        (``difference -/+ z se``), ``z_statistic`` and the two-sided normal ``p``.

    Notes
    -----
    Misleads when the published intervals were not symmetric normal intervals, or when
    the two groups share patients. Survival estimates near 0 or 1 with few patients at
    risk are far from normal; the interval can then cross the range of a proportion.
    """
    se = math.hypot(se_from_interval(lower_a, upper_a, z), se_from_interval(lower_b, upper_b, z))
    difference = estimate_a - estimate_b
    z_statistic = difference / se
    return {
        "difference": difference,
        "se": se,
        "lower": difference - z * se,
        "upper": difference + z * se,
        "z_statistic": z_statistic,
        "p": float(2 * scipy_stats.norm.sf(abs(z_statistic))),
    }


def conditional_survival(survival_earlier: float, survival_later: float) -> float:
    """Share of those event-free at the earlier time still event-free at the later one.

    ``S(later) / S(earlier)``: for example S(10) / S(5), the chance of staying free from
    5 to 10 years for a patient free at 5 years.
    """
    if not 0 < survival_earlier <= 1 or not 0 <= survival_later <= survival_earlier:
        raise ValueError("need 0 < S(earlier) <= 1 and 0 <= S(later) <= S(earlier)")
    return survival_later / survival_earlier


def average_hazard(survival_start: float, survival_end: float, years: float) -> float:
    """Average hazard (per year) over an interval: ``-ln(S(end) / S(start)) / years``.

    It is the constant hazard that would take the curve from ``S(start)`` to ``S(end)``
    in ``years``; it says nothing about the shape of the hazard inside the interval.
    """
    if years <= 0:
        raise ValueError("years must be positive")
    return -math.log(conditional_survival(survival_start, survival_end)) / years


def rmst_bounds(times, survival, tau: float) -> tuple[float, float]:
    """Bounds on the restricted mean survival time to ``tau`` from a few curve points.

    The only assumption is that the survival curve starts at 1 at time 0 and never
    rises. Between two published points it lies between the later point (lowest
    possible) and the earlier one (highest possible), so the area under it to ``tau``
    lies between the two step functions through the points.

    Parameters
    ----------
    times : sequence of float
        Increasing times of the published points, the last equal to ``tau``.
    survival : sequence of float
        The published survival at those times (proportions, non-increasing).
    tau : float
        Restriction time.

    Returns
    -------
    (lower, upper) : tuple of float
        In the unit of ``times``. With points at 5 and 10 years and ``tau = 10``:
        ``5 S(5) + 5 S(10)`` and ``5 * 1 + 5 S(5)``.
    """
    t = np.concatenate([[0.0], np.asarray(times, dtype=float)])
    s = np.concatenate([[1.0], np.asarray(survival, dtype=float)])
    if not np.isclose(t[-1], tau) or np.any(np.diff(t) <= 0):
        raise ValueError("times must increase and end at tau")
    if np.any(np.diff(s) > 0) or s[-1] < 0:
        raise ValueError("survival must not increase")
    widths = np.diff(t)
    return float(np.sum(widths * s[1:])), float(np.sum(widths * s[:-1]))


def difference_bounds(bounds_a: tuple[float, float], bounds_b: tuple[float, float]) -> dict:
    """Range of ``a - b`` when ``a`` and ``b`` are only known to lie within bounds.

    Returns ``lower`` (``a_low - b_high``), ``upper`` (``a_high - b_low``) and
    ``sign_determined``: True when the range excludes 0, so the sign of the difference
    follows from the bounds alone.
    """
    lower = bounds_a[0] - bounds_b[1]
    upper = bounds_a[1] - bounds_b[0]
    return {"lower": lower, "upper": upper, "sign_determined": bool(lower > 0 or upper < 0)}
