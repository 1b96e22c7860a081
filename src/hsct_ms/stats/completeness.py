"""Completeness of follow-up and why patients were censored, against a data cut-off.

A cohort file holds each patient's follow-up time but not the calendar dates, so the
date of transplant within its year and the data cut-off are assumptions; every function
here takes them as arguments, and the page that calls them states them.

Clark's completeness index (Clark, Altman & De Stavola, Lancet 2002;359:1309-1310) is
the observed person-time divided by the person-time that would have been observed had
every patient been followed to the cut-off or to death: 1 means nobody was lost.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["potential_followup", "clark_completeness", "censoring_reasons", "CENSORING_REASONS"]

#: Why a patient's follow-up ended, in display order.
CENSORING_REASONS = ("died", "followed to the cut-off", "stopped before the cut-off")


def potential_followup(transplant_year, data_cutoff: float, month_fraction: float) -> np.ndarray:
    """Years from transplant to the data cut-off.

    Parameters
    ----------
    transplant_year : array-like of int
        Calendar year of transplant.
    data_cutoff : float
        The cut-off as a decimal year (2020.5 = the middle of 2020).
    month_fraction : float
        Assumed position of the transplant within its year (0 = 1 January, 0.5 = mid-year,
        1 = 31 December).
    """
    return data_cutoff - (np.asarray(transplant_year, dtype=float) + month_fraction)


def clark_completeness(followup_years, died, potential_years) -> float:
    """Clark's C: observed over potential person-time, deaths ending potential time.

    Parameters
    ----------
    followup_years : array-like of float
        Transplant to last assessment, or to death.
    died : array-like of {0, 1}
        1 = died at ``followup_years`` (then the potential time ends there too).
    potential_years : array-like of float
        Transplant to the data cut-off (:func:`potential_followup`).

    Returns
    -------
    float
        Between 0 and 1. Follow-up beyond the assumed cut-off (an assumption that puts
        the transplant too late in its year) counts as complete, not as more than complete.
    """
    observed = np.asarray(followup_years, dtype=float)
    potential = np.where(np.asarray(died) == 1, observed, np.asarray(potential_years, dtype=float))
    observed = np.minimum(observed, potential)
    return float(observed.sum() / potential.sum())


def censoring_reasons(followup_years, died, potential_years, window_years: float) -> pd.Series:
    """Why each patient's follow-up ended (one of :data:`CENSORING_REASONS`).

    A surviving patient whose last assessment is within ``window_years`` of the cut-off
    (or after it) counts as followed to the cut-off (administrative censoring); one whose
    follow-up ends earlier stopped before it (lost to follow-up, or not yet assessed
    again: a file of last assessments cannot tell these apart).
    """
    observed = np.asarray(followup_years, dtype=float)
    gap = np.asarray(potential_years, dtype=float) - observed
    reason = np.where(np.asarray(died) == 1, CENSORING_REASONS[0],
                      np.where(gap <= window_years, CENSORING_REASONS[1], CENSORING_REASONS[2]))
    return pd.Series(pd.Categorical(reason, categories=CENSORING_REASONS))
