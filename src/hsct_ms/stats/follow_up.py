"""Median follow-up by the reverse Kaplan-Meier method."""

from __future__ import annotations

from hsct_ms.stats._checks import check_durations, check_indicator
from hsct_ms.stats.kaplan_meier import km_median


def reverse_km_median_followup(followup_years, died, level: float = 0.95) -> dict[str, float]:
    """Median follow-up by the reverse Kaplan-Meier method.

    The Kaplan-Meier curve (lifelines) of the time to censoring: ending follow-up
    alive is the "event" (indicator ``1 - died``) and a death censors the follow-up
    time.

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
    t = check_durations(followup_years, "followup_years")
    d = check_indicator(died, t.size, "died")
    return km_median(t, 1 - d, level=level)
