"""Generation steps of the reconstruction: follow-up, subtypes, worsening, covariates.

Each function is one step of the method described in :mod:`hsct_ms.reconstruction.method`;
the search that chooses their free parameters is :mod:`hsct_ms.reconstruction.calibration`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import optimize, stats

from hsct_ms.inputs import published
from hsct_ms.reconstruction.settings import (
    COLUMNS, DEFAULT_SETTINGS, GROUPS, N_BY_SUBTYPE, TIME_DECIMALS, Settings,
)


def followup_times(settings: Settings = DEFAULT_SETTINGS) -> np.ndarray:
    """Follow-up (years) of the survivors: quantiles of a shifted, truncated gamma.

    The gamma's shape and scale are solved so the survivors' times together with the
    deaths' have exactly the published mean and SD.
    """
    n_total = sum(N_BY_SUBTYPE.values())
    deaths = death_times(settings)
    n = n_total - len(deaths)
    mean, sd = published.cohort_value("followup", "mean"), published.cohort_value("followup", "sd")
    longest = settings.data_cutoff - (published.cohort_value("transplant_year", "year_min")
                                      + settings.transplant_month_fraction)
    span = longest - settings.min_followup_years
    probs = (np.arange(1, n + 1) - 0.5) / n

    def times(params):
        shape, scale = params
        top = stats.gamma.cdf(span, shape, scale=scale)
        return settings.min_followup_years + stats.gamma.ppf(probs * top, shape, scale=scale)

    def residual(params):
        all_times = np.concatenate([times(params), deaths])
        return [all_times.mean() - mean, all_times.std(ddof=1) - sd]

    fit = optimize.least_squares(residual, x0=[1.5, 4.0], bounds=([0.1, 0.1], [20.0, 50.0]),
                                 xtol=1e-12, ftol=1e-12)
    if max(abs(r) for r in residual(fit.x)) > 1e-6:
        raise RuntimeError("no follow-up distribution matches the published mean and SD")
    return np.round(times(fit.x), TIME_DECIMALS)


def death_times(settings: Settings = DEFAULT_SETTINGS) -> np.ndarray:
    """Follow-up (years) of the early deaths: their days since transplant."""
    return np.round(np.array(settings.death_days) / 365.25, TIME_DECIMALS)


def allocate_subtypes(followup: np.ndarray, n_rrms: int, tilt: float, seed: int) -> np.ndarray:
    """Boolean mask: which follow-up times go to RRMS patients.

    A weighted draw without replacement (Efraimidis-Spirakis keys) with weight
    exp(-tilt * rank), rank in [0, 1] by follow-up: tilt 0 is a plain random split,
    larger tilts give RRMS the shorter follow-up times.
    """
    rng = np.random.default_rng(seed)
    rank = stats.rankdata(followup, method="ordinal") / len(followup)
    keys = np.log(rng.uniform(size=len(followup))) / np.exp(-tilt * rank)
    mask = np.zeros(len(followup), dtype=bool)
    mask[np.argsort(-keys, kind="stable")[:n_rrms]] = True
    return mask


def worsening_times(uniforms: np.ndarray, rate_early: float, rate_late: float,
                    late_hazard_ratio: float = 1.0, early_hazard_slope: float = 0.0) -> np.ndarray:
    """Latent worsening times (years) from a piecewise hazard (inverse cumulative hazard).

    The hazard is ``rate_late`` from 5 to 10 years and ``rate_late * late_hazard_ratio``
    after 10 years. Before 5 years it is ``rate_early * (1 + s * (t - 2.5) / 2.5)`` with
    ``s = early_hazard_slope`` in [-1, 1]: flat for ``s = 0``, falling from
    ``(1 - s)`` to ``(1 + s)`` times ``rate_early`` over 0-5 years for ``s < 0``,
    rising for ``s > 0``. Its mean over 0-5 years is ``rate_early`` whatever ``s``, so
    the cumulative hazard at 5 years (and the 5-year survival) does not depend on ``s``.

    Notes
    -----
    Before 5 years the cumulative hazard is ``H(t) = r ((s / 5) t^2 + (1 - s) t)``;
    ``t = 2c / (b + sqrt(b^2 + 4ac))`` with ``a = s / 5``, ``b = 1 - s``, ``c = H / r``
    solves it without cancellation and equals ``H / r`` exactly when ``s = 0``.
    """
    if not -1.0 <= early_hazard_slope <= 1.0:
        raise ValueError("the early hazard slope must be within [-1, 1] (the hazard stays >= 0)")
    cumulative = -np.log1p(-uniforms)
    h5 = 5 * rate_early
    h10 = h5 + 5 * rate_late
    rate_after = rate_late * late_hazard_ratio
    a, b = early_hazard_slope / 5, 1.0 - early_hazard_slope
    c = np.minimum(cumulative, h5) / rate_early
    early = 2 * c / (b + np.sqrt(np.maximum(b * b + 4 * a * c, 0.0)))
    return np.where(
        cumulative < h5, early,
        np.where(cumulative < h10, 5 + (cumulative - h5) / rate_late, 10 + (cumulative - h10) / rate_after),
    )


def observe(latent: np.ndarray, censor: np.ndarray, is_death: np.ndarray):
    """Observed DWFS time and event flag: worsening if seen before the last assessment.

    A patient who died is censored at death (see :data:`ASSUMPTIONS`).
    """
    # Rounded to the stored precision; a time that would round to zero is kept above it.
    latent = np.maximum(np.round(latent, TIME_DECIMALS), 10.0 ** -TIME_DECIMALS)
    event = (latent <= censor) & ~is_death
    return np.where(event, latent, censor), event.astype(int)


def assign_covariates(calibration, settings: Settings = DEFAULT_SETTINGS) -> pd.DataFrame:
    """Transplant year, age, baseline EDSS and subtype label for each patient.

    ``calibration`` is the :class:`~hsct_ms.reconstruction.calibration.Calibration`
    the search settled on (its follow-up, groups, deaths and fitted outcome columns).
    """
    followup, group, is_death = calibration.followup, calibration.group, calibration.is_death
    n = len(followup)
    rng = np.random.default_rng([settings.seed, 7])
    first = int(published.cohort_value("transplant_year", "year_min"))
    last = int(published.cohort_value("transplant_year", "year_max"))

    # Transplant years: spread evenly, longest follow-up with the earliest years.
    survivors = np.flatnonzero(~is_death)
    years = np.repeat(np.arange(first, last + 1), int(np.ceil(len(survivors) / (last - first + 1))))
    years = np.sort(years[np.linspace(0, len(years) - 1, len(survivors)).round().astype(int)])
    transplant_year = np.empty(n, dtype=int)
    transplant_year[survivors[np.argsort(-followup[survivors], kind="stable")]] = years
    transplant_year[np.flatnonzero(is_death)] = settings.death_years
    room = settings.data_cutoff - (transplant_year + settings.transplant_month_fraction)
    if np.any(followup > room + 1e-9):
        raise RuntimeError("follow-up longer than the time from transplant to the data cut-off")

    # Subtype: the 2 PPMS patients are drawn among the surviving progressive patients.
    subtype = np.where(group == "RRMS", "RRMS", "SPMS").astype(object)
    progressive_survivors = np.flatnonzero((group == "progressive") & ~is_death)
    subtype[rng.choice(progressive_survivors, N_BY_SUBTYPE["PPMS"], replace=False)] = "PPMS"

    age = np.empty(n)
    edss = np.empty(n)
    n_rrms = int((group == "RRMS").sum())
    n_prog = n - n_rrms
    age_mean = published.cohort_value("age", "mean")
    age_mean_prog = (age_mean * n - settings.age_mean_rrms * n_rrms) / n_prog
    lowest_edss = published.cohort_value("baseline_edss", "min")
    highest_edss = published.cohort_value("baseline_edss", "max")
    for name, count, a_mean, e_mean, e_sd in (
        ("RRMS", n_rrms, settings.age_mean_rrms, settings.edss_mean_rrms, settings.edss_sd_rrms),
        ("progressive", n_prog, age_mean_prog, settings.edss_mean_progressive, settings.edss_sd_progressive),
    ):
        probs = (np.arange(1, count + 1) - 0.5) / count
        ages = np.clip(np.round(stats.norm.ppf(probs, a_mean, settings.age_sd)), *settings.age_limits)
        scores = np.clip(np.round(stats.norm.ppf(probs, e_mean, e_sd) * 2) / 2, lowest_edss, highest_edss)
        members = np.flatnonzero(group == name)
        age[members] = rng.permutation(ages)
        edss[members] = rng.permutation(scores)
    # The published range is 1-9: the least disabled RRMS and the most disabled
    # progressive patient sit at its ends.
    rrms = np.flatnonzero(group == "RRMS")
    prog = np.flatnonzero(group == "progressive")
    edss[rrms[np.argmin(edss[rrms])]] = lowest_edss
    edss[prog[np.argmax(edss[prog])]] = highest_edss

    dwfs = np.empty(n)
    worsening = np.empty(n, dtype=int)
    for name in GROUPS:
        dwfs[group == name] = calibration.fits[name].dwfs_years
        worsening[group == name] = calibration.fits[name].worsening

    frame = pd.DataFrame({
        "subtype": subtype.astype(str),
        "age": age.astype(int),
        "baseline_edss": edss,
        "transplant_year": transplant_year,
        "followup_years": followup,
        "dwfs_years": dwfs,
        "worsening": worsening,
        "died": is_death.astype(int),
    })
    # Row order and ids carry no information: shuffle, then number.
    frame = frame.iloc[rng.permutation(n)].reset_index(drop=True)
    frame.insert(0, "patient_id", [f"REC{i:03d}" for i in range(1, n + 1)])
    return frame[COLUMNS]
