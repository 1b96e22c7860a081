"""The unpublished quantities of the reconstruction: its settings and named assumptions.

Everything the paper did not publish is either a :class:`Settings` field (a number the
reconstruction needs) or an :class:`Assumption` (a modelling choice, with its reason),
listed once here and shown in the book by :func:`settings_table` and
:func:`assumptions_table`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pandas as pd

from hsct_ms import terms
from hsct_ms.inputs import published

#: The paper's two analysis groups, by their names in ``data/published/values.csv``.
GROUPS = (terms.PUBLISHED_GROUP[terms.RRMS], terms.PUBLISHED_GROUP[terms.PROGRESSIVE])
#: Patients by subtype, as published (abstract and press release).
N_BY_SUBTYPE = {subtype: published.subtype_count(subtype) for subtype in terms.SUBTYPES}
TIME_DECIMALS = 3  # years, about 9 hours: finer than any clinical date
COLUMNS = [
    "patient_id", "subtype", "age", "baseline_edss", "transplant_year",
    "followup_years", "dwfs_years", "worsening", "died",
]


@dataclass(frozen=True)
class Assumption:
    """One thing the paper did not publish, the value used, and why."""

    topic: str
    value: str
    reason: str


@dataclass(frozen=True)
class Settings:
    """The unpublished quantities of the reconstruction (see :data:`ASSUMPTIONS`)."""

    data_cutoff: float = 2020.5
    transplant_month_fraction: float = 0.5
    min_followup_years: float = 0.5
    death_days: tuple[int, ...] = (25, 50, 75)
    death_subtypes: tuple[str, ...] = ("RRMS", "SPMS", "SPMS")
    death_years: tuple[int, ...] = (1999, 2003, 2006)
    late_hazard_ratio: float = 1.0
    # Slope of the hazard within 0-5 years relative to its mean (see worsening_times):
    # 0 = flat (the shipped cohort), negative = falling, positive = rising.
    early_hazard_slope: float = 0.0
    age_mean_rrms: float = 33.0
    age_sd: float = 8.0
    age_limits: tuple[int, int] = (18, 60)
    edss_mean_rrms: float = 5.0
    edss_sd_rrms: float = 1.5
    edss_mean_progressive: float = 6.5
    edss_sd_progressive: float = 0.9
    tilts: tuple[float, ...] = (0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0)
    allocation_seeds: int = 12
    event_seeds: int = 60
    estimate_margin: float = 0.4  # points; below the match tolerance, terms.TOLERANCE
    bound_margin: float = 1.25  # points; below the match tolerance, terms.TOLERANCE
    seed: int = 20210120


DEFAULT_SETTINGS = Settings()

ASSUMPTIONS: tuple[Assumption, ...] = (
    Assumption("Follow-up distribution",
               "shifted gamma (minimum 0.5 y), truncated at the longest possible follow-up",
               "only the mean and SD are published; follow-up times are right-skewed and "
               "every survivor had at least one assessment (the first at 6 months)"),
    Assumption("Data cut-off", "mid-2020 (2020.5)",
               "transplants ran to 2019 and the paper appeared online in January 2021"),
    Assumption("Transplant date within the year", "mid-year",
               "only years are published"),
    Assumption("Transplant years", "spread evenly over 1997-2019; longer follow-up goes "
               "with earlier transplants",
               "only the range 1997-2019 is published; follow-up cannot exceed the time "
               "from transplant to the cut-off"),
    Assumption("Follow-up by subtype", "a seeded random split of the follow-up times, tilted "
               "toward shorter RRMS follow-up only if no plain split meets the targets",
               "follow-up by subtype is not published; the number at risk it implies is "
               "constrained only by the width of the published intervals"),
    Assumption("Worsening hazard", "constant before 5 years, constant from 5 years on "
               "(same rate after 10 years); the ensemble also tries hazards that fall or rise "
               "within 0-5 years and change after 10 years",
               "only 5- and 10-year estimates are published, so two rates per group are "
               "all the data can determine"),
    Assumption("Timing of worsening", "continuous time",
               "real worsening is found at visits; visit dates are not published"),
    Assumption("Deaths", "3 deaths, at 25, 50 and 75 days; one RRMS, two SPMS; "
               "transplanted in 1999, 2003 and 2006",
               "the paper reports 3 deaths within 100 days, none after 2007; "
               "subtypes and exact days are not published"),
    Assumption("No death after day 100", "every other patient is alive to the end of follow-up, "
               "up to 22 years after transplant",
               "later deaths are not published; a patient who died later would leave follow-up "
               "earlier, so this makes the numbers at risk late in follow-up an upper limit "
               "(the limitations chapter tries an alternative)"),
    Assumption("Deaths in the worsening analysis", "censored at death",
               "the paper's rule is not published; `died` is kept so another rule can be tried"),
    Assumption("Age", "normal, SD 8 years, RRMS mean 33 and progressive mean set so the "
               "whole-cohort mean is 35; whole years from 18 to 60",
               "only the whole-cohort mean (35) is published; progressive MS is usually "
               "treated at an older age"),
    Assumption("Baseline EDSS", "RRMS around 5.0 (SD 1.5), progressive around 6.5 (SD 0.9), "
               "rounded to the 0.5 grid; lowest 1.0 and highest 9.0",
               "only the whole-cohort median (6) and range (1-9) are published"),
    Assumption("Covariates and outcome", "age, EDSS and transplant year unrelated to worsening "
               "within a subtype",
               "no covariate effect is published; any effect in this cohort would be invented"),
    Assumption("PPMS", "the 2 PPMS patients are analysed with SPMS as progressive MS",
               "as in the paper's progressive group"),
)


def settings_table(settings: Settings = DEFAULT_SETTINGS) -> pd.DataFrame:
    """The settings as a two-column table (name, value), for the book."""
    return pd.DataFrame(
        [(f.name, getattr(settings, f.name)) for f in dataclasses.fields(settings)],
        columns=["setting", "value"],
    )


def assumptions_table() -> pd.DataFrame:
    """Every assumption of the reconstruction, with its reason (one place, shown in the book)."""
    return pd.DataFrame([dataclasses.asdict(a) for a in ASSUMPTIONS]).rename(
        columns={"topic": "Assumption", "value": "Value used", "reason": "Why"}
    )
