"""Synthetic cohorts for tests and benchmarks: resampled from the shipped one, or
generated with a registry's shape.

:func:`resampled_cohort` draws patients with replacement from the shipped
reconstruction, gives them new ids and stretches each patient's times by a small
random factor. It is used by the canary test, which builds the book on a cohort whose
ids and decimals appear nowhere else and then searches the site for them, and for the
small centre's file of the tests.

:func:`registry_cohort` generates a cohort with the shape of a registry's export, which
a resample of 210 patients cannot have: transplants spread over 23 years, follow-up to a
common data cut, worsening events at distinct times in every month of follow-up, losses
to follow-up and deaths. ``make bench`` builds the book on 100,000 such patients. Its
rates are plausible round numbers chosen for shape, not estimates from any registry:
nothing computed from it is a finding.

:func:`registry_visits` gives such a cohort EDSS visits, by the schedule and EDSS course
assumed for the shipped reconstruction (:mod:`hsct_ms.reconstruction.visits`), with a
seed of its own: ``make bench`` builds the book on 10,000 patients with visits.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from hsct_ms.inputs import cohort
from hsct_ms.paths import SHIPPED_COHORT


def resampled_cohort(n: int, seed: int = 2021, id_prefix: str = "SYN", time_decimals: int = 3,
                     age_decimals: int = 0) -> pd.DataFrame:
    """``n`` patients resampled from the shipped cohort (deterministic for a seed).

    Times are multiplied by a factor drawn uniformly from 0.98 to 1.02 per patient
    (both times of a patient by the same factor, so worsening never follows the end
    of follow-up), then rounded to ``time_decimals``.
    """
    base = cohort.read_cohort(SHIPPED_COHORT)
    rng = np.random.default_rng(seed)
    rows = base.iloc[rng.integers(0, len(base), size=n)].reset_index(drop=True)
    stretch = rng.uniform(0.98, 1.02, size=n)
    smallest = 10.0 ** -time_decimals
    for column in ("followup_years", "dwfs_years"):
        rows[column] = np.maximum(np.round(rows[column] * stretch, time_decimals), smallest)
    rows["dwfs_years"] = np.minimum(rows["dwfs_years"], rows["followup_years"])
    if age_decimals:
        rows["age"] = np.round(rows["age"] + rng.uniform(-0.5, 0.5, size=n), age_decimals)
    width = len(str(n))
    rows["patient_id"] = [f"{id_prefix}{i:0{width}d}" for i in range(1, n + 1)]
    return rows


# The registry shape of registry_cohort. Subtype shares and per-subtype yearly hazards
# of confirmed worsening: round numbers of the order reported after aHSCT, not estimates.
REGISTRY_SUBTYPES = {"RRMS": 0.62, "SPMS": 0.35, "PPMS": 0.03}
REGISTRY_WORSENING_PER_YEAR = {"RRMS": 0.03, "SPMS": 0.08, "PPMS": 0.10}
REGISTRY_BASELINE_EDSS = {"RRMS": 4.0, "SPMS": 6.0, "PPMS": 6.0}  # centre of each subtype's EDSS
REGISTRY_LOSS_PER_YEAR = 0.02       # leaving follow-up before the data cut
REGISTRY_DEATH_PER_YEAR = 0.004     # deaths after the first 100 days
REGISTRY_EARLY_DEATHS = 0.01        # transplant-related deaths, within the first 100 days
REGISTRY_YEARS = (1997, 2019)       # first and last transplant year
REGISTRY_DATA_CUT = 2020.5          # follow-up ends by mid-2020


def registry_cohort(n: int, seed: int = 2020, id_prefix: str = "REG", time_decimals: int = 3) -> pd.DataFrame:
    """``n`` patients with a registry's shape (deterministic for a seed).

    Subtypes in the shares of :data:`REGISTRY_SUBTYPES` (a few PPMS); transplant dates
    uniform over :data:`REGISTRY_YEARS`; each patient followed from transplant to the
    first of: the data cut (:data:`REGISTRY_DATA_CUT`), loss to follow-up
    (exponential, :data:`REGISTRY_LOSS_PER_YEAR`) or death (a share
    :data:`REGISTRY_EARLY_DEATHS` within 100 days, then :data:`REGISTRY_DEATH_PER_YEAR`).
    Confirmed worsening has a constant hazard per subtype
    (:data:`REGISTRY_WORSENING_PER_YEAR`), so events fall at distinct times all over the
    follow-up; a worsening after the end of follow-up is censored there, and a patient
    who dies before worsening is censored at death. Ages (18 to 65 years) and baseline
    EDSS (steps of 0.5, 1.0 to 9.0) are drawn around each subtype's centre. Times are in
    years, rounded to ``time_decimals`` (at least one unit of the last decimal).
    """
    rng = np.random.default_rng(seed)
    subtypes = np.array(list(REGISTRY_SUBTYPES))
    subtype = rng.choice(subtypes, size=n, p=list(REGISTRY_SUBTYPES.values()))
    first, last = REGISTRY_YEARS
    transplant_date = rng.uniform(first, last + 1, size=n)
    transplant_year = np.floor(transplant_date).astype(int)
    to_data_cut = REGISTRY_DATA_CUT - transplant_date
    lost = rng.exponential(1 / REGISTRY_LOSS_PER_YEAR, size=n)
    early = rng.random(n) < REGISTRY_EARLY_DEATHS
    death = np.where(early, rng.uniform(0.01, 100 / 365.25, size=n),
                     rng.exponential(1 / REGISTRY_DEATH_PER_YEAR, size=n))
    followup = np.minimum.reduce([to_data_cut, lost, death])
    died = (death <= followup).astype(int)
    hazard = pd.Series(subtype).map(REGISTRY_WORSENING_PER_YEAR).to_numpy()
    worsening_time = rng.exponential(1 / hazard)
    smallest = 10.0 ** -time_decimals
    followup = np.maximum(np.round(followup, time_decimals), smallest)
    worsening_time = np.maximum(np.round(worsening_time, time_decimals), smallest)
    # A worsening on the day of death or of the last visit is still seen (<=).
    worsening = (worsening_time <= followup).astype(int)
    dwfs = np.where(worsening == 1, worsening_time, followup)
    centre = pd.Series(subtype).map(REGISTRY_BASELINE_EDSS).to_numpy()
    edss = np.clip(np.round(rng.normal(centre, 1.2) * 2) / 2, 1.0, 9.0)
    age = np.clip(np.round(rng.normal(np.where(subtype == "RRMS", 32.0, 40.0), 8.0)), 18, 65).astype(int)
    width = len(str(n))
    return pd.DataFrame({
        "patient_id": [f"{id_prefix}{i:0{width}d}" for i in range(1, n + 1)],
        "subtype": subtype, "age": age, "baseline_edss": edss, "transplant_year": transplant_year,
        "followup_years": followup, "dwfs_years": dwfs, "worsening": worsening, "died": died,
    })


def registry_visits(frame: pd.DataFrame, seed: int = 2020, time_decimals: int = 3) -> pd.DataFrame:
    """Assumed EDSS visits of a cohort such as :func:`registry_cohort` (deterministic for a seed).

    The shipped reconstruction's construction
    (:func:`hsct_ms.reconstruction.visits.generate_visits` with its
    :data:`~hsct_ms.reconstruction.visits.SETTINGS`, only the seed replaced): visits every
    6 months for 2 years, then yearly, with jitter and missed visits; a worsening patient
    worsens at ``dwfs_years`` and is confirmed 6 months later, a patient without worsening
    is seen last at ``dwfs_years``. pymsprog's default rule therefore finds each patient's
    ``worsening`` at ``dwfs_years``. A patient has at most ``followup_years + 7`` visits
    (8 for follow-up under a year): the schedule, not the cohort, bounds the file.
    Columns ``patient_id``, ``years_since_transplant``, ``edss``; times rounded to
    ``time_decimals`` (those of the cohort's times, so that the event visit falls on them).
    """
    from dataclasses import replace

    from hsct_ms.reconstruction import visits

    return visits.generate_visits(frame, replace(visits.SETTINGS, seed=seed), time_decimals=time_decimals)


def write_visits(frame: pd.DataFrame, path, time_decimals: int = 3) -> None:
    """Write visits from :func:`registry_visits` as a visits file (``VISITS_CSV``)."""
    from hsct_ms.reconstruction import visits

    Path(path).write_text(visits.visits_text(frame, time_decimals), encoding="utf-8", newline="")


def write_cohort(frame: pd.DataFrame, path) -> None:
    """Write a cohort CSV the way a registry export would look (plain comma-separated)."""
    frame.to_csv(path, index=False, lineterminator="\n")
