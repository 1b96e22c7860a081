"""Who was transplanted: the baseline characteristics by group and deaths soon after transplant.

:func:`baseline_table` summarises a cohort file (one row per patient, the columns of
:data:`hsct_ms.inputs.cohort.SCHEMA`) by group, as numbers. :func:`early_deaths` counts
deaths within a number of days of transplant, overall and by era, with exact
(Clopper-Pearson) 95% intervals, and :func:`era_comparison` compares the two eras with
Fisher's exact test. Formatting for the page lives in :mod:`hsct_ms.display.cohort_tables`.

Groups are those of :data:`hsct_ms.terms.BASELINE_GROUPS`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as scipy_stats

from hsct_ms import terms
from hsct_ms.stats import clopper_pearson, reverse_km_median_followup

__all__ = [
    "DAYS_PER_YEAR",
    "ERA_LAST_YEAR",
    "EARLY_ERA",
    "LATE_ERA",
    "baseline_table",
    "early_deaths",
    "era_comparison",
    "EDSS_WALKING_AID",
    "walking_aid_shares",
]

DAYS_PER_YEAR = 365.25
# The paper reports no early death in patients transplanted after 2007.
ERA_LAST_YEAR = 2007
#: Row labels of :func:`early_deaths` for the two eras.
EARLY_ERA = f"Transplanted up to {ERA_LAST_YEAR}"
LATE_ERA = f"Transplanted after {ERA_LAST_YEAR}"


def _summary(frame: pd.DataFrame) -> dict[str, float]:
    n = len(frame)
    if n == 0:
        return {"n": 0}
    age = frame["age"].to_numpy(dtype=float)
    edss = frame["baseline_edss"].to_numpy(dtype=float)
    followup = frame["followup_years"].to_numpy(dtype=float)
    died = frame["died"].to_numpy().astype(int)
    median = {k: float(v) for k, v in reverse_km_median_followup(followup, died).items()}
    sd = (lambda v: float(np.std(v, ddof=1))) if n > 1 else (lambda v: np.nan)
    return {
        "n": n,
        "age_mean": float(age.mean()),
        "age_sd": sd(age),
        "edss_median": float(np.median(edss)),
        "edss_q1": float(np.quantile(edss, 0.25)),
        "edss_q3": float(np.quantile(edss, 0.75)),
        "edss_min": float(edss.min()),
        "edss_max": float(edss.max()),
        "year_min": int(frame["transplant_year"].min()),
        "year_max": int(frame["transplant_year"].max()),
        "followup_mean": float(followup.mean()),
        "followup_sd": sd(followup),
        "followup_median_reverse_km": median["median"],
        "followup_median_lower": median["lower"],
        "followup_median_upper": median["upper"],
        "deaths": int(died.sum()),
    }


def baseline_table(patients: pd.DataFrame) -> pd.DataFrame:
    """Baseline characteristics by group, as numbers.

    Parameters
    ----------
    patients : DataFrame
        One row per patient with the columns ``subtype``, ``age`` (years at
        transplant), ``baseline_edss``, ``transplant_year``, ``followup_years``
        (transplant to last contact or death) and ``died`` (1 = follow-up ended by
        death, 0 = alive at last contact).

    Returns
    -------
    pandas.DataFrame
        Index = group (:data:`hsct_ms.terms.BASELINE_GROUPS`, in that order); columns ``n``,
        ``age_mean``, ``age_sd``, ``edss_median``, ``edss_q1``, ``edss_q3``,
        ``edss_min``, ``edss_max``, ``year_min``, ``year_max``, ``followup_mean``,
        ``followup_sd``, ``followup_median_reverse_km`` with its 95% interval
        ``followup_median_lower`` and ``followup_median_upper`` (years) and ``deaths`` (at any
        time). A group with no patient has ``n = 0`` and NaN elsewhere.

    Notes
    -----
    SDs are sample SDs (``ddof = 1``; NaN for one patient). Quartiles use linear
    interpolation between order statistics (numpy's default, R's ``type = 7``).
    The follow-up median is the reverse Kaplan-Meier median
    (:func:`hsct_ms.stats.reverse_km_median_followup`): deaths censor follow-up
    instead of counting as short follow-up. It is NaN when the reverse curve never
    reaches one half. None of these depends on the order of the rows.

    Examples
    --------
    >>> from hsct_ms.inputs import cohort
    >>> table = baseline_table(cohort.load_cohort())
    >>> int(table.loc["All", "n"])
    210
    """
    members = terms.group_members(patients, terms.BASELINE_GROUPS, keep_empty=True)
    rows = {group: _summary(frame) for group, frame in members.items()}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "group"
    for column in ("n", "deaths", "year_min", "year_max"):
        if column in table:
            table[column] = table[column].astype("Int64")
    return table


# --- deaths soon after transplant --------------------------------------------------------


def early_deaths(patients: pd.DataFrame, days: int = 100, level: float = 0.95) -> pd.DataFrame:
    """Deaths within ``days`` of transplant, overall and by era, with exact intervals.

    Parameters
    ----------
    patients : DataFrame
        One row per patient with ``transplant_year``, ``followup_years`` and ``died``.
        A death counts when ``died == 1`` and ``followup_years * 365.25 <= days``
        (follow-up ends at death).
    days : int, default 100
        The window after transplant (the paper's transplant-related mortality window).
    level : float, default 0.95
        Confidence level of the Clopper-Pearson interval.

    Returns
    -------
    pandas.DataFrame
        Rows ``All``, ``Transplanted up to 2007`` and ``Transplanted after 2007``
        (:data:`ERA_LAST_YEAR`); columns ``patients``, ``deaths``, ``proportion``,
        ``lower`` and ``upper`` (proportions in [0, 1]; NaN for an empty era).

    Notes
    -----
    A crude proportion: every patient is counted in the denominator, which is
    right here because every patient was followed past the window or died within
    it. The exact interval is conservative (coverage at least ``level``); with a
    handful of deaths it is wide, and an era with no death still has an upper
    bound well above zero.
    """
    early = (patients["died"].to_numpy() == 1) & (
        patients["followup_years"].to_numpy(dtype=float) * DAYS_PER_YEAR <= days)
    year = patients["transplant_year"].to_numpy()
    eras = {
        terms.ALL: np.ones(len(patients), dtype=bool),
        EARLY_ERA: year <= ERA_LAST_YEAR,
        LATE_ERA: year > ERA_LAST_YEAR,
    }
    rows = []
    for label, members in eras.items():
        n, k = int(members.sum()), int(early[members].sum())
        lower, upper = clopper_pearson(k, n, level) if n else (np.nan, np.nan)
        rows.append({"era": label, "patients": n, "deaths": k,
                     "proportion": k / n if n else np.nan, "lower": lower, "upper": upper})
    return pd.DataFrame(rows).set_index("era")


def era_comparison(deaths: pd.DataFrame) -> dict[str, float]:
    """Fisher's exact test of early deaths up to :data:`ERA_LAST_YEAR` against after it.

    Parameters
    ----------
    deaths : DataFrame
        As returned by :func:`early_deaths`.

    Returns
    -------
    dict
        ``odds_ratio`` (sample odds ratio, early era over late; ``inf`` when the late era
        has no death) and ``p_value`` (two-sided, scipy's rule: the tables no more likely
        than the observed one), equal to R ``fisher.test(matrix(...))$p.value``.

    Notes
    -----
    The test conditions on both margins: the number of patients in each era and the
    total number of early deaths. With the shipped reconstruction the era sizes are an
    assumption (the paper publishes the deaths by era, not the patients), so the p-value
    depends on that assumption. Overlap of the two exact intervals is not a test: two
    95% intervals can overlap while the difference is significant.
    """
    early, late = deaths.loc[EARLY_ERA], deaths.loc[LATE_ERA]
    table = [[int(early["deaths"]), int(early["patients"] - early["deaths"])],
             [int(late["deaths"]), int(late["patients"] - late["deaths"])]]
    odds_ratio, p_value = scipy_stats.fisher_exact(table, alternative="two-sided")
    return {"odds_ratio": float(odds_ratio), "p_value": float(p_value)}


def largest_early_era_for_significance(n_patients: int, deaths_early: int, deaths_late: int,
                                       level: float = 0.05) -> int | None:
    """The largest early era for which Fisher's exact test of the eras reaches ``level``.

    Uses published numbers alone: the cohort size and the early deaths in each era. The
    era sizes are not published, so every split ``k`` (patients up to
    :data:`ERA_LAST_YEAR`) from the deaths of the early era to ``n_patients`` minus the
    deaths of the late one is tried; the two-sided p-value (as R ``fisher.test``) falls as
    the early era shrinks when the deaths all fell in it.

    Returns
    -------
    int or None
        The largest ``k`` with p < ``level``, or None when no split reaches it.

    Examples
    --------
    Three deaths, all in the early era, of 210 patients (Boffa 2021): p < 0.05 needs an
    early era of at most 77 patients, because then C(k, 3) / C(210, 3) < 0.05.

    >>> largest_early_era_for_significance(210, 3, 0)
    77
    """
    deaths = deaths_early + deaths_late
    significant = [
        k for k in range(max(deaths_early, 1), n_patients - deaths_late)
        if scipy_stats.fisher_exact([[deaths_early, k - deaths_early],
                                     [deaths_late, n_patients - k - deaths_late]])[1] < level
    ] if deaths else []
    return max(significant) if significant else None


#: EDSS from which a walking aid is needed to walk 100 m (Kurtzke's scale).
EDSS_WALKING_AID = 6.0


def walking_aid_shares(patients: pd.DataFrame) -> dict[str, float]:
    """Share of RRMS patients below :data:`EDSS_WALKING_AID` and of progressive patients at or above it."""
    rrms = patients[terms.group_mask(patients, terms.RRMS)]
    progressive = patients[terms.progressive_mask(patients)]
    return {
        "rrms_below_aid": float((rrms["baseline_edss"] < EDSS_WALKING_AID).mean()),
        "progressive_at_aid": float((progressive["baseline_edss"] >= EDSS_WALKING_AID).mean()),
    }
